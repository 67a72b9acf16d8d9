"""Moving an item keeps the numbers in their places: 1, 2, 3, 4 stays 1, 2, 3, 4."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, MinutesStatus
from people import roles
from tests.factories import (
    ActionFactory,
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def items(meeting, numbers, parent=None):
    return [
        ItemFactory(meeting=meeting, parent=parent, number=n, heading=f"Heading {n}", position=i)
        for i, n in enumerate(numbers)
    ]


def agenda(meeting, parent=None):
    """(number, heading) of the siblings in order."""
    return list(
        meeting.items.filter(parent=parent)
        .order_by("position", "pk")
        .values_list("number", "heading")
    )


@pytest.mark.parametrize(
    ("number", "scheme"),
    [
        ("3", ("plain", "")),
        ("1.2", ("dotted", "1.")),
        ("HTA/2019/07/3.1", ("dotted", "HTA/2019/07/3.")),
        ("5a", ("lettered", "5")),
        ("AOB", None),
        ("HTA/2019/07/3", None),
    ],
)
def test_numbers_are_read_as_plain_dotted_lettered_or_free_form(number, scheme):
    assert services.number_scheme(number) == scheme


def test_moving_item_2_down_keeps_the_numbers_1_to_4_in_order():
    meeting = MeetingFactory()
    items(meeting, ["1", "2", "3", "4"])
    assert services.move_item(meeting.items.get(number="2"), "down")
    assert agenda(meeting) == [
        ("1", "Heading 1"),
        ("2", "Heading 3"),
        ("3", "Heading 2"),
        ("4", "Heading 4"),
    ]


def test_a_free_form_number_moves_with_its_item_and_the_numbered_ones_keep_theirs():
    meeting = MeetingFactory()
    items(meeting, ["5", "AOB", "6"])
    assert services.move_item(meeting.items.get(number="AOB"), "down")
    assert agenda(meeting) == [("5", "Heading 5"), ("6", "Heading 6"), ("AOB", "Heading AOB")]
    assert services.move_item(meeting.items.get(number="5"), "down")
    assert agenda(meeting) == [("5", "Heading 6"), ("6", "Heading 5"), ("AOB", "Heading AOB")]


def test_dotted_and_lettered_siblings_are_renumbered_in_their_scheme():
    meeting = MeetingFactory()
    one, five = items(meeting, ["1", "5"])
    items(meeting, ["1.1", "1.2", "1.3"], parent=one)
    items(meeting, ["5a", "5b", "5c"], parent=five)
    services.move_item(meeting.items.get(number="1.3"), "up")
    services.move_item(meeting.items.get(number="5a"), "down")
    assert agenda(meeting, one) == [
        ("1.1", "Heading 1.1"),
        ("1.2", "Heading 1.3"),
        ("1.3", "Heading 1.2"),
    ]
    assert agenda(meeting, five) == [
        ("5a", "Heading 5b"),
        ("5b", "Heading 5a"),
        ("5c", "Heading 5c"),
    ]


def test_sub_items_numbered_under_a_moved_item_follow_it_and_others_keep_theirs():
    meeting = MeetingFactory()
    two, three = items(meeting, ["2", "3"])
    two_one = items(meeting, ["2.1", "2.2"], parent=two)[0]
    items(meeting, ["2.1.1"], parent=two_one)
    items(meeting, ["3a"], parent=three)
    three_a = meeting.items.get(number="3a")
    items(meeting, ["1", "2"], parent=three_a)  # the questions under 5a: their own numbers
    services.move_item(two, "down")
    assert agenda(meeting) == [("2", "Heading 3"), ("3", "Heading 2")]
    assert agenda(meeting, two) == [("3.1", "Heading 2.1"), ("3.2", "Heading 2.2")]
    assert agenda(meeting, two_one) == [("3.1.1", "Heading 2.1.1")]
    assert agenda(meeting, three) == [("2a", "Heading 3a")]
    assert agenda(meeting, three_a) == [("1", "Heading 1"), ("2", "Heading 2")]


def test_findings_and_actions_stay_with_their_item_and_references_never_change():
    meeting = MeetingFactory()
    two, three = items(meeting, ["2", "3"])
    child = items(meeting, ["2.1"], parent=two)[0]
    finding = FindingFactory(item=two, text="Athena is stable.")
    action = ActionFactory(item=child, reference="2017/10-05")
    versions = {item.pk: item.version for item in (two, three, child)}
    services.move_item(two, "down")
    finding.refresh_from_db()
    action.refresh_from_db()
    assert (finding.item.number, finding.item.heading) == ("3", "Heading 2")
    assert (action.item.number, action.reference) == ("3.1", "2017/10-05")
    # Edit forms opened before the move are stale: they cannot put the old numbers back.
    assert {item.pk: item.version for item in AgendaItem.objects.filter(pk__in=versions)} == {
        pk: version + 1 for pk, version in versions.items()
    }
    # The history says what the number was.
    assert list(two.history.order_by("history_id").values_list("number", flat=True)) == ["2", "3"]


def test_the_first_item_does_not_move_up():
    meeting = MeetingFactory()
    items(meeting, ["1", "2"])
    assert not services.move_item(meeting.items.get(number="1"), "up")
    assert agenda(meeting) == [("1", "Heading 1"), ("2", "Heading 2")]


def test_agreed_minutes_are_not_renumbered():
    meeting = MeetingFactory(status=MinutesStatus.AGREED)
    items(meeting, ["1", "2"])
    with pytest.raises(services.MinutesLocked):
        services.move_item(meeting.items.get(number="1"), "down")
    assert agenda(meeting) == [("1", "Heading 1"), ("2", "Heading 2")]


def test_the_move_button_renumbers_and_says_so(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    meeting = MeetingFactory()
    items(meeting, ["1", "2", "3"])
    moved = meeting.items.get(number="2")
    response = client.post(reverse("meetings:item_move", args=[moved.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == meeting.get_record_url(moved)
    assert agenda(meeting) == [("1", "Heading 2"), ("2", "Heading 1"), ("3", "Heading 3")]
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["Item 2 moved up: it is now item 1."]
