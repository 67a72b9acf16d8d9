from django.db import models

from meetings.models import AgendaItem, Meeting


class RoomFocus(models.Model):
    """The item the officer has open on the record page, which the room's screen shows.

    Where the officer is looking is not part of the record: it has no history, and moving it
    leaves the record's version (and every page kept for it) alone.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(AgendaItem, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.meeting}: item {self.item.number if self.item else 'none'}"
