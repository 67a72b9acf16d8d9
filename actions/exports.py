"""The action log as OPCCs circulate it: the columns of the CSV and XLSX exports, which
import_actions reads back."""

import csv
import io

from openpyxl import Workbook
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


def as_csv(actions):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(row(action) for action in actions)
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
            sheet.cell(row=number, column=column, value=value).data_type = "s"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", [12, 60, 14, 40, 8, 30, 60, 28], strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(today, extension):
    return f"action-log-{today.isoformat()}.{extension}"
