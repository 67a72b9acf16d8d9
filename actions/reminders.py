"""Reminders to action owners: what is due soon or overdue, and, before a meeting, a request
for updates on everything coming to it. Each person hears at most once a day of each kind."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.formats import date_format

from actions import update_links
from actions.models import Action, DueKind, ReminderLog, Status, next_meeting
from actions.owners import login_of, owners_of
from core.mail import automatic_headers
from people.models import Office

DUE_WITHIN = datetime.timedelta(days=7)
WORKING_DAYS_BEFORE_MEETING = 5


def working_days_before(date, days):
    """``days`` working days (Monday to Friday) before ``date``; bank holidays are not known."""
    while days:
        date -= datetime.timedelta(days=1)
        if date.weekday() < 5:
            days -= 1
    return date


def _actions(queryset):
    return (
        queryset.with_due_month_meetings()
        .select_related("item", "meeting__series", "due_series", "due_at__series")
        .prefetch_related("owner_posts__holder__user", "owner_people__user")
        .prefetch_related("owner_bodies__members__user")
        .order_by(F("due_date").asc(nulls_last=True), "reference")
    )


def _send(person, kind, today, subject, context, report):
    if not person.email:
        report.append(f"Skipped {person.name}: no email address.")
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(person=person, sent_on=today, kind=kind)
            links = {}
            if not login_of(person).is_authenticated:
                # No login to sign in with: a link for each action, to report from the email
                # (issued here, so that a reminder not sent leaves no link behind). Kept
                # apart from the actions, which other owners' emails share.
                links = {
                    action.pk: settings.SITE_URL + update_links.issue(action, person)
                    for action in context["actions"]
                }
            # Everyone can open the action from the email: its page for whoever signs in.
            rows = [
                (action, links.get(action.pk, ""), settings.SITE_URL + action.get_absolute_url())
                for action in context["actions"]
            ]
            body = render_to_string(
                "actions/email/reminder.txt",
                {"person": person, "today": today, "rows": rows, "links": bool(links), **context},
            )
            EmailMessage(subject, body, to=[person.email], headers=automatic_headers()).send()
    except IntegrityError:
        report.append(f"Already reminded {person.name} today ({kind}).")
        return False
    report.append(f"Sent {person.name} <{person.email}>: {subject}")
    return True


def send_reminders(today):
    """Send today's reminders; return one line per person saying what happened."""
    report = []
    batches = [
        (
            ReminderLog.Kind.DUE,
            Action.objects.filter(status=Status.OPEN)
            .exclude(due_kind=DueKind.OPEN)
            .filter(Q(due_date__lte=today + DUE_WITHIN) | Q(due_at__date__lte=today + DUE_WITHIN)),
            "Actions due within 7 days or overdue",
            "These actions of yours are due within 7 days or are overdue.",
        )
    ]
    coming = next_meeting(today)
    if coming and working_days_before(coming.date, WORKING_DAYS_BEFORE_MEETING) == today:
        when = date_format(coming.date, "j F Y")
        batches.append(
            (
                ReminderLog.Kind.MEETING,
                Action.objects.due_by(coming.date),
                f"Updates wanted for the meeting on {when}",
                f"These actions of yours come to the {coming.title} on {when}. "
                "Please add a progress update to each, or mark it complete.",
            )
        )
    office = Office.current()
    for kind, queryset, subject, intro in batches:
        # A body's actions reach its members; unowned ones are left to the meeting.
        people, _unowned = owners_of(_actions(queryset))
        for person, actions in people:
            for action in actions:
                action.overdue_days = action.days_overdue(today)
            context = {"actions": actions, "intro": intro, "office": office}
            _send(person, kind, today, subject, context, report)
    return report
