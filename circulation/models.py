"""What the OPCC emails about a meeting, and the comments its draft minutes draw.

Every email is logged, one row per recipient, before it is sent and in the same transaction:
the unique (key, recipient) pair is what makes a retry send nothing twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from meetings.models import AgendaItem, Meeting
from people.models import Person


class Kind(models.TextChoices):
    AGENDA = "agenda", "Agenda issued"
    UPDATES = "updates", "Updates requested"
    DRAFT_MINUTES = "draft_minutes", "Draft minutes circulated for comment"
    NEW_ACTIONS = "new_actions", "New actions sent to their owners"


class EmailLog(models.Model):
    """One email sent to one recipient about one meeting."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="emails")
    # The same key for every send of the same circulation: the agenda of a meeting, its
    # request for updates by a deadline, a round of its draft minutes.
    key = models.CharField(max_length=200)
    recipient = models.EmailField(help_text="The address it went to, in lower case.")
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=300)
    # The actions the email told of (updates asked for, new actions), by primary key.
    action_ids = models.JSONField(default=list, blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="File names attached.")
    linked = models.JSONField(
        default=list,
        blank=True,
        help_text="File names sent as links for this recipient: too large to attach.",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-sent_at", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], name="circulation_emaillog_once_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="circulation_emaillog_kind_valid"
            ),
        ]
        indexes = [
            # The circulation page: what a meeting sent, newest first.
            models.Index(fields=["meeting", "-sent_at"], name="circulation_emaillog_meeting"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}: {self.subject}"

    def get_absolute_url(self):
        return reverse("circulation:meeting", args=[self.meeting_id])


class Comment(models.Model):
    """A comment on draft minutes, on one item or (without one) on the minutes as a whole."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_comments"
    )
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "created", "pk"]
        indexes = [
            # The comments page: a meeting's comments in the order made.
            models.Index(fields=["meeting", "created"], name="circulation_comment_meeting"),
        ]

    def __str__(self):
        return f"{self.author} on {self.item or self.meeting}"

    def get_absolute_url(self):
        return reverse("circulation:comments", args=[self.meeting_id])
