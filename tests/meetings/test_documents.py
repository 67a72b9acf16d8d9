"""The minutes as Word and PDF documents hold what the screen shows."""

import datetime
import io
import re
import shutil
import subprocess
import sys
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from docx import Document

from actions.models import Action
from meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def docx_text(content):
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def test_the_word_minutes_hold_every_action_owner_and_due_wording(client, october):
    client.login(username="commissioner", password="assurance-demo")
    response = client.get(reverse("meetings:docx", args=[october.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="Monthly Assurance Meeting October 2017 minutes.docx"'
    )
    text = docx_text(response.content)
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in text
    assert "*The ACC left the meeting after item 1.2" in text
    for action in Action.objects.filter(meeting=october):
        assert action.text in text
        assert action.reference in text
    assert "By end January 2018" in text
    assert "in advance of November’s HTA" in text
    assert "DCC ACC JI" in text
    assert text.count("There were no actions arising.") == 3


def pdf_text(content, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_minutes_hold_every_action(client, october, tmp_path):
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("meetings:pdf", args=[october.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in text
    for reference in Action.objects.filter(meeting=october).values_list("reference", flat=True):
        assert reference in text
    assert "DCC to share briefing with PCC's office By end January 2018" in text
    assert "Summary of actions arising" in text


def test_without_the_pdf_libraries_the_page_says_so(client, demo, monkeypatch):
    draft = MeetingFactory(status="draft")
    # The operating system's Pango is what goes missing; Python then cannot import WeasyPrint.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("meetings:pdf", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "The PDF of the minutes cannot be made on this server" in response.text


def test_without_the_pdf_libraries_agreed_minutes_say_why_they_have_no_pdf(
    client, october, monkeypatch
):
    # Agreed minutes' PDF is made by the task queue (meetings.kept_files), which says why
    # it failed; the reader is told, and offered to try again.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.login(username="officer", password="assurance-demo")
    url = reverse("meetings:pdf", args=[october.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "It could not be prepared" in response.text
    assert "The PDF of the minutes cannot be made on this server" in response.text
    assert f'href="{url}?again=1">Try again</a>' in response.text


def test_force_officers_cannot_download_draft_minutes(client, demo):
    from tests.factories import MeetingFactory

    draft = MeetingFactory(status="draft")
    client.login(username="dcc", password="assurance-demo")
    assert client.get(reverse("meetings:docx", args=[draft.pk])).status_code == 404
    assert client.get(reverse("meetings:pdf", args=[draft.pk])).status_code == 404


def expected_item_cell(row):
    """The item column of a minutes row, paragraph by paragraph, as the document has it."""
    lines = []
    for block in row.blocks_with_notes:
        if block.kind == "findings":
            lines += block.items
        elif block.kind == "actions":
            lines += [f"{line.text} ({line.reference})" for line in block.items]
        else:
            lines.append(block.text)
    return "\n".join(lines)


@pytest.mark.parametrize("public", [False, True])
def test_the_word_minutes_agree_with_the_screen_cell_for_cell(client, october, public):
    from meetings.services import minutes_document

    doc = minutes_document(october, public=public)
    client.login(username="officer", password="assurance-demo")
    query = "?version=public" if public else ""
    document = Document(
        io.BytesIO(client.get(reverse("meetings:docx", args=[october.pk]) + query).content)
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:6] == [
        doc.title,
        doc.agreed_note,
        *(f"{label} {value}" for label, value in doc.facts),
    ]
    today = date_format(timezone.localdate(), "j F Y")
    assert paragraphs[1:6] == [
        f"Agreed as a correct record on {today}.",
        "Date: Tuesday 31 October 2017 @ 10:30",
        "Chair: John Campion",
        "Minutes: Jackie Irvin, Policy Officer, OPCC",
        "Venue Meeting Room 1.38 – Hindlip",
    ]
    attendance, items, summary, glossary = (
        [[c.text for c in r.cells] for r in t.rows] for t in document.tables
    )
    assert attendance == [
        ["", "Name:", "Capacity:"],
        *(
            [("Attendance:" if i == 0 else ""), a.name, a.capacity]
            for i, a in enumerate(doc.present)
        ),
        *(
            [("Apologies:" if i == 0 else ""), a.name, a.capacity]
            for i, a in enumerate(doc.apologies)
        ),
    ]
    assert items == [
        ["", "", "ACTION"],
        *([row.number, expected_item_cell(row), row.action_column] for row in doc.rows),
    ]
    assert summary == [
        ["Ref.", "Item", "Action", "Owner", "Due"],
        *(
            [
                line.reference,
                line.item,
                line.text,
                line.owners,
                f"{line.due}\n{line.due_date}" if line.due_date else line.due,
            ]
            for line in doc.summary
        ),
    ]
    # The questions under 5a keep their qualified labels, as on screen.
    assert [row[1] for row in summary[1:]] == ["1.1", "1.2", "1.2", "1.2", "2", "4", "5a/1", "5a/2"]
    assert glossary == [[entry.initials, entry.meaning] for entry in doc.glossary]
    assert paragraphs[-1] == "Initials used in these minutes"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_minutes_read_as_the_screen_in_order(client, october, tmp_path):
    """Every line of the minutes, in reading order: each is found after the one before."""
    from meetings.services import minutes_document

    doc = minutes_document(october)
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("meetings:pdf", args=[october.pk]))
    # A long item flows across pages: the page numbers in the footer come between its lines.
    text = re.sub(r"Page \d+ of \d+", " ", pdf_text(response.content, tmp_path))
    text = " ".join(text.split())
    pieces = [doc.title, *(value for _label, value in doc.facts)]
    pieces += [piece for a in (*doc.present, *doc.apologies) for piece in (a.name, a.capacity)]
    for row in doc.rows:
        pieces += [" ".join(line.split()) for line in expected_item_cell(row).split("\n")]
    # The summary's five narrow columns wrap into each other in extracted text: the Word
    # test above checks its cells; here, its references in order.
    pieces += [line.reference for line in doc.summary]
    position, missing = 0, []
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(piece)
    assert missing == []


@pytest.mark.parametrize("agreed", [False, True])
def test_word_minutes_are_made_from_a_finding_stored_with_words_line_break(
    client, opcc_user, agreed
):
    """Text stored before the forms cleaned it, live or frozen in agreed minutes: python-docx
    refuses a whole document for one vertical tab."""
    from meetings.services import freeze_minutes
    from tests.factories import ActionFactory, FindingFactory, ItemFactory, MeetingFactory

    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="2", heading="Telford")
    # PostgreSQL cannot store NUL, so the other control characters stand for it here.
    FindingFactory(item=item, text="Athena is stable.\x0bThe audit follows.\x01\x1b")
    ActionFactory(item=item, reference="2030/12-01", text="Share\x0bthe brief")
    if agreed:
        Meeting.objects.filter(pk=item.meeting.pk).update(status="agreed")
        freeze_minutes(item.meeting)
    client.force_login(opcc_user)
    response = client.get(reverse("meetings:docx", args=[item.meeting.pk]))
    assert response.status_code == 200
    _attendance, items, summary = Document(io.BytesIO(response.content)).tables
    assert [cell.text for cell in items.rows[1].cells] == [
        "2",
        "Telford\nFindings:\nAthena is stable.\nThe audit follows.\nActions arising:\n"
        "Share\nthe brief (2030/12-01)",
        "",
    ]
    assert [cell.text for cell in summary.rows[1].cells] == [
        "2030/12-01",
        "2",
        "Share\nthe brief",
        "",
        "Not set",
    ]


def test_the_word_minutes_are_a4_british_english_with_page_numbers(client, october):
    from docx.oxml.ns import qn

    client.login(username="officer", password="assurance-demo")
    document = Document(io.BytesIO(client.get(reverse("meetings:docx", args=[october.pk])).content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Every run inherits its language from the document defaults; no style overrides it.
    languages = [lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))]
    assert languages == ["en-GB"]
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang")) is not None
    assert (document.core_properties.language, document.core_properties.title) == (
        "en-GB",
        "Monthly Assurance Meeting October 2017 – Meeting Notes",
    )
    footer = section.footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert document.tables[1].rows[0].cells[2].text == "ACTION"
    # The office's name heads every page; agreed minutes carry no draft mark.
    assert [p.text for p in section.header.paragraphs] == [
        "Office of the Police and Crime Commissioner"
    ]


def test_minutes_not_yet_agreed_say_so_in_every_format(client, october, tmp_path):
    from meetings.services import open_meeting

    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    client.login(username="officer", password="assurance-demo")
    draft = "DRAFT: not yet agreed as a correct record"
    assert f'<p class="status-note">{draft}</p>' in client.get(november.get_absolute_url()).text
    document = Document(
        io.BytesIO(client.get(reverse("meetings:docx", args=[november.pk])).content)
    )
    assert [p.text for p in document.sections[0].header.paragraphs] == [
        "Office of the Police and Crime Commissioner",
        draft,
    ]
    assert [p.text for p in document.paragraphs][:2] == [
        "Monthly Assurance Meeting November 2017 – Meeting Notes",
        draft,
    ]
    if shutil.which("pdftotext"):
        pdf = client.get(reverse("meetings:pdf", args=[november.pk])).content
        assert pdf_text(pdf, tmp_path).count(draft) >= 2  # the page's top and the header


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_minutes_are_tagged_with_their_language_and_title(client, october, tmp_path):
    client.login(username="officer", password="assurance-demo")
    pdf = client.get(reverse("meetings:pdf", args=[october.pk])).content
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Title:           Monthly Assurance Meeting October 2017 – Meeting Notes" in info
    assert "Tagged:          yes" in info
    # The catalogue sits in a compressed object stream: read every stream.
    streams = [pdf]
    for body in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(body))
        except zlib.error:
            continue
    assert any(b"/Lang (en-GB)" in stream for stream in streams)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_is_pdf_ua_with_every_font_embedded(client, october, tmp_path):
    client.login(username="officer", password="assurance-demo")
    pdf = client.get(reverse("meetings:pdf", args=[october.pk])).content
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    streams = [pdf]
    for body in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(body))
        except zlib.error:
            continue
    metadata = b"".join(stream for stream in streams if b"x:xmpmeta" in stream)
    assert re.search(rb"pdfuaid:part[^0-9]{1,3}1", metadata)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_keeps_short_items_whole_and_lets_a_long_one_flow(client, opcc_user, tmp_path):
    from tests.pagination import assert_paginated_like_the_pdf, pages, paginated_meeting

    meeting = paginated_meeting()
    client.force_login(opcc_user)
    pdf = client.get(reverse("meetings:pdf", args=[meeting.pk])).content
    assert_paginated_like_the_pdf(pages(pdf, tmp_path))


def test_the_word_minutes_give_the_minute_most_of_the_page_and_repeat_headers(client, october):
    """Widths written in the grid, in every cell and on the table, with a fixed layout: Word
    and LibreOffice share out equally a table that leaves them to it."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    client.login(username="officer", password="assurance-demo")
    document = Document(io.BytesIO(client.get(reverse("meetings:docx", args=[october.pk])).content))
    attendance, items, summary, glossary = document.tables
    text_width = Mm(180).twips
    for table in document.tables:
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        width = properties.find(qn("w:tblW"))
        assert (width.get(qn("w:type")), int(width.get(qn("w:w")))) == ("dxa", text_width)
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert abs(sum(grid) - text_width) <= len(grid)
        for row in table._tbl.tr_lst:
            cells = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row.tc_lst]
            assert cells == grid
    minute = int(items._tbl.tblGrid.gridCol_lst[1].get(qn("w:w")))
    assert minute >= text_width / 2
    repeats = [
        [
            row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            for row in table.rows
        ][:2]
        for table in (attendance, items, summary, glossary)
    ]
    assert repeats == [[True, False], [True, False], [True, False], [False, False]]


def test_the_word_minutes_items_are_headings_for_the_navigation_pane(client, october):
    from meetings.services import minutes_document

    doc = minutes_document(october)
    client.login(username="officer", password="assurance-demo")
    document = Document(io.BytesIO(client.get(reverse("meetings:docx", args=[october.pk])).content))
    items = document.tables[1]
    headings = [
        paragraph.text
        for row in items.rows[1:]
        for paragraph in row.cells[1].paragraphs
        if paragraph.style.name == "Heading 2"
    ]
    expected = [b.text for row in doc.rows for b in row.blocks_with_notes if b.kind == "heading"]
    assert headings == expected
    assert expected[0] == "OUTSTANDING MATTERS / ITEMS BROUGHT FORWARD"


@pytest.mark.interop
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_lays_the_october_minutes_out_in_as_few_pages_as_the_pdf(
    client, october, tmp_path
):
    """LibreOffice, an independent reader of Word files, lays the minutes out within a page of
    our own PDF (5 pages; Word's list bullets take a little more room): with equal column
    widths it took 12."""
    client.login(username="officer", password="assurance-demo")
    path = tmp_path / "minutes.docx"
    path.write_bytes(client.get(reverse("meetings:docx", args=[october.pk])).content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "minutes.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages <= 6
