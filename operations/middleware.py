from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import render_to_string

from operations import maintenance

# Liveness stays true during maintenance (the process is up); readiness says why not.
ANSWERED_ANYWAY = ("/healthz", "/readyz", "/static/")
RETRY_AFTER_SECONDS = 60


class MaintenanceMiddleware:
    """While the maintenance switch is on, a 503 page for every request, before the session
    or anything else reads the database being restored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if maintenance.is_on() and not request.path.startswith(ANSWERED_ANYWAY):
            return back_shortly()
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A request that passed the switch just before it went on, and then met the restore
        in the database, is told the same as the requests after it rather than given a 500."""
        if isinstance(exception, DatabaseError) and maintenance.is_on():
            return back_shortly()
        return None


def back_shortly():
    return HttpResponse(
        render_to_string("operations/maintenance.html"),
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )
