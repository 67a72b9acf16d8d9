"""The order a meeting takes its items and the numbers the agenda gives them are two things:
an item is inserted where the officer says, a meeting can take items out of order keeping
their numbers, moving puts numbers back in sequence, numbering in order happens when asked,
and agreeing warns of numbers out of sequence."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, ItemKind
from meetings.services import minutes_document
from people import roles
from tests.factories import ItemFactory, MeetingFactory, user_with_role
from tests.meetings.test_record import posted_as_shown
from tests.meetings.test_renumbering import agenda, items

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = MeetingFactory(status="draft")
    items(meeting, ["1", "2", "3"])
    AgendaItem.objects.filter(meeting=meeting, number="3").update(
        heading="Date of next meeting", kind=ItemKind.NEXT_MEETING
    )
    return meeting


@pytest.fixture
def officer(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    return client


def add_item(client, meeting, **fields):
    return client.post(
        reverse("meetings:item_add", args=[meeting.pk]),
        {"heading": "Drugs", "label_findings": "on", **fields},
    )


def test_a_new_item_goes_before_the_date_of_next_meeting_unless_placed_elsewhere(officer, meeting):
    page = officer.get(reverse("meetings:item_add", args=[meeting.pk]))
    closing = meeting.items.get(number="3")
    assert page.context["form"]["place"].value() == str(closing.pk)
    assert add_item(officer, meeting, number="4", place=str(closing.pk)).status_code == 302
    assert agenda(meeting) == [
        ("1", "Heading 1"),
        ("2", "Heading 2"),
        ("4", "Drugs"),
        ("3", "Date of next meeting"),
    ]
    first = meeting.items.get(number="1")
    assert add_item(officer, meeting, number="0", heading="Apologies", place=str(first.pk))
    assert [n for n, _h in agenda(meeting)] == ["0", "1", "2", "4", "3"]
    assert add_item(officer, meeting, number="AOB", heading="Any other business", place="")
    assert [n for n, _h in agenda(meeting)] == ["0", "1", "2", "4", "3", "AOB"]


def test_numbers_out_of_sequence_are_warned_of_and_mended_by_moving_or_numbering(officer, meeting):
    drugs = ItemFactory(meeting=meeting, number="4", heading="Drugs", position=2)
    AgendaItem.objects.filter(meeting=meeting, number="3").update(position=1)
    AgendaItem.objects.filter(meeting=meeting, number="2").update(position=3)
    assert [n for n, _h in agenda(meeting)] == ["1", "3", "4", "2"]
    assert services.numbers_out_of_sequence(meeting) == ["4 before 2"]
    problems = services.agreement_problems(meeting)
    assert problems[1] == (
        "Item numbers run out of sequence (4 before 2): move the items, or number them in "
        "order on the record page. An item taken out of order keeps its number and says "
        "which item it was taken after."
    )
    # Moving puts the numbers back in sequence, as a reader counts them.
    assert services.move_item(drugs, "down")
    assert agenda(meeting) == [
        ("1", "Heading 1"),
        ("2", "Date of next meeting"),
        ("3", "Heading 2"),
        ("4", "Drugs"),
    ]
    assert services.numbers_out_of_sequence(meeting) == []


def test_numbering_in_order_is_done_when_asked_and_says_how_many(officer, meeting):
    AgendaItem.objects.filter(meeting=meeting, number="1").update(position=5)
    response = officer.post(reverse("meetings:renumber", args=[meeting.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["3 items renumbered in order."]
    assert agenda(meeting) == [
        ("1", "Heading 2"),
        ("2", "Date of next meeting"),
        ("3", "Heading 1"),
    ]
    response = officer.post(reverse("meetings:renumber", args=[meeting.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The items were already numbered in order."
    ]


def test_an_item_taken_out_of_order_keeps_its_number_and_the_minutes_say_so(officer, meeting):
    two = meeting.items.get(number="2")
    one = meeting.items.get(number="1")
    url = reverse("meetings:item_edit", args=[one.pk])
    edit = officer.get(url).context["form"]
    assert edit["taken_after"].value() is None
    assert officer.post(url, posted_as_shown(edit, taken_after=two.pk)).status_code == 302
    doc = minutes_document(meeting)
    [first_row] = [row for row in doc.rows if row.anchor == f"item-{one.pk}"]
    assert [block.text for block in first_row.blocks] == [
        "Heading 1",
        "Taken after item 2.",
    ]
    assert [row.number for row in doc.rows] == ["1", "2", "3"]
    assert services.numbers_out_of_sequence(meeting) == []
