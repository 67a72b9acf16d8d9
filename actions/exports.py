"""The action log as OPCCs circulate it: the columns of the CSV and XLSX exports, which
import_actions reads back.

Both are written a chunk of rows at a time, whatever the log's size: the CSV as a stream of
text, the workbook with openpyxl's write-only mode (rows go to a temporary file as they come,
not into a tree of cells), so an export of 100,000 actions takes no more memory than one of
1,000. ``exports_kept`` produces the largest in the background and keeps them."""

import csv
import datetime
import tempfile

from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actions.models import DueKind

COLUMNS = [
    "Reference",
    "Action",
    "Owner",
    "Raised at meeting",
    "Item",
    "Due",
    "Latest update",
    "Status",
]
WIDTHS = [12, 60, 14, 40, 8, 30, 60, 28]
# The exports add the due as a date a spreadsheet sorts and filters by, where the due has a
# day; the import reads the Due column and leaves this one.
LOG_COLUMNS = [*COLUMNS, "Due date"]
LOG_WIDTHS = [*WIDTHS, 16]
# Excel reads a CSV without a byte order mark in the computer's legacy code page, so that
# "PCC’s office" showed as "PCCâ€™s office"; with it, as UTF-8.
BOM = "\ufeff"
# Rows fetched at a time: each chunk is one query for the actions and one per prefetched
# relation, so the queries grow with the log by a thousandth, and memory not at all.
CHUNK_SIZE = 2000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows written to the workbook's temporary file in memory before it spills to disk.
SPOOL_BYTES = 8 * 1024 * 1024
# A date cell as the product words dates: 31 October 2017.
DATE_FORMAT = "dd mmmm yyyy"


def row(action):
    """One action as a row; ``action`` comes from ``Action.objects.for_listing()``. A
    reference that repeats is qualified as the log shows it (``Action.reference_label``)."""
    return [
        action.reference_label,
        action.text,
        action.owner_display,
        action.meeting.title,
        action.item_label,
        action.due_display,
        action.latest_update,
        action.get_status_display(),
        due_on(action),
    ]


def due_on(action):
    """The day the action is due, where its due has one: its date, or the day of the meeting
    it is due at once that meeting is arranged; None for a month or an open-ended due."""
    if action.due_kind == DueKind.OPEN:
        return None
    if action.due_date:
        return action.due_date
    return action.due_at.date if action.due_at_id else None


def rows(actions):
    """Every action's row, fetched ``CHUNK_SIZE`` at a time (prefetches included)."""
    return (row(action) for action in actions.iterator(chunk_size=CHUNK_SIZE))


# A spreadsheet opening the CSV runs a cell that starts with one of these as a formula
# (OWASP, "CSV Injection"): "=HYPERLINK(...)", "+cmd|...", "@SUM(...)", "-2+3+cmd".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def neutralised(value):
    """``value`` made inert for a spreadsheet, as OWASP advises: a leading apostrophe, which
    spreadsheets read as "this cell is text". Text that already starts with an apostrophe
    gets one more, so that `read_back` returns every cell exactly as it was."""
    if value.startswith((*FORMULA_STARTS, TEXT_MARK)):
        return TEXT_MARK + value
    return value


def read_back(value):
    """The text `neutralised` was given."""
    return value.removeprefix(TEXT_MARK)


def unqualified(reference, meeting):
    """The reference of an exported row raised at ``meeting``, without the qualifier the
    export adds where it repeats ("Action 1 (12 January 2022)" is "Action 1")."""
    series = meeting.series
    label, on = series.short_name or series.name, date_format(meeting.date, "j F Y")
    for qualifier in (f"{label}, {on}", on, label):
        if reference.endswith(f" ({qualifier})"):
            return reference.removesuffix(f" ({qualifier})")
    return reference


class _Line:
    """A file that hands back what csv.writer writes to it, one line at a time."""

    def write(self, text):
        return text


def csv_text(value):
    """A cell as CSV text: a date as 2017-10-31, which every spreadsheet reads as a date
    whatever its language; nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_lines(columns, cells):
    """The CSV, a line at a time: the heading, then each row of ``cells`` made inert."""
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for cells_of_row in cells:
        yield writer.writerow([neutralised(csv_text(cell)) for cell in cells_of_row])


def csv_chunks(columns, cells, lines_per_chunk=500):
    """The CSV as UTF-8 bytes, after the byte order mark, in chunks of some hundred lines:
    one write to the client for each, rather than one per line."""
    start, batch = BOM, []
    for line in csv_lines(columns, cells):
        batch.append(line)
        if len(batch) >= lines_per_chunk:
            yield (start + "".join(batch)).encode()
            start, batch = "", []
    if batch:
        yield (start + "".join(batch)).encode()


def write_xlsx(out, columns, cells, *, title, widths):
    """The workbook, written row by row into the binary file ``out``: a bold heading row
    that stays in view, the columns ``widths`` wide, and every cell text."""
    workbook = Workbook(write_only=True)
    add_sheet(workbook, title, columns, cells, widths)
    workbook.save(out)


def add_sheet(workbook, title, columns, cells, widths):
    """A sheet of the write-only ``workbook``: a bold heading row that stays in view, the
    columns ``widths`` wide, then ``cells`` row by row. Text is always text, never a formula;
    numbers stay numbers, dates show as 31 October 2017, None is an empty cell."""
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    heading = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    for cells_of_row in cells:
        sheet.append([_cell(sheet, value) for value in cells_of_row])
    return sheet


def _cell(sheet, value):
    if not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        return cell
    # openpyxl takes text starting with "=" for a formula; minutes are never formulas.
    # A worksheet cannot hold control characters (openpyxl refuses the whole file), and
    # they show as nothing anyway.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_file(columns, cells, *, title, widths):
    """The workbook in a temporary file, rewound, for a FileResponse or the storage to read;
    in memory up to ``SPOOL_BYTES``, on disk beyond."""
    # Closed by whoever reads it: the FileResponse when it is sent, or the caller.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    write_xlsx(out, columns, cells, title=title, widths=widths)
    out.seek(0)
    return out


def as_csv(actions):
    """The whole CSV as text, without the byte order mark (small logs and tests); the views
    stream ``csv_chunks``."""
    return "".join(csv_lines(LOG_COLUMNS, rows(actions)))


def as_xlsx(actions, title="Action log"):
    """The whole workbook as bytes (small logs and tests); the views stream ``xlsx_file``."""
    with xlsx_file(LOG_COLUMNS, rows(actions), title=title, widths=LOG_WIDTHS) as out:
        return out.read()


def filename(today, extension):
    return f"action-log-{today.isoformat()}.{extension}"
