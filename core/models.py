from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A form that created something, by its one-time token: posting it again (a double
    click, a retried request) finds the token taken and creates nothing."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "meetings_submission"
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.token)
