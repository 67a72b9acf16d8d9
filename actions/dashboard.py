"""What the Commissioner's dashboard shows, worked out in a fixed number of queries."""

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest, Lag
from django.urls import reverse
from django.utils.formats import date_format

from actions.filters import OUTSTANDING
from actions.listing import attach_rows
from actions.models import Action, ActionEvent, Status, next_meeting, overdue_q, unowned_q
from core.record import digest, latest_marks, record_version, row_id
from meetings.models import IN_PROGRESS, Meeting
from people.models import Body, Person, PersonAlias, Post

CHART_MONTHS = 12
# The most rows each of the dashboard's lists shows: the page costs what it shows, however
# long the log. Each list says how many there are and links to them all in the action log.
DASHBOARD_ROWS = 25
# The chart's geometry, in SVG user units. The left margin holds the y axis's values.
CHART_HEIGHT = 160
CHART_TOP = 20
BAR_WIDTH = 14
MONTH_WIDTH = 44
CHART_LEFT = 40
CHART_RIGHT = 10
# The y axis has at most this many steps above zero, each a round number of actions.
CHART_MAX_STEPS = 5
CHART_STEPS = (1, 2, 5)


@dataclass
class Tile:
    """A count at a glance, linking to the action log filtered to the actions it counts."""

    count: int
    label: str
    url: str
    warning: bool = False


@dataclass
class AxisTick:
    value: int
    y: int


@dataclass
class OwnerGroup:
    label: str
    actions: list = field(default_factory=list)


@dataclass
class OwnerCounts:
    label: str
    open: int = 0
    overdue: int = 0
    awaiting: int = 0
    closed_this_year: int = 0
    outstanding: int = 0
    coming: int = 0


@dataclass
class MonthBar:
    month: datetime.date
    open: int
    closed: int
    x: int = 0
    open_y: int = 0
    open_height: int = 0
    closed_y: int = 0
    closed_height: int = 0

    @property
    def label(self):
        return date_format(self.month, "M")

    @property
    def long_label(self):
        return date_format(self.month, "F Y")

    @property
    def closed_x(self):
        return self.x + BAR_WIDTH

    @property
    def label_x(self):
        return self.x + BAR_WIDTH


def _month_end(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def _last_months(today, count):
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _group_by_owner(actions):
    """An action with several owners shows under each: each owner must bring an update.

    Posts come first, most senior first, then people by name, then bodies, then those
    still to be allocated.
    """
    groups = {}

    def add(key, label, action):
        groups.setdefault(key, OwnerGroup(label)).actions.append(action)

    for action in actions:
        for post in action.owner_posts.all():
            holder = f" – {post.holder.name}" if post.holder else ""
            add((0, post.seniority, post.abbreviation), f"{post.abbreviation}{holder}", action)
        for person in action.owner_people.all():
            add((1, 0, person.name), f"{person.name} ({person.initials})", action)
        for body in action.owner_bodies.all():
            add((2, 0, body.label), f"{body.name} ({body.label})", action)
        if not action.owner_labels:
            add((3, 0, ""), "To be allocated (TBA): no owner yet", action)
    return [groups[key] for key in sorted(groups)]


def _closed_in_year(today):
    """The actions closed this calendar year (a status change to closed dated this year)."""
    return ActionEvent.objects.filter(
        kind=ActionEvent.Kind.STATUS,
        to_status=Status.CLOSED,
        on_date__gte=today.replace(month=1, day=1),
    ).values("action_id")


OUTSTANDING_STATUSES = [Status.OPEN, Status.AWAITING_CLOSURE]


def _dated_rows():
    """When actions are owed and closed: the meetings' dates and the status trail."""
    return [Meeting.history.all(), ActionEvent.objects.filter(kind=ActionEvent.Kind.STATUS)]


def _closure_rows():
    """What the year's closures read (``closures_this_year``): the status trail, and the
    history of closed actions (a closed action whose owners change, or which is deleted,
    writes a history row saying closed). Every change of status is on the trail (the admin
    cannot make one: actions.admin), so an edit of an action not closed, of its due, owners
    or wording, leaves them be."""
    return [
        Action.history.filter(status=Status.CLOSED),
        ActionEvent.objects.filter(kind=ActionEvent.Kind.STATUS),
    ]


def _changes_rows():
    """What the chart's per-month changes read (``monthly_changes``), in this order: the
    actions raised, and those deleted (each writes a history row of that type), the meetings'
    dates and the status trail. An edit of an action, of its due, owners or wording, leaves
    them be: an action is owed from its raising meeting's month, which no edit changes, and
    its status moves on the trail."""
    return [
        Action.history.filter(history_type="+"),
        Action.history.filter(history_type="-"),
        *_dated_rows(),
    ]


def _trend_rows():
    """What the owner counts beside the chart read: the year's closures (``_closure_rows``,
    first), actions as raised, owned and due (a change of status, owners or due saves the
    action, writing its history), the meetings' dates and the owners' names and labels."""
    return [
        *_closure_rows(),
        Action.history.all(),
        Meeting.history.all(),
        Post.history.all(),
        Person.history.all(),
        PersonAlias.history.all(),
        Body.history.all(),
    ]


def trend_versions():
    """(the version of what the dashboard's trends read, that of what the year's closures in
    them read), in one query: a progress update, a finding or a draft's wording leaves both,
    and so what is kept under them, be; a new due date leaves the closures be."""
    marks = latest_marks(_trend_rows)
    return digest(marks), digest(marks[: len(_closure_rows())])


def closures_this_year(today, version=None):
    """How many actions were closed this calendar year: in all, and by each post, person and
    body. Read by the index of closures by date, and kept in the cache under the version of
    what they read (``_closure_rows``), like the chart's changes: a year's closures grow with
    the log."""
    version = version or record_version(_closure_rows)
    key = f"actions:closures:{today.year}:{version}"
    found = cache.get(key)
    if found is None:
        closed = Q(actions__status=Status.CLOSED, actions__pk__in=_closed_in_year(today))
        found = {
            "total": Action.objects.filter(
                status=Status.CLOSED, pk__in=_closed_in_year(today)
            ).count()
        }
        for kind, model in (("post", Post), ("person", Person), ("body", Body)):
            found[kind] = dict(
                model.objects.filter(closed)
                .values("pk")
                .annotate(n=Count("actions"))
                .values_list("pk", "n")
                .order_by()
            )
        cache.set(key, found, CHART_CACHE_SECONDS)
    return found


def _owner_counts(today, closures):
    """Counts per owner, in the database: for each kind of owner, one grouped query over the
    outstanding actions (found by the status index), with the closures this year
    (``closures_this_year``), never the whole log."""
    outstanding = {
        "n_open": Count("actions", filter=Q(actions__status=Status.OPEN)),
        "n_overdue": Count("actions", filter=overdue_q(today, prefix="actions__")),
        "n_awaiting": Count("actions", filter=Q(actions__status=Status.AWAITING_CLOSURE)),
    }
    rows = []
    owners = [
        ("post", Post.objects.select_related("holder"), lambda p: p.abbreviation),
        ("person", Person.objects.for_owner_lists(), lambda p: p.owner_label),
        ("body", Body.objects.all(), lambda b: f"{b.name} ({b.label})"),
    ]
    for kind, queryset, label in owners:
        # The filter's join to the actions is the one the counts read: one row per owner
        # and action, so no DISTINCT.
        counted = {
            owner.pk: owner
            for owner in queryset.filter(actions__status__in=OUTSTANDING_STATUSES).annotate(
                **outstanding
            )
        }
        closed_counts = closures[kind]
        ordered = list(counted.values())
        if set(closed_counts) - set(counted):
            # Owners with closures this year and nothing outstanding (rare): all of them
            # again, in the owners' own order.
            ordered = list(queryset.filter(pk__in={*counted, *closed_counts}))
        for owner in ordered:
            owner = counted.get(owner.pk, owner)
            rows.append(
                OwnerCounts(
                    label(owner),
                    getattr(owner, "n_open", 0),
                    getattr(owner, "n_overdue", 0),
                    getattr(owner, "n_awaiting", 0),
                    closed_counts.get(owner.pk, 0),
                )
            )
    return rows


def _totals(today, closures):
    """The counts at a glance: the outstanding actions, found by the status index, and
    those closed this year, found by the index of closures by date."""
    counts = Action.objects.filter(status__in=OUTSTANDING_STATUSES).aggregate(
        outstanding=Count("pk"),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        overdue=Count("pk", filter=overdue_q(today)),
        awaiting=Count("pk", filter=Q(status=Status.AWAITING_CLOSURE)),
    )
    counts["closed_this_year"] = closures["total"]
    return OwnerCounts("All actions", **counts)


def monthly_chart(today, months=CHART_MONTHS):
    """Open at the end of each month (raised by then and not closed by then, read from the
    status trail) and closed within it, for the last ``months`` months including this one.

    Read from small per-month aggregates, never the actions themselves: how many were raised
    each month, and how many each month's status changes made owed or no longer owed (a
    change counts from the later of its date and the action's raising). The count open at a
    month's end is the running sum of both up to that month.
    """
    month_starts = _last_months(today, months)
    change = monthly_changes()
    window_end = _month_end(month_starts[-1])
    closed = dict.fromkeys(month_starts, 0)
    closed_events = (
        ActionEvent.objects.filter(
            kind=ActionEvent.Kind.STATUS,
            to_status=Status.CLOSED,
            on_date__gte=month_starts[0],
            on_date__lte=window_end,
        )
        .annotate(y=ExtractYear("on_date"), m=ExtractMonth("on_date"))
        .values("y", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in closed_events:
        closed[datetime.date(row["y"], row["m"], 1)] = row["n"]

    bars = []
    for month in month_starts:
        open_count = sum(n for (y, m), n in change.items() if (y, m) <= (month.year, month.month))
        bars.append(MonthBar(month, open_count, closed[month]))

    top = chart_scale(max([bar.open for bar in bars] + [bar.closed for bar in bars]))[-1]
    for index, bar in enumerate(bars):
        bar.x = CHART_LEFT + index * MONTH_WIDTH
        bar.open_height = round(bar.open * CHART_HEIGHT / top)
        bar.closed_height = round(bar.closed * CHART_HEIGHT / top)
        bar.open_y = CHART_TOP + CHART_HEIGHT - bar.open_height
        bar.closed_y = CHART_TOP + CHART_HEIGHT - bar.closed_height
    return bars


# A withdrawn action (the replacement of a changed outcome) was never owed.
NOT_OWED = (Status.CLOSED, Status.WITHDRAWN)


def monthly_changes():
    """{(year, month): change in the number of actions owed}: those raised in the month, plus
    what the month's status changes made owed or no longer owed.

    Both are worked out from the whole log (the most of an uncached dashboard's time: at
    100,000 actions the status changes alone took 250-330 ms), so each is kept in the cache
    under the version of what it reads, and a change of due leaves both be. The status
    changes are taken up as they are added: once a status change is recorded (the busiest
    write of a meeting), only the trails of the actions it changed are read again."""
    raised, deleted, meetings, trail = latest_marks(_changes_rows)
    months = defaultdict(int)
    for part in (
        _raised_by_month(digest([raised, deleted, meetings])),
        _status_changes(digest([deleted, meetings]), row_id(trail)),
    ):
        for month, n in part.items():
            months[month] += n
    return {month: n for month, n in months.items() if n}


def _raised_by_month(version):
    key = f"actions:raised-by-month:{version}"
    raised = cache.get(key)
    if raised is None:
        rows = (
            Action.objects.annotate(y=ExtractYear("meeting__date"), m=ExtractMonth("meeting__date"))
            .values("y", "m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        raised = {(row["y"], row["m"]): row["n"] for row in rows}
        cache.set(key, raised, CHART_CACHE_SECONDS)
    return raised


def _status_changes(version, through):
    """The per-month changes the status trail makes, as of the trail's row ``through``.

    Kept under ``version`` (the actions deleted, whose trails go with them, and the meetings'
    dates, which date their actions' changes) with the trail's row it was worked out to. Rows
    added since are taken up by reading again the trails of the actions they belong to, as
    they were and as they are. Worked out whole again at most CHART_CACHE_SECONDS after it
    last was, should a row have been committed after a later one."""
    key = f"actions:status-changes:{version}"
    kept = cache.get(key)
    if kept is None or kept["through"] > through:
        changes = _status_changes_by_month(up_to=through)
        until = time.time() + CHART_CACHE_SECONDS
    elif kept["through"] == through:
        return kept["changes"]
    else:
        changes = defaultdict(int, kept["changes"])
        added = ActionEvent.objects.filter(
            kind=ActionEvent.Kind.STATUS, pk__gt=kept["through"], pk__lte=through
        ).values("action_id")
        for sign, up_to in ((-1, kept["through"]), (1, through)):
            for month, delta in _status_changes_by_month(up_to=up_to, of=added).items():
                changes[month] += sign * delta
        changes = {month: delta for month, delta in changes.items() if delta}
        until = kept["until"]
    timeout = until - time.time()
    if timeout > 0:
        cache.set(key, {"changes": changes, "through": through, "until": until}, timeout)
    return changes


# How long the per-month changes are kept at most, should a change escape the version (an
# event's date corrected in the admin, which keeps no history of events).
CHART_CACHE_SECONDS = 60 * 60


def _status_changes_by_month(up_to, of=None):
    """{(year, month): change in the number owed} for each month in which a status change
    took effect, from the trail's rows up to ``up_to`` (of the actions ``of``, a queryset of
    their ids, or all): each change compared with the status before it (open before the
    first), in the trail's order, dated the later of its own date and the action's raising."""
    trail = ActionEvent.objects.filter(kind=ActionEvent.Kind.STATUS, pk__lte=up_to)
    if of is not None:
        trail = trail.filter(action_id__in=of)
    effective = Greatest("on_date", "action__meeting__date")
    rows = trail.annotate(
        was=Window(
            Lag("to_status", default=Value(Status.OPEN)),
            partition_by=[F("action_id")],
            order_by=[F("on_date").asc(), F("at").asc(), F("pk").asc()],
        ),
        y=ExtractYear(effective),
        m=ExtractMonth(effective),
    ).values("y", "m", "to_status", "was")
    sql, params = rows.order_by().query.sql_with_params()
    not_owed = ", ".join(["%s"] * len(NOT_OWED))
    # Grouping over a window function's result needs the window computed first, in a
    # subquery; the ORM aggregates over windows no further than that.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT y, m, SUM(CASE WHEN to_status IN ({not_owed}) THEN 0 ELSE 1 END"
            f" - CASE WHEN was IN ({not_owed}) THEN 0 ELSE 1 END)"
            f" FROM ({sql}) trail GROUP BY y, m",
            [*NOT_OWED, *NOT_OWED, *params],
        )
        return {(int(y), int(m)): delta for y, m, delta in cursor.fetchall() if delta}


def chart_scale(tallest):
    """The y axis's values, from 0 up to the first round step at or above the tallest bar:
    a step of 1, 2 or 5 times a power of ten, with at most CHART_MAX_STEPS steps."""
    power = 1
    while True:
        for step in (multiple * power for multiple in CHART_STEPS):
            steps = max(1, -(-tallest // step))
            if steps <= CHART_MAX_STEPS:
                return [step * n for n in range(steps + 1)]
        power *= 10


def axis_ticks(bars):
    values = chart_scale(max([bar.open for bar in bars] + [bar.closed for bar in bars]))
    return [
        AxisTick(value, CHART_TOP + CHART_HEIGHT - round(value * CHART_HEIGHT / values[-1]))
        for value in values
    ]


def _log_url(**filters):
    return f"{reverse('actions:log')}?{urlencode(filters)}"


def _tiles(totals, unowned, coming, due_date):
    """The counts at a glance; each links to the action log filtered to exactly what it
    counts, so a count and its list never disagree."""
    if coming is not None:
        coming_label = f"coming to the {coming.title} on {date_format(coming.date, 'j F Y')}"
    else:
        coming_label = "due by today (no next meeting is set)"
    return [
        Tile(totals.outstanding, "outstanding", _log_url(status=OUTSTANDING)),
        Tile(totals.overdue, "overdue", _log_url(overdue="on"), warning=bool(totals.overdue)),
        Tile(
            unowned,
            "to be allocated (no owner yet)",
            _log_url(status=OUTSTANDING, unowned="on"),
            warning=bool(unowned),
        ),
        Tile(totals.coming, coming_label, _log_url(comes_to=due_date.isoformat())),
        Tile(
            totals.awaiting,
            "awaiting agreement of closure",
            _log_url(status=Status.AWAITING_CLOSURE),
        ),
    ]


def minutes_awaiting_agreement(today):
    """Minutes of meetings already held that are still a draft, or not agreed and to be
    recirculated: the Commissioner's to agree. Oldest first, as they are agreed in turn."""
    return list(
        Meeting.objects.with_people()
        .filter(status__in=IN_PROGRESS, date__lt=today)
        .order_by("date", "pk")
    )


def awaiting_closure(*, rows=True):
    """The first DASHBOARD_ROWS actions marked complete, by reference, each with when and how
    its owner marked it complete (and what a row shows besides, unless ``rows`` is False:
    ``Action.objects.for_listing``)."""
    completion = ActionEvent.objects.filter(
        action=OuterRef("pk"), kind=ActionEvent.Kind.STATUS, to_status=Status.AWAITING_CLOSURE
    ).order_by("-at", "-pk")
    return list(
        Action.objects.filter(status=Status.AWAITING_CLOSURE)
        .for_listing(rows=rows)
        .annotate(
            completed_on=Subquery(completion.values("on_date")[:1]),
            completion_note=Subquery(completion.values("text")[:1]),
        )
        .order_by("reference", "pk")[:DASHBOARD_ROWS]
    )


def trends(today, closures_version=None):
    """The owner counts and the chart: what changes only with an action's status, owners or
    due, a meeting, or an owner's name (``trend_versions``), and with the day."""
    bars = monthly_chart(today)
    return {
        "today": today,
        "owner_counts": _owner_counts(today, closures_this_year(today, closures_version)),
        "chart": bars,
        "chart_ticks": axis_ticks(bars),
        "chart_left": CHART_LEFT,
        "chart_top": CHART_TOP,
        "chart_axis_label_x": CHART_LEFT - 6,
        "chart_width": CHART_LEFT + CHART_RIGHT + MONTH_WIDTH * len(bars),
        "chart_height": CHART_TOP + CHART_HEIGHT + 44,
        "chart_baseline": CHART_TOP + CHART_HEIGHT,
        "chart_label_y": CHART_TOP + CHART_HEIGHT + 18,
        "chart_year_y": CHART_TOP + CHART_HEIGHT + 32,
        "bar_width": BAR_WIDTH,
    }


def dashboard(today, *, with_trends=True):
    """Everything the dashboard shows, as of ``today``: counts worked out in the database,
    and the first DASHBOARD_ROWS of each list, the rest a click away in the action log.
    ``with_trends=False`` leaves out ``trends``, which the page keeps on its own."""
    coming = next_meeting(today)
    due_date = coming.date if coming else today
    due_by = Action.objects.due_by(due_date)
    due = list(
        due_by.for_listing(rows=False).order_by(
            F("due_date").asc(nulls_last=True), "reference", "pk"
        )[:DASHBOARD_ROWS]
    )
    for action in due:
        # The templates' shared due cell reads this.
        action.overdue_days = action.days_overdue(today)
    awaiting = awaiting_closure(rows=False)
    # What the rows of both lists share (series, owners...), read once; their latest updates
    # are filled in as the page is served (actions.latest).
    attach_rows(due + awaiting, updates=False)
    # One look-up of the trends' versions for every cache that reads them.
    version, closures_version = trend_versions()
    totals = _totals(today, closures_this_year(today, closures_version))
    totals.coming = due_by.count()
    # Flagged until each has an owner: giving one is a reassignment.
    unowned = Action.objects.outstanding().filter(unowned_q()).count()
    tiles = _tiles(totals, unowned, coming, due_date)
    return {
        "unowned": unowned,
        "tiles": tiles,
        "minutes_to_agree": minutes_awaiting_agreement(today),
        "today": today,
        "next_meeting": coming,
        "due": due,
        # The lists show their first rows; the tile's link lists them all.
        "due_url": tiles[3].url,
        "awaiting_url": tiles[4].url,
        "groups": _group_by_owner(due),
        "awaiting": awaiting,
        "awaiting_shown": len(awaiting),
        "totals": totals,
        "trends_version": version,
        "closures_version": closures_version,
        **(trends(today, closures_version) if with_trends else {}),
    }
