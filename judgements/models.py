"""The Commissioner's judgements at an item: the assurance statement and the decisions.

Both print in the minutes after the item's findings, and the yearly report by theme reads
them. The tables keep the names they had when these models lived in ``meetings``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"

    @property
    def decided_by_display(self):
        return "The chair" if self.by_chair else str(self.decided_by)
