"""Health for the proxy and the load balancer.

``/healthz`` (liveness) answers without touching the database, the session or a template: it
says only that this process is up and serving. ``/readyz`` (readiness) asks each part the
application depends on, and answers 503 naming the parts that are not well.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from operations import maintenance


# No transaction either (ATOMIC_REQUESTS would open one, and with it a connection).
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache = caches["default"]
    if hasattr(cache, "ping"):
        cache.ping()


def _storage():
    # A write and a delete: a full or read-only volume, or a bucket refusing us, fails here.
    name = default_storage.save(f"health/ready-{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)


def _queue():
    if settings.TASK_BACKEND != "database":
        return
    bound = timezone.now() - datetime.timedelta(seconds=settings.READY_QUEUE_WAIT_SECONDS)
    waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=bound)
    if waiting.exists():
        raise RuntimeError(
            f"a task has waited over {settings.READY_QUEUE_WAIT_SECONDS} s: is a worker running?"
        )


CHECKS = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "queue": _queue,
}


@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def readyz(request):
    """Readiness: whether this host can serve now. 503, naming each part that is not well
    (the database, the cache if one is configured, the file storage, the task queue), so
    that the load balancer sends no one here until it is; 200 otherwise."""
    lines, ready = [], True
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure of a part is its answer, whatever its kind
            ready = False
            lines.append(f"{name}: not ready ({type(error).__name__}: {error})")
        else:
            lines.append(f"{name}: ok")
    # Said, but not a reason to take the host out: during maintenance it answers every page
    # with the "back shortly" page, better than the load balancer's own error.
    why = maintenance.reason()
    lines.append(f"maintenance: on ({why})" if why else "maintenance: off")
    body = "\n".join(["ready" if ready else "not ready", *lines]) + "\n"
    return HttpResponse(
        body, status=200 if ready else 503, content_type="text/plain; charset=utf-8"
    )
