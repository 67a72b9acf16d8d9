"""The minutes as documents to circulate: Word (python-docx) and PDF (WeasyPrint).

Both read the same rows as the screen (``meetings.minutes``), so the three cannot disagree.
"""

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from core.text import plain_text
from meetings.minutes import decision_lines
from people.models import Office


class PdfUnavailable(Exception):
    """WeasyPrint needs Pango from the operating system; without it there is no PDF."""


def minutes_docx(doc, office=None):
    """The minutes as a Word document: the same ``MinutesDocument`` as the screen, cell for
    cell, in the layout OPCCs circulate.

    Every text passes through ``plain_text``: python-docx refuses a whole document for one
    character XML cannot hold, and text stored before the forms cleaned it (or frozen in
    agreed minutes) may hold one, such as Word's line break pasted into a finding."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    # A4 and British English: python-docx's template is US Letter and en-US.
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    _set_language(normal, "en-GB")
    document.core_properties.language = "en-GB"
    document.core_properties.title = plain_text(doc.title)
    _page_numbers(section.footer.paragraphs[0])
    # The office on every page, as its letterhead; a draft's mark on a line of its own.
    office = office or Office.current()
    heading = section.header.paragraphs[0]
    logo = _logo_bytes(office)
    if logo is not None:
        heading.add_run().add_picture(logo, height=Mm(12))
        heading.add_run(" ")
    heading.add_run(plain_text(office.name))
    if doc.status_note:
        section.header.add_paragraph().add_run(doc.status_note).bold = True
    document.add_heading(plain_text(doc.title), level=1)
    if doc.status_note:
        document.add_paragraph().add_run(doc.status_note).bold = True
    if doc.agreed_note:
        document.add_paragraph().add_run(doc.agreed_note).bold = True
    for label, value in doc.facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(plain_text(f"{label} ")).bold = True
        paragraph.add_run(plain_text(value))

    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.rows[0].cells[1].text, table.rows[0].cells[2].text = "Name:", "Capacity:"
    for label, people in [(doc.present_label, doc.present), (doc.apologies_label, doc.apologies)]:
        for index, attendee in enumerate(people):
            cells = table.add_row().cells
            cells[0].text = label if index == 0 else ""
            cells[1].text = plain_text(attendee.name)
            cells[2].text = plain_text(attendee.capacity)
    for note in doc.partial_notes:
        document.add_paragraph(plain_text(f"*{note}"))

    items = document.add_table(rows=1, cols=3)
    items.style = "Table Grid"
    items.rows[0].cells[2].text = "ACTION"
    for row in doc.rows:
        cells = items.add_row().cells
        cells[0].text = plain_text(row.number)
        paragraphs = iter([cells[1].paragraphs[0]])
        for block in row.blocks_with_notes:
            if block.kind == "findings":
                lines = block.items
            elif block.kind == "actions":
                lines = [f"{line.text} ({line.reference})" for line in block.items]
            elif block.kind == "decisions":
                lines = decision_lines(block)
            else:
                lines = [block.text]
            for line in lines:
                paragraph = next(paragraphs, None) or cells[1].add_paragraph()
                if block.kind in ("findings", "actions", "decisions"):
                    paragraph.style = document.styles["List Bullet"]
                paragraph.add_run(plain_text(line)).bold = block.kind in ("heading", "label")
        cells[2].text = plain_text(row.action_column)

    document.add_heading("Summary of actions arising", level=2)
    if doc.summary:
        summary = document.add_table(rows=1, cols=5)
        summary.style = "Table Grid"
        for cell, text in zip(summary.rows[0].cells, SUMMARY_HEADINGS, strict=True):
            cell.text = text
        for line in doc.summary:
            cells = summary.add_row().cells
            due = f"{line.due}\n{line.due_date}" if line.due_date else line.due
            texts = [line.reference, line.item, line.text, line.owners, due]
            for cell, text in zip(cells, texts, strict=True):
                cell.text = plain_text(text)
    else:
        document.add_paragraph(NO_ACTIONS)
    if doc.glossary:
        document.add_heading(GLOSSARY_HEADING, level=2)
        glossary = document.add_table(rows=0, cols=2)
        glossary.style = "Table Grid"
        for entry in doc.glossary:
            cells = glossary.add_row().cells
            cells[0].text, cells[1].text = plain_text(entry.initials), plain_text(entry.meaning)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GLOSSARY_HEADING = "Initials used in these minutes"
SUMMARY_HEADINGS = ["Ref.", "Item", "Action", "Owner", "Due"]


def _logo_bytes(office):
    """The office's logo as a stream python-docx reads, or None without one (or when its file
    cannot be read: the minutes are made without it rather than not at all)."""
    if not office.logo:
        return None
    try:
        with office.logo.open("rb") as file:
            return io.BytesIO(file.read())
    except OSError:
        return None


def _set_language(style, language):
    """Word's proofing and screen readers take the language from w:lang on the style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    properties.append(lang)


def _page_numbers(paragraph):
    """ "Page 3 of 9", as fields Word fills in when it lays the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for text, instruction in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instruction)
        run, placeholder = OxmlElement("w:r"), OxmlElement("w:t")
        placeholder.text = "1"
        run.append(placeholder)
        field.append(run)
        paragraph._p.append(field)


NO_ACTIONS = "No actions arose at this meeting."


def minutes_pdf(context, base_url):
    """The minutes as PDF: the screen's template over the same document, with its own A4
    stylesheet."""
    return pdf("meetings/minutes_document.html", context, base_url, what="of the minutes")


def pdf(template, context, base_url, *, what):
    """``template`` rendered as a tagged A4 PDF with the minutes' print stylesheet; ``what``
    names it in the message when this server cannot make PDFs."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as error:  # Pango or HarfBuzz missing from the system
        raise PdfUnavailable(
            f"The PDF {what} cannot be made on this server because its PDF libraries "
            "(Pango) are not installed. The other formats and the browser's print both work; "
            "ask your administrator to install libpango-1.0-0, libpangoft2-1.0-0 and "
            "libharfbuzz-subset0."
        ) from error
    html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find("css/minutes-pdf.css"))
    # PDF/UA: tagged, so that screen readers follow the structure, with every font embedded
    # and the document declaring itself accessible; lang and title come from the page.
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
