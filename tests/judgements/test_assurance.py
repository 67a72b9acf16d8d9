"""The assurance statement at each item: recorded by the officer, confirmed by the
Commissioner, printed after the findings in every version of the minutes, and frozen with
the minutes when they are agreed."""

import io
import shutil

import pytest
from django.urls import reverse
from docx import Document

from core.forms import STALE_MESSAGE
from judgements import services as judgements_services
from judgements.models import AssuranceStatement
from meetings import services
from meetings.minutes import Block, MinutesDocument, build_document
from tests.factories import FindingFactory, ItemFactory, MeetingFactory
from tests.meetings.test_documents import pdf_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def item(db):
    item = ItemFactory(number="3", heading="Stop and search", meeting=MeetingFactory())
    FindingFactory(item=item, text="Use of stop and search is falling.")
    return item


def item_blocks(document, item):
    return next(row.blocks for row in document.rows if row.anchor == f"item-{item.pk}")


def test_the_officer_records_a_statement_and_it_prints_after_the_findings(client, opcc_user, item):
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:assurance_edit", args=[item.pk]),
        {"level": "partially_assured", "narrative": "The fall is not yet explained."},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.templates[0].name == "judgements/_item_assurance.html"
    assert "Awaiting the Commissioner's confirmation" in response.content.decode()
    statement = AssuranceStatement.objects.get(item=item)
    assert (statement.level, statement.narrative, statement.version) == (
        "partially_assured",
        "The fall is not yet explained.",
        1,
    )
    assert item_blocks(build_document(item.meeting), item) == (
        Block("heading", "Stop and search"),
        Block("label", "Findings:"),
        Block("findings", items=("Use of stop and search is falling.",)),
        Block("label", "Assurance:"),
        Block("assurance", "Partially assured: The fall is not yet explained."),
    )


def test_the_record_page_offers_the_statement_form_at_each_item(client, opcc_user, item):
    client.force_login(opcc_user)
    response = client.get(reverse("meetings:record", args=[item.meeting.pk]))
    page = response.content.decode()
    assert f'id="assurance-level-{item.pk}"' in page
    assert f'<label class="form-label mt-1" for="assurance-narrative-{item.pk}">' in page


def test_a_statement_without_a_level_is_refused_beside_the_field_and_keeps_the_text(
    client, opcc_user, item
):
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:assurance_edit", args=[item.pk]),
        {"level": "", "narrative": "Typed before choosing a level."},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="assurance-level-{item.pk}-error">Choose how assured the Commissioner was.' in page
    assert "Typed before choosing a level.</textarea>" in page
    assert not AssuranceStatement.objects.exists()


def test_a_statement_saved_from_a_stale_form_is_refused_and_keeps_the_text(client, opcc_user, item):
    judgements_services.record_assurance(item, level="assured", narrative="First.")
    judgements_services.record_assurance(item, level="assured", narrative="Second, by a colleague.")
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:assurance_edit", args=[item.pk]),
        {"level": "not_assured", "narrative": "Mine, from the first version.", "version": "1"},
        **HTMX,
    )
    page = response.content.decode()
    assert STALE_MESSAGE.replace("'", "&#x27;") in page
    assert "Mine, from the first version.</textarea>" in page
    statement = AssuranceStatement.objects.get(item=item)
    assert (statement.narrative, statement.version) == ("Second, by a colleague.", 2)


def test_the_commissioner_confirms_and_a_later_change_needs_confirming_again(
    client, commissioner_user, opcc_user, item
):
    statement = judgements_services.record_assurance(
        item, level="assured", narrative="Good progress."
    )
    client.force_login(opcc_user)
    url = reverse("judgements:assurance_confirm", args=[statement.pk])
    assert client.post(url).status_code == 403
    client.force_login(commissioner_user)
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "Item 3: Assured: Good progress." in page
    response = client.post(url)
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.confirmed_by == commissioner_user
    assert statement.confirmed_at is not None
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "Assurance statements to confirm" not in page

    # The same words saved again keep the confirmation; other words withdraw it.
    judgements_services.record_assurance(item, level="assured", narrative="Good progress.")
    statement.refresh_from_db()
    assert statement.confirmed_by == commissioner_user
    judgements_services.record_assurance(item, level="assured", narrative="Good progress, mostly.")
    statement.refresh_from_db()
    assert (statement.confirmed_by, statement.confirmed_at) == (None, None)


def test_a_force_officer_cannot_confirm(client, force_user, item):
    statement = judgements_services.record_assurance(item, level="assured", narrative="")
    client.force_login(force_user)
    response = client.post(reverse("judgements:assurance_confirm", args=[statement.pk]))
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.confirmed_at is None


def test_agreed_minutes_keep_the_statement_they_agreed_through_a_correction(
    client, opcc_user, commissioner_user, item
):
    meeting = item.meeting
    judgements_services.record_assurance(
        item, level="partially_assured", narrative="Not yet explained."
    )
    services.set_minutes_status(meeting, "agreed", by=commissioner_user)

    # Locked once agreed: the officer is sent back to the minutes, and nothing changes.
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:assurance_edit", args=[item.pk]),
        {"level": "assured", "narrative": "Changed after agreement.", "version": "1"},
    )
    assert response.status_code == 302
    assert AssuranceStatement.objects.get(item=item).narrative == "Not yet explained."

    # A change behind the app's back does not reach the agreed minutes either.
    AssuranceStatement.objects.filter(item=item).update(narrative="Edited in the database.")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Partially assured: Not yet explained." in page
    assert "Edited in the database." not in page

    # The correction: reopened, changed, agreed again as version 2.
    services.set_minutes_status(meeting, "draft", by=opcc_user, reason="Assurance misminuted")
    judgements_services.record_assurance(item, level="assured", narrative="Explained by the DCC.")
    services.set_minutes_status(meeting, "agreed", by=commissioner_user)
    first, second = meeting.versions.order_by("number")
    assert item_blocks(MinutesDocument.from_dict(first.content["full"]), item)[-1] == Block(
        "assurance", "Partially assured: Not yet explained."
    )
    assert item_blocks(MinutesDocument.from_dict(second.content["full"]), item)[-1] == Block(
        "assurance", "Assured: Explained by the DCC."
    )
    changes = services.version_changes(meeting)[1]
    assert (changes.removed, changes.added) == (
        ("3 Partially assured: Not yet explained.",),
        ("3 Assured: Explained by the DCC.",),
    )


def test_the_next_meetings_statement_leaves_the_agreed_minutes_alone(
    client, opcc_user, commissioner_user, item
):
    judgements_services.record_assurance(item, level="not_assured", narrative="No plan yet.")
    services.set_minutes_status(item.meeting, "agreed", by=commissioner_user)
    later = ItemFactory(
        number="3",
        heading="Stop and search",
        meeting=MeetingFactory(series=item.meeting.series),
    )
    judgements_services.record_assurance(later, level="assured", narrative="The plan is in place.")
    agreed = services.minutes_document(item.meeting)
    assert item_blocks(agreed, item)[-1] == Block("assurance", "Not assured: No plan yet.")
    assert item_blocks(build_document(later.meeting), later)[-1] == Block(
        "assurance", "Assured: The plan is in place."
    )


def test_minutes_frozen_before_statements_existed_still_load(item, commissioner_user):
    services.set_minutes_status(item.meeting, "agreed", by=commissioner_user)
    content = item.meeting.versions.get().content["full"]
    assert all(block["kind"] != "assurance" for row in content["rows"] for block in row["blocks"])
    document = MinutesDocument.from_dict(content)
    assert item_blocks(document, item)[-1] == Block(
        "findings", items=("Use of stop and search is falling.",)
    )


def test_a_restricted_items_statement_is_withheld_from_the_public_version(
    client, force_user, commissioner_user, item
):
    item.restricted, item.restriction_reason = True, "Operationally sensitive"
    item.save()
    judgements_services.record_assurance(item, level="not_assured", narrative="Covert detail.")
    services.set_minutes_status(item.meeting, "agreed", by=commissioner_user)
    assert "Covert detail." not in " ".join(build_document(item.meeting, public=True).text_lines())
    assert "3 Not assured: Covert detail." in build_document(item.meeting).text_lines()
    client.force_login(force_user)
    for name in ("meetings:detail", "meetings:docx"):
        response = client.get(reverse(name, args=[item.meeting.pk]))
        assert response.status_code == 200
        assert b"Covert detail." not in response.content
    docx = Document(
        io.BytesIO(client.get(reverse("meetings:docx", args=[item.meeting.pk])).content)
    )
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    assert "Covert detail." not in " ".join(cells)


def test_the_word_minutes_print_the_statement_after_the_findings(client, opcc_user, item):
    judgements_services.record_assurance(
        item, level="partially_assured", narrative="Not yet explained."
    )
    client.force_login(opcc_user)
    response = client.get(reverse("meetings:docx", args=[item.meeting.pk]))
    document = Document(io.BytesIO(response.content))
    cell = next(row.cells[1] for row in document.tables[1].rows if row.cells[0].text == item.number)
    assert [paragraph.text for paragraph in cell.paragraphs] == [
        "Stop and search",
        "Findings:",
        "Use of stop and search is falling.",
        "Assurance:",
        "Partially assured: Not yet explained.",
    ]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_minutes_print_the_statement(client, opcc_user, item, tmp_path):
    judgements_services.record_assurance(
        item, level="partially_assured", narrative="Not yet explained."
    )
    client.force_login(opcc_user)
    response = client.get(reverse("meetings:pdf", args=[item.meeting.pk]))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert (
        "Use of stop and search is falling. Assurance: Partially assured: Not yet explained."
        in (text.replace("• ", ""))
    )


def test_a_question_under_a_section_is_named_by_its_label_when_confirmed(client, commissioner_user):
    """Questions 1 to 5 under 5a: "item 1" would not say which, "item 5a/1" does."""
    section = ItemFactory(number="5a", heading="Performance", meeting=MeetingFactory())
    question = ItemFactory(number="1", heading="DVPNs", meeting=section.meeting, parent=section)
    statement = judgements_services.record_assurance(question, level="assured", narrative="")
    client.force_login(commissioner_user)
    page = client.get(section.meeting.get_absolute_url()).content.decode()
    assert "Item 5a/1: Assured." in page
    assert "the assurance statement of item 5a/1</span>" in page
    response = client.post(
        reverse("judgements:assurance_confirm", args=[statement.pk]), follow=True
    )
    assert "Assurance statement of item 5a/1 confirmed." in response.content.decode()
