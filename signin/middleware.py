"""Rules for every signed-in request: the session ends when the login's role changed since it
began; where the deployment requires two factors, the second factor comes before anything
else; and no signed-in page is kept by the browser or anything between."""

from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import LazyObject, empty

from people import roles
from signin import sessions, two_factor

OIDC_BACKEND = "signin.oidc.OrganisationBackend"


def open_to_all(view_func):
    """A page open to all is let through before the session is read (as
    core.keep_typed.SignInRequiredMiddleware does), so that the public site's responses
    do not vary by cookie."""
    return not getattr(view_func, "login_required", True)


def _loaded(user):
    """The login itself, out of the lazy objects that load it (the session's user, then
    django-otp's verification): every signed-in page asks about it a hundred times, and each
    question through them cost a raised AttributeError."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class SessionRoleMiddleware(MiddlewareMixin):
    """End the session when the login's role is not the one it signed in with.

    ``people.accounts.change_role`` ends every session of the login it changes; this catches
    a role changed any other way (the admin, a group edited by hand). A key seen before the
    change (in a log, a shared machine's cookie jar) never carries the new role: whoever
    holds it signs in again.

    From here on a signed-in view's ``request.user`` is the login itself (``_loaded``).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if open_to_all(view_func):
            return None
        request.user = user = _loaded(request.user)
        if user.is_authenticated and sessions.ROLE_SESSION_KEY in request.session:
            role = roles.role_of(user) or ""
            if request.session[sessions.ROLE_SESSION_KEY] != role:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return None


class TwoFactorRequiredMiddleware(MiddlewareMixin):
    """With REQUIRE_TWO_FACTOR on, OPCC staff and the Commissioner signed in with a password
    go to set up two factors, or to sign in again with a code, before any other page.

    The organisation's identity provider does its own multi-factor authentication.
    """

    allowed = None  # the paths open before the second factor, worked out on first use

    def process_view(self, request, view_func, view_args, view_kwargs):
        if open_to_all(view_func):
            return None
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.session.get(BACKEND_SESSION_KEY) != OIDC_BACKEND
            and two_factor.required_for(user)
        ):
            if self.allowed is None:
                self.allowed = {
                    reverse("signin:two_factor"),
                    reverse("signin:two_factor_setup"),
                    reverse("logout"),
                    reverse("keep_alive"),
                }
            if request.path not in self.allowed:
                return redirect("signin:two_factor")
        return None


class NoStoreWhenSignedInMiddleware(MiddlewareMixin):
    """``Cache-Control: private, no-store`` on every response to a signed-in request, so that
    restricted minutes and exports are not left in a shared PC's disk cache or back/forward
    cache after *Sign out*. Pages open to all (the public site, which says how long it may be
    kept) are left as they are, without reading the session."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.open_to_all = open_to_all(view_func)

    def process_response(self, request, response):
        if getattr(request, "open_to_all", True):
            # An open page, or no view at all (a 404 before resolving): nothing signed-in.
            return response
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
