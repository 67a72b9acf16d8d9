"""The action log's background work, on the task queue (django-tasks: settings.TASKS)."""

import datetime

from django_tasks import task

from actions.reminders import send_reminders


@task()
def send_reminders_task(today):
    """The day's reminders (``today`` as 2017-11-22); what was sent, a line each."""
    return send_reminders(datetime.date.fromisoformat(today))
