"""Each login's sessions: recorded at sign-in, listed for their holder, ended one by one or
all but the current one.

Django's sessions are signed blobs with no user column; SignInSession is the index. A row
whose session has ended (signed out, expired, deleted when the login was deactivated) is
deleted with it, and the list shows only sessions still alive.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from people import roles
from signin.models import SignInSession
from signin.throttle import client_address

ROLE_SESSION_KEY = "signin_role"


def method_of(request, user):
    method = getattr(request, "signin_method", None)
    if method:
        return method
    return "Password"


@receiver(user_logged_in, dispatch_uid="signin_record_session")
def record_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    request.session[ROLE_SESSION_KEY] = roles.role_of(user) or ""
    SignInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "method": method_of(request, user)[:120],
            "ip_address": client_address(request),
            "user_agent": request.headers.get("user-agent", "")[:300],
        },
    )


@receiver(user_logged_out, dispatch_uid="signin_forget_session")
def forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            SignInSession.objects.filter(session_key=key).delete()


@receiver(post_delete, sender=Session, dispatch_uid="signin_session_deleted")
def session_deleted(sender, instance, **kwargs):
    SignInSession.objects.filter(session_key=instance.session_key).delete()


def live_sessions(user):
    """The login's sessions that have not ended, newest first, each with ``last_seen``."""
    live = dict(
        Session.objects.filter(
            session_key__in=SignInSession.objects.filter(user=user).values("session_key"),
            expire_date__gt=timezone.now(),
        ).values_list("session_key", "expire_date")
    )
    rows = [row for row in SignInSession.objects.filter(user=user) if row.session_key in live]
    idle = timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    for row in rows:
        # Requests save the session at most a minute apart (core.sessions), moving its expiry
        # on: last seen to within that minute.
        row.last_seen = max(row.signed_in_at, live[row.session_key] - idle)
    return rows


def end(user, session_key):
    """End one of ``user``'s sessions; False if it is not theirs or has already ended."""
    if not SignInSession.objects.filter(user=user, session_key=session_key).exists():
        return False
    deleted, _ = Session.objects.filter(session_key=session_key).delete()
    SignInSession.objects.filter(session_key=session_key).delete()
    return bool(deleted)


def end_others(user, current_key):
    keys = list(
        SignInSession.objects.filter(user=user)
        .exclude(session_key=current_key)
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    SignInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)
