"""A person's calendar: the series' meetings, the announced next one, and their actions' due
dates, as iCalendar for any calendar client.

The feed lists every meeting, but only the outstanding actions due from ``DUES_FROM`` before
today to ``DUES_UNTIL`` after it: a calendar shows the weeks around now, and the DCC's feed
of every dated outstanding action reached 234 KB at 100,000 actions, fetched by each of their
calendars every few minutes. An action due longer ago is on My actions, overdue.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from actions.models import Action, DueKind
from meetings.models import Meeting

MEETING_LENGTH = datetime.timedelta(hours=2)
DOMAIN = "assurance.opcc"
# The window of due dates the feed lists, around today.
DUES_FROM = datetime.timedelta(days=92)
DUES_UNTIL = datetime.timedelta(days=366)


def london_timezone():
    """Europe/London as a VTIMEZONE of two yearly rules (BST from 01:00 GMT on the last
    Sunday of March, GMT from 02:00 BST on the last Sunday of October), valid for every year.

    icalendar's own (``add_missing_timezones``) lists each change as a date (RDATE) up to a
    year it chooses; ical.js and vobject read 10:30 London time in November from it as 09:30
    UTC, so a winter meeting showed an hour early."""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime.datetime(1970, 3, 29, 1, 0))
    summer.add("tzoffsetfrom", datetime.timedelta(hours=0))
    summer.add("tzoffsetto", datetime.timedelta(hours=1))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime.datetime(1970, 10, 25, 2, 0))
    winter.add("tzoffsetfrom", datetime.timedelta(hours=1))
    winter.add("tzoffsetto", datetime.timedelta(hours=0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _meeting_event(uid, title, date, time, venue=""):
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("summary", title)
    if time is not None:
        start = datetime.datetime.combine(date, time, tzinfo=ZoneInfo(settings.TIME_ZONE))
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    else:
        event.add("dtstart", date)
        event.add("dtend", date + datetime.timedelta(days=1))
    if venue:
        event.add("location", venue)
    return event


def due_day(action):
    """The day an action is due, for a calendar: its due date, or its due meeting's day once
    that meeting is arranged. None for a due by a month or an open-ended one."""
    if action.due_kind == DueKind.OPEN:
        return None
    if action.due_date:
        return action.due_date
    return action.due_at.date if action.due_at_id else None


def action_due_event(action, day):
    """An all-day event on ``day`` for ``action``: the same UID wherever it is sent, so a
    calendar that imports it twice (the feed and an email) keeps one."""
    event = Event()
    event.add("uid", f"action-{action.pk}-due@{DOMAIN}")
    event.add("summary", f"Action {action.reference} due")
    event.add("description", action.text)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    return event


def action_due_ics(action):
    """One action's due day as an iCalendar file (bytes), or None when it has no day."""
    day = due_day(action)
    if day is None:
        return None
    calendar = Calendar()
    calendar.add("prodid", "-//OPCC//Holding to account//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = action_due_event(action, day)
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    calendar.add_component(event)
    return calendar.to_ical()


def feed_for(user):
    """The calendar of ``user`` as iCalendar bytes."""
    # A calendar client keeps polling the secret address long after its owner has left.
    if not user.is_active:
        raise Http404("No such calendar.")
    calendar = Calendar()
    calendar.add("prodid", "-//OPCC//Holding to account//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Holding to account")
    stamp = datetime.datetime.now(tz=datetime.UTC)

    meetings = list(Meeting.objects.visible_to(user).with_people().order_by("date"))
    dates = {meeting.date for meeting in meetings}
    for meeting in meetings:
        calendar.add_component(
            _meeting_event(
                f"meeting-{meeting.pk}",
                meeting.title,
                meeting.date,
                meeting.start_time,
                meeting.venue,
            )
        )
    # The date the latest minutes announce, until a meeting is created for it.
    if meetings and meetings[-1].next_meeting_date and meetings[-1].next_meeting_date not in dates:
        latest = meetings[-1]
        calendar.add_component(
            _meeting_event(
                f"next-meeting-{latest.next_meeting_date.isoformat()}",
                f"{latest.series.name} (next meeting)",
                latest.next_meeting_date,
                latest.next_meeting_time,
                latest.venue,
            )
        )

    # Dues by a date, and at a meeting once it is arranged (on that meeting's day, wherever
    # it moves), within the window around today. An open-ended due has no day to show.
    today = timezone.localdate()
    window = (today - DUES_FROM, today + DUES_UNTIL)
    actions = (
        Action.objects.visible_to(user)
        .owned_by_user(user)
        .outstanding()
        .filter(Q(due_date__range=window) | Q(due_date__isnull=True, due_at__date__range=window))
        .exclude(due_kind=DueKind.OPEN)
        .select_related("due_at__series")
    )
    dated = sorted(
        ((action.due_date or action.due_at.date, action) for action in actions),
        key=lambda pair: (pair[0], pair[1].reference),
    )
    for day, action in dated:
        calendar.add_component(action_due_event(action, day))

    for component in calendar.walk("VEVENT"):
        component.add("dtstamp", stamp)
    # Outlook needs the VTIMEZONE that a TZID names, before the events that name it.
    if settings.TIME_ZONE == "Europe/London":
        calendar.subcomponents.insert(0, london_timezone())
    calendar.add_missing_timezones()
    return calendar.to_ical()
