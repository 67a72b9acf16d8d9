"""Kept files' answers to what the directory announces (``people.signals``)."""

from django.dispatch import receiver

from kept.models import KeptExport
from people.signals import login_powers_changed


@receiver(login_powers_changed, dispatch_uid="kept.forget_exports")
def forget_exports(sender, user, **kwargs):
    """An export was made with what its login could see then: it goes when that changes."""
    KeptExport.objects.filter(user=user).delete_with_files()
