"""A health check for the proxy and the load balancer: answers without touching the database,
the session or a template, so it says only that this process is up and serving."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
