"""People, posts and the minutes of holding-to-account meetings.

An OPCC's minutes are a tree of numbered agenda items under a meeting; actions arising
live in the ``actions`` app, which points here and never the other way round.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from meetings.roles import sees_all_minutes


class Organisation(models.TextChoices):
    OPCC = "opcc", "Office of the Police and Crime Commissioner"
    FORCE = "force", "Force"


class PersonQuerySet(models.QuerySet):
    def current(self):
        """Not retired (nor merged into someone): whom pickers offer."""
        return self.filter(retired_on__isnull=True)


class Person(models.Model):
    name = models.CharField(max_length=120)
    initials = models.CharField(
        max_length=8,
        unique=True,
        help_text="As written in the ACTION column of the minutes, for example JI.",
    )
    job_title = models.CharField(
        max_length=160, blank=True, help_text="For example Policy Officer, or Inspector."
    )
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=8, choices=Organisation.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The login this person uses, if they have one.",
    )
    # Retired rather than deleted: a person stays on every record they appear on.
    retired_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text="The record this duplicate was merged into.",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        permissions = [("manage_users", "Can give logins and roles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__in=Organisation.values),
                name="meetings_person_organisation_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:person", args=[self.pk])

    @property
    def label(self):
        """How pickers and the directory name a person: "Jackie Irvin (JI)"."""
        return f"{self.name} ({self.initials})"


class PersonAlias(models.Model):
    """Initials a person has been minuted under besides their current ones."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    initials = models.CharField(max_length=8)
    used_from = models.DateField(null=True, blank=True)
    used_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "used_until", "pk"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.CheckConstraint(
                condition=Q(used_from__isnull=True)
                | Q(used_until__isnull=True)
                | Q(used_from__lte=models.F("used_until")),
                name="meetings_personalias_dates_in_order",
            ),
        ]
        indexes = [
            # person_for_initials: who was minuted under these initials.
            models.Index(fields=["initials"], name="meetings_personalias_initials"),
        ]

    def __str__(self):
        return f"{self.initials} ({self.person})"

    def covers(self, on_date):
        return (self.used_from is None or self.used_from <= on_date) and (
            self.used_until is None or on_date <= self.used_until
        )


class PostQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_on__isnull=True)


class Post(models.Model):
    """A post such as DCC. It outlives its holder: what a post owns passes to the next."""

    abbreviation = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=160)
    organisation = models.CharField(max_length=8, choices=Organisation.choices)
    # Changed only through meetings.directory.appoint, which keeps the holdings in step.
    holder = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts_held",
        help_text="Who holds the post now.",
    )
    seniority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first in attendance lists."
    )
    retired_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["seniority", "abbreviation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__in=Organisation.values),
                name="meetings_post_organisation_valid",
            ),
        ]

    def __str__(self):
        return self.abbreviation

    def get_absolute_url(self):
        return reverse("directory:post", args=[self.pk])

    @property
    def capacity(self):
        """How the post reads in an attendance list: "Deputy Chief Constable (DCC)"."""
        return f"{self.title} ({self.abbreviation})"

    def holder_on(self, on_date):
        """Who held the post on ``on_date``, by its holdings; None if no one did."""
        holding = (
            self.holdings.filter(started_on__lte=on_date)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on_date))
            .select_related("person")
            .order_by("-started_on", "-pk")
            .first()
        )
        return holding.person if holding else None


class PostHolding(models.Model):
    """Who held a post from when to when (both days included); the open one is the holder."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="holdings")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="meetings_postholding_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(ended_on__isnull=True),
                name="meetings_postholding_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.post} – {self.person}"


class Theme(models.Model):
    """A theme of the Police and Crime Plan, for example "Putting Victims and Survivors First"."""

    name = models.CharField(max_length=160, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Kept like every other part of the record, and so that a renamed theme moves the
    # record's version (assurance.record): the action log offers themes by name.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


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
        "Post",
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


class NilReturn(models.TextChoices):
    """The explicit "nothing" an item can record, worded as minutes word it."""

    NONE = "", "—"
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
        return bool(self.joined_at_item_id or self.left_after_item_id)

    @property
    def partial_note(self):
        """The footnote minutes carry: "The ACC left the meeting after item 1.2"."""
        who = f"The {self.post.abbreviation}" if self.post else self.person.name
        parts = []
        if self.joined_at_item:
            parts.append(f"joined the meeting at item {self.joined_at_item.number}")
        if self.left_after_item:
            parts.append(f"left the meeting after item {self.left_after_item.number}")
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
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
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
        return f"{self.number} {self.title}"

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

    class Meta:
        ordering = ["item", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class AssuranceLevel(models.TextChoices):
    ASSURED = "assured", "Assured"
    PARTIALLY_ASSURED = "partially_assured", "Partially assured"
    NOT_ASSURED = "not_assured", "Not assured"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class AssuranceStatement(models.Model):
    """The Commissioner's judgement on an item: how assured, and why. The officer records
    it; the Commissioner confirms it; a change to what was confirmed needs confirming again
    (``meetings.services.record_assurance``)."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="assurance")
    level = models.CharField(max_length=20, choices=AssuranceLevel.choices)
    narrative = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AssuranceLevel.values),
                name="meetings_assurancestatement_level_valid",
            ),
        ]

    def __str__(self):
        return f"{self.item.number}: {self.get_level_display()}"

    @property
    def confirmed(self):
        return self.confirmed_at is not None

    @property
    def sentence(self):
        """As the minutes print it: "Partially assured: the force ..." """
        level = self.get_level_display()
        return f"{level}: {self.narrative}" if self.narrative else f"{level}."


class DecisionQuerySet(models.QuerySet):
    def standing(self):
        """Not withdrawn: what the minutes, the register and search show."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user):
        """Standing decisions; the force sees those of agreed minutes, never those of a
        withheld item."""
        if sees_all_minutes(user):
            return self.standing()
        return (
            self.standing()
            .exclude(item__meeting__status__in=IN_PROGRESS)
            .filter(item__withheld_reason="")
        )

    def for_listing(self):
        return self.select_related(
            "series", "item__meeting", "item__theme", "item__parent", "decided_by"
        )


class Decision(models.Model):
    """A decision minuted at an item, numbered in its series through the year: "D2017/03"."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    # The item's meeting's series, kept here so that the database holds references unique.
    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="decisions")
    reference = models.CharField(max_length=20)
    text = models.TextField()
    decided_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        help_text="Who decided; leave empty when the chair decided.",
    )
    by_chair = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    # Minuted in error while the minutes were open: kept, with its number never used again,
    # and left out of the minutes, the register and search.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["item__meeting__date", "item", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "reference"], name="meetings_decision_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(by_chair=True, decided_by__isnull=True)
                | Q(by_chair=False, decided_by__isnull=False),
                name="meetings_decision_one_decider",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"

    @property
    def decided_by_display(self):
        return "The chair" if self.by_chair else str(self.decided_by)


class MinutesEvent(models.Model):
    """A change of the minutes' status: agreed, published, or reopened for a correction."""

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


class Submission(models.Model):
    """A form that created something, by its one-time token: posting it again (a double
    click, a retried request) finds the token taken and creates nothing."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.token)


class LoginEventKind(models.TextChoices):
    CREATED = "created", "Login created"
    INVITED = "invited", "Invitation sent"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    PASSWORD_SET = "password_set", "Password set from an emailed link"
    ROLE_CHANGED = "role_changed", "Role changed"
    MANAGE_USERS_GRANTED = "manage_users_granted", "Given the right to manage users"
    MANAGE_USERS_WITHDRAWN = "manage_users_withdrawn", "Right to manage users withdrawn"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"


class LoginEvent(models.Model):
    """A change made to a login: invited, role changed, deactivated... kept for good.

    Django's User carries no history of its own, so who gave whom which role, and who
    deactivated a leaver when, is recorded here by the services in ``meetings.accounts``.
    """

    Kind = LoginEventKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="login_events"
    )
    kind = models.CharField(max_length=24, choices=LoginEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the change; empty when a command or the person themselves made it.",
    )
    at = models.DateTimeField(auto_now_add=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["user", "-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LoginEventKind.values), name="meetings_loginevent_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
