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
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    # A4 and British English: python-docx's template is US Letter and en-US.
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    # The PDF's page and type (static/css/minutes-pdf.css), so that the two run to the same
    # length: at 11 pt between 20 mm margins LibreOffice took 7 pages to the PDF's 5.
    section.top_margin, section.bottom_margin = Mm(18), Mm(20)
    section.left_margin = section.right_margin = Mm(TEXT_MARGIN_MM)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    # The template's 10 pt after every paragraph, in each line of every cell, doubled the
    # minutes' length against the PDF; tables and lists want their lines close.
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.0
    # Every run inherits the document defaults, which the template marks en-US: a language on
    # Normal alone leaves headings, tables and lists spell-checked as American.
    _set_language(document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")))
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        style.font.name, style.font.color.rgb = "Arial", RGBColor(0, 0, 0)
    # An item's heading is a heading for Word's navigation pane, set as the PDF sets it.
    item_heading = document.styles[ITEM_HEADING]
    item_heading.font.size = Pt(10)
    item_heading.paragraph_format.space_before = Pt(0)
    item_heading.paragraph_format.space_after = Pt(4)
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
                lines = [line.as_line for line in block.items]
            elif block.kind == "decisions":
                lines = decision_lines(block)
            else:
                lines = [block.text]
            for line in lines:
                paragraph = next(paragraphs, None) or cells[1].add_paragraph()
                if block.kind in ("findings", "actions", "decisions"):
                    paragraph.style = document.styles["List Bullet"]
                if block.kind == "heading":
                    # A heading style, so that Word's navigation pane lists the items.
                    paragraph.style = item_heading
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
        _fix_widths(glossary, GLOSSARY_WIDTHS)
    _fix_widths(table, ATTENDANCE_WIDTHS, header=True)
    _fix_widths(items, ITEM_WIDTHS, header=True)
    if doc.summary:
        _fix_widths(summary, SUMMARY_WIDTHS, header=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GLOSSARY_HEADING = "Initials used in these minutes"
SUMMARY_HEADINGS = ["Ref.", "Item", "Action", "Owner", "Due"]

# Column widths in millimetres, each table as wide as the text between the page's margins:
# the minute takes most of the page, as in the minutes OPCCs circulate. Word and LibreOffice
# share equal widths out when none are written, which gave the minute a third of the page.
TEXT_MARGIN_MM = 15
TEXT_WIDTH_MM = 210 - 2 * TEXT_MARGIN_MM
ATTENDANCE_WIDTHS = (30, 70, 80)
ITEM_WIDTHS = (15, 130, 35)
SUMMARY_WIDTHS = (25, 15, 80, 30, 30)
GLOSSARY_WIDTHS = (30, 150)
ITEM_HEADING = "Heading 2"


def _fix_widths(table, widths, *, header=False):
    """The widths written where every reader looks (the grid, each cell, the table), with a
    fixed layout so that no reader shares them out again by content; ``header`` repeats the
    first row at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(Mm(TEXT_WIDTH_MM).twips))
    for column, size in zip(table.columns, widths, strict=True):
        column.width = Mm(size)
    for row in table.rows:
        for cell, size in zip(row.cells, widths, strict=True):
            cell.width = Mm(size)
    if header and table.rows:
        table.rows[0]._tr.get_or_add_trPr().append(_on("w:tblHeader"))


def _on(tag):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


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


def _set_language(defaults):
    """Word's proofing and screen readers take a run's language from w:lang, which every
    style inherits from the document defaults (``defaults``, a w:rPrDefault)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    # The east Asian and bidirectional languages stay as the template has them.
    lang.set(qn("w:val"), "en-GB")


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
    return pdf_from_html(render_to_string(template, context), base_url, what=what)


def pdf_from_html(html, base_url, *, what):
    """The page ``html`` as a tagged A4 PDF with the minutes' print stylesheet."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as error:  # Pango or HarfBuzz missing from the system
        raise PdfUnavailable(
            f"The PDF {what} cannot be made on this server because its PDF libraries "
            "(Pango) are not installed. The other formats and the browser's print both work; "
            "ask your administrator to install libpango-1.0-0, libpangoft2-1.0-0 and "
            "libharfbuzz-subset0."
        ) from error
    stylesheet = CSS(filename=finders.find("css/minutes-pdf.css"))
    # PDF/UA: tagged, so that screen readers follow the structure, with every font embedded
    # and the document declaring itself accessible; lang and title come from the page.
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
