"""Background work for kept files, on the task queue (django-tasks: see settings.TASKS), and
asking for it."""

import datetime

from django.utils import timezone
from django_tasks import task

from core.background import enqueue_in_background
from kept.exports import prepare
from kept.models import ExportStatus, KeptExport

# A request for the same export within this time finds the one already asked for.
SAME_REQUEST_WITHIN = datetime.timedelta(minutes=10)


@task()
def prepare_export(export_id):
    return prepare(export_id)


def request_export(user, kind, query):
    """The kept export ``user`` asked for: one being prepared or just made with the same
    filters, else a new one, handed to the task queue. One whose worker died is failed
    first, so that asking again starts afresh."""
    KeptExport.objects.filter(user=user).fail_abandoned()
    recent = KeptExport.objects.filter(
        user=user,
        kind=kind,
        query=query,
        requested_at__gte=timezone.now() - SAME_REQUEST_WITHIN,
    ).exclude(status=ExportStatus.FAILED)
    export = recent.first()
    if export is None:
        export = KeptExport.objects.create(user=user, kind=kind, query=query)
        hand_over(str(export.pk))
    return export


def hand_over(export_id):
    """Have the export prepared away from the request, whatever the task backend
    (``core.background``): the immediate backend would run it inside the request, which
    gunicorn kills at 30 seconds with the export left "being prepared". A process that stops
    first leaves it to the lease (``KeptExport.objects.abandoned``); a failure is marked on
    the export by ``prepare``, and its page offers to try again."""
    enqueue_in_background(prepare_export, export_id)
