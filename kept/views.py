from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions import exports
from actions.exports import CSV_TYPE, XLSX_TYPE
from actions.filters import action_log_filter
from actions.keyset import query_without_paging
from kept.models import ExportKind, ExportStatus, KeptExport
from kept.tasks import request_export


def action_log_csv(request):
    return _export(request, ExportKind.CSV)


def action_log_xlsx(request):
    return _export(request, ExportKind.XLSX)


def _export(request, kind):
    """What the action log shows, filters and all, as a download: streamed while the browser
    waits, a chunk of rows at a time, or, above ``EXPORT_BACKGROUND_ROWS`` rows, prepared in
    the background and kept for the person who asked (``export`` below)."""
    actions = action_log_filter(request.GET, request).qs
    if actions.count() > settings.EXPORT_BACKGROUND_ROWS:
        # The filters only: which page the log was on does not change what is exported.
        export = request_export(request.user, kind, query_without_paging(request.GET))
        return redirect("kept:export", pk=export.pk)
    name = exports.filename(timezone.localdate(), kind)
    if kind == ExportKind.CSV:
        response = StreamingHttpResponse(
            exports.csv_chunks(exports.LOG_COLUMNS, exports.rows(actions)),
            content_type=exports.CSV_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    out = exports.xlsx_file(
        exports.LOG_COLUMNS, exports.rows(actions), title="Action log", widths=exports.LOG_WIDTHS
    )
    return FileResponse(out, as_attachment=True, filename=name, content_type=exports.XLSX_TYPE)


def _own_export(request, pk):
    """The export, for the person who asked for it only: anyone else is told it does not
    exist, as for any object they may not see (what it holds is what that person may see)."""
    return get_object_or_404(KeptExport, pk=pk, user=request.user)


@require_GET
def export(request, pk):
    """Where a large export stands: being prepared (the page checks again every few seconds
    with htmx, or with the button), ready to download, or failed."""
    kept = _own_export(request, pk)
    # Only while it is being prepared (the page polls then), and only the asker's own.
    if (
        kept.status == ExportStatus.PREPARING
        and KeptExport.objects.filter(pk=kept.pk).fail_abandoned()
    ):
        kept.refresh_from_db()
    template = "kept/export.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"export": kept, "Status": ExportStatus})


@require_GET
def download(request, pk):
    kept = _own_export(request, pk)
    if kept.status != ExportStatus.READY or not kept.file:
        raise Http404("This export is not ready.")
    content_type = CSV_TYPE if kept.kind == "csv" else XLSX_TYPE
    name = f"action-log-{kept.requested_at.date().isoformat()}.{kept.kind}"
    try:
        file = kept.file.open("rb")
    except FileNotFoundError:
        # Deleted from the storage since (README, "The worker"): the person may ask again.
        context = {"export": kept, "Status": ExportStatus, "gone": True}
        return render(request, "kept/export.html", context, status=410)
    return FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
