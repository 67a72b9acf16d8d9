"""The meeting pack, read back from the PDF itself (pypdf's text extraction)."""

import datetime
import io

import pytest
from pypdf import PdfReader

from papers.pack import build_pack
from people import roles
from tests.factories import ItemFactory, MeetingFactory, PaperFactory, PersonFactory, user_with_role
from tests.papers import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = MeetingFactory(
        title="Monthly Assurance Meeting October 2017",
        date=datetime.date(2017, 10, 31),
        status="agreed",
    )
    one = ItemFactory(meeting=meeting, number="1", heading="Outstanding matters", position=1)
    two = ItemFactory(meeting=meeting, number="2", heading="Holding to account", position=2)
    two_one = ItemFactory(
        meeting=meeting, parent=two, number="2.1", heading="Demand on 101", position=1
    )
    three = ItemFactory(
        meeting=meeting,
        number="3",
        heading="Covert operations",
        position=3,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    PaperFactory(
        item=one,
        title="Alpha briefing",
        content=samples.text_pdf("Alpha page one", "Alpha page two"),
    )
    PaperFactory(
        item=two_one,
        title="Chart of demand",
        kind="png",
        original_name="chart.png",
        content=samples.png(),
    )
    PaperFactory(
        item=two,
        title="Workforce figures",
        kind="xlsx",
        original_name="figures.xlsx",
        content=samples.xlsx(),
    )
    PaperFactory(item=three, title="Covert plan", content=samples.text_pdf("Secret page"))
    return meeting


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


FRONT_PAGE = (
    "Monthly Assurance Meeting October 2017\n"
    "Meeting pack\n"
    "31 October 2017 at 10:30, Meeting Room 1.38 – Hindlip\n"
    "Agenda\n"
    "Item Heading\n"
    "1 Outstanding matters\n"
    "2 Holding to account\n"
    "2.1 Demand on 101\n"
)


def test_the_pack_holds_the_agenda_contents_and_every_paper_in_agenda_order(meeting):
    pages = read(build_pack(meeting, user_with_role(roles.OPCC_STAFF)))
    assert pages == [
        FRONT_PAGE + "3 Covert operations\nPage 1 of 7",
        "Contents\n"
        "Item Paper Page\n"
        "1 Alpha briefing (PDF) 3\n"
        "2 Workforce figures (Excel workbook) 5\n"
        "2.1 Chart of demand (PNG image) 6\n"
        "3 Covert plan (PDF) 7\n"
        "Page 2 of 7",
        "Alpha page one\nPage 3 of 7",
        "Alpha page two\nPage 4 of 7",
        "Item 2: Workforce figures\n"
        "Excel workbook, “figures.xlsx”.\n"
        "This paper cannot be shown in the pack: it is circulated separately.\n"
        "Page 5 of 7",
        "Item 2.1: Chart of demand\nPage 6 of 7",
        "Secret page\nPage 7 of 7",
    ]


def test_the_image_is_placed_on_its_page(meeting):
    reader = PdfReader(io.BytesIO(build_pack(meeting, user_with_role(roles.OPCC_STAFF))))
    assert [len(page.images) for page in reader.pages] == [0, 0, 0, 0, 0, 1, 0]
    assert [item.title for item in reader.outline] == [
        "Agenda and contents",
        "1 Alpha briefing",
        "2 Workforce figures",
        "2.1 Chart of demand",
        "3 Covert plan",
    ]


def test_the_force_gets_a_pack_without_the_restricted_items_papers(meeting):
    officer = user_with_role(roles.FORCE_OFFICER, person=PersonFactory())
    pages = read(build_pack(meeting, officer))
    assert len(pages) == 6
    assert pages[0] == (
        FRONT_PAGE + "3 This item is withheld from this version. Reason: Operationally sensitive\n"
        "Page 1 of 6"
    )
    assert pages[1] == (
        "Contents\n"
        "Item Paper Page\n"
        "1 Alpha briefing (PDF) 3\n"
        "2 Workforce figures (Excel workbook) 5\n"
        "2.1 Chart of demand (PNG image) 6\n"
        "Page 2 of 6"
    )
    assert not any("Covert plan" in page or "Secret" in page for page in pages)


def test_a_withdrawn_paper_leaves_the_pack(meeting):
    opcc = user_with_role(roles.OPCC_STAFF)
    paper = meeting.items.get(number="1").papers.get()
    paper.withdrawn_at, paper.withdrawn_by = paper.uploaded_at, opcc
    paper.withdrawal_reason = "The wrong version"
    paper.save()
    pages = read(build_pack(meeting, opcc))
    assert len(pages) == 5
    assert pages[1].splitlines()[2:5] == [
        "2 Workforce figures (Excel workbook) 3",
        "2.1 Chart of demand (PNG image) 4",
        "3 Covert plan (PDF) 5",
    ]


def test_pages_of_other_sizes_and_turned_pages_are_numbered_too():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    writer.add_blank_page(width=612, height=792).rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="1")
    PaperFactory(item=item, title="Landscape", content=buffer.getvalue())
    pages = read(build_pack(item.meeting, user_with_role(roles.OPCC_STAFF)))
    assert [page.splitlines()[-1] for page in pages] == [
        "Page 1 of 4",
        "Page 2 of 4",
        "Page 3 of 4",
        "Page 4 of 4",
    ]


def test_a_meeting_without_papers_says_so():
    meeting = MeetingFactory(status="draft")
    ItemFactory(meeting=meeting, number="1", heading="Outstanding matters")
    pages = read(build_pack(meeting, user_with_role(roles.OPCC_STAFF)))
    assert pages[1] == (
        "Contents\nNo papers have been attached to this meeting's agenda.\nPage 2 of 2"
    )


def test_the_force_cannot_have_the_pack_of_minutes_it_may_not_see():
    from django.core.exceptions import PermissionDenied

    meeting = MeetingFactory(status="draft")
    officer = user_with_role(roles.FORCE_OFFICER, person=PersonFactory())
    with pytest.raises(PermissionDenied):
        build_pack(meeting, officer)


def test_papers_under_a_restricted_item_stay_out_of_the_forces_pack():
    meeting = MeetingFactory(status="published")
    parent = ItemFactory(
        meeting=meeting, number="5", restricted=True, restriction_reason="Live investigation"
    )
    child = ItemFactory(meeting=meeting, parent=parent, number="5.1", heading="Nested")
    PaperFactory(item=child, title="Nested briefing")
    officer = user_with_role(roles.FORCE_OFFICER, person=PersonFactory())
    pages = read(build_pack(meeting, officer))
    assert len(pages) == 2
    assert "Nested" not in "".join(pages)
    assert "5 This item is withheld from this version. Reason: Live investigation" in pages[0]
    assert len(read(build_pack(meeting, user_with_role(roles.COMMISSIONER)))) == 3


def test_a_stored_pdf_that_cannot_be_read_gets_a_page_saying_so():
    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="1")
    PaperFactory(item=item, title="Damaged", content=b"%PDF-1.7 damaged in storage")
    pages = read(build_pack(item.meeting, user_with_role(roles.OPCC_STAFF)))
    assert pages[2] == (
        "Item 1: Damaged\n"
        "PDF, “Damaged.pdf”.\n"
        "It could not be included in this pack and is circulated separately.\n"
        "Page 3 of 3"
    )


def test_the_pack_is_tagged_and_says_it_is_in_british_english(meeting):
    reader = PdfReader(io.BytesIO(build_pack(meeting, user_with_role(roles.OPCC_STAFF))))
    catalogue = reader.trailer["/Root"]
    assert catalogue["/Lang"] == "en-GB"
    assert bool(catalogue["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalogue
    # The front's own headings add no bookmarks beside the pack's.
    assert [item.title for item in reader.outline][0] == "Agenda and contents"
