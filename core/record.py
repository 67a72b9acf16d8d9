"""The record's version, and what is kept for each version of it.

Pages that read thousands of rows to show a few dozen are asked for again and again between
two changes to the record: the same rows read again to the same end. So what such a page shows
is kept in the cache under a key made of the record's version (``record_version``), which
moves with every change anything recorded makes (every save and delete through the ORM writes
a history row, and the trails without history only ever gain rows), and whatever else the page
depends on: the day, who is looking, the query.

A whole page, chrome and all, is kept as well, for its login alone (``kept_page``): the
navigation names the login and offers what its roles may do. The CSRF token it was rendered
with is kept as a mark, and each request it is served to gets its own token in its place, so
a page asked for again costs the session, the login, the version and one read of the cache,
and nothing is rendered.
"""

import functools
import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from simple_history.models import HistoricalChanges

from core import prepared
from core.keep_typed import SAVED_KEY


def everything():
    """Every table whose latest row says the record changed: the history of every model that
    keeps one, and the trails that have none because nothing edits them (a model saying
    ``record_trail = True``: rows only added, each with the time it was added, ``at``). The
    history of a many-to-many (a body's members) needs no look-up of its own: a change to it
    writes a history row of its owner too."""
    historical = sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, HistoricalChanges)
            and any(field.name == "history_date" for field in model._meta.fields)
        ),
        key=lambda model: model._meta.db_table,
    )
    trails = sorted(
        (model for model in apps.get_models() if getattr(model, "record_trail", False)),
        key=lambda model: model._meta.db_table,
    )
    return [model._base_manager.all() for model in [*historical, *trails]]


def settled():
    """``everything`` but the rows a trail serves apart (a model's ``served_apart``, a Q):
    rows that pages show only through a mark filled in as each page is served, never in
    what is kept (the progress updates, actions.latest). Adding one moves the record's
    version but not this one, so the pages kept under it stay kept."""
    return [rows.exclude(apart) if (apart := _apart(rows)) else rows for rows in everything()]


def _served_apart():
    """The rows the trails serve apart (``settled``), as querysets: what a page kept without
    them fills in as it is served, and so what ``served_apart_mark`` reads."""
    return [rows.filter(apart) for rows in everything() if (apart := _apart(rows))]


def _apart(rows):
    """The Q of the rows of ``rows``'s model that its trail serves apart, or None."""
    return getattr(rows.model, "served_apart", None)


@functools.cache
def _version_query(scope):
    """The latest row of each of ``scope()``'s querysets, then of each of ``_served_apart()``'s,
    as one SELECT of scalar subqueries without a table to hang them on; written once per
    process and scope, as the tables do not change while it runs."""
    looks = []
    params = []
    apart = _served_apart()
    for rows in [*scope(), *apart]:
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
    return f"SELECT {', '.join(looks)}", tuple(params), len(looks) - len(apart)


# The version queries with their constants written in, by scope: PostgreSQL cannot tell the
# type of some of them as parameters, and writing them in on every request cost 0.06 ms.
_WRITTEN_IN = {}


def _read_marks(scope):
    """(the latest row of each of ``scope()``'s querysets, the mark of the latest rows served
    apart), each row as "id@time" (None for an empty table), in one query."""
    sql, params, count = _version_query(scope)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Planning its two dozen subqueries cost three times what running them did, hence
            # prepared (core.prepared).
            if scope not in _WRITTEN_IN:
                _WRITTEN_IN[scope] = cursor.mogrify(sql, params).decode()
            sql, params = _WRITTEN_IN[scope], ()
        prepared.execute(cursor, sql, params)
        row = cursor.fetchone()
    return list(row[:count]), "|".join(str(mark) for mark in row[count:])


def digest(marks):
    """The version that ``marks`` (some of ``latest_marks``'s) make."""
    return hashlib.sha256("|".join(str(mark) for mark in marks).encode()).hexdigest()


def row_id(mark):
    """The id in a row's mark ("id@time", as ``latest_marks`` gives it), 0 for none."""
    return int(mark.split("@")[0]) if mark else 0


def latest_marks(scope):
    """The latest row of each of ``scope()``'s querysets as "id@time", or None where there is
    none: for what reads some of them as versions (``digest``) and takes up the rows of
    another added since it last looked (actions.dashboard.monthly_changes)."""
    return _read_marks(scope)[0]


def _read_version(scope):
    """(the version of ``scope``, the mark of the latest rows served apart), in one query."""
    marks, apart = _read_marks(scope)
    return digest(marks), apart


def record_version(scope=everything):
    """What changes whenever anything recorded does, in one query of index look-ups.

    Each table's latest row, by its id and its time: the time as well, so that a database
    rolled back and written again (as tests do, and SQLite reuses ids) never meets a version
    it had before. ``scope``, a function returning querysets of history or trail rows,
    narrows it to what one cache reads (the dashboard's chart).
    """
    return _read_version(scope)[0]


def request_version(request, scope=everything):
    """The version of ``scope`` as this request found it: read once for a GET, whose view
    writes nothing, however many kept things it looks up; read afresh for anything else."""
    if request.method != "GET":
        return record_version(scope)
    versions = request.__dict__.setdefault("_record_versions", {})
    if scope not in versions:
        versions[scope], request._served_apart_mark = _read_version(scope)
    return versions[scope]


def served_apart_mark(request):
    """The latest rows served apart (the progress updates) as the version this request read
    found them, or None when it read none: a page kept without them and filled in since is
    right while this is the same."""
    return request.__dict__.get("_served_apart_mark")


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


# What stands in a kept page where the token of the request it was rendered for stood.
TOKEN_MARK = "kept-page-csrf-token"
# A CSRF token as Django writes it into a page: 64 letters and digits (a secret, masked).
TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def may_keep_page(request):
    """Whether this request may be served a kept page, or keep the one rendered for it: a
    browser's own GET of a signed-in page, with no message waiting to be shown on it and no
    text noted as saved for the page to say so (core.keep_typed). htmx asks for content
    alone, which is kept already."""
    session = getattr(request, "session", None)
    return (
        request.method == "GET"
        and session is not None
        and not getattr(request, "htmx", False)
        and request.user.is_authenticated
        and not len(messages.get_messages(request))
        and not session.get(SAVED_KEY)
    )


def page_key(request, *parts):
    """The cache key of a whole page for this request's login: what its content depends on
    (``parts``), and who the navigation names."""
    user = request.user
    parts = [*parts, str(user.pk), user.get_username(), user.get_full_name()]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _token_marked(request, html):
    """``html`` with each token made from this browser's CSRF secret replaced by the mark, or
    None when it cannot be kept (no secret, or the mark already in the text)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or TOKEN_MARK in html:
        return None

    def mark(match):
        return TOKEN_MARK if _unmask_cipher_token(match[0]) == secret else match[0]

    return TOKEN.sub(mark, html)


def kept_page(request, key, render, fill=None):
    """The page kept under ``key()`` with this request's own CSRF token in it, or
    ``render()``'s response: a (response, keep) pair, its page kept when ``keep`` says its
    content may be and it answered 200. A request that may not be served a kept page
    (``may_keep_page``) is rendered, and its page not kept.

    ``fill``, for a page kept without what is served apart (``settled``), fills that in
    (actions.latest.fill): the page filled in is kept as well, under the latest of those rows
    (``served_apart_mark``), and served as it is until another is added."""
    if not may_keep_page(request):
        return render()[0]
    key = key()
    filled_key = None
    if fill is not None and (mark := served_apart_mark(request)) is not None:
        filled_key = "filled-" + hashlib.sha256(f"{key}\n{mark}".encode()).hexdigest()
        html = cache.get(filled_key)
        if html is not None:
            return HttpResponse(html.replace(TOKEN_MARK, get_token(request)))
    html = cache.get(key)
    if html is not None:
        if filled_key is not None:
            html = fill(html)
            cache.set(filled_key, html, settings.CONTENT_CACHE_SECONDS)
        return HttpResponse(html.replace(TOKEN_MARK, get_token(request)))
    response, keep = render()
    if keep and response.status_code == 200:
        if hasattr(response, "render"):
            response.render()
        marked = _token_marked(request, response.content.decode())
        if marked is not None:
            cache.set(key, marked, settings.CONTENT_CACHE_SECONDS)
    return response
