"""Papers: files attached to an agenda item (the paper the meeting considers) or to an
action's progress update (a briefing shared with the Commissioner's office).

A paper is never deleted: it is withdrawn, with who, when and why, and its history is kept.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actions.models import Action
from meetings.models import AgendaItem, Meeting
from people.roles import sees_all_minutes


class PaperKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"
    DOC = "doc", "Word 97–2003 document"
    XLSX = "xlsx", "Excel workbook"
    XLS = "xls", "Excel 97–2003 workbook"
    PPTX = "pptx", "PowerPoint presentation"
    PPT = "ppt", "PowerPoint 97–2003 presentation"
    PNG = "png", "PNG image"
    JPEG = "jpeg", "JPEG image"


# What a download says it is: only these types, never one a browser would render as a page.
CONTENT_TYPES = {
    PaperKind.PDF: "application/pdf",
    PaperKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PaperKind.DOC: "application/msword",
    PaperKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PaperKind.XLS: "application/vnd.ms-excel",
    PaperKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    PaperKind.PPT: "application/vnd.ms-powerpoint",
    PaperKind.PNG: "image/png",
    PaperKind.JPEG: "image/jpeg",
}
# The name endings each kind may carry; the first is the one a stored file gets.
EXTENSIONS = {
    PaperKind.PDF: ("pdf",),
    PaperKind.DOCX: ("docx",),
    PaperKind.DOC: ("doc",),
    PaperKind.XLSX: ("xlsx",),
    PaperKind.XLS: ("xls",),
    PaperKind.PPTX: ("pptx",),
    PaperKind.PPT: ("ppt",),
    PaperKind.PNG: ("png",),
    PaperKind.JPEG: ("jpg", "jpeg"),
}
IMAGE_KINDS = (PaperKind.PNG, PaperKind.JPEG)


def storage_name(paper, filename):
    """A name of our own making: the person's file name is never part of a storage path."""
    return f"papers/{uuid.uuid4().hex}.{EXTENSIONS[paper.kind][0]}"


def visible_items(user):
    """The agenda items ``user`` may see: of minutes they may see, and, for the force, not
    under a restricted item (``withheld_reason`` covers the restricted item's subtree)."""
    items = AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user))
    if not sees_all_minutes(user):
        items = items.filter(withheld_reason="")
    return items


class PaperQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user):
        """Papers of items the user may see, and of updates to actions the user may see."""
        return self.filter(
            Q(item__in=visible_items(user).values("pk"))
            | Q(update__action__in=Action.objects.visible_to(user).values("pk"))
        )


class Paper(models.Model):
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="papers"
    )
    update = models.ForeignKey(
        "actions.ActionEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="papers",
        help_text="The progress update the paper was sent with.",
    )
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=storage_name, max_length=200)
    # The name the file was uploaded under, once checked (papers.files.check_name): what a
    # download is called, never a path.
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=PaperKind.choices)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["item", "update", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PaperKind.values), name="papers_paper_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=True, update__isnull=False)
                | Q(item__isnull=False, update__isnull=True),
                name="papers_paper_one_parent",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="papers_paper_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("papers:download", args=[self.pk])

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]

    @property
    def download_name(self):
        """The uploaded name, with the ending its content warrants if it had none."""
        if "." in self.original_name:
            return self.original_name
        return f"{self.original_name}.{EXTENSIONS[self.kind][0]}"

    @property
    def withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def size_display(self):
        return human_size(self.size)


def human_size(size):
    """ "340 KB", "2.5 MB", "20 MB": as people say file sizes."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{megabytes} MB"


class PackStatus(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be made"


class KeptPack(models.Model):
    """A meeting pack, made once in the background for what it holds and kept: the agenda
    and papers as they stood (``fingerprint``), for everyone who may see restricted items
    (``full``) or for the rest. A new paper, a paper withdrawn or an agenda heading changed
    gives another fingerprint, so a kept pack is never stale; the one it replaces goes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="kept_packs")
    full = models.BooleanField(help_text="With the restricted items and their papers.")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=PackStatus.choices, default=PackStatus.PREPARING
    )
    file = models.FileField(upload_to="kept/packs/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True, help_text="Why it could not be made, for the reader.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "full", "fingerprint"], name="one_pack_per_content"
            )
        ]

    def __str__(self):
        return f"Pack of {self.meeting} ({'full' if self.full else 'without restricted items'})"
