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
