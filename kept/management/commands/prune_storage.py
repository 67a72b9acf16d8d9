"""Keep the file storage to what the record names: run daily, as the reminders are.

- an export whose worker died (still "being prepared" after KEPT_EXPORT_LEASE_SECONDS) is
  failed, so its owner is offered to ask again;
- a kept export older than KEPT_EXPORT_DAYS, or of a login since deactivated, is deleted
  with its file;
- a file that no row names (an upload that failed half way, a disk that filled) is deleted
  once it is an hour old, so that an upload still being saved is never taken for one.

Which files rows name is read from every model's file fields, the history's included, so a
new kind of file is covered without a list to keep here.
"""

import datetime
import posixpath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from kept.models import KeptExport

SETTLING = datetime.timedelta(hours=1)


def named_files():
    """Every file name a row names, and the folders they live in."""
    names, folders = set(), set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            if isinstance(field.upload_to, str) and field.upload_to:
                folders.add(field.upload_to.rstrip("/"))
            for name in model._base_manager.exclude(**{field.name: ""}).values_list(
                field.name, flat=True
            ):
                names.add(name)
                folders.add(posixpath.dirname(name))
    return names, folders


def files_under(folder):
    try:
        subfolders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in subfolders:
        yield from files_under(posixpath.join(folder, sub))


class Command(BaseCommand):
    help = "Fail abandoned exports, delete old ones, and delete files no row names."

    def handle(self, *args, **options):
        now = timezone.now()
        failed = KeptExport.objects.fail_abandoned()
        old = KeptExport.objects.filter(
            requested_at__lt=now - datetime.timedelta(days=settings.KEPT_EXPORT_DAYS)
        ) | KeptExport.objects.filter(user__is_active=False)
        deleted, _ = old.delete_with_files()
        names, folders = named_files()
        orphans = [
            name
            for folder in sorted(folders)
            for name in files_under(folder)
            if name not in names and default_storage.get_modified_time(name) < now - SETTLING
        ]
        for name in orphans:
            default_storage.delete(name)
        self.stdout.write(
            f"{failed} abandoned export{'s'[: failed != 1]} failed, {deleted} kept "
            f"export{'s'[: deleted != 1]} deleted, {len(orphans)} file"
            f"{'s'[: len(orphans) != 1]} no row names deleted."
        )
