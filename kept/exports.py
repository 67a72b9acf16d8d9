"""Exports of the action log: streamed while the browser waits when they are small enough,
prepared in the background and kept when they are not (``EXPORT_BACKGROUND_ROWS``)."""

import tempfile
from types import SimpleNamespace

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone

from actions import exports
from actions.filters import action_log_filter
from kept.models import ExportKind, ExportStatus, KeptExport


def filtered_actions(user, query):
    """What the action log shows ``user`` with the filters ``query`` (a QueryDict): what
    they may see, and no more, however the export is made."""
    # The filters offer only the meetings the user may see: they ask the request for them.
    return action_log_filter(query, SimpleNamespace(user=user)).qs


def write_export(kind, actions, out):
    """The export of ``actions`` written into the binary file ``out``."""
    cells = exports.rows(actions)
    if kind == ExportKind.CSV:
        for chunk in exports.csv_chunks(exports.LOG_COLUMNS, cells):
            out.write(chunk)
    else:
        exports.write_xlsx(
            out, exports.LOG_COLUMNS, cells, title="Action log", widths=exports.LOG_WIDTHS
        )


def prepare(export_id):
    """Make the export ``export_id`` and keep it through the storage API."""
    export = KeptExport.objects.select_related("user").get(pk=export_id)
    if export.status != ExportStatus.PREPARING:
        return export.status
    actions = filtered_actions(export.user, QueryDict(export.query))
    try:
        with tempfile.TemporaryFile() as out:
            write_export(export.kind, actions, out)
            out.seek(0)
            today = timezone.localdate()
            export.file.save(exports.filename(today, export.kind), File(out), save=False)
        export.rows = actions.count()
        export.status = ExportStatus.READY
    except Exception:
        export.status = ExportStatus.FAILED
        raise
    finally:
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "rows", "status", "finished_at"])
    return export.status
