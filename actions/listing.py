"""What a row of an action table reads, given to a page of actions in a few flat queries.

Django's ``select_related`` over all eleven relations a row reads cost PostgreSQL 12-17 ms of
planning per list, more than running it, and ``prefetch_related`` of the owners builds a
related manager and a query set for every action and kind of owner (about 20 ms for 25
rows). Here each action's own meeting, item and due meeting are joined (``for_listing``),
and what many rows share (series, themes, owners) is read once for the page and handed to
each action as Django's own caches hold it, so that ``action.series`` and
``action.owner_posts.all()`` read no more.
"""

import functools
from collections import defaultdict

from django.db import connection
from django.db.models import Count
from django.db.models.query import ModelIterable, QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language

from core import prepared
from meetings.models import MeetingSeries
from people.models import Body, Person, Post
from themes.models import Theme

# The kinds of owner: the action's many-to-many field, its model, the link table's column
# for it, and the order ``Model.Meta.ordering`` lists them in (a prefetch's order).
OWNERS = [
    ("owner_posts", Post, "post", lambda post: (post.seniority, post.abbreviation, post.pk)),
    ("owner_people", Person, "person", lambda person: (person.name, person.pk)),
    ("owner_bodies", Body, "body", lambda body: (body.label, body.pk)),
]


def _set(obj, name, value):
    obj._meta.get_field(name).set_cached_value(obj, value)


def _prefetched(model, rows):
    """A query set that answers ``rows`` without a query, as a prefetch leaves one."""
    queryset = QuerySet(model)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def attach_rows(actions, *, updates=True):
    """Give each of ``actions`` (fetched with ``for_listing``'s joins) its series, its item's
    theme, its owners and (unless ``updates`` is False: a page that shows them through
    actions.latest's marks) its latest update, in at most six queries whatever their
    number."""
    if not actions:
        return
    # The model from the rows rather than an import: actions.models builds its query sets
    # from this module.
    Action = actions[0]._meta.model

    meetings = [action.meeting for action in actions]
    due_ats = [action.due_at for action in actions if action.due_at_id]
    wanted = {action.series_id for action in actions}
    wanted |= {action.due_series_id for action in actions if action.due_series_id}
    wanted |= {meeting.series_id for meeting in meetings + due_ats}
    series = MeetingSeries.objects.in_bulk(wanted)
    for action in actions:
        _set(action, "series", series[action.series_id])
        _set(action, "due_series", series.get(action.due_series_id))
    for meeting in meetings + due_ats:
        _set(meeting, "series", series[meeting.series_id])

    items = [action.item for action in actions]
    themes = Theme.objects.in_bulk({item.theme_id for item in items if item.theme_id})
    for item in items:
        _set(item, "theme", themes.get(item.theme_id))

    ids = [action.pk for action in actions]
    _attach_reference_repeats(actions)
    if updates:
        _attach_latest_updates(actions, ids)
    for name, model, column, order in OWNERS:
        link = getattr(Action, name).through
        related = f"{column}__holder" if model is Post else column
        owned = defaultdict(list)
        for row in link.objects.filter(action_id__in=ids).select_related(related):
            owned[row.action_id].append(getattr(row, column))
        for action in actions:
            cache = action.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[name] = _prefetched(model, sorted(owned.get(action.pk, []), key=order))


def _attach_reference_repeats(actions):
    """What ``Action.reference_label`` reads: whether another action has the same reference,
    in the same series or another. One grouped query for the page, rather than two
    correlated subqueries a row."""
    Action = actions[0]._meta.model
    counts = defaultdict(dict)
    rows = (
        Action.objects.filter(reference__in={action.reference for action in actions})
        .values_list("reference", "series_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for reference, series_id, n in rows:
        counts[reference][series_id] = n
    for action in actions:
        by_series = counts[action.reference]
        action.reference_repeats_in_series = by_series.get(action.series_id, 0) > 1
        action.reference_repeats_elsewhere = any(s != action.series_id for s in by_series)


def latest_updates(ActionEvent, ids):
    """Each of the actions ``ids``' latest progress update, as {id: (date, text)}: by date,
    then the time it was added, then id, as the index has them."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        # Every page served with rows asks it (actions.latest): written once, for any number
        # of rows, and planned once per connection (core.prepared).
        with connection.cursor() as cursor:
            prepared.execute(
                cursor, _latest_updates_sql(ActionEvent), [ActionEvent.Kind.UPDATE, list(ids)]
            )
            return {action_id: (on_date, text) for action_id, on_date, text in cursor}
    updates = ActionEvent.objects.filter(action_id__in=ids, kind=ActionEvent.Kind.UPDATE).order_by(
        "action_id", "-on_date", "-at", "-pk"
    )
    latest = {}
    for action_id, on_date, text in updates.values_list("action_id", "on_date", "text"):
        latest.setdefault(action_id, (on_date, text))
    return latest


@functools.cache
def _latest_updates_sql(ActionEvent):
    table = connection.ops.quote_name(ActionEvent._meta.db_table)
    return (
        f'SELECT DISTINCT ON ("action_id") "action_id", "on_date", "text" FROM {table} '
        'WHERE "kind" = %s AND "action_id" = ANY(%s) '
        'ORDER BY "action_id", "on_date" DESC, "at" DESC, "id" DESC'
    )


def update_label(on_date, text):
    """An update as a row shows it: "31 October 2017: text"."""
    return f"{_day(on_date, get_language())}: {text}"


@functools.lru_cache(maxsize=1024)
def _day(on_date, language):
    # Formatting a date reads the format and month names through the translations: a page
    # served from the cache with two dozen updates spent most of its filling-in there.
    return date_format(on_date, "j F Y")


def _attach_latest_updates(actions, ids):
    """What ``Action.latest_update`` reads: each action's latest progress update."""
    latest = latest_updates(actions[0]._meta.get_field("events").related_model, ids)
    for action in actions:
        action.latest_update_on, action.latest_update_text = latest.get(action.pk, (None, ""))


class ListingQuerySet(QuerySet):
    """A query set whose actions, once ``with_rows()`` asks, come with ``attach_rows``'s
    reads, whether fetched whole or by ``iterator()`` a chunk at a time."""

    # ``attach_rows``'s options, once ``with_rows()`` asks.
    _rows = None

    def with_rows(self, *, updates=True):
        clone = self._chain()
        clone._rows = {"updates": updates}
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._rows = self._rows
        return clone

    def _attaching(self):
        return self._rows is not None and self._iterable_class is ModelIterable

    def _fetch_all(self):
        fetched = self._result_cache is None
        super()._fetch_all()
        if fetched and self._attaching():
            attach_rows(self._result_cache, **self._rows)

    def iterator(self, chunk_size=None):
        if not self._attaching():
            yield from super().iterator(chunk_size)
            return
        chunk_size = chunk_size or 2000
        chunk = []
        for action in super().iterator(chunk_size):
            chunk.append(action)
            if len(chunk) == chunk_size:
                attach_rows(chunk, **self._rows)
                yield from chunk
                chunk = []
        attach_rows(chunk, **self._rows)
        yield from chunk
