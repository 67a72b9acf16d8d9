"""A session's idle expiry moves on with use, without writing the session on every request.

Saving it on every request (Django's SESSION_SAVE_EVERY_REQUEST) cost each page an UPDATE and
its savepoints. The session is saved instead when its expiry would move on by more than
``REFRESH_SECONDS``: an idle session then ends at most that much earlier than two hours after
the last request, well inside the warning keep-typed.js gives five minutes before.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESHED_KEY = "_refreshed_at"
REFRESH_SECONDS = 60


def refresh_after():
    # A short idle limit (set for a kiosk, or a test) is kept to within a tenth of itself.
    return min(REFRESH_SECONDS, settings.SESSION_COOKIE_AGE / 10)


def refresh(session):
    """Save ``session`` at the end of this request, moving its expiry on."""
    session[REFRESHED_KEY] = int(time.time())


class SessionRefreshMiddleware:
    """After SessionMiddleware: marks the session to be saved when it was last saved more than
    ``refresh_after()`` seconds ago. An empty session (no one signed in) is not written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A page that never read the session (the public site's, the same for everyone) leaves
        # it unread: reading it would mark the response "Vary: Cookie".
        if session is not None and session.accessed and not session.is_empty():
            # A session saved anyway (a sign-in, a form noted as saved) is stamped with it.
            stale = time.time() - session.get(REFRESHED_KEY, 0) > refresh_after()
            if session.modified or stale:
                refresh(session)
        return response


@receiver(user_logged_in, dispatch_uid="core_session_refreshed_at_sign_in")
def refreshed_at_sign_in(sender, request, user, **kwargs):
    # Signing in saves the session: its first pages need not save it again.
    if request is not None and hasattr(request, "session"):
        refresh(request.session)
