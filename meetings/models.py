"""The minutes of holding-to-account meetings: series, meetings, attendance, items, findings,
and the minutes' status and frozen versions.

An OPCC's minutes are a tree of numbered agenda items under a meeting. The people minuted
live in ``people``, below; the judgements at an item (``judgements``) and the actions
arising (``actions``) point here and never the other way round.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from people.models import Person, Post
from people.roles import sees_all_minutes


class MeetingSeriesQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_on__isnull=True)


class ReferenceScheme(models.TextChoices):
    YEAR_MONTH_SEQUENCE = "year_month_seq", "Year/month-number, as 2017/10-04"
    YEAR_SEQUENCE = "year_seq", "Year/number running through the year, as 2019/07"
    TYPED = "typed", "Typed by the officer"


class MeetingSeries(models.Model):
    """A run of meetings under one name, chair and standing agenda, such as the monthly
    holding-to-account meeting or the joint audit committee: all share one action log."""

    name = models.CharField(max_length=160, unique=True)
    short_name = models.CharField(
        max_length=20,
        unique=True,
        help_text="How the series is known for short, for example HTA or JAC.",
    )
    default_venue = models.CharField("venue", max_length=200, blank=True)
    default_start_time = models.TimeField("usual start time", null=True, blank=True)
    rhythm = models.CharField(
        max_length=200, blank=True, help_text="For example: Monthly, last Tuesday."
    )
    chairs = models.ManyToManyField(
        Person, through="SeriesChair", related_name="series_chaired", blank=True
    )
    default_minute_taker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="minute-taker",
        help_text="Anyone, from the OPCC or the force.",
    )
    minute_taker_capacity = models.CharField(
        "minute-taker's capacity",
        max_length=200,
        blank=True,
        help_text="As minuted, for example: Policy Officer, OPCC.",
    )
    retired_on = models.DateField(
        null=True,
        blank=True,
        help_text="A retired series keeps its meetings but opens no new ones.",
    )
    # How this series numbers its actions: each body keeps the references it has always used.
    reference_scheme = models.CharField(
        max_length=20,
        choices=ReferenceScheme.choices,
        default=ReferenceScheme.YEAR_MONTH_SEQUENCE,
        help_text="How the series' action references are made.",
    )
    reference_prefix = models.CharField(
        max_length=4,
        blank=True,
        help_text='A letter before each reference, for the body that raised it: "J" makes '
        '"J2019/07".',
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = MeetingSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:series_detail", args=[self.pk])

    def ordered_chairs(self):
        return [link.person for link in self.chair_links.select_related("person")]


class ChairLink(models.Model):
    """The chair, or one of the co-chairs, in the order the minutes name them: of a series
    (who usually chairs it) or of one meeting (who chaired it)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.person} chairs {self.chaired}"


class SeriesChair(ChairLink):
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="chair_links")

    class Meta:
        ordering = ["series", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "person"], name="meetings_serieschair_person_unique"
            ),
        ]

    @property
    def chaired(self):
        return self.series


class UsualAttendee(models.Model):
    """Someone who usually attends a series: opening its next meeting proposes them present."""

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="usual_attendees"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The post they attend as, if any.",
    )
    capacity = models.CharField(
        max_length=200, help_text="As minuted: Deputy Chief Constable (DCC)."
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "person"], name="meetings_usualattendee_person_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.capacity}"


class ItemKind(models.TextChoices):
    ITEM = "item", "Item"
    BROUGHT_FORWARD = "brought_forward", "Action brought forward"
    NEXT_MEETING = "next_meeting", "Date of next meeting"
    # Minuted by itself from what the meeting decided on earlier minutes (agreed, not agreed,
    # a correction agreed), above whatever the officer records there.
    PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"


class NilReturn(models.TextChoices):
    """The explicit "nothing" an item can record, worded as minutes word it."""

    # Read out as a choice on every form that offers it, not as "dash".
    NONE = "", "Not said"
    NO_ACTIONS = "no_actions", "There were no actions arising."
    NO_ITEMS_RAISED = "no_items_raised", "No items were raised."
    NO_ITEMS_ON_AGENDA = "no_items_on_agenda", "No items on the agenda."


class StandingSection(models.Model):
    """A section that opens every meeting of a series, such as "Outstanding matters"."""

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="standing_sections"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(max_length=40)
    heading = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.ITEM)
    brings_forward = models.BooleanField(
        default=False,
        help_text="New meetings list every outstanding action under this section.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"], name="meetings_standingsection_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values),
                name="meetings_standingsection_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.heading}"


class HeldAs(models.TextChoices):
    """How the business of a meeting was done: most are held; some are not, and the minutes
    say so rather than leave a reader to guess from an empty attendance."""

    MEETING = "meeting", "Held as a meeting"
    CORRESPONDENCE = "correspondence", "By correspondence (no meeting held)"
    CANCELLED = "cancelled", "Cancelled"
    ADJOURNED = "adjourned", "Adjourned"
    INQUORATE = "inquorate", "Inquorate"


# The minutes' "Held:" line for a meeting that was not held as an ordinary one.
HELD_LINES = {
    HeldAs.CORRESPONDENCE: "By correspondence: no meeting was held; the papers were circulated "
    "and the responses are recorded below.",
    HeldAs.CANCELLED: "The meeting was cancelled.",
    HeldAs.ADJOURNED: "The meeting was adjourned.",
    HeldAs.INQUORATE: "The meeting was not quorate.",
}


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    # The meeting that was asked to agree them did not: they are amended and recirculated,
    # and stay open for recording like a draft until a later meeting agrees them.
    NOT_AGREED = "not_agreed", "Not agreed: to be amended and recirculated"
    AGREED = "agreed", "Agreed"
    PUBLISHED = "published", "Published"


# Minutes that may still be written to, and that the force does not see yet.
IN_PROGRESS = (MinutesStatus.DRAFT, MinutesStatus.NOT_AGREED)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The force sees minutes once agreed; OPCC staff and the Commissioner see drafts too."""
        if sees_all_minutes(user):
            return self
        return self.exclude(status__in=IN_PROGRESS)

    def with_people(self):
        return self.select_related("series", "minute_taker")


class Meeting(models.Model):
    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    title = models.CharField(
        max_length=200,
        unique=True,
        help_text="Tells this meeting apart from every other, for example "
        "Monthly Assurance Meeting October 2017.",
    )
    chairs = models.ManyToManyField(
        Person, through="MeetingChair", related_name="meetings_chaired", blank=True
    )
    minute_taker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings_minuted"
    )
    minute_taker_capacity = models.CharField(
        max_length=200, blank=True, help_text="For example: Policy Officer, OPCC."
    )
    status = models.CharField(
        max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    next_meeting_date = models.DateField(null=True, blank=True)
    next_meeting_time = models.TimeField(null=True, blank=True)
    held_as = models.CharField(
        max_length=16, choices=HeldAs.choices, default=HeldAs.MEETING, verbose_name="Held"
    )
    held_note = models.CharField(
        max_length=500,
        blank=True,
        verbose_name="About how it was held",
        help_text="As minuted, for a meeting not held as an ordinary one: why it was "
        "cancelled, to when it was adjourned, when responses closed.",
    )
    # Bumped on every save through the app, so that a stale form cannot overwrite newer work.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MinutesStatus.values), name="meetings_meeting_status_valid"
            ),
            models.UniqueConstraint(fields=["series", "date"], name="meetings_meeting_date_unique"),
            models.CheckConstraint(
                condition=Q(held_as__in=HeldAs.values), name="meetings_meeting_held_as_valid"
            ),
        ]
        indexes = [
            # The action log's default order (raising meeting's date, then the action) walks
            # the meetings by date, and the meeting list pages by it; the unique constraint
            # above leads with the series, so it cannot serve an order by date alone.
            models.Index(fields=["date", "id"], name="meetings_meeting_date_id"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.title:
            self.title = default_title(self.series, self.date, exclude=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def held_line(self):
        """The minutes' "Held:" line, empty for a meeting held as most are."""
        line = HELD_LINES.get(self.held_as, "")
        return f"{line} {self.held_note}".strip() if line else ""

    @property
    def by_correspondence(self):
        return self.held_as == HeldAs.CORRESPONDENCE

    def get_record_url(self, item=None):
        """The officer's workspace for these minutes, at ``item`` if given."""
        url = reverse("meetings:record", args=[self.pk])
        return f"{url}#item-{item.pk}" if item else url

    def ordered_chairs(self):
        return [link.person for link in self.chair_links.select_related("person")]

    @property
    def short_title(self):
        """The title without the series' name, as an action's review names the meeting it
        came from: "July 2017", or "15 July 2025" in a month with two meetings."""
        name = self.series.name
        if self.title.startswith(f"{name} ") and len(self.title) > len(name) + 1:
            return self.title[len(name) + 1 :]
        return self.title

    @property
    def in_progress(self):
        """Draft or not agreed: still being written, so open to recording and corrections."""
        return self.status in IN_PROGRESS

    @property
    def has_been_agreed(self):
        """Agreed (or published) at some time: a change now corrects the record."""
        return self.status_events.filter(
            from_status__in=[MinutesStatus.AGREED, MinutesStatus.PUBLISHED]
        ).exists()

    @property
    def changes_are_corrections(self):
        """Agreed at some time, or put to a meeting and not agreed: the minutes have been
        before a meeting, so a change now amends what it saw, is dated when made, and says
        why."""
        return self.status == MinutesStatus.NOT_AGREED or self.has_been_agreed

    @property
    def month(self):
        """The first of the meeting's month: how actions say which meeting they come back to."""
        return self.date.replace(day=1)


def default_title(series, date, *, exclude=None):
    """ "<series> <Month YYYY>"; when that is taken (the series meets twice in a month),
    "<series> <d Month YYYY>"; numbered in the unlikely case that is taken too."""
    taken = set(
        Meeting.objects.exclude(pk=exclude)
        .filter(title__startswith=series.name)
        .values_list("title", flat=True)
    )
    month = f"{series.name} {date_format(date, 'F Y')}"
    if month not in taken:
        return month
    day = f"{series.name} {date_format(date, 'j F Y')}"
    candidates = [day, *(f"{day} ({n})" for n in range(2, 1000))]
    return next(title for title in candidates if title not in taken)


class MeetingChair(ChairLink):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="chair_links")

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="meetings_meetingchair_person_unique"
            ),
        ]

    @property
    def chaired(self):
        return self.meeting


class Attendance(models.Model):
    class Presence(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The post the person attended as, if any.",
    )
    capacity = models.CharField(
        max_length=200, help_text="As minuted: Deputy Chief Constable (DCC)."
    )
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.PRESENT)
    reason = models.CharField(max_length=200, blank=True, help_text="Reason for apologies.")
    joined_at_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_after_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Some bodies minute the clock as well as, or instead of, the item.
    joined_at_time = models.TimeField(
        null=True, blank=True, verbose_name="Joined at (time)", help_text="As minuted: 09:50."
    )
    left_at_time = models.TimeField(
        null=True, blank=True, verbose_name="Left at (time)", help_text="As minuted: 11:00."
    )
    left_reason = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="Why they left",
        help_text='As minuted after "left the meeting": on urgent business.',
    )
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "presence", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="meetings_attendance_person_unique"
            ),
            models.CheckConstraint(
                condition=Q(presence__in=["present", "apologies"]),
                name="meetings_attendance_presence_valid",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.capacity}"

    @property
    def is_partial(self):
        return bool(
            self.joined_at_item_id
            or self.left_after_item_id
            or self.joined_at_time
            or self.left_at_time
        )

    @property
    def partial_note(self):
        """The footnote minutes carry: "The ACC left the meeting after item 1.2", "The DCC
        joined the meeting at 09:50 (item 2)", "… left the meeting at 11:00 on urgent
        business"."""
        who = f"The {self.post.abbreviation}" if self.post else self.person.name
        parts = []
        joined_item = self.joined_at_item and f"item {self.joined_at_item.number}"
        if self.joined_at_time:
            when = f"{self.joined_at_time:%H:%M}"
            parts.append(
                f"joined the meeting at {when}" + (f" ({joined_item})" if joined_item else "")
            )
        elif joined_item:
            parts.append(f"joined the meeting at {joined_item}")
        left_item = self.left_after_item and f"item {self.left_after_item.number}"
        if self.left_at_time:
            when = f"{self.left_at_time:%H:%M}"
            left = f"left the meeting at {when}" + (f" (after {left_item})" if left_item else "")
        elif left_item:
            left = f"left the meeting after {left_item}"
        else:
            left = ""
        if left:
            parts.append(f"{left} {self.left_reason}" if self.left_reason else left)
        return f"{who} {' and '.join(parts)}" if parts else ""


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(
        max_length=40, help_text='As minuted: "1.1", "5a", "AOB", "HTA/2019/07/3.1".'
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.ITEM)
    heading = models.CharField(max_length=300)
    theme = models.ForeignKey(
        "themes.Theme", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # Meetings take items out of order (a chief officer who must leave has theirs first) and
    # minute the order taken while keeping the agenda's numbers.
    taken_after = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Taken out of order: discussed after this item, its number kept.",
    )
    presented_by = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="Presented by",
        help_text="As minuted: the DCC; Superintendent Jo Bloggs, Head of Public Protection.",
    )
    background = models.TextField(blank=True, help_text="Background to the question.")
    question = models.TextField(blank=True, help_text="The question put to the force.")
    label_findings = models.BooleanField(
        default=True, help_text='Show the findings under a "Findings:" heading.'
    )
    nil_return = models.CharField(
        max_length=20, choices=NilReturn.choices, default=NilReturn.NONE, blank=True
    )
    action_column_note = models.CharField(
        max_length=40,
        blank=True,
        help_text='Shown in the ACTION column when no action is raised ("ALL").',
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Left out of the published minutes and of what the force sees.",
    )
    restriction_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown where the item is withheld, for example: operationally sensitive.",
    )
    # Derived on save: the reason of this item's restriction or of its nearest restricted
    # ancestor's, so that every reader of actions can filter on one indexed column.
    withheld_reason = models.CharField(max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "parent_id", "position", "pk"]
        constraints = [
            # Numbers repeat under different parents (5a holds questions 1 to 5), so
            # uniqueness is per parent, with top-level items checked on their own.
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=Q(parent__isnull=True),
                name="meetings_agendaitem_top_number_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "parent", "number"],
                condition=Q(parent__isnull=False),
                name="meetings_agendaitem_child_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values), name="meetings_agendaitem_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(nil_return__in=NilReturn.values),
                name="meetings_agendaitem_nil_return_valid",
            ),
            models.CheckConstraint(
                condition=Q(restricted=False) | ~Q(restriction_reason=""),
                name="meetings_agendaitem_restriction_has_reason",
            ),
        ]

    def __str__(self):
        return self.numbered_title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"restricted", "restriction_reason", "parent"} & set(
            update_fields
        ):
            return super().save(*args, **kwargs)
        before = self.withheld_reason
        self.withheld_reason = self._inherited_restriction()
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "withheld_reason"}
        super().save(*args, **kwargs)
        if self.withheld_reason != before:
            self._restriction_changed()

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    @property
    def heading_says_number(self):
        """Whether the heading is the number again: an item numbered "AOB" headed "AOB:"."""
        return self.title.rstrip(":. ").casefold() == self.number.casefold()

    @property
    def numbered_title(self):
        """ "5a DELIVERY OF STRATEGIC INITIATIVES:", but "AOB:", never "AOB AOB:"."""
        return self.title if self.heading_says_number else f"{self.number} {self.title}"

    def _inherited_restriction(self):
        if self.restricted:
            return self.restriction_reason
        return self.parent.withheld_reason if self.parent_id else ""

    def _restriction_changed(self):
        """Pass the restriction down the subtree, and on to the items of later meetings still
        in progress that review an action raised here: a restriction follows the content."""
        for child in self.children.all():
            child.save(update_fields=["restricted"])
        if self.withheld_reason:
            reviews = AgendaItem.objects.filter(
                review__action__item=self, meeting__status__in=IN_PROGRESS, restricted=False
            )
            for item in reviews:
                item.restricted, item.restriction_reason = True, self.withheld_reason
                item.save(update_fields=["restricted", "restriction_reason"])

    @property
    def title(self):
        return f"{self.theme.name} – {self.heading}" if self.theme_id else self.heading

    @property
    def label(self):
        """The number, qualified by its parent's where minutes reuse numbers under a parent
        (the questions 1 to 5 under 5a): "1.2", "5a/1". Select parents to avoid a query."""
        parent = self.parent
        if parent is None or self.number.startswith(parent.number):
            return self.number
        return f"{parent.label}/{self.number}"


class Finding(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    # Two officers editing the same finding: the second save is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    # Its changes are the minutes' (meetings.views.minutes.changes_at_items).
    changes_in_minutes = True

    class Meta:
        ordering = ["item", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class Declaration(models.Model):
    """An interest declared at an item, as minuted: who, what interest, and whether they
    took part or withdrew for the item."""

    class Part(models.TextChoices):
        STAYED = "stayed", "Stayed and took part"
        NO_PART = "no_part", "Stayed but took no part"
        WITHDREW = "withdrew", "Left the room for the item"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    interest = models.CharField(
        max_length=500, help_text="As declared: a trustee of the Safer Streets charity."
    )
    part = models.CharField(
        max_length=10, choices=Part.choices, default=Part.STAYED, verbose_name="During the item"
    )
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    # Its changes are the minutes' (meetings.views.minutes.changes_at_items).
    changes_in_minutes = True

    class Meta:
        ordering = ["item", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(part__in=["stayed", "no_part", "withdrew"]),
                name="meetings_declaration_part_valid",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.interest[:60]}"

    @property
    def sentence(self):
        """ "Jo Bloggs declared an interest as a trustee of X and left the room for the item." """
        interest = self.interest.rstrip(". ")
        after = {
            self.Part.STAYED: "",
            self.Part.NO_PART: " and took no part in the item",
            self.Part.WITHDREW: " and left the room for the item",
        }[self.part]
        return f"{self.person.name} declared an interest: {interest}{after}."


class MinutesEvent(models.Model):
    """A change of the minutes' status: agreed, published, or reopened for a correction."""

    # Rows are only added, never edited, so it keeps no history: its latest row moves the
    # record's version (core.record) as a history row would.
    record_trail = True

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=12, choices=MinutesStatus.choices)
    to_status = models.CharField(max_length=12, choices=MinutesStatus.choices)
    reason = models.TextField(blank=True)
    at_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The meeting at which the minutes were agreed, or not agreed.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=MinutesStatus.values)
                & Q(to_status__in=MinutesStatus.values),
                name="meetings_minutesevent_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.from_status} to {self.to_status}"

    @property
    def description(self):
        """ "Agreed at the meeting of 29 November 2017" """
        text = self.get_to_status_display()
        if self.to_status == MinutesStatus.DRAFT:
            text = "Reopened for a correction"
        if self.at_meeting_id:
            text += f" at the meeting of {date_format(self.at_meeting.date, 'j F Y')}"
        return text


class MinutesVersion(models.Model):
    """The minutes as they stood when agreed: every later rendering of agreed or published
    minutes reads this, never the live rows, so nothing done afterwards can change them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    event = models.OneToOneField(
        MinutesEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version",
        help_text="The agreement that froze this version.",
    )
    content = models.JSONField(help_text="The full and the public version, as rendered.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="meetings_minutesversion_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.meeting}, version {self.number}"


class MinutesVariant(models.TextChoices):
    """Whose PDF: the full minutes (those who see restricted items), the public version as
    the application shows it, and the public version as the public site publishes it."""

    FULL = "full", "Full"
    PUBLIC = "public", "Public"
    PUBLISHED = "published", "Published"


class MinutesFileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"


class KeptFileStatus(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be prepared"


class KeptMinutesFile(models.Model):
    """The PDF or Word document of one frozen version of agreed minutes, in one variant, made
    once in the background (``meetings.kept_files``) and kept."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=16, choices=MinutesVariant.choices)
    kind = models.CharField(max_length=8, choices=MinutesFileKind.choices, default="pdf")
    status = models.CharField(
        max_length=16, choices=KeptFileStatus.choices, default=KeptFileStatus.PREPARING
    )
    file = models.FileField(upload_to="kept/minutes/", blank=True)
    # Where the links in a PDF point: the site as the first reader asked for it.
    base_url = models.CharField(max_length=400, blank=True)
    failure = models.TextField(blank=True, help_text="Why it could not be made, for the reader.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "kept_keptminutespdf"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "variant", "kind"], name="kept_keptminutespdf_one_per_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(variant__in=MinutesVariant.values),
                name="kept_keptminutespdf_variant_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MinutesFileKind.values),
                name="meetings_keptminutesfile_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=KeptFileStatus.values),
                name="meetings_keptminutesfile_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.version} ({self.get_variant_display()}, {self.get_kind_display()})"


class KeptMinutesHtml(models.Model):
    """The minutes of one frozen version, in one variant, as the page shows them: rendered
    once, since what they say can no longer change (a correction is a new version). Only
    the minutes themselves: what depends on the reader (menus, buttons) is not kept."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=16, choices=MinutesVariant.choices)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "variant"], name="meetings_keptminuteshtml_one_per_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(variant__in=MinutesVariant.values),
                name="meetings_keptminuteshtml_variant_valid",
            ),
        ]

    def __str__(self):
        return f"{self.version} ({self.get_variant_display()})"
