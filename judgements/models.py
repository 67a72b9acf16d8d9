"""The Commissioner's judgements at an item: the assurance statement and the decisions.

Both print in the minutes after the item's findings, and the yearly report by theme reads
them. The tables keep the names they had when these models lived in ``meetings``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from meetings.models import IN_PROGRESS, AgendaItem, MeetingSeries
from people.models import Person
from people.roles import sees_all_minutes


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
    history = HistoricalRecords(table_name="meetings_historicalassurancestatement")
    # Its changes are the minutes' (meetings.views.minutes.changes_at_items).
    changes_in_minutes = True

    class Meta:
        db_table = "meetings_assurancestatement"
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

    def with_reference_repeats(self, user=None):
        """Whether a decision of another series has the same number: each series numbers its
        own (D2017/01 of the Commissioner, D2017/01 of the fire authority), so a list that
        spans series qualifies such a number (``Decision.reference_label``). Among those
        ``user`` may see, when given: a number is not ambiguous to someone who sees it once.
        """
        among = Decision.objects.visible_to(user) if user else Decision.objects.standing()
        same = among.filter(reference=OuterRef("reference")).exclude(series=OuterRef("series"))
        return self.annotate(reference_repeats_elsewhere=Exists(same))

    def for_listing(self, user=None):
        return self.with_reference_repeats(user).select_related(
            "series",
            "item__meeting",
            "item__theme",
            "item__parent",
            "decided_by",
            "linked_to__series",
        )


class LinkKind(models.TextChoices):
    """How a decision stands to a decision of another body: the police and fire boards
    deciding together, or a deputy deciding under the Commissioner's (or Mayor's) delegation.
    """

    NONE = "", "Not linked"
    JOINTLY = "jointly", "Taken jointly with"
    DELEGATION = "delegation", "Taken under delegation from"


# The same link read from the other decision.
LINKED_FROM = {
    LinkKind.JOINTLY: "Taken jointly with",
    LinkKind.DELEGATION: "Delegated, and taken as",
}


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
    # A decision of another body (series) this one was taken with or under: its number is
    # the other series' own, so the two may share a number.
    link_kind = models.CharField("linked how", max_length=12, choices=LinkKind.choices, blank=True)
    linked_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_from",
        help_text="The decision of another body it was taken jointly with or under delegation "
        "from.",
    )
    # Minuted in error while the minutes were open: kept, with its number never used again,
    # and left out of the minutes, the register and search.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(table_name="meetings_historicaldecision")
    # Its changes are the minutes' (meetings.views.minutes.changes_at_items).
    changes_in_minutes = True

    objects = DecisionQuerySet.as_manager()

    class Meta:
        db_table = "meetings_decision"
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
            models.CheckConstraint(
                condition=Q(link_kind__in=LinkKind.values), name="judgements_decision_link_valid"
            ),
            # A link says how: never a kind without a decision, or a decision without a kind.
            models.CheckConstraint(
                condition=Q(link_kind="", linked_to__isnull=True)
                | (~Q(link_kind="") & Q(linked_to__isnull=False)),
                name="judgements_decision_link_complete",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("judgements:decision_detail", args=[self.pk])

    @property
    def decided_by_display(self):
        return "The chair" if self.by_chair else str(self.decided_by)

    @property
    def series_qualified_reference(self):
        """The number with its series: "D2017/01 (HTA)"."""
        return f"{self.reference} ({self.series.short_name or self.series.name})"

    @property
    def reference_label(self):
        """The number as a list that spans series shows it: qualified by its series where a
        decision of another series has the same number. Read from ``with_reference_repeats``
        (``for_listing`` has it); one query otherwise."""
        if hasattr(self, "reference_repeats_elsewhere"):
            elsewhere = self.reference_repeats_elsewhere
        else:
            elsewhere = (
                Decision.objects.standing()
                .filter(reference=self.reference)
                .exclude(series=self.series_id)
                .exists()
            )
        return self.series_qualified_reference if elsewhere else self.reference

    @property
    def cited(self):
        """How another body's minutes name it: "decision D2017/03 of the Fire Authority"."""
        return f"decision {self.reference} of the {self.series.name}"

    @property
    def link_wording(self):
        """The link as this decision's minutes word it: "taken jointly with decision D2017/03
        of the Fire Authority". Empty when it is not linked."""
        if not self.linked_to_id:
            return ""
        kind = LinkKind(self.link_kind).label
        return f"{kind[:1].lower()}{kind[1:]} {self.linked_to.cited}"

    @property
    def linked_from_wording(self):
        """How a decision linked to this one reads from here ("Delegated, and taken as")."""
        return LINKED_FROM[self.link_kind] if self.link_kind else ""
