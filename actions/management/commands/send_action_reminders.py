"""Email action owners: run once a day from cron (see README, "Reminders")."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus

from actions.reminders import send_reminders
from actions.tasks import send_reminders_task


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date such as 2017-11-22, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Email owners about actions due within 7 days or overdue, and ask for updates 5 "
        "working days before the next meeting. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_date, help="Run as if on this date (YYYY-MM-DD).")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the sending to the task queue's worker (TASK_BACKEND=database) and "
            "return at once, rather than send from this process.",
        )

    def handle(self, *args, today=None, queue=False, **options):
        today = today or timezone.localdate()
        if queue:
            result = send_reminders_task.enqueue(today.isoformat())
            if result.status != TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"Queued for the worker: task {result.id}.")
                return
            lines = result.return_value
        else:
            lines = send_reminders(today)
        for line in lines:
            self.stdout.write(line)
        if not lines:
            self.stdout.write("Nothing to send today.")
