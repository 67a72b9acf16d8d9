"""Reminders to action owners: what is due soon or overdue, and, before a meeting, a request
for updates on everything coming to it. Each person hears at most once a day of each kind."""

import datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.formats import date_format

from actions.models import Action, DueKind, ReminderLog, Status, next_meeting

DUE_WITHIN = datetime.timedelta(days=7)
WORKING_DAYS_BEFORE_MEETING = 5


def working_days_before(date, days):
    """``days`` working days (Monday to Friday) before ``date``; bank holidays are not known."""
    while days:
        date -= datetime.timedelta(days=1)
        if date.weekday() < 5:
            days -= 1
    return date


def _by_person(actions):
    """The people who answer for each action: the holder of each owner post, and owner people.

    Actions owned by a body ("ALL") have no one person to remind, so they are left to the
    meeting (and a body's action under a restricted item is no member's to be sent).
    """
    people = {}
    for action in actions:
        owners = [post.holder for post in action.owner_posts.all() if post.holder]
        owners += list(action.owner_people.all())
        for person in owners:
            people.setdefault(person, [])
            if action not in people[person]:
                people[person].append(action)
    return sorted(people.items(), key=lambda pair: pair[0].name)


def _actions(queryset):
    return (
        queryset.select_related("meeting__series", "due_series", "due_at__series")
        .prefetch_related("owner_posts__holder", "owner_people")
        .order_by(F("due_date").asc(nulls_last=True), "reference")
    )


def _send(person, kind, today, subject, context, report):
    if not person.email:
        report.append(f"Skipped {person.name}: no email address.")
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(person=person, sent_on=today, kind=kind)
            body = render_to_string(
                "actions/email/reminder.txt", {"person": person, "today": today, **context}
            )
            send_mail(subject, body, None, [person.email])
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
    for kind, queryset, subject, intro in batches:
        for person, actions in _by_person(_actions(queryset)):
            for action in actions:
                action.overdue_days = action.days_overdue(today)
            _send(person, kind, today, subject, {"actions": actions, "intro": intro}, report)
    return report
