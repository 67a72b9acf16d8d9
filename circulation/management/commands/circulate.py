"""Circulate a meeting by email from cron or a shell: safe to run more than once."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from circulation import services
from meetings.models import Meeting

KINDS = {
    "agenda": services.issue_agenda,
    "updates": services.request_updates,
    "draft": services.circulate_draft,
    "new-actions": services.tell_owners,
}


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--deadline must be a date such as 2017-11-22, not {value!r}."
        ) from error


class Command(BaseCommand):
    help = (
        "Email a meeting's agenda, requests for updates, draft minutes or new actions. "
        "No one is sent the same email twice, however often it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting", type=int, help="The meeting's number (its id).")
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--deadline", type=_date, help="Updates wanted by (YYYY-MM-DD).")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Where the site is, for the links in emails (default: SITE_URL).",
        )

    def handle(self, meeting, kind, deadline=None, base_url="", **options):
        try:
            meeting = Meeting.objects.with_people().get(pk=meeting)
        except Meeting.DoesNotExist as error:
            raise CommandError(f"No meeting {meeting}.") from error
        extra = {}
        if kind == "updates":
            if deadline is None:
                raise CommandError("Say by when the updates are wanted: --deadline YYYY-MM-DD.")
            extra["deadline"] = deadline
        outcome = KINDS[kind](meeting, by=None, base_url=base_url, **extra)
        for line in outcome.lines():
            self.stdout.write(line)
