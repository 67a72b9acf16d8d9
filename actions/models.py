"""The action log: actions arising from meetings, who owns them, and their dated trail."""

import calendar
import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from actions.listing import ListingQuerySet, update_label
from meetings.models import IN_PROGRESS, AgendaItem, Meeting, MeetingSeries, ReferenceScheme
from people.models import TO_BE_ALLOCATED, Body, Person, Post
from people.roles import sees_all_minutes


class Status(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_CLOSURE = "awaiting_closure", "Completed, awaiting agreement"
    CLOSED = "closed", "Closed"
    # Raised at a meeting that then changed its mind (a review's "closed and replaced"
    # changed away): kept, with its reference and trail, rather than deleted.
    WITHDRAWN = "withdrawn", "Withdrawn"


class DueKind(models.TextChoices):
    """The ways minutes give a due: "By 31 January", "by March", "the next Joint Audit
    Committee", "until all cases have been closed"."""

    NONE = "", "Not set"
    DATE = "date", "By a date"
    MONTH = "month", "At the meeting in a month"
    MEETING = "meeting", "At a meeting"
    OPEN = "open", "Open-ended"


def describe_due(due_date, due_meeting, wording="", *, kind="", series=None, at=None):
    """A due as minutes word it: the wording as minuted, else what the dates say.

    ``series`` is the series of a due meeting when it is not the raising meeting's, ``at``
    the due meeting itself once it is known.
    """
    if wording:
        return wording
    if kind == DueKind.OPEN:
        return "Open-ended"
    if kind == DueKind.MEETING:
        if at is not None:
            return f"At the {at.title}"
        return f"At the next {series.name}" if series is not None else "At the next meeting"
    parts = []
    if due_date:
        parts.append(f"By {date_format(due_date, 'j F Y')}")
    if due_meeting:
        name = series.name if series is not None else "meeting"
        parts.append(f"{date_format(due_meeting, 'F Y')} {name}")
    return "; ".join(parts)


# Past this many days an overdue action is worded by the month it fell due ("overdue since
# December 2017"): a count of days that large is read as a number, not as a length of time.
OVERDUE_BY_DAYS_LIMIT = 28


def describe_overdue(days, due):
    """How long an action has been overdue: "overdue by 5 days" for up to four weeks, then
    "overdue since December 2017". Empty when it is not overdue."""
    if not days:
        return ""
    if days > OVERDUE_BY_DAYS_LIMIT:
        return f"overdue since {date_format(due, 'F Y')}"
    return f"overdue by {days} day{'' if days == 1 else 's'}"


def with_due(text, wording):
    """An action as minuted: its wording, then the due wording unless already part of it.
    A due that continues the sentence ("until the review ends") goes before its full stop."""
    if not wording or wording.lower() in text.lower():
        return text
    if text.endswith(".") and wording[:1].islower():
        return f"{text[:-1]} {wording}."
    return f"{text} {wording}"


def month_meetings(prefix=""):
    """The meetings of the month an action is due at ("in advance of November's HTA"), in
    its due series or else the series that raised it, earliest first: the action is due by
    the first of them, not by the month's last day (issue 26)."""
    return Meeting.objects.filter(
        series=Coalesce(OuterRef(f"{prefix}due_series"), OuterRef(f"{prefix}series")),
        date__year=ExtractYear(OuterRef(f"{prefix}due_meeting")),
        date__month=ExtractMonth(OuterRef(f"{prefix}due_meeting")),
    ).order_by("date")


def overdue_q(today, prefix=""):
    """Open and past due: past its due date, its due month's meeting has taken place (or,
    with none arranged, the month is over), or its due meeting has taken place. An
    open-ended due is never overdue.

    The due meeting's date is read through the meeting, not copied: a due meeting that moves
    moves its actions' dues with it.

    ``prefix`` reaches the action through a relation ("actions__") for aggregates.
    """
    return (
        Q(**{f"{prefix}status": Status.OPEN})
        & ~Q(**{f"{prefix}due_kind": DueKind.OPEN})
        & (
            Q(**{f"{prefix}due_date__lt": today})
            | Q(**{f"{prefix}due_meeting__lt": today.replace(day=1)})
            | Q(Exists(month_meetings(prefix).filter(date__lt=today)))
            | Q(**{f"{prefix}due_at__date__lt": today})
        )
    )


def unowned_q(prefix=""):
    """No post, person or body owns it: the minutes left it "to be allocated"."""
    return Q(
        **{
            f"{prefix}owner_posts__isnull": True,
            f"{prefix}owner_people__isnull": True,
            f"{prefix}owner_bodies__isnull": True,
        }
    )


class ActionQuerySet(ListingQuerySet):
    def outstanding(self):
        """Not yet closed: open, or marked complete and awaiting the Commissioner."""
        # Named rather than excluded, so that the status indexes find them.
        return self.filter(status__in=[Status.OPEN, Status.AWAITING_CLOSURE])

    def overdue(self, today):
        return self.filter(overdue_q(today))

    def due_at(self, meeting):
        return self.due_by(meeting.date)

    def due_by(self, date):
        """Open actions that come to a meeting on ``date``: due by then or at a meeting that
        month or earlier, or with no due set.

        An action with no due would otherwise never be reviewed, and an open-ended one is
        reviewed until it is closed: both come to every meeting. One due at "the next" meeting
        of a series that has not yet been arranged waits for it.
        """
        return self.filter(status=Status.OPEN).filter(
            Q(due_date__lte=date)
            | Q(due_meeting__lte=date.replace(day=1))
            | Q(due_at__date__lte=date)
            | Q(due_kind=DueKind.OPEN)
            | Q(
                due_kind=DueKind.NONE,
                due_date__isnull=True,
                due_meeting__isnull=True,
                due_at__isnull=True,
            )
        )

    def unowned(self):
        return self.filter(pk__in=Action.objects.filter(unowned_q()).values("pk"))

    def visible_to(self, user):
        """The force sees actions of agreed minutes that are not restricted, and its own
        actions even while the minutes are a draft or the item restricted: an owner must be
        able to start work before the next meeting agrees the minutes.

        Restriction covers an item's whole subtree (``withheld_reason``), and an action
        owned by a body ("ALL") under a restricted item is no one's in particular: only those
        who may see the item see it.
        """
        if sees_all_minutes(user):
            return self
        owned = Action.objects.owned_by_user(user).values("pk")
        public = ~Q(meeting__status__in=IN_PROGRESS) & Q(item__withheld_reason="")
        return self.filter(public | Q(pk__in=owned))

    def owned_by_user(self, user):
        return self.owned_by(getattr(user, "person", None))

    def owned_by(self, person):
        if person is None:
            return self.none()
        # Subqueries rather than joins: joins repeat an action once per matching owner. One
        # per kind of owner, each read from its link table by the owner's index, rather than
        # one over every action joined to every kind of owner.
        posts = Action.owner_posts.through.objects.filter(post__holder=person)
        people = Action.owner_people.through.objects.filter(person=person)
        bodies = Action.owner_bodies.through.objects.filter(
            body__members=person, action__item__withheld_reason=""
        )
        return self.filter(
            Q(pk__in=posts.values("action_id"))
            | Q(pk__in=people.values("action_id"))
            | Q(pk__in=bodies.values("action_id"))
        )

    def with_reference_repeats(self):
        """Whether another action has the same reference: one raised at another meeting of its
        series (a reference that restarts each meeting), or one of another series. A list that
        spans meetings qualifies such a reference (``Action.reference_label``)."""
        same = Action.objects.filter(reference=OuterRef("reference")).exclude(pk=OuterRef("pk"))
        return self.annotate(
            reference_repeats_in_series=Exists(same.filter(series=OuterRef("series"))),
            reference_repeats_elsewhere=Exists(same.exclude(series=OuterRef("series"))),
        )

    def with_due_month_meetings(self):
        """Each action's due month's meeting day (``Action.due_month_meeting_day``), read
        with the actions rather than a query each."""
        return self.annotate(due_month_meeting_on=Subquery(month_meetings().values("date")[:1]))

    def for_listing(self, *, rows=True, updates=True):
        """What a row of any action table shows, in a constant number of queries: joined,
        what only this action has; the rest, shared by many rows or read for each (owners,
        series, the latest update, whether its reference repeats), read once for the rows
        fetched (actions.listing). ``rows=False`` leaves that to the caller, which reads it
        once for several lists (``listing.attach_rows``); ``updates=False`` leaves out the
        latest update, which a kept page fills in as it is served (actions.latest)."""
        joined = self.select_related("meeting", "item__parent__parent", "due_at")
        joined = joined.with_due_month_meetings()
        return joined.with_rows(updates=updates) if rows else joined


class Action(models.Model):
    # Unique within its series (see Meta): each series numbers its actions its own way. A
    # reference the officer types is unique within its meeting only: bodies that number
    # "Action 1", "Action 2" afresh at each meeting reuse them every month.
    reference = models.CharField(max_length=20, help_text="For example 2017/10-04.")
    # Set when raised, from the series' scheme, and kept: a series that changes its scheme
    # later leaves the references it has already given as they were.
    reference_per_meeting = models.BooleanField(
        default=False,
        editable=False,
        help_text="Typed by the officer: unique within its meeting, not its series.",
    )
    text = models.TextField()
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions_arising")
    # The raising meeting's series, kept on the action so that the database itself holds
    # references unique within a series.
    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    owner_posts = models.ManyToManyField(Post, blank=True, related_name="actions")
    owner_people = models.ManyToManyField(Person, blank=True, related_name="actions")
    owner_bodies = models.ManyToManyField(Body, blank=True, related_name="actions")
    due_kind = models.CharField(max_length=10, choices=DueKind.choices, blank=True)
    due_date = models.DateField(null=True, blank=True)
    # The first of the month of the meeting the action must come back to: minutes name a
    # meeting ("November's HTA") long before that meeting exists in the system.
    due_meeting = models.DateField(null=True, blank=True, verbose_name="due at meeting in")
    # The series whose meeting it is due at, when not the raising meeting's own.
    due_series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The meeting it is due at once that meeting is known; its date is read from it, never
    # copied, so a meeting that moves moves the due with it.
    due_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_due"
    )
    due_wording = models.CharField(
        max_length=200, blank=True, help_text='As minuted: "By end January 2018".'
    )
    # What the raising meeting minuted, kept apart from where the action stands now (the
    # owners and due above change at later meetings): that meeting's minutes read these.
    raised_owners = models.CharField(
        max_length=200, blank=True, help_text='The ACTION column as minuted: "DCC ACC".'
    )
    raised_due_kind = models.CharField(max_length=10, choices=DueKind.choices, blank=True)
    raised_due_date = models.DateField(null=True, blank=True)
    raised_due_meeting = models.DateField(null=True, blank=True)
    raised_due_series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_due_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_due_wording = models.CharField(max_length=200, blank=True)
    # The chair's word, at the end of the item, that the action as the room saw it on the
    # screen is the one minuted: a later change of its wording or owner then needs a reason.
    agreed_in_room_at = models.DateTimeField(
        null=True, blank=True, help_text="When the meeting agreed the action as shown."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    follows_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_by",
        help_text="The earlier action this one replaces.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Who changed which field and when, beside the trail's narrative (owners are on the trail).
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="actions_action_status_valid"
            ),
            models.UniqueConstraint(
                fields=["series", "reference"],
                condition=Q(reference_per_meeting=False),
                name="actions_action_reference_unique_in_series",
            ),
            models.UniqueConstraint(
                fields=["meeting", "reference"], name="actions_action_reference_unique_in_meeting"
            ),
            # Minutes word an open-ended due ("until all cases have been closed"): it has no
            # date to show instead.
            models.CheckConstraint(
                condition=~Q(due_kind=DueKind.OPEN) | ~Q(due_wording=""),
                name="actions_action_open_due_worded",
            ),
        ]
        indexes = [
            # Dashboard and reminders: outstanding actions by due date.
            models.Index(fields=["status", "due_date"], name="actions_action_status_due"),
            # The action log in its default order (meeting date, then id) walks the meetings
            # by date (meetings_meeting_date_id) and reads each one's actions by the meeting's
            # own foreign-key index: an index on (meeting, id) went unused at 100k actions.
            # The action log sorted by reference, by due (nulls last, as the log sorts), and
            # by status, each page found by keyset (actions.keyset) rather than OFFSET.
            models.Index(fields=["reference", "id"], name="actions_action_reference_id"),
            models.Index(fields=["due_date", "id"], name="actions_action_due_id"),
            models.Index(fields=["status", "id"], name="actions_action_status_id"),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.series_id is None and self.meeting_id is not None:
            self.series_id = self.meeting.series_id
        if self._state.adding and self.series_id is not None:
            self.reference_per_meeting = self.series.reference_scheme == ReferenceScheme.TYPED
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    @property
    def qualified_reference(self):
        """The reference with the meeting that raised it: "Action 1 (12 January 2022)"."""
        return f"{self.reference} ({date_format(self.meeting.date, 'j F Y')})"

    @property
    def cited_reference(self):
        """The reference as another meeting cites it (a review brought forward): qualified by
        its meeting where references restart each meeting, since every meeting has an
        "Action 1"; as it is where the series numbers them through."""
        return self.qualified_reference if self.reference_per_meeting else self.reference

    @property
    def reference_label(self):
        """The reference as a list spanning meetings shows it: qualified by the meeting where
        another meeting of its series used it too ("Action 1 (12 January 2022)"), by the
        series where another series did ("2017/10-04 (JAC)"), else as it is.

        Read from ``with_reference_repeats`` (``for_listing`` has it); one query otherwise.
        """
        if hasattr(self, "reference_repeats_in_series"):
            in_series = self.reference_repeats_in_series
            elsewhere = self.reference_repeats_elsewhere
        else:
            repeats = (
                Action.objects.filter(pk=self.pk)
                .with_reference_repeats()
                .values_list("reference_repeats_in_series", "reference_repeats_elsewhere")
            )
            in_series, elsewhere = repeats.first() or (False, False)
        qualifiers = [self.series_label] if elsewhere else []
        if in_series:
            qualifiers.append(date_format(self.meeting.date, "j F Y"))
        return f"{self.reference} ({', '.join(qualifiers)})" if qualifiers else self.reference

    @property
    def series_label(self):
        """The series, as short as it is named: where references of series meet."""
        return getattr(self.series, "short_name", "") or self.series.name

    @property
    def owner_labels(self):
        """Owners as the ACTION column shows them: posts, then initials, then bodies."""
        labels = [post.abbreviation for post in self.owner_posts.all()]
        labels += [person.initials for person in self.owner_people.all()]
        labels += [body.label for body in self.owner_bodies.all()]
        return labels

    @property
    def owner_display(self):
        """The ACTION column: its owners, or TBA while the owner is to be allocated."""
        return " ".join(self.owner_labels) or TO_BE_ALLOCATED

    @property
    def is_unowned(self):
        return not self.owner_labels

    @property
    def due_display(self):
        """Where the due stands now: the wording given, else what the dates say."""
        return describe_due(
            self.due_date,
            self.due_meeting,
            self.due_wording,
            kind=self.due_kind,
            series=self.due_series,
            at=self.due_at,
        )

    @property
    def raised_due_display(self):
        return describe_due(
            self.raised_due_date,
            self.raised_due_meeting,
            self.raised_due_wording,
            kind=self.raised_due_kind,
            series=self.raised_due_series,
            at=self.raised_due_at,
        )

    @property
    def raised_text_with_due(self):
        """The action as its meeting minuted it, due included."""
        return with_due(self.text, self.raised_due_wording)

    def record_as_raised(self):
        """Take the current owners and due as what the raising meeting minuted (while its
        minutes are still being written). The caller saves."""
        self.raised_owners = self.owner_display
        for name in DUE_FIELDS:
            setattr(self, f"raised_{name}", getattr(self, name))

    @property
    def item_label(self):
        """The item number, qualified by its parent's where minutes reuse numbers under a
        parent (the questions 1 to 5 under 5a): "1.2", "5a/1". Import reads it back."""
        return self.item.label

    @property
    def latest_update(self):
        """ "31 October 2017: text" from for_listing()'s annotation."""
        if not getattr(self, "latest_update_on", None):
            return ""
        return update_label(self.latest_update_on, self.latest_update_text)

    def is_owned_by(self, user):
        """Whether ``user`` owns this action: holds an owner post, is an owner, or is a
        member of an owner body."""
        person = getattr(user, "person", None)
        if person is None:
            return False
        return (
            any(post.holder_id == person.pk for post in self.owner_posts.all())
            or any(owner.pk == person.pk for owner in self.owner_people.all())
            or self.owner_bodies.filter(members=person).exists()
        )

    @property
    def effective_due(self):
        """The date it is due by: its due date, the day of its due month's meeting (the end
        of that month while none is arranged), or the day of its due meeting, whichever
        comes first. None when open-ended."""
        if self.due_kind == DueKind.OPEN:
            return None
        dates = [self.due_date] if self.due_date else []
        if self.due_meeting:
            dates.append(self.due_month_meeting_day())
        if self.due_at_id:
            dates.append(self.due_at.date)
        return min(dates, default=None)

    def due_month_meeting_day(self):
        """The day of the first meeting of the due month in the due series (the raising
        meeting's series unless another is named), else the month's last day.
        ``with_due_month_meetings`` reads it for every row at once."""
        series = self.due_series_id or self.series_id
        known = self.__dict__.setdefault("_month_meetings", {})
        if hasattr(self, "due_month_meeting_on"):
            day = self.due_month_meeting_on
        elif (series, self.due_meeting) in known:
            day = known[series, self.due_meeting]
        else:
            day = (
                Meeting.objects.filter(
                    series_id=series,
                    date__year=self.due_meeting.year,
                    date__month=self.due_meeting.month,
                )
                .order_by("date")
                .values_list("date", flat=True)
                .first()
                if series
                else None
            )
            # The log's due cell asks several times: one query an action at most.
            known[series, self.due_meeting] = day
        if day is not None:
            return day
        last_day = calendar.monthrange(self.due_meeting.year, self.due_meeting.month)[1]
        return self.due_meeting.replace(day=last_day)

    def days_overdue(self, today):
        due = self.effective_due
        if self.status != Status.OPEN or due is None or due >= today:
            return 0
        return (today - due).days

    def overdue_wording(self, today):
        return describe_overdue(self.days_overdue(today), self.effective_due)

    @property
    def text_with_due(self):
        """The action with its current due wording, for the action log."""
        return with_due(self.text, self.due_wording)


# The fields that say when an action is due; ``raised_`` and ``new_`` copies hold what a
# meeting minuted.
DUE_FIELDS = ("due_kind", "due_date", "due_meeting", "due_series", "due_at", "due_wording")


@dataclass(frozen=True)
class NextMeeting:
    date: datetime.date
    meeting: Meeting | None = None
    time: datetime.time | None = None

    @property
    def title(self):
        if self.meeting is not None:
            return self.meeting.title
        return f"Meeting of {date_format(self.date, 'j F Y')}"


def next_meeting(today):
    """The next meeting: the earliest draft meeting dated today or later, else the date the
    latest meeting announced for the next one (if that is not past). None when neither."""
    meeting = (
        Meeting.objects.with_people()
        .filter(date__gte=today, status__in=IN_PROGRESS)
        .order_by("date")
        .first()
    )
    if meeting is not None:
        return NextMeeting(meeting.date, meeting, meeting.start_time)
    latest = Meeting.objects.order_by("-date").first()
    if latest and latest.next_meeting_date and latest.next_meeting_date >= today:
        return NextMeeting(latest.next_meeting_date, None, latest.next_meeting_time)
    return None


class ActionEvent(models.Model):
    """One line of an action's trail: a progress update, or a change with who and why."""

    # Rows are only added, never edited, so it keeps no history: its latest row moves the
    # record's version (core.record) as a history row would.
    record_trail = True
    # Progress updates show on the kept pages only through a mark filled in as each page is
    # served (actions.latest), so adding one leaves those pages kept.
    served_apart = Q(kind="update")

    class Kind(models.TextChoices):
        CREATED = "created", "Raised"
        UPDATE = "update", "Progress update"
        STATUS = "status", "Status change"
        DUE = "due", "Due changed"
        OWNERS = "owners", "Owners changed"
        TEXT = "text", "Wording changed"
        CORRECTION = "correction", "Minutes corrected"
        OUTCOME = "outcome", "Outcome changed"
        AGREED_IN_ROOM = "agreed_room", "Agreed in the room"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on_date = models.DateField(help_text="The date the update or change refers to.")
    text = models.TextField(blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_events",
        help_text="The meeting at which this was agreed, if any.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An owner without a login, reporting through an emailed link (UpdateLink).
    by_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The trail reads in the order things happened, not the order they were typed.
        ordering = ["action", "on_date", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "created",
                        "update",
                        "status",
                        "due",
                        "owners",
                        "text",
                        "correction",
                        "outcome",
                        "agreed_room",
                    ]
                ),
                name="actions_actionevent_kind_valid",
            ),
        ]
        indexes = [
            # Latest update per action on the dashboard and the log (for_listing orders an
            # action's updates by date, then time, then id: the index in that order).
            models.Index(
                fields=["action", "kind", "-on_date", "-at", "-id"],
                name="actions_event_latest_update",
            ),
            # The dashboard chart reads each action's status trail in order (a window over
            # action, date, time, id) and the counts closed this year find closures by date.
            models.Index(
                fields=["action", "on_date", "at", "id"],
                condition=Q(kind="status"),
                name="actions_event_status_trail",
            ),
            models.Index(
                fields=["on_date"],
                condition=Q(kind="status", to_status="closed"),
                name="actions_event_closed_on",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_kind_display()} {self.on_date}"


class ActionReview(models.Model):
    """An item brought forward: the review, at a later meeting, of an earlier action."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        CLOSED = "closed", "Agreed complete and closed"
        CARRIED_FORWARD = "carried_forward", "Carried forward"
        REPLACED = "replaced", "Closed and replaced by a new action"

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="review")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    # What the meeting minuted about the action, kept here rather than read from the action
    # later: the action moves on, the minutes of this review do not.
    update = models.TextField(blank=True, help_text="The update given at the meeting.")
    new_due_kind = models.CharField(max_length=10, choices=DueKind.choices, blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    new_due_meeting = models.DateField(null=True, blank=True)
    new_due_series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_due_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_due_wording = models.CharField(max_length=200, blank=True)
    owners_before = models.CharField(max_length=200, blank=True)
    owners_after = models.CharField(max_length=200, blank=True)
    # Where the action stood before the review first decided, so that a changed outcome
    # puts it back before applying the new one (the outcome may change until the minutes
    # are agreed).
    status_before = models.CharField(max_length=20, choices=Status.choices, blank=True)
    before_owner_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    before_owner_people = models.ManyToManyField(Person, blank=True, related_name="+")
    before_owner_bodies = models.ManyToManyField(Body, blank=True, related_name="+")
    before_due_kind = models.CharField(max_length=10, choices=DueKind.choices, blank=True)
    before_due_date = models.DateField(null=True, blank=True)
    before_due_meeting = models.DateField(null=True, blank=True)
    before_due_series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before_due_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before_due_wording = models.CharField(max_length=200, blank=True)
    completion_claimed_on = models.DateField(
        null=True, blank=True, help_text="When the owner had marked it complete, if they had."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Two officers recording an outcome for the same review: the one typed on the page
    # the other had already changed is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "closed", "carried_forward", "replaced"]),
                name="actions_actionreview_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"Review of {self.action.reference} at {self.item.meeting}"

    def get_absolute_url(self):
        """The review's card on its own page (the record page shows it among the others)."""
        return reverse("actions:review_outcome", args=[self.pk])

    @property
    def decided(self):
        return self.outcome != self.Outcome.PENDING

    @property
    def owners(self):
        """The ACTION column of the review: the owners as the meeting left them."""
        return self.owners_after if self.decided else self.action.owner_display

    def outcome_sentences(self, replacements=()):
        """The outcome in the words of the minutes; ``replacements`` are the actions raised at
        the review's item, in order."""
        if not self.decided:
            return []
        out = []
        if self.completion_claimed_on and self.outcome == self.Outcome.CARRIED_FORWARD:
            claimed = date_format(self.completion_claimed_on, "j F Y")
            out.append(f"Marked complete by its owner on {claimed} but not agreed complete.")
        if self.outcome == self.Outcome.CLOSED:
            out.append("Agreed closed.")
        elif self.outcome == self.Outcome.CARRIED_FORWARD:
            out.append(f"Carried forward {self._carried_to()}".rstrip() + ".")
        else:
            out.append(f"Closed and replaced by {_replacements_sentence(replacements)}.")
        if self.owners_before != self.owners_after:
            out.append(
                f"Owners changed from {self.owners_before or 'none'} to "
                f"{self.owners_after or 'none'}."
            )
        return out

    def _carried_to(self):
        if self.new_due_kind == DueKind.OPEN:
            return f"until “{self.new_due_wording}”"
        if self.new_due_kind == DueKind.MEETING:
            text = describe_due(
                None, None, kind=DueKind.MEETING, series=self.new_due_series, at=self.new_due_at
            ).replace("At the", "to the", 1)
            return text + (f" (“{self.new_due_wording}”)" if self.new_due_wording else "")
        parts = []
        if self.new_due_meeting:
            parts.append(f"to the {date_format(self.new_due_meeting, 'F Y')} meeting")
        if self.new_due_date:
            parts.append(f"{'by' if parts else 'to'} {date_format(self.new_due_date, 'j F Y')}")
        text = ", ".join(parts)
        if self.new_due_wording:
            text += f" (“{self.new_due_wording}”)" if text else f"to “{self.new_due_wording}”"
        return text


def _replacements_sentence(actions):
    """ "action 2017/11-03 (DCC), due 31 January 2018" for each, joined with "and"."""
    parts = []
    for action in actions:
        part = f"action {action.reference}"
        if action.raised_owners:
            part += f" ({action.raised_owners})"
        if action.raised_due_wording:
            wording = action.raised_due_wording
            part += f", {wording[:1].lower()}{wording[1:]}"
        elif action.raised_due_date:
            part += f", due {date_format(action.raised_due_date, 'j F Y')}"
        elif action.raised_due_meeting:
            part += f", due at the {date_format(action.raised_due_meeting, 'F Y')} meeting"
        elif action.raised_due_kind == DueKind.MEETING:
            due = action.raised_due_display
            part += f", due {due[:1].lower()}{due[1:]}"
        parts.append(part)
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} and {parts[-1]}"
    return parts[0] if parts else "a new action"


class ReminderLog(models.Model):
    """A reminder sent: so that the daily run emails a person at most once a day per kind."""

    class Kind(models.TextChoices):
        DUE = "due", "Due within 7 days or overdue"
        MEETING = "meeting", "Updates wanted before the next meeting"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["-sent_on", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "sent_on", "kind"], name="actions_reminderlog_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["due", "meeting"]), name="actions_reminderlog_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.person} on {self.sent_on}"


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar: calendar clients cannot sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"Calendar of {self.user}"

    def get_absolute_url(self):
        return reverse("calendar_feed", args=[self.token])


class UpdateLink(models.Model):
    """A link emailed to an owner without a login: it opens one action's form for a progress
    update (and, if they say so, its completion), once, until it expires or is revoked. It
    signs nobody in and opens nothing else. Only a digest of its secret is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="update_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Update link for {self.person} on {self.action.reference}"

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "used"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
