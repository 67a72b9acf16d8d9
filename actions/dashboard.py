"""What the Commissioner's dashboard shows, worked out in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format

from actions.filters import OUTSTANDING
from actions.models import (
    Action,
    ActionEvent,
    Body,
    Status,
    next_meeting,
    overdue_q,
    unowned_q,
)
from meetings.models import IN_PROGRESS, Meeting, Person, Post

CHART_MONTHS = 12
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


def _owner_counts(today):
    year_start = today.replace(month=1, day=1)

    def counted(prefix):
        closed_this_year = Q(
            **{
                f"{prefix}__status": Status.CLOSED,
                f"{prefix}__events__kind": ActionEvent.Kind.STATUS,
                f"{prefix}__events__to_status": Status.CLOSED,
                f"{prefix}__events__on_date__gte": year_start,
            }
        )
        return {
            "n_open": Count(prefix, filter=Q(**{f"{prefix}__status": Status.OPEN}), distinct=True),
            "n_overdue": Count(
                prefix,
                filter=overdue_q(today, prefix=f"{prefix}__"),
                distinct=True,
            ),
            "n_awaiting": Count(
                prefix,
                filter=Q(**{f"{prefix}__status": Status.AWAITING_CLOSURE}),
                distinct=True,
            ),
            "n_closed": Count(prefix, filter=closed_this_year, distinct=True),
        }

    rows = []
    owners = [
        (Post.objects.select_related("holder"), lambda p: p.abbreviation),
        (Person.objects.all(), lambda p: f"{p.name} ({p.initials})"),
        (Body.objects.all(), lambda b: f"{b.name} ({b.label})"),
    ]
    for queryset, label in owners:
        for owner in queryset.annotate(**counted("actions")):
            if owner.n_open or owner.n_awaiting or owner.n_closed:
                rows.append(
                    OwnerCounts(
                        label(owner),
                        owner.n_open,
                        owner.n_overdue,
                        owner.n_awaiting,
                        owner.n_closed,
                    )
                )
    return rows


def _totals(queryset, today):
    year_start = today.replace(month=1, day=1)
    closed_ids = ActionEvent.objects.filter(
        kind=ActionEvent.Kind.STATUS, to_status=Status.CLOSED, on_date__gte=year_start
    ).values("action_id")
    counts = queryset.aggregate(
        outstanding=Count("pk", filter=~Q(status=Status.CLOSED)),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        overdue=Count("pk", filter=overdue_q(today)),
        awaiting=Count("pk", filter=Q(status=Status.AWAITING_CLOSURE)),
        closed_this_year=Count("pk", filter=Q(status=Status.CLOSED, pk__in=closed_ids)),
    )
    return OwnerCounts("All actions", **counts)


def monthly_chart(today, months=CHART_MONTHS):
    """Open at the end of each month (raised by then and not closed by then, read from the
    status trail) and closed within it, for the last ``months`` months including this one."""
    month_starts = _last_months(today, months)
    raised = dict(Action.objects.values_list("pk", "meeting__date"))
    status_events = ActionEvent.objects.filter(kind=ActionEvent.Kind.STATUS).order_by(
        "on_date", "at", "pk"
    )
    trail = {}
    for action_id, to_status, on_date in status_events.values_list(
        "action_id", "to_status", "on_date"
    ):
        trail.setdefault(action_id, []).append((on_date, to_status))

    bars = []
    for month in month_starts:
        end = _month_end(month)
        open_count = 0
        for action_id, raised_on in raised.items():
            if raised_on > end:
                continue
            status = Status.OPEN
            for on_date, to_status in trail.get(action_id, []):
                if on_date > end:
                    break
                status = to_status
            # A withdrawn action (the replacement of a changed outcome) was never owed.
            open_count += status not in (Status.CLOSED, Status.WITHDRAWN)
        closed_count = sum(
            1
            for events in trail.values()
            for on_date, to_status in events
            if to_status == Status.CLOSED and month <= on_date <= end
        )
        bars.append(MonthBar(month, open_count, closed_count))

    top = chart_scale(max([bar.open for bar in bars] + [bar.closed for bar in bars]))[-1]
    for index, bar in enumerate(bars):
        bar.x = CHART_LEFT + index * MONTH_WIDTH
        bar.open_height = round(bar.open * CHART_HEIGHT / top)
        bar.closed_height = round(bar.closed * CHART_HEIGHT / top)
        bar.open_y = CHART_TOP + CHART_HEIGHT - bar.open_height
        bar.closed_y = CHART_TOP + CHART_HEIGHT - bar.closed_height
    return bars


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


def dashboard(today):
    """Everything the dashboard shows, as of ``today``."""
    coming = next_meeting(today)
    due_date = coming.date if coming else today
    due = list(
        Action.objects.due_by(due_date)
        .for_listing()
        .order_by(F("due_date").asc(nulls_last=True), "reference")
    )
    for action in due:
        # The templates' shared due cell reads this.
        action.overdue_days = action.days_overdue(today)
    completion = ActionEvent.objects.filter(
        action=OuterRef("pk"), kind=ActionEvent.Kind.STATUS, to_status=Status.AWAITING_CLOSURE
    ).order_by("-at", "-pk")
    awaiting = list(
        Action.objects.filter(status=Status.AWAITING_CLOSURE)
        .for_listing()
        .annotate(
            completed_on=Subquery(completion.values("on_date")[:1]),
            completion_note=Subquery(completion.values("text")[:1]),
        )
        .order_by("reference")
    )
    bars = monthly_chart(today)
    totals = _totals(Action.objects.all(), today)
    totals.coming = len(due)
    # Flagged until each has an owner: giving one is a reassignment.
    unowned = Action.objects.outstanding().filter(unowned_q()).count()
    return {
        "unowned": unowned,
        "tiles": _tiles(totals, unowned, coming, due_date),
        "minutes_to_agree": minutes_awaiting_agreement(today),
        "today": today,
        "next_meeting": coming,
        "due": due,
        "groups": _group_by_owner(due),
        "awaiting": awaiting,
        "totals": totals,
        "owner_counts": _owner_counts(today),
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
