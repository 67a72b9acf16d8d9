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
            response = HttpResponse(
                render_to_string("operations/maintenance.html"),
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
            )
            return response
        return self.get_response(request)
