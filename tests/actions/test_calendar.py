import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from actions.models import CalendarFeed
from tests.factories import ActionFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def feed(owner_user):
    return CalendarFeed.objects.create(user=owner_user)


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return sorted(
        (str(e["summary"]), e.decoded("dtstart"), str(e["uid"])) for e in calendar.walk("VEVENT")
    )


def test_the_feed_holds_the_meetings_the_next_date_and_my_due_dates(
    client, feed, action, item, acc
):
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
