"""The minutes as documents to circulate: Word (python-docx) and PDF (WeasyPrint).

Both read the same rows as the screen (``meetings.minutes``), so the three cannot disagree.
"""

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from meetings.minutes import when_line


class PdfUnavailable(Exception):
    """WeasyPrint needs Pango from the operating system; without it there is no PDF."""


def minutes_docx(context):
    from docx import Document
    from docx.shared import Pt

    meeting = context["meeting"]
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(f"{meeting.title} – Meeting Notes", level=1)
    for label, value in [
        ("Date:", when_line(meeting)),
        ("Chair:", meeting.chair.name if meeting.chair else "Not recorded"),
        (
            "Minutes:",
            ", ".join(
                part
                for part in [
                    meeting.minute_taker.name if meeting.minute_taker else "",
                    meeting.minute_taker_capacity,
                ]
                if part
            ),
        ),
        ("Venue", meeting.venue),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label} ").bold = True
        paragraph.add_run(value)

    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.rows[0].cells[1].text, table.rows[0].cells[2].text = "Name:", "Capacity:"
    for label, people in [
        ("Attendance:", context["present"]),
        ("Apologies:", context["apologies"]),
    ]:
        for index, attendance in enumerate(people):
            cells = table.add_row().cells
            cells[0].text = label if index == 0 else ""
            cells[1].text = attendance.person.name + ("*" if attendance.is_partial else "")
            cells[2].text = attendance.capacity
    for attendance in context["partial"]:
        document.add_paragraph(f"*{attendance.partial_note}")

    items = document.add_table(rows=1, cols=3)
    items.style = "Table Grid"
    items.rows[0].cells[2].text = "ACTION"
    for row in context["rows"]:
        cells = items.add_row().cells
        cells[0].text = row.item.number if row.number_in_column else ""
        paragraphs = iter([cells[1].paragraphs[0]])
        for kind, payload in row.blocks():
            if kind == "findings":
                lines = payload
            elif kind == "actions":
                lines = [f"{action.text_with_due} ({action.reference})" for action in payload]
            else:
                lines = [payload]
            for line in lines:
                paragraph = next(paragraphs, None) or cells[1].add_paragraph()
                if kind in ("findings", "actions"):
                    paragraph.style = document.styles["List Bullet"]
                paragraph.add_run(line).bold = kind in ("heading", "label")
        cells[2].text = row.action_column

    document.add_heading("Summary of actions arising", level=2)
    summary = document.add_table(rows=1, cols=5)
    summary.style = "Table Grid"
    headings = ["Ref.", "Item", "Action", "Owner", "Due"]
    for cell, text in zip(summary.rows[0].cells, headings, strict=True):
        cell.text = text
    for action in context["actions_arising"]:
        cells = summary.add_row().cells
        cells[0].text = action.reference
        cells[1].text = action.item.number
        cells[2].text = action.text
        cells[3].text = action.owner_display
        cells[4].text = action.due_display or "Not set"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_pdf(context, base_url):
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as error:  # Pango or HarfBuzz missing from the system
        raise PdfUnavailable(
            "The PDF of the minutes cannot be made on this server because its PDF libraries "
            "(Pango) are not installed. The Word version and the browser's print both work; "
            "ask your administrator to install libpango-1.0-0, libpangoft2-1.0-0 and "
            "libharfbuzz-subset0."
        ) from error
    html = render_to_string("meetings/minutes_document.html", context)
    stylesheet = CSS(filename=finders.find("css/minutes-pdf.css"))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
