"""The action log's answers to what the minutes announce (``meetings.signals``)."""

from django.dispatch import receiver

from actions.reviews import bring_forward
from meetings.signals import meeting_opened


@receiver(meeting_opened, dispatch_uid="actions.bring_forward")
def bring_forward_when_opened(sender, meeting, **kwargs):
    """A meeting opens with every outstanding action that comes to it brought forward."""
    return bring_forward(meeting)
