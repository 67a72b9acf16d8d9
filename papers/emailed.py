"""Links to a meeting's pack and papers, for an agenda email too large to carry them.

A link names its recipient, the file and the last day it works, signed by
``django.core.signing`` (a TimestampSigner, with a salt of its own, so no other signed value
of the site passes for one); nothing is stored. The day is in the link because the email
says it: the link works to the end of the day the email names. A link works only while its
recipient may still have the file, by the rules the agenda's attachments follow: a paper
withdrawn since, or of a restricted item the recipient may not see (now), is refused.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from actions.owners import login_of
from core.mail import OfferedFile
from meetings.models import Meeting
from papers.models import Paper
from people.models import Person
from people.roles import sees_all_minutes

SALT = "papers.emailed-file"
PAPER, PACK = "paper", "pack"


def link(person, kind, pk):
    """The path of a link to a paper (``PAPER``, its pk) or a meeting's pack (``PACK``, the
    meeting's pk) for ``person``, working for ``MAIL_FILE_LINK_DAYS`` from today."""
    last_day = timezone.localdate() + datetime.timedelta(days=settings.MAIL_FILE_LINK_DAYS)
    token = signing.dumps(
        {"p": person.pk, "k": kind, "id": pk, "d": last_day.isoformat()}, salt=SALT
    )
    return reverse("papers:emailed", args=[token])


def offered_paper(paper):
    """A paper as the agenda offers it: attached if it fits, else linked for each recipient."""
    return OfferedFile(
        filename=paper.download_name,
        mimetype=paper.content_type,
        size=paper.size,
        read=lambda: _read(paper),
        link=lambda person: link(person, PAPER, paper.pk),
    )


def _read(paper):
    with paper.file.open("rb") as stored:
        return stored.read()


def offered_pack(meeting, data):
    return OfferedFile(
        filename=f"{slugify(meeting.title)}-pack.pdf",
        mimetype="application/pdf",
        size=len(data),
        read=lambda: data,
        link=lambda person: link(person, PACK, meeting.pk),
    )


class Refused(Exception):
    """A link that does not work: ``state`` is "invalid" (altered, or not one of ours),
    "expired", or "gone" (the file, or the recipient's right to it, is no more)."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


@dataclass
class Emailed:
    """What a link gives: a paper, or a meeting's pack (``full`` with restricted items)."""

    kind: str
    paper: Paper | None = None
    meeting: Meeting | None = None
    full: bool = False


def read_link(token):
    """(kind, pk, expired) of a link made by ``link``; raises Refused("invalid") for any
    other, altered or truncated."""
    try:
        data = signing.loads(token, salt=SALT)
        kind, pk = data["k"], int(data["id"])
        last_day = datetime.date.fromisoformat(data["d"])
        person_pk = int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Refused("invalid") from error
    if kind not in (PAPER, PACK):
        raise Refused("invalid")
    return person_pk, kind, pk, timezone.localdate() > last_day


def resolve(person_pk, kind, pk):
    """What the link's recipient may have now, or Refused("gone")."""
    person = Person.objects.select_related("user").filter(pk=person_pk).first()
    if person is None or person.retired_on is not None:
        raise Refused("gone")
    full = sees_all_minutes(login_of(person))
    if kind == PACK:
        meeting = Meeting.objects.filter(pk=pk).first()
        if meeting is None:
            raise Refused("gone")
        return Emailed(PACK, meeting=meeting, full=full)
    paper = (
        Paper.objects.current()
        .filter(pk=pk, item__isnull=False)
        .select_related("item__meeting")
        .first()
    )
    # ``withheld_reason`` marks a restricted item and everything under it, which the pack
    # and the agenda's attachments leave out for whoever may not see restricted items.
    if paper is None or (paper.item.withheld_reason and not full):
        raise Refused("gone")
    return Emailed(PAPER, paper=paper)
