from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from actions.exports import CSV_TYPE, XLSX_TYPE
from kept.models import ExportStatus, KeptExport


def _own_export(request, pk):
    """The export, for the person who asked for it only: anyone else is told it does not
    exist, as for any object they may not see (what it holds is what that person may see)."""
    return get_object_or_404(KeptExport, pk=pk, user=request.user)


@require_GET
def export(request, pk):
    """Where a large export stands: being prepared (the page checks again every few seconds
    with htmx, or with the button), ready to download, or failed."""
    kept = _own_export(request, pk)
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
