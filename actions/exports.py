"""The action log as OPCCs circulate it: the columns of the CSV and XLSX exports, which
import_actions reads back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def row(action):
    """One action as a row; ``action`` comes from ``Action.objects.for_listing()``."""
    return [
        action.reference,
        action.text,
        action.owner_display,
        action.meeting.title,
        action.item_label,
        action.due_display,
        action.latest_update,
        action.get_status_display(),
    ]


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


def as_csv(actions):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([neutralised(cell) for cell in row(action)] for action in actions)
    return out.getvalue()


def as_xlsx(actions, title="Action log"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, action in enumerate(actions, start=2):
        for column, value in enumerate(row(action), start=1):
            # openpyxl takes text starting with "=" for a formula; minutes are never formulas.
            # A worksheet cannot hold control characters (openpyxl refuses the whole file),
            # and they show as nothing anyway.
            cell = sheet.cell(row=number, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", [12, 60, 14, 40, 8, 30, 60, 28], strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(today, extension):
    return f"action-log-{today.isoformat()}.{extension}"
