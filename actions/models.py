"""The action log: actions arising from meetings, who owns them, and their dated trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format

from meetings.models import AgendaItem, Meeting, Person, Post


class Status(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_CLOSURE = "awaiting_closure", "Completed, awaiting agreement"
    CLOSED = "closed", "Closed"


class ActionQuerySet(models.QuerySet):
    def outstanding(self):
        """Not yet closed: open, or marked complete and awaiting the Commissioner."""
        return self.exclude(status=Status.CLOSED)

    def overdue(self, today):
        return self.filter(status=Status.OPEN, due_date__lt=today)

    def due_at(self, meeting):
        """Open actions that come to ``meeting``: due by its date or month, or with no due set.

        An action with neither a due date nor a due meeting would otherwise never be reviewed,
        so it comes to every meeting until it is closed.
        """
        return self.filter(status=Status.OPEN).filter(
            Q(due_date__lte=meeting.date)
            | Q(due_meeting__lte=meeting.month)
            | Q(due_date__isnull=True, due_meeting__isnull=True)
        )

    def owned_by(self, person):
        if person is None:
            return self.none()
        return self.filter(
            Q(owner_posts__holder=person) | Q(owner_people=person) | Q(owned_by_all=True)
        ).distinct()

    def for_listing(self):
        return self.select_related("meeting__series", "item__theme").prefetch_related(
            "owner_posts", "owner_people"
        )


class Action(models.Model):
    reference = models.CharField(max_length=20, unique=True, help_text="For example 2017/10-04.")
    text = models.TextField()
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions_arising")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    owner_posts = models.ManyToManyField(Post, blank=True, related_name="actions")
    owner_people = models.ManyToManyField(Person, blank=True, related_name="actions")
    owned_by_all = models.BooleanField(default=False, verbose_name="owned by all")
    due_date = models.DateField(null=True, blank=True)
    # The first of the month of the meeting the action must come back to: minutes name a
    # meeting ("November's HTA") long before that meeting exists in the system.
    due_meeting = models.DateField(null=True, blank=True, verbose_name="due at meeting in")
    due_wording = models.CharField(
        max_length=200, blank=True, help_text='As minuted: "By end January 2018".'
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

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="actions_action_status_valid"
            ),
        ]
        indexes = [
            # Dashboard and reminders: outstanding actions by due date.
            models.Index(fields=["status", "due_date"], name="actions_action_status_due"),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    @property
    def owner_labels(self):
        """Owners as the ACTION column shows them: posts, then initials, or ALL."""
        labels = [post.abbreviation for post in self.owner_posts.all()]
        labels += [person.initials for person in self.owner_people.all()]
        if self.owned_by_all:
            labels.append("ALL")
        return labels

    @property
    def owner_display(self):
        return " ".join(self.owner_labels)

    @property
    def due_display(self):
        """The due wording as minuted, else what the dates say."""
        if self.due_wording:
            return self.due_wording
        parts = []
        if self.due_date:
            parts.append(f"By {date_format(self.due_date, 'j F Y')}")
        if self.due_meeting:
            parts.append(f"{date_format(self.due_meeting, 'F Y')} meeting")
        return "; ".join(parts)

    @property
    def text_with_due(self):
        """The action as minuted: its wording, then the due wording unless already part of it."""
        if self.due_wording and self.due_wording.lower() not in self.text.lower():
            return f"{self.text} {self.due_wording}"
        return self.text


class ActionEvent(models.Model):
    """One line of an action's trail: a progress update, or a change with who and why."""

    class Kind(models.TextChoices):
        CREATED = "created", "Raised"
        UPDATE = "update", "Progress update"
        STATUS = "status", "Status change"
        DUE = "due", "Due changed"
        OWNERS = "owners", "Owners changed"
        TEXT = "text", "Wording changed"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
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
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "update", "status", "due", "owners", "text"]),
                name="actions_actionevent_kind_valid",
            ),
        ]
        indexes = [
            # Latest update per action on the dashboard and the log.
            models.Index(fields=["action", "kind", "-at"], name="actions_actionevent_latest"),
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
