"""Two rules for every signed-in request: a new session key when the login's role changed
since the session began, and, where the deployment requires two factors, the second factor
before anything else."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from people import roles
from signin import sessions, two_factor

OIDC_BACKEND = "signin.oidc.OrganisationBackend"


def open_to_all(view_func):
    """A page open to all is let through before the session is read (as
    core.keep_typed.SignInRequiredMiddleware does), so that the public site's responses
    do not vary by cookie."""
    return not getattr(view_func, "login_required", True)


class SessionRoleMiddleware(MiddlewareMixin):
    """Cycle the session key when the login's role is not the one it signed in with.

    A role given or withdrawn while signed in takes effect under a new key, so a key seen
    before the change (in a log, a shared machine's cookie jar) does not carry the new role.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if open_to_all(view_func):
            return None
        user = request.user
        if user.is_authenticated and sessions.ROLE_SESSION_KEY in request.session:
            role = roles.role_of(user) or ""
            if request.session[sessions.ROLE_SESSION_KEY] != role:
                sessions.cycle(request)
                request.session[sessions.ROLE_SESSION_KEY] = role
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
