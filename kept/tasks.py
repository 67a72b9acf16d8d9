"""Background work for kept files, on the task queue (django-tasks: see settings.TASKS), and
asking for it."""

import datetime
import logging
import threading

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from kept.exports import prepare
from kept.models import ExportStatus, KeptExport

# A request for the same export within this time finds the one already asked for.
SAME_REQUEST_WITHIN = datetime.timedelta(minutes=10)

logger = logging.getLogger(__name__)


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
    """Have the export prepared away from the request, whatever the task backend: the
    database backend's worker takes it from the queue; the immediate backend would run it
    inside the request, which gunicorn kills at 30 seconds with the export left "being
    prepared", so a thread of this process runs it once the export's row is committed. A
    process that stops first leaves it to the lease (``KeptExport.objects.abandoned``)."""
    if isinstance(prepare_export.get_backend(), ImmediateBackend):
        in_background(_enqueue, export_id)
    else:
        prepare_export.enqueue(export_id)


def in_background(work, *args):
    """``work(*args)`` in a thread of its own, after the transaction commits: the thread has
    a connection of its own, which sees only what is committed, and closes it when done."""

    def run():
        try:
            work(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="kept-export", daemon=True)
    transaction.on_commit(thread.start)


def _enqueue(export_id):
    try:
        prepare_export.enqueue(export_id)
    except Exception:
        # prepare() has marked the export failed; the page says so and offers to try again.
        logger.exception("Export %s could not be prepared", export_id)
