"""The theme report's PDF, made once in the background and kept.

Its PDF of a year of 100,000 actions takes half a minute of CPU, longer than a request may.
So the request renders the report's page (what its reader may see, as the screen shows it),
and the task queue turns that page into a PDF (``core.background``): kept under the page's
digest, the same report word for word is the same file, whoever asks, and a report that
has changed since (an action closed, minutes agreed) has another digest and another PDF.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from core.background import enqueue_in_background
from meetings.documents import PdfUnavailable, pdf_from_html
from themes.models import KeptReportPdf, KeptReportStatus

# A kept report is let go this long after it was first asked for: by then a report of the
# same year is mostly another page (its actions have moved on), and old ones would pile up.
KEEP_FOR = datetime.timedelta(days=7)


def lease_passed():
    """A PDF still being made after this was asked for has lost its worker (or thread)."""
    return timezone.now() - datetime.timedelta(seconds=settings.TASK_TIME_LIMIT_SECONDS + 60)


def request_report_pdf(html, *, base_url="", again=False):
    """The kept PDF of the report page ``html``: ready, being prepared, or failed. One not
    yet asked for is handed to the task queue; ``again`` asks afresh for one that failed."""
    digest = hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    try:
        with transaction.atomic():
            kept, created = KeptReportPdf.objects.get_or_create(
                fingerprint=digest, defaults={"html": html, "base_url": base_url}
            )
    except IntegrityError:
        # Asked for at the same moment by another reader: theirs is ours.
        kept, created = KeptReportPdf.objects.get(fingerprint=digest), False
    abandoned = kept.status == KeptReportStatus.PREPARING and kept.requested_at < lease_passed()
    if abandoned or (again and kept.status == KeptReportStatus.FAILED):
        KeptReportPdf.objects.filter(pk=kept.pk).update(
            status=KeptReportStatus.PREPARING,
            requested_at=timezone.now(),
            finished_at=None,
            failure="",
            file="",
        )
        created = True
    if created:
        enqueue_in_background(prepare_report_pdf, kept.pk)
        kept.refresh_from_db()
    return kept


@task()
def prepare_report_pdf(kept_id):
    return make(kept_id)


def make(kept_id):
    """Make the kept PDF ``kept_id`` from its page, and let go of those long unasked for."""
    kept = KeptReportPdf.objects.get(pk=kept_id)
    if kept.status != KeptReportStatus.PREPARING:
        return kept.status
    try:
        body = pdf_from_html(kept.html, kept.base_url or None, what="of the report")
        kept.file.save(f"{kept.fingerprint[:24]}.pdf", ContentFile(body), save=False)
        kept.status = KeptReportStatus.READY
    except PdfUnavailable as error:
        kept.status, kept.failure = KeptReportStatus.FAILED, str(error)
        raise
    except Exception:
        kept.status = KeptReportStatus.FAILED
        raise
    finally:
        kept.finished_at = timezone.now()
        kept.save(update_fields=["file", "status", "finished_at", "failure"])
    old = KeptReportPdf.objects.filter(requested_at__lt=timezone.now() - KEEP_FOR).exclude(
        status=KeptReportStatus.PREPARING
    )
    for stale in old:
        if stale.file:
            stale.file.delete(save=False)
        stale.delete()
    return kept.status


def read_ready(kept):
    """The bytes of a ready PDF, or None when its file is gone from the storage: it is
    forgotten, to be asked for again."""
    try:
        with kept.file.open("rb") as file:
            return file.read()
    except FileNotFoundError:
        KeptReportPdf.objects.filter(pk=kept.pk).delete()
        return None
