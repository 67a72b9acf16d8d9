"""The meeting pack, made once per version of what it holds and kept, in the background.

A pack of thirty papers with scans takes longer to make than a request may (and one made per
request let a single large image take down every host in turn). So the pack is made by the
task queue and kept through the storage API, like the agreed minutes' PDF. What it holds is
named by a fingerprint of the agenda's headings and the current papers, for each of the two
ways it is read (with the restricted items, or without): the same fingerprint is the same
pack, so a kept pack is never stale and nothing has to invalidate it.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from meetings.documents import PdfUnavailable
from papers.emailed import offered_pack
from papers.models import KeptPack, PackStatus
from papers.pack import pack_items, render_pack
from people.roles import sees_all_minutes


def fingerprint(meeting, full):
    """What the pack of ``meeting`` holds, as a digest: the meeting's heading, the agenda's
    labels and headings (or the reason an item is withheld), and each current paper's file."""
    rows = [
        [
            row.item.pk,
            row.depth,
            row.item.label,
            row.item.restriction_reason if row.withheld else row.item.title,
            [[p.paper.pk, p.paper.title, p.paper.kind, p.paper.file.name] for p in row.papers],
        ]
        for row in pack_items(meeting, full)
    ]
    heading = [meeting.title, str(meeting.date), str(meeting.start_time), meeting.venue]
    content = json.dumps([heading, rows], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def lease_passed():
    """A pack still being made after this was started has lost its worker."""
    limit = datetime.timedelta(seconds=settings.TASK_TIME_LIMIT_SECONDS + 60)
    return timezone.now() - limit


def request_pack(meeting, full, *, again=False):
    """The kept pack of ``meeting`` as it stands: ready, being made, or failed. A pack not yet
    asked for is handed to the task queue (which, by default, makes it at once). ``again``
    asks afresh for one that failed."""
    digest = fingerprint(meeting, full)
    pack, created = _get_or_create(meeting, full, digest)
    abandoned = pack.status == PackStatus.PREPARING and pack.requested_at < lease_passed()
    if abandoned or (again and pack.status == PackStatus.FAILED):
        KeptPack.objects.filter(pk=pack.pk).update(
            status=PackStatus.PREPARING, requested_at=timezone.now(), finished_at=None, failure=""
        )
        created = True
    if created:
        prepare_pack.enqueue(pack.pk)
        pack.refresh_from_db()
    return pack


def _get_or_create(meeting, full, digest):
    try:
        with transaction.atomic():
            return KeptPack.objects.get_or_create(meeting=meeting, full=full, fingerprint=digest)
    except IntegrityError:
        # Another request asked for the same pack at the same moment: theirs is ours.
        return KeptPack.objects.get(meeting=meeting, full=full, fingerprint=digest), False


@task()
def prepare_pack(pack_id):
    return make(pack_id)


def make(pack_id):
    """Make the kept pack ``pack_id``, and let go of the packs it replaces."""
    pack = KeptPack.objects.select_related("meeting").get(pk=pack_id)
    if pack.status != PackStatus.PREPARING:
        return pack.status
    meeting = pack.meeting
    try:
        body = render_pack(meeting, full=pack.full)
        pack.file.save(f"{meeting.pk}-{pack.fingerprint[:16]}.pdf", ContentFile(body), save=False)
        pack.status = PackStatus.READY
    except PdfUnavailable as error:
        pack.status, pack.failure = PackStatus.FAILED, str(error)
        raise
    except Exception:
        pack.status = PackStatus.FAILED
        raise
    finally:
        pack.finished_at = timezone.now()
        pack.save(update_fields=["file", "status", "finished_at", "failure"])
    for old in KeptPack.objects.filter(meeting=meeting, full=pack.full).exclude(pk=pack.pk):
        if old.status != PackStatus.PREPARING:
            old.file.delete(save=False)
            old.delete()
    return pack.status


def read_ready(pack):
    """The bytes of a ready pack, or ``None`` when its file is gone from the storage (an
    emptied bucket, a restored database): it is asked for again."""
    try:
        with pack.file.open("rb") as pdf:
            return pdf.read()
    except FileNotFoundError:
        KeptPack.objects.filter(pk=pack.pk).delete()
        return None


def pack_bytes(meeting, full):
    """The pack's bytes now, for whoever cannot wait for the queue (an email being sent, which
    already runs on the worker): the kept one, or made here and kept."""
    pack = request_pack(meeting, full)
    if pack.status == PackStatus.PREPARING:
        make(pack.pk)  # the queued task then finds it made
        pack.refresh_from_db()
    if pack.status == PackStatus.READY and (body := read_ready(pack)) is not None:
        return body
    return render_pack(meeting, full=full)


def pack_attachment(meeting, user):
    """The pack as an attachment of the agenda issued to ``user``, an expected attendee
    (``CIRCULATION_AGENDA_ATTACHMENTS``), linked for each recipient if too large; None where
    no PDF can be made on this server. Restricted items are withheld from whoever may not
    see them."""
    try:
        data = pack_bytes(meeting, sees_all_minutes(user))
    except PdfUnavailable:
        return None
    return offered_pack(meeting, data)
