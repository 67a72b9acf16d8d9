"""The PDF of agreed minutes, made once per frozen version and variant and kept (the table
keeps the name it had in ``kept``, and the files their place under kept/minutes/).

Agreed minutes never change: a correction reopens them and agreeing again freezes a new
version, which has PDFs of its own. So a kept PDF is never stale and nothing invalidates it.
Minutes still being written are rendered on every request, as before."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from meetings.models import KeptMinutesPdf
from meetings.services import frozen_version


def minutes_pdf(meeting, variant, render):
    """The PDF of ``meeting`` in ``variant`` (a ``MinutesVariant``): the kept one when its
    minutes are agreed, else ``render()``'s, kept for next time when they are agreed."""
    version = frozen_version(meeting)
    if version is None:
        return render()
    kept = KeptMinutesPdf.objects.filter(version=version, variant=variant).first()
    if kept is not None:
        try:
            with kept.file.open("rb") as pdf:
                return pdf.read()
        except FileNotFoundError:
            # The file is gone from the storage (restored database, emptied bucket): make it
            # again rather than fail.
            kept.delete()
    body = render()
    name = default_storage.save(
        f"kept/minutes/{meeting.pk}-v{version.number}-{variant}.pdf", ContentFile(body)
    )
    try:
        with transaction.atomic():
            KeptMinutesPdf.objects.create(version=version, variant=variant, file=name)
    except IntegrityError:
        # Another request (or host) kept the same PDF first: one copy is enough.
        default_storage.delete(name)
    return body
