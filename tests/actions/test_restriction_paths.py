"""A restriction is about content: a restricted item's text, and the text of every action
under it (at any depth), reaches no one who may not see the item, by any path: the action's
page, the log and its search, the htmx results, the exports, the calendar, "my actions", the
minutes in every format, and the next meeting's item 1."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook

from actions.models import Action, ActionReview, CalendarFeed
from actions.reviews import bring_forward
from actions.services import decide_review, raise_action
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.services import open_meeting, set_minutes_status
from people import roles
from people.models import Person
from tests.factories import BodyFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

SENSITIVE = "Operationally sensitive"
INVESTIGATION = "Live investigation"
# Text of the restricted items and of the actions under them.
SECRETS = [
    "Athena update brief",
    "All chief officers to read the Athena brief",
    "next quarter’s figures",
    "Draft plan to be shared",
    "Nuneaton firearms incident",
]


@pytest.fixture
def world(demo):
    """October's item 2 restricted, and 5a (whose questions 5a/1 and 5a/2 hold actions), as
    a correction of the agreed minutes; an action for ALL under item 2; November reviews
    every action brought forward and is agreed."""
    october = Meeting.objects.get(date="2017-10-31")
    set_minutes_status(october, "draft", by=None, reason="Two items are sensitive.")
    for number, parent, reason in (("2", None, SENSITIVE), ("5a", "5", INVESTIGATION)):
        item = october.items.get(number=number, parent__number=parent)
        item.restricted, item.restriction_reason = True, reason
        item.save()
    everyone = raise_action(
        item=october.items.get(number="2", parent=None),
        text="All chief officers to read the Athena brief",
        # All attendees, the DCC among them: under a restricted item it is still none of
        # theirs, only those who may see the item see it.
        owner_bodies=[
            BodyFactory(
                label="ALL", name="All attendees", members=Person.objects.exclude(user=None)
            )
        ],
        due_date=datetime.date(2017, 12, 1),
    )
    set_minutes_status(october, "agreed", by=None)
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    bring_forward(november)
    Attendance.objects.create(
        meeting=november, person=Person.objects.get(initials="AB"), capacity="DCC"
    )
    for review in ActionReview.objects.filter(item__meeting=november):
        decide_review(review, by=None, outcome="closed", update=f"{review.action.text} done.")
    set_minutes_status(november, "agreed", by=None)
    outsider = user_with_role(
        roles.FORCE_OFFICER, username="outsider", person=PersonFactory(name="Sam Outsider")
    )
    return {"october": october, "november": november, "everyone": everyone, "outsider": outsider}


def restricted_actions(world):
    return [
        *Action.objects.filter(reference__in=["2017/10-05", "2017/10-07", "2017/10-08"]),
        world["everyone"],
    ]


def assert_no_secret(text):
    assert [secret for secret in SECRETS if secret in text] == []


def docx_text(content):
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_restriction_covers_the_subtree_and_reaches_the_next_meeting(world):
    assert sorted(
        AgendaItem.objects.filter(
            meeting=world["october"], withheld_reason=INVESTIGATION
        ).values_list("number", flat=True)
    ) == ["1", "2", "3", "4", "5", "5a"]
    reviews = ActionReview.objects.filter(item__meeting=world["november"]).order_by("item__number")
    assert [
        (r.action.reference, r.item.restricted, r.item.restriction_reason) for r in reviews
    ] == [
        ("2017/10-02", False, ""),
        ("2017/10-03", False, ""),
        ("2017/10-04", False, ""),
        ("2017/10-05", True, SENSITIVE),
        ("2017/10-07", True, INVESTIGATION),
        ("2017/10-08", True, INVESTIGATION),
    ]


@pytest.mark.parametrize("username", ["outsider", "dcc"])
def test_no_restricted_text_reaches_the_force_through_the_minutes(client, world, username):
    client.force_login(world["outsider"]) if username == "outsider" else client.login(
        username="dcc", password="assurance-demo"
    )
    for meeting in (world["october"], world["november"]):
        page = client.get(meeting.get_absolute_url()).text
        assert_no_secret(page)
        assert f"This item is withheld from this version of the minutes. Reason: {SENSITIVE}" in (
            page
        )
        assert_no_secret(docx_text(client.get(reverse("meetings:docx", args=[meeting.pk])).content))


def test_the_public_version_for_the_opcc_leaves_out_the_next_meetings_reviews(client, world):
    client.login(username="officer", password="assurance-demo")
    url = world["november"].get_absolute_url()
    assert_no_secret(client.get(url + "?version=public").text)
    assert_no_secret(
        docx_text(
            client.get(
                reverse("meetings:docx", args=[world["november"].pk]) + "?version=public"
            ).content
        )
    )
    assert "Athena update brief" in client.get(url).text


def test_no_restricted_action_reaches_a_force_officer_who_does_not_own_it(
    client, world, time_machine
):
    # The calendar lists the dues from three months ago to a year ahead (actions.calendar).
    time_machine.move_to(datetime.datetime(2017, 11, 22, 12, tzinfo=datetime.UTC), tick=False)
    client.force_login(world["outsider"])
    for action in restricted_actions(world):
        assert client.get(action.get_absolute_url()).status_code == 404
    assert_no_secret(client.get(reverse("actions:log")).text)
    search = client.get(reverse("actions:log"), {"q": "Athena"}, headers={"HX-Request": "true"})
    assert_no_secret(search.text)
    assert list(search.context["actions"]) == []
    assert_no_secret(client.get(reverse("kept:action_log_csv")).getvalue().decode())
    workbook = load_workbook(io.BytesIO(client.get(reverse("kept:action_log_xlsx")).getvalue()))
    cells = [str(v) for row in workbook.active.iter_rows(values_only=True) for v in row if v]
    assert_no_secret("\n".join(cells))
    assert list(client.get(reverse("actions:mine")).context["actions"]) == []
    feed = CalendarFeed.objects.create(user=world["outsider"])
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT") if "Action" in e["summary"]] == []


def test_an_owner_sees_their_restricted_actions_but_not_an_all_action_of_the_item(
    client, world, time_machine
):
    # The calendar lists the dues from three months ago to a year ahead (actions.calendar).
    time_machine.move_to(datetime.datetime(2017, 11, 22, 12, tzinfo=datetime.UTC), tick=False)
    client.login(username="dcc", password="assurance-demo")
    assert client.get(world["everyone"].get_absolute_url()).status_code == 404
    mine = [a.reference for a in client.get(reverse("actions:mine")).context["actions"]]
    assert world["everyone"].reference not in mine
    assert client.get(
        Action.objects.get(reference="2017/10-08").get_absolute_url()
    ).status_code == (200)
    dcc = Person.objects.get(initials="AB").user
    feed = CalendarFeed.objects.create(user=dcc)
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT") if "Action" in e["summary"]] == [
        "Action 2017/10-01 due",
        "Action 2017/10-06 due",
    ]


def test_the_review_of_a_restricted_action_cannot_be_made_public(client, demo):
    october = Meeting.objects.get(date="2017-10-31")
    set_minutes_status(october, "draft", by=None, reason="Item 2 is sensitive.")
    item = october.items.get(number="2", parent=None)
    item.restricted, item.restriction_reason = True, SENSITIVE
    item.save()
    set_minutes_status(october, "agreed", by=None)
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    bring_forward(november)
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-05")
    client.login(username="officer", password="assurance-demo")
    response = client.post(
        reverse("meetings:item_edit", args=[review.item_id]),
        {"number": review.item.number, "heading": review.item.heading, "version": 1},
    )
    assert response.context["form"].errors == {
        "restricted": [
            "Action 2017/10-05 was raised under a restricted item (Operationally sensitive), "
            "so its review stays restricted."
        ]
    }
    review.item.refresh_from_db()
    assert (review.item.restricted, review.item.withheld_reason) == (True, SENSITIVE)
