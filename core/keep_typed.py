"""Nothing typed is lost: the server's half of static/js/keep-typed.js.

The browser keeps drafts of what is typed (localStorage); the server tells it when a form was
saved (so the draft can go), answers an htmx request from a signed-out user or against locked
minutes in a way htmx does not swap into the page, and keeps the session alive on request.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.sessions import refresh

# Session key: the paths of forms saved since the last full page, whose drafts can go.
SAVED_KEY = "keep_typed_saved"
SAVED_LIMIT = 20


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, but a request from a page already open is not answered
    with the sign-in page in place of what was asked for.

    htmx follows a redirect and would swap the sign-in page (navigation bar and all) into the
    item, and the text typed there with it; it gets a 401 that it leaves unswapped instead. A
    form posted the ordinary way is sent to sign in with the page it came from as ``next``:
    the URL it posted to answers only POST.

    It also notes, for a signed-in user, each POST answered with a redirect (a form saved):
    the next full page tells the browser to drop its drafts of that form.
    """

    def __call__(self, request):
        response = super().__call__(request)
        if (
            request.method == "POST"
            and 300 <= response.status_code < 400
            and not getattr(response, "typed_not_saved", False)
            and hasattr(request, "session")
            and request.user.is_authenticated
        ):
            saved = request.session.get(SAVED_KEY, [])
            request.session[SAVED_KEY] = [*saved, request.path][-SAVED_LIMIT:]
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A page open to all is let through before the session is read: Django's asks who is
        # signed in first, which marks every response "Vary: Cookie" and so defeats caching
        # of the public site's pages, which are the same for everyone.
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        login_url = resolve_url(self.get_login_url(view_func))
        if is_htmx(request):
            return HttpResponse(
                "You were signed out. Sign in again, then save.",
                status=401,
                content_type="text/plain; charset=utf-8",
                headers={
                    "HX-Reswap": "none",
                    "X-Sign-In": login_url,
                    "Cache-Control": "no-store",
                },
            )
        if request.method == "POST":
            came_from = request.headers.get("Referer", "")
            if url_has_allowed_host_and_scheme(
                came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                parts = urlsplit(came_from)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                return redirect_to_login(path, login_url, self.get_redirect_field_name(view_func))
        return super().handle_no_permission(request, view_func)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def keep_alive(request):
    """Keep the session for another idle period, saving it now (other requests save it at
    most once a minute: core.sessions): 204 while signed in, with the current CSRF token for
    a page whose token changed when its user signed in again in another tab; 401 once signed
    out."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    refresh(request.session)
    return HttpResponse(status=204, headers={"X-CSRFToken": get_token(request)})


def script_settings(request):
    """What keep-typed.js needs to know, as data attributes of its script element."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user": "", "saved": []}
    # A request made in a test by RequestFactory has no session.
    session = getattr(request, "session", None)
    saved = session.pop(SAVED_KEY, []) if session is not None else []
    return {
        "user": str(user.pk),
        "saved": saved,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "warn_seconds": settings.SESSION_WARNING_SECONDS,
    }
