import datetime
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from actions.models import CalendarFeed
from tests.factories import ActionFactory, MeetingFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def feed(owner_user):
    return CalendarFeed.objects.create(user=owner_user)


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return sorted(
        (str(e["summary"]), e.decoded("dtstart"), str(e["uid"])) for e in calendar.walk("VEVENT")
    )


def _october_and_the_next_date(october):
    return [
        (
            "Monthly Assurance Meeting (next meeting)",
            datetime.datetime(2017, 11, 29, 10, 30, tzinfo=LONDON),
            "next-meeting-2017-11-29@assurance.opcc",
        ),
        (
            "Monthly Assurance Meeting October 2017",
            datetime.datetime(2017, 10, 31, 10, 30, tzinfo=LONDON),
            f"meeting-{october.pk}@assurance.opcc",
        ),
    ]


def test_the_feed_holds_the_meetings_the_next_date_and_my_due_dates(
    client, feed, action, item, acc, time_machine
):
    # The feed lists the dues around today (actions.calendar.DUES_FROM).
    time_machine.move_to(datetime.datetime(2017, 11, 1, 12, tzinfo=LONDON), tick=False)
    ActionFactory(item=item, owners=[acc], due_date=datetime.date(2017, 12, 1))
    ActionFactory(
        item=item,
        owners=[action.owner_posts.get()],
        status="closed",
        due_date=datetime.date(2017, 12, 2),
    )
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    october = action.meeting
    assert _events(response) == [
        (
            "Action 2017/10-01 due",
            datetime.date(2017, 12, 31),
            f"action-{action.pk}-due@assurance.opcc",
        ),
        *_october_and_the_next_date(october),
    ]


def test_the_calendar_page_shows_the_feed_address(client, feed, owner_user):
    client.force_login(owner_user)
    response = client.get(reverse("actions:calendar"))
    assert response.context["feed_url"] == f"http://testserver/calendar/{feed.token}.ics"


def test_resetting_changes_the_token_and_the_old_address_404s(client, feed, owner_user):
    old_url = feed.get_absolute_url()
    client.force_login(owner_user)
    response = client.post(reverse("actions:reset_calendar"))
    assert response["Location"] == reverse("actions:calendar")
    feed.refresh_from_db()
    assert feed.get_absolute_url() != old_url
    assert len(feed.token) == 43
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed.get_absolute_url()).status_code == 200


def test_an_unknown_token_is_404(client, db):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_resetting_needs_a_post(client, owner_user):
    client.force_login(owner_user)
    assert client.get(reverse("actions:reset_calendar")).status_code == 405


def test_a_deactivated_users_feed_is_404(client, feed, action, owner_user):
    owner_user.is_active = False
    owner_user.save()
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 404
    assert action.text.encode() not in response.content


@pytest.fixture
def draft(october):
    """The November meeting, its minutes still a draft, somewhere the force is not told of."""
    return MeetingFactory(
        date=datetime.date(2017, 11, 29), status="draft", venue="Room kept from the force"
    )


def test_a_force_officers_feed_leaves_out_draft_meetings_as_the_meetings_page_does(
    client, feed, draft, owner_user, october
):
    client.force_login(owner_user)
    assert list(client.get(reverse("meetings:list")).context["meetings"]) == [october]
    response = client.get(feed.get_absolute_url())
    assert _events(response) == [
        *_october_and_the_next_date(october),
    ]
    assert b"Room kept from the force" not in response.content


def test_opcc_staff_see_draft_meetings_in_their_feed(client, draft, opcc_user, october):
    feed = CalendarFeed.objects.create(user=opcc_user)
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
    assert [(str(e["uid"]), str(e.get("location"))) for e in calendar.walk("VEVENT")] == [
        (f"meeting-{october.pk}@assurance.opcc", "Meeting Room 1.38 – Hindlip"),
        (f"meeting-{draft.pk}@assurance.opcc", "Room kept from the force"),
    ]


def test_a_winter_meeting_reads_in_gmt_and_a_summer_one_in_bst_in_vobject(
    client, opcc_user, october
):
    """vobject is an iCalendar parser of its own, as a calendar client would be: it reads
    the feed's VTIMEZONE rather than knowing Europe/London already."""
    winter = MeetingFactory(date=datetime.date(2017, 11, 29), start_time=datetime.time(10))
    summer = MeetingFactory(date=datetime.date(2018, 7, 4), start_time=datetime.time(10))
    feed = CalendarFeed.objects.create(user=opcc_user)
    parsed = vobject.readOne(client.get(feed.get_absolute_url()).content.decode())
    starts = {
        str(event.uid.value): event.dtstart.value.astimezone(datetime.UTC)
        for event in parsed.vevent_list
    }
    assert (
        starts[f"meeting-{winter.pk}@assurance.opcc"],
        starts[f"meeting-{summer.pk}@assurance.opcc"],
    ) == (
        datetime.datetime(2017, 11, 29, 10, tzinfo=datetime.UTC),
        datetime.datetime(2018, 7, 4, 9, tzinfo=datetime.UTC),
    )
    (zone,) = parsed.vtimezone_list
    assert sorted(
        (part.name, sorted(part.rrule.value.split(";")))
        for part in zone.getChildren()
        if part.name != "TZID"
    ) == [
        ("DAYLIGHT", ["BYDAY=-1SU", "BYMONTH=3", "FREQ=YEARLY"]),
        ("STANDARD", ["BYDAY=-1SU", "BYMONTH=10", "FREQ=YEARLY"]),
    ]


def test_the_feed_lists_only_dues_from_three_months_ago_to_a_year_ahead(
    client, feed, item, dcc, time_machine
):
    time_machine.move_to(datetime.datetime(2018, 6, 1, 12, tzinfo=LONDON), tick=False)
    for reference, due in [
        ("2017/10-11", datetime.date(2018, 2, 28)),  # three months and more ago
        ("2017/10-12", datetime.date(2018, 3, 1)),
        ("2017/10-13", datetime.date(2019, 6, 1)),
        ("2017/10-14", datetime.date(2019, 6, 3)),  # more than a year ahead
    ]:
        ActionFactory(item=item, reference=reference, owners=[dcc], due_date=due)
    ActionFactory(
        item=item,
        reference="2017/10-15",
        owners=[dcc],
        due_kind="meeting",
        due_at=MeetingFactory(date=datetime.date(2016, 1, 5)),
    )
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT") if "due" in e["summary"]) == [
        "Action 2017/10-12 due",
        "Action 2017/10-13 due",
    ]
