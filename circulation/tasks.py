"""A meeting's emails, sent by the task queue rather than while the officer's browser waits:
an agenda with a pack of papers to each of thirty people takes longer than a request may.

Each email's log row commits with its send (``services.send_once``), so a task that stops
half way and runs again sends only to those not yet sent it."""

import datetime

from django.contrib.auth import get_user_model
from django_tasks import task

from circulation import services
from circulation.models import Kind
from meetings.models import Meeting

SENDERS = {
    Kind.AGENDA: services.issue_agenda,
    Kind.UPDATES: services.request_updates,
    Kind.DRAFT_MINUTES: services.circulate_draft,
    Kind.NEW_ACTIONS: services.tell_owners,
}


@task()
def circulate(meeting_id, kind, by_id, base_url, deadline=None):
    """Send ``kind`` of ``meeting_id``'s emails; what happened, a line a sentence."""
    meeting = Meeting.objects.with_people().get(pk=meeting_id)
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    extra = {}
    if kind == Kind.UPDATES:
        extra["deadline"] = datetime.date.fromisoformat(deadline)
    outcome = SENDERS[Kind(kind)](meeting, by=by, base_url=base_url, **extra)
    return {"lines": outcome.lines(), "trouble": bool(outcome.failed or outcome.skipped)}
