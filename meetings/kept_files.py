"""Agreed minutes as the page shows them, and as PDF and Word, made once per frozen version
and variant and kept (the files' table keeps the name it had in ``kept``, and the files
their place under kept/minutes/).

Agreed minutes never change: a correction reopens them and agreeing again freezes a new
version, which has renderings of its own. So nothing kept is ever stale and nothing
invalidates it. Minutes still being written are rendered on every request, as before.

The PDF of long minutes takes longer than a request may (455 s for 840 actions on a loaded
host, against gunicorn's 30 s), and the Word document seconds: both are made by the task
queue, never inside a request (``core.background``), and the reader is told meanwhile that
they are being prepared. So is the public site's PDF of published minutes (the variant
``PUBLISHED``: the public version without links into the app). The page's HTML takes a
fraction of a second: it is made by the first request that reads it.
"""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_tasks import task

from core.background import enqueue_in_background
from meetings.documents import PdfUnavailable, minutes_docx, minutes_pdf
from meetings.minutes import MinutesDocument, without_app_links
from meetings.models import (
    IN_PROGRESS,
    KeptFileStatus,
    KeptMinutesFile,
    KeptMinutesHtml,
    MinutesFileKind,
    MinutesVariant,
)
from people.models import Office


def frozen_version(meeting):
    """The latest frozen version of agreed minutes, without its content (what is kept is
    read instead), or None while they are being written or were agreed before versions were
    kept."""
    if meeting.status in IN_PROGRESS:
        return None
    return meeting.versions.defer("content").order_by("-number").first()


def render_minutes(doc):
    """The minutes themselves as the page shows them: the document and nothing of the
    reader's, so that one rendering serves every reader of the variant."""
    return render_to_string("meetings/_minutes.html", {"doc": doc})


def minutes_html(version, variant):
    """The kept HTML of ``version`` in ``variant`` (full or public), made now if it is not
    kept yet."""
    html = (
        KeptMinutesHtml.objects.filter(version=version, variant=variant)
        .values_list("html", flat=True)
        .first()
    )
    if html is None:
        html = render_minutes(_document(version, variant))
        try:
            with transaction.atomic():
                KeptMinutesHtml.objects.create(version=version, variant=variant, html=html)
        except IntegrityError:
            pass  # another request kept the same rendering first
    # Rendered by our own templates, which escaped what the minutes say.
    return mark_safe(html)  # noqa: S308


def _document(version, variant):
    content = type(version).objects.values_list("content", flat=True).get(pk=version.pk)
    public = variant != MinutesVariant.FULL
    return MinutesDocument.from_dict(content["public" if public else "full"])


def lease_passed():
    """A file still being made after this was asked for has lost its worker (or thread)."""
    return timezone.now() - datetime.timedelta(seconds=settings.TASK_TIME_LIMIT_SECONDS + 60)


def request_file(version, variant, kind, *, base_url="", again=False):
    """The kept ``kind`` (PDF or Word) of ``version`` in ``variant``: ready, being prepared,
    or failed. One not yet asked for is handed to the task queue; ``again`` asks afresh for
    one that failed, and one whose worker died is asked for again by itself."""
    try:
        with transaction.atomic():
            kept, created = KeptMinutesFile.objects.get_or_create(
                version=version, variant=variant, kind=kind, defaults={"base_url": base_url}
            )
    except IntegrityError:
        # Asked for at the same moment by another reader: theirs is ours.
        kept, created = (
            KeptMinutesFile.objects.get(version=version, variant=variant, kind=kind),
            False,
        )
    abandoned = kept.status == KeptFileStatus.PREPARING and kept.created_at < lease_passed()
    if abandoned or (again and kept.status == KeptFileStatus.FAILED):
        KeptMinutesFile.objects.filter(pk=kept.pk).update(
            status=KeptFileStatus.PREPARING,
            created_at=timezone.now(),
            finished_at=None,
            failure="",
            file="",
        )
        created = True
    if created:
        enqueue_in_background(prepare_minutes_file, kept.pk)
        kept.refresh_from_db()
    return kept


@task()
def prepare_minutes_file(kept_id):
    return make(kept_id)


def make(kept_id):
    """Make the kept file ``kept_id`` from its frozen version."""
    kept = KeptMinutesFile.objects.select_related("version__meeting").get(pk=kept_id)
    if kept.status != KeptFileStatus.PREPARING:
        return kept.status
    version = kept.version
    meeting = version.meeting
    doc = _document(version, kept.variant)
    if kept.variant == MinutesVariant.PUBLISHED:
        # The public site's: its action references are text, not links into the app.
        doc = without_app_links(doc)
    try:
        if kept.kind == MinutesFileKind.DOCX:
            body = minutes_docx(doc, Office.current())
        else:
            public = kept.variant != MinutesVariant.FULL
            context = {"meeting": meeting, "public": public, "doc": doc}
            body = minutes_pdf(context, base_url=kept.base_url or None)
        name = f"{meeting.pk}-v{version.number}-{kept.variant}.{kept.kind}"
        kept.file.save(name, ContentFile(body), save=False)
        kept.status = KeptFileStatus.READY
    except PdfUnavailable as error:
        kept.status, kept.failure = KeptFileStatus.FAILED, str(error)
        raise
    except Exception:
        kept.status = KeptFileStatus.FAILED
        raise
    finally:
        kept.finished_at = timezone.now()
        kept.save(update_fields=["file", "status", "finished_at", "failure"])
    return kept.status


def read_ready(kept):
    """The bytes of a ready file, or None when it is gone from the storage (a restored
    database, an emptied bucket): it is forgotten, to be asked for again."""
    try:
        with kept.file.open("rb") as file:
            return file.read()
    except FileNotFoundError:
        KeptMinutesFile.objects.filter(pk=kept.pk).delete()
        return None
