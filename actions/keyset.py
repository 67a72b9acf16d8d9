"""Keyset pagination: each page found from where the last one ended, not by OFFSET.

With OFFSET the database reads and throws away every row before the page, so the last page of
a long log costs the whole log. A keyset page asks for the rows after (or before) the last
(or first) row seen, in the list's own order with the id last to break ties, and an index in
that order finds them at once: every page costs what the first does.

Links are plain query parameters (``after``, ``before``, ``page=last``), so paging works
without JavaScript and keeps whatever filters and order the rest of the query string holds.
A cursor that cannot be read (typed by hand, or from an older link) shows the first page.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import F, Q

# Rows one page shows.
PAGE_ROWS = 50
# The query parameters this module reads: the rest of the query string is kept in links.
PARAMETERS = ("after", "before", "page")


@dataclass(frozen=True)
class Key:
    """One column of a list's order: a field (``meeting__date`` through relations) or an
    annotation of the queryset. A nullable key sorts its empty values last ascending and
    first descending, as PostgreSQL does by default and as the indexes are built."""

    name: str
    kind: type = int
    descending: bool = False
    nullable: bool = False

    def order(self, reverse=False):
        descending = self.descending != reverse
        field = F(self.name)
        if descending:
            return field.desc(nulls_first=True) if self.nullable else field.desc()
        return field.asc(nulls_last=True) if self.nullable else field.asc()

    def value_of(self, row):
        value = row
        for part in self.name.split("__"):
            value = getattr(value, part)
        return value

    def encode(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value

    def decode(self, value):
        if value is None:
            if not self.nullable:
                raise ValueError("an empty value where the key has none")
            return None
        if self.kind is datetime.date:
            return datetime.date.fromisoformat(value)
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not a whole number")
            return value
        if not isinstance(value, str):
            raise ValueError("not text")
        return value

    # Conditions, with empty values counted as greater than any other.

    def equal(self, value):
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def greater(self, value):
        if value is None:
            return None
        found = Q(**{f"{self.name}__gt": value})
        return found | Q(**{f"{self.name}__isnull": True}) if self.nullable else found

    def less(self, value):
        if value is None:
            return Q(**{f"{self.name}__isnull": False})
        return Q(**{f"{self.name}__lt": value})

    def later(self, value, reverse=False):
        """Rows that come after ``value`` in this key's order (before it when ``reverse``)."""
        forward = self.descending == reverse
        return self.greater(value) if forward else self.less(value)


def encode_cursor(keys, row):
    values = [key.encode(key.value_of(row)) for key in keys]
    text = json.dumps(values, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(keys, cursor):
    """The key values a cursor holds, or None when it cannot be read."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return [key.decode(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def beyond(keys, values, reverse=False):
    """Rows after ``values`` in the order of ``keys`` (before them when ``reverse``): the
    first key past its value, or equal to it and the second past, and so on."""
    alternatives = []
    for index, key in enumerate(keys):
        step = key.later(values[index], reverse)
        if step is None:
            continue
        same = [keys[n].equal(values[n]) for n in range(index)]
        alternatives.append(reduce(and_, [*same, step]))
    if not alternatives:
        return Q(pk__in=[])
    condition = reduce(or_, alternatives)
    # The same bound on the first key alone, which an index on it can seek to.
    first, value = keys[0], values[0]
    if value is not None and not first.nullable:
        lookup = "lte" if first.descending != reverse else "gte"
        condition &= Q(**{f"{first.name}__{lookup}": value})
    return condition


def _first(ordered, limit, shown):
    """The first ``limit`` rows of ``ordered``, their ids found first and then the rows by id
    (``shown(ids)``, or ``ordered`` narrowed to them).

    Ordering the rows a page might show needs only their keys; what a row shows besides
    (joins, subqueries) is read for the rows shown alone. Asked in one query, PostgreSQL
    planned the joins for every row the filter might match, reading whole tables that grow
    with the log (the meetings, the agenda items) to show fifty rows; and ``shown`` reads
    them without the filter, whose planning cost as much again."""
    ids = list(ordered.values_list("pk", flat=True)[:limit])
    rows = shown(ids) if shown else ordered.filter(pk__in=ids)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


class KeysetPage:
    """One page of ``queryset`` in the order of ``keys`` (the last of which must be unique),
    chosen by the request's ``after``, ``before`` or ``page=last``.

    Reads like Django's paginator where templates and tests need it: ``count`` (all the rows,
    one COUNT query), ``object_list``, ``has_next`` and ``has_previous``.
    """

    def __init__(self, queryset, keys, params, rows=PAGE_ROWS, *, shown=None):
        self.keys, self.rows = list(keys), rows
        self.count = queryset.count()
        after = decode_cursor(self.keys, params.get("after") or "") if params.get("after") else None
        before = (
            decode_cursor(self.keys, params.get("before") or "") if params.get("before") else None
        )
        forward = [key.order() for key in self.keys]
        backward = [key.order(reverse=True) for key in self.keys]
        if after is not None:
            found = _first(
                queryset.filter(beyond(self.keys, after)).order_by(*forward), rows + 1, shown
            )
            self.has_previous, self.has_next = True, len(found) > rows
            self.object_list = found[:rows]
        elif before is not None:
            found = _first(
                queryset.filter(beyond(self.keys, before, reverse=True)).order_by(*backward),
                rows + 1,
                shown,
            )
            self.has_previous, self.has_next = len(found) > rows, True
            self.object_list = found[:rows][::-1]
        elif params.get("page") == "last":
            found = _first(queryset.order_by(*backward), rows + 1, shown)
            self.has_previous, self.has_next = len(found) > rows, False
            self.object_list = found[:rows][::-1]
        else:
            found = _first(queryset.order_by(*forward), rows + 1, shown)
            self.has_previous, self.has_next = False, len(found) > rows
            self.object_list = found[:rows]

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def is_paginated(self):
        return self.has_next or self.has_previous

    @property
    def next_cursor(self):
        return encode_cursor(self.keys, self.object_list[-1]) if self.has_next else ""

    @property
    def previous_cursor(self):
        return encode_cursor(self.keys, self.object_list[0]) if self.has_previous else ""


def query_without_paging(params):
    """The query string of ``params`` without the paging parameters, for the page links."""
    query = params.copy()
    for name in PARAMETERS:
        query.pop(name, None)
    return query.urlencode()
