"""The Police and Crime Plan's themes over a year: what came to the meetings, the assurance
the Commissioner reached, and what became of the actions raised, theme by theme.

Everything about a meeting is read from its minutes as agreed (the frozen version), never
from the live rows: a later edit cannot change what a meeting reached. What became of an
action afterwards (closed, and when) is the action's own later history, read as it stands.
Minutes not yet agreed are not counted: the report says how many meetings wait.
"""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format

from actions.models import Action, ActionEvent, Status
from judgements.models import AssuranceLevel
from meetings.minutes import MinutesDocument, build_document
from meetings.models import IN_PROGRESS, Meeting, MinutesVersion
from people.roles import sees_all_minutes
from themes.models import Theme

# A Commissioner's annual report covers the financial year, April to March.
FIRST_MONTH = 4
NO_THEME = "No theme"
NO_STATEMENT = ""
# The order the report gives levels in, the strongest first, then "none recorded".
LEVELS = [*AssuranceLevel.values, NO_STATEMENT]
LEVEL_LABELS = {**dict(AssuranceLevel.choices), NO_STATEMENT: "No statement recorded"}


@dataclass(frozen=True)
class Year:
    """A financial year, named by the calendar year it starts in: 2017 is April 2017 to
    March 2018."""

    start: int

    @classmethod
    def containing(cls, day):
        return cls(day.year if day.month >= FIRST_MONTH else day.year - 1)

    @property
    def first_day(self):
        return datetime.date(self.start, FIRST_MONTH, 1)

    @property
    def last_day(self):
        return datetime.date(self.start + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1)

    @property
    def label(self):
        return f"{self.start}–{str(self.start + 1)[-2:]}"

    @property
    def long_label(self):
        first, last = date_format(self.first_day, "j F Y"), date_format(self.last_day, "j F Y")
        return f"{first} to {last}"


@dataclass(frozen=True)
class ActionOutcome:
    action: Action
    raised_on: datetime.date
    closed_on: datetime.date | None

    @property
    def outcome(self):
        if self.action.status == Status.CLOSED:
            return "Closed"
        if self.action.status == Status.WITHDRAWN:
            return "Withdrawn"
        return "Outstanding"

    @property
    def days_to_close(self):
        """Days from the meeting that raised it to the day it was closed."""
        if self.outcome != "Closed" or self.closed_on is None:
            return None
        return (self.closed_on - self.raised_on).days


@dataclass
class ItemLine:
    """One item that came to a meeting, as minuted."""

    meeting: Meeting
    number: str
    heading: str
    theme: str
    level: str
    actions: list = field(default_factory=list)

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]


@dataclass
class ThemeSummary:
    name: str
    items: list = field(default_factory=list)

    @cached_property
    def actions(self):
        # Read once the report is built: the counts below each walk it.
        return [outcome for item in self.items for outcome in item.actions]

    @property
    def level_counts(self):
        """(level, label, count) for every level, in the report's order."""
        counts = Counter(item.level for item in self.items)
        return [(level, LEVEL_LABELS[level], counts[level]) for level in LEVELS]

    def _count(self, outcome):
        return sum(1 for action in self.actions if action.outcome == outcome)

    @property
    def closed(self):
        return self._count("Closed")

    @property
    def outstanding(self):
        return self._count("Outstanding")

    @property
    def withdrawn(self):
        return self._count("Withdrawn")

    @property
    def median_days_to_close(self):
        days = [action.days_to_close for action in self.actions if action.days_to_close is not None]
        return statistics.median(days) if days else None

    def items_in(self, slot):
        """The items under this theme in ``slot`` (a meeting, or a month)."""
        return [item for item in self.items if item.meeting.pk in slot.meeting_ids]

    def level_counts_in(self, slot):
        """(label, count) of each level reached in ``slot``, in the report's order."""
        counts = Counter(item.level for item in self.items_in(slot))
        return [(LEVEL_LABELS[level], counts[level]) for level in LEVELS if counts[level]]


@dataclass(frozen=True)
class Slot:
    """A column of the meeting-by-meeting view: one meeting, or, when the year has more
    meetings than a page can show side by side (many series), one month."""

    day: datetime.date
    meeting_ids: frozenset
    by_month: bool

    @property
    def short_label(self):
        return date_format(self.day, "M" if self.by_month else "j M")

    @property
    def long_label(self):
        return date_format(self.day, "F Y" if self.by_month else "j F Y")


# More meetings than this in a year (several series) are shown month by month.
MEETING_COLUMNS = 24


@dataclass
class ThemeReport:
    year: Year
    meetings: list
    themes: list
    waiting: int  # meetings in the year whose minutes are not yet agreed

    @property
    def by_month(self):
        return len(self.meetings) > MEETING_COLUMNS

    @property
    def slots(self):
        if not self.by_month:
            return [Slot(m.date, frozenset([m.pk]), False) for m in self.meetings]
        months = {}
        for meeting in self.meetings:
            months.setdefault(meeting.date.replace(day=1), set()).add(meeting.pk)
        return [Slot(day, frozenset(ids), True) for day, ids in sorted(months.items())]

    @cached_property
    def totals(self):
        """The whole year as one summary: every item of every theme."""
        return ThemeSummary("All themes", [item for theme in self.themes for item in theme.items])


def _latest_versions(meetings):
    latest = (
        MinutesVersion.objects.filter(meeting=OuterRef("meeting")).order_by("-number").values("pk")
    )
    versions = MinutesVersion.objects.filter(meeting__in=meetings, pk=Subquery(latest[:1])).only(
        "meeting_id", "content"
    )
    return {version.meeting_id: version for version in versions}


def _themed_items(meeting, version, public):
    """The meeting's themed items as agreed; minutes frozen before these were kept are read
    from the record as it stands (agreed minutes are locked, so it has not moved)."""
    if version is not None:
        doc = MinutesDocument.from_dict(version.content["public" if public else "full"])
        if doc.themed is not None:
            return doc.themed
    return build_document(meeting, public=public).themed


def _outcomes(action_ids, user):
    closed_on = (
        ActionEvent.objects.filter(
            action=OuterRef("pk"), kind=ActionEvent.Kind.STATUS, to_status=Status.CLOSED
        )
        .order_by("-on_date", "-at", "-pk")
        .values("on_date")[:1]
    )
    actions = (
        Action.objects.filter(pk__in=action_ids)
        .visible_to(user)
        .select_related("meeting")
        .annotate(closed_on=Subquery(closed_on))
    )
    return {
        action.pk: ActionOutcome(action, action.meeting.date, action.closed_on)
        for action in actions
    }


def theme_report(user, year, series=None):
    """The year's report for ``user``: the public version of the minutes for those who may
    not see restricted items, so that nothing withheld from them is counted either."""
    in_year = Q(date__gte=year.first_day, date__lte=year.last_day)
    if series is not None:
        in_year &= Q(series=series)
    meetings = list(
        Meeting.objects.filter(in_year)
        .exclude(status__in=IN_PROGRESS)
        .select_related("series")
        .order_by("date", "pk")
    )
    waiting = Meeting.objects.filter(in_year, status__in=IN_PROGRESS).count()
    public = not sees_all_minutes(user)
    versions = _latest_versions(meetings)
    minuted = [
        (meeting, themed)
        for meeting in meetings
        for themed in _themed_items(meeting, versions.get(meeting.pk), public)
    ]
    outcomes = _outcomes([i for _, themed in minuted for i in themed.action_ids], user)

    by_theme = {}
    for meeting, themed in minuted:
        name = themed.theme or NO_THEME
        line = ItemLine(meeting, themed.number, themed.heading, name, themed.level)
        line.actions = [outcomes[pk] for pk in themed.action_ids if pk in outcomes]
        by_theme.setdefault(name, ThemeSummary(name)).items.append(line)

    # The plan's order for themes it still has; any other (renamed since) after, by name.
    position = {
        name: index for index, name in enumerate(Theme.objects.values_list("name", flat=True))
    }
    order = sorted(
        by_theme, key=lambda name: (name == NO_THEME, position.get(name, len(position)), name)
    )
    return ThemeReport(year, meetings, [by_theme[name] for name in order], waiting)


def years_with_minutes(series=None):
    """The financial years in which agreed minutes exist, latest first."""
    meetings = Meeting.objects.exclude(status__in=IN_PROGRESS)
    if series is not None:
        meetings = meetings.filter(series=series)
    dates = meetings.dates("date", "month", order="DESC")
    return list(dict.fromkeys(Year.containing(day) for day in dates))
