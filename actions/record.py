"""The busiest pages, worked out once for each version of the record.

The dashboard, the action log and My actions read thousands of rows to show a few dozen, and
nearly every request for them comes between two changes to the record: the same rows read
again to the same end. So what such a page shows is kept in the cache under a key made of

- the record's version (``record_version``), which moves with every change anything
  recorded makes: every save and delete through the ORM writes a history row, and the two
  trails without history (action events, minutes events) only ever gain rows;
- today's date: what is overdue, and what comes to the next meeting, move with it;
- who is looking, as far as it changes what a page shows (``viewer``): those who see every
  meeting's minutes see the same actions, and their roles decide which links and buttons
  show; anyone else sees what is theirs, so their content is their own;
- the page and its query string, and whether htmx asked for the results alone.

Only content without a CSRF token or a form in error is kept: a token belongs to one
browser, and a form in error is for the person who sent it.
"""

import functools
import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from simple_history.models import HistoricalChanges

from actions.models import ActionEvent
from meetings.models import MinutesEvent
from people.context_processors import permissions


def everything():
    """Every table whose latest row says the record changed: the history of every model that
    keeps one, and the two trails that have none because nothing edits them. The history of
    a many-to-many (a body's members) needs no look-up of its own: a change to it writes a
    history row of its owner too."""
    historical = sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, HistoricalChanges)
            and any(field.name == "history_date" for field in model._meta.fields)
        ),
        key=lambda model: model._meta.db_table,
    )
    return [
        *(model._base_manager.all() for model in historical),
        ActionEvent._base_manager.all(),
        MinutesEvent._base_manager.all(),
    ]


@functools.cache
def _version_query(scope):
    """The latest row of each of ``scope()``'s querysets, as one SELECT of scalar subqueries
    without a table to hang them on; written once per process and scope, as the tables do
    not change while it runs."""
    looks = []
    params = []
    for rows in scope():
        if issubclass(rows.model, HistoricalChanges):
            order, when = "-history_id", "history_date"
        else:
            # The trails: rows are added, never edited, each with the time it was added.
            order, when = "-pk", "at"
        mark = Concat(
            Cast("pk", CharField()), Value("@"), Cast(when, CharField()), output_field=CharField()
        )
        latest = rows.order_by(order).annotate(mark=mark).values("mark")[:1]
        sql, sql_params = latest.query.sql_with_params()
        looks.append(f"({sql})")
        params.extend(sql_params)
    return f"SELECT {', '.join(looks)}", tuple(params)


def record_version(scope=everything):
    """What changes whenever anything recorded does, in one query of index look-ups.

    Each table's latest row, by its id and its time: the time as well, so that a database
    rolled back and written again (as tests do, and SQLite reuses ids) never meets a version
    it had before. ``scope``, a function returning querysets of history or trail rows,
    narrows it to what one cache reads (the dashboard's chart).
    """
    sql, params = _version_query(scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    text = "|".join(str(mark) for mark in row)
    return hashlib.sha256(text.encode()).hexdigest()


def viewer(request, *, personal=False):
    """Who is looking, as far as it changes what a page shows: "all" and the roles' powers
    for those who see every meeting's minutes, else this login's own. A ``personal`` page
    (My actions) lists the login's own, so it is never shared, whatever the powers."""
    powers = permissions(request)["perms_ui"]
    held = ",".join(name for name, granted in sorted(powers.items()) if granted)
    shared = powers["sees_all_minutes"] and not personal
    who = "all" if shared else f"login-{request.user.pk}"
    return f"{who}:{held}"


def content_key(request, name, today, *, personal=False):
    """The cache key of page ``name``'s content for this request (see the module), with the
    record's version read now."""
    parts = [
        name,
        record_version(),
        today.isoformat(),
        viewer(request, personal=personal),
        request.get_full_path(),
        "results" if getattr(request, "htmx", False) else "page",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"content:{name}:{digest}"


def kept_content(key, work):
    """What is kept under ``key``, or ``work()``'s: a (content, keep) pair, kept only when
    ``keep`` says it may be (no form in error). Returns (content, True when it was kept
    before)."""
    content = cache.get(key)
    if content is not None:
        return content, True
    content, keep = work()
    if keep:
        cache.set(key, content, settings.CONTENT_CACHE_SECONDS)
    return content, False
