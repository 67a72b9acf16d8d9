"""Saving the office's names and logo (``people.models.Office``): its one row, and the logo
in the file storage."""

from django.core.files.storage import default_storage
from django.db import transaction

from people import roles
from people.models import OFFICE_PK, logo_storage_name


@transaction.atomic
def save_office(office, *, by, new_logo=None, remove_logo=False):
    """Save ``office`` as the one row, storing ``new_logo`` (checked by the form, with the
    ``extension`` its content gave) under a name of our own, or removing the logo.

    Only those who manage users set the office's names. A replaced logo's file is left to
    ``prune_storage``, which deletes it once no row names it: the history keeps its name."""
    roles.require_office_manager(by)
    office.pk = OFFICE_PK
    if remove_logo:
        office.logo = ""
    stored = None
    try:
        if new_logo is not None:
            stored = default_storage.save(logo_storage_name(new_logo.extension), new_logo)
            office.logo.name = stored
        office._history_user = by
        office.save()
    except BaseException:
        # All or nothing: a logo stored for a save that failed is not kept.
        if stored and default_storage.exists(stored):
            default_storage.delete(stored)
        raise
    return office
