"""The busiest pages, worked out once for each version of the record (core.record).

The dashboard, the action log and My actions read thousands of rows to show a few dozen. What
such a page shows is kept in the cache under a key made of

- the version of what they read (``listed``): the record without the progress updates
  (``core.record.settled``: a row shows its latest update through a mark filled in as the
  page is served, actions.latest) and without the findings, which none of them shows;
- today's date: what is overdue, and what comes to the next meeting, move with it;
- who is looking, as far as it changes what a page shows (``viewer``): those who see every
  meeting's minutes see the same actions, and their roles decide which links and buttons
  show; anyone else sees what is theirs, so their content is their own;
- the page and its query string, and whether htmx asked for the results alone.

Only content without a CSRF token or a form in error is kept: a token belongs to one
browser, and a form in error is for the person who sent it. The whole page is kept too, for
its login (``page_key``, core.record.kept_page).
"""

import hashlib

from core import record
from core.record import request_version, settled
from meetings.models import Finding
from people import roles
from people.context_processors import powers_held


def listed():
    """What the pages of actions read: the record but the progress updates (filled in as a
    page is served) and the findings, which none of them shows, so that a finding minuted
    during a meeting leaves them kept."""
    return [rows for rows in settled() if rows.model is not Finding.history.model]


def viewer(request, *, personal=False):
    """Who is looking, as far as it changes what a page shows: "all" and the roles' powers
    for those who see every meeting's minutes, else this login's own. A ``personal`` page
    (My actions) lists the login's own, so it is never shared, whatever the powers."""
    shared = roles.sees_all_minutes(request.user) and not personal
    who = "all" if shared else f"login-{request.user.pk}"
    return f"{who}:{powers_held(request)}"


def content_key(request, name, today, *, personal=False):
    """The cache key of page ``name``'s content for this request (see the module), with the
    record's version read now."""
    parts = [
        name,
        request_version(request, listed),
        today.isoformat(),
        viewer(request, personal=personal),
        request.get_full_path(),
        "results" if getattr(request, "htmx", False) else "page",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"content:{name}:{digest}"


def page_key(request, name, today, *, personal=False):
    """The cache key of the whole page ``name`` for this request's login."""
    return record.page_key(request, content_key(request, name, today, personal=personal))
