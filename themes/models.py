"""The themes of the Police and Crime Plan, which agenda items are filed under.

The table keeps the name it had when ``Theme`` lived in ``meetings``.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class Theme(models.Model):
    """A theme of the Police and Crime Plan, for example "Putting Victims and Survivors First"."""

    name = models.CharField(max_length=160, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Kept like every other part of the record, and so that a renamed theme moves the
    # record's version (actions.record): the action log offers themes by name.
    history = HistoricalRecords(table_name="meetings_historicaltheme")

    class Meta:
        db_table = "meetings_theme"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class KeptReportStatus(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be prepared"


class KeptReportPdf(models.Model):
    """The PDF of a theme report, made once in the background from the page its reader was
    shown (``html``) and kept under that page's digest. The same digest is the same report,
    word for word, so whoever asks for it may have it; a report that changes (an action
    closed, minutes agreed) has another digest and another PDF."""

    fingerprint = models.CharField(max_length=64, unique=True)
    html = models.TextField()
    base_url = models.CharField(max_length=400, blank=True)
    status = models.CharField(
        max_length=16, choices=KeptReportStatus.choices, default=KeptReportStatus.PREPARING
    )
    file = models.FileField(upload_to="kept/themes/", blank=True)
    failure = models.TextField(blank=True, help_text="Why it could not be made, for the reader.")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=KeptReportStatus.values),
                name="themes_keptreportpdf_status_valid",
            ),
        ]

    def __str__(self):
        return f"Theme report PDF {self.fingerprint[:12]} ({self.get_status_display()})"
