"""Files produced once and kept through the storage API (never a path on one host's disk,
so that every application host behind the proxy finds them): large exports of the action
log, prepared in the background for the person who asked. The PDFs of agreed minutes are
kept the same way by ``meetings.kept_pdf``, beside the minutes they are made from."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be prepared"


class ExportKind(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class KeptExportQuerySet(models.QuerySet):
    def abandoned(self):
        """Still "being prepared" long after a worker should have finished: its worker died
        (killed, the host restarted) and no one will finish it."""
        lease = datetime.timedelta(seconds=settings.KEPT_EXPORT_LEASE_SECONDS)
        return self.filter(status=ExportStatus.PREPARING, requested_at__lt=timezone.now() - lease)

    def fail_abandoned(self):
        return self.abandoned().update(status=ExportStatus.FAILED, finished_at=timezone.now())

    def delete_with_files(self):
        """Delete the exports and their files in the storage: a file is never left behind."""
        for export in self:
            if export.file:
                export.file.delete(save=False)
        return self.delete()


class KeptExport(models.Model):
    """An export of the action log too large to make while the browser waits: prepared by a
    task for ``user``, with the filters ``query``, and downloaded by that user only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kept_exports"
    )
    kind = models.CharField(max_length=8, choices=ExportKind.choices)
    query = models.TextField(blank=True, help_text="The action log's filters, as in its address.")
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PREPARING
    )
    rows = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="kept/exports/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = KeptExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values),
                name="kept_keptexport_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ExportKind.values), name="kept_keptexport_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} export for {self.user}, {self.requested_at:%Y-%m-%d}"
