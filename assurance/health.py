"""A health check for the proxy and the load balancer: answers without touching the database,
the session or a template, so it says only that this process is up and serving."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


# No transaction either (ATOMIC_REQUESTS would open one, and with it a connection).
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
