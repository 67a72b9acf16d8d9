"""What the public may read: published minutes, only ever as frozen in their public version.

Nothing here reads a meeting's live rows. Each set of published minutes is the public half of
the version frozen when they were agreed (``meetings.services.freeze_minutes``), which already
withholds restricted items, with their reasons, and everything under them. The one live fact
shown is where each action arising stands now.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KeyTransform

from actions.models import Action, Status
from meetings.minutes import MinutesDocument
from meetings.models import Meeting, MinutesEvent, MinutesStatus, MinutesVersion


def published_meetings():
    """Published minutes with their series and the time they were (last) published."""
    published_at = (
        MinutesEvent.objects.filter(meeting=OuterRef("pk"), to_status=MinutesStatus.PUBLISHED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return (
        Meeting.objects.filter(status=MinutesStatus.PUBLISHED)
        .select_related("series")
        .annotate(published_at=Subquery(published_at))
    )


def public_documents(meetings):
    """{meeting pk: the public MinutesDocument of its latest frozen version}, in one query.

    Only the public half of each version leaves the database: the full minutes, restricted
    items and all, are never read by the public site."""
    rows = (
        MinutesVersion.objects.filter(meeting__in=[meeting.pk for meeting in meetings])
        .order_by("meeting_id", "number")
        .values_list("meeting_id", KeyTransform("public", "content"))
    )
    latest = dict(rows)  # ordered by number: the last version of each meeting wins
    documents = {pk: MinutesDocument.from_dict(content) for pk, content in latest.items()}
    # A version frozen before its public half existed would be no public version at all.
    return {pk: doc for pk, doc in documents.items() if doc.public}


def public_document(meeting):
    return public_documents([meeting]).get(meeting.pk)


# Where an action stands now, in the public's words.
STATUS_NOW = {
    Status.OPEN: "Open",
    Status.AWAITING_CLOSURE: "Open: completed, awaiting agreement",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class PublicAction:
    """An action arising as its published minutes worded it, and its status now."""

    reference: str
    text: str
    owners: str
    due: str
    meeting: Meeting
    status: str


def public_actions(meetings, documents):
    """The actions arising of published minutes, in meeting then minuted order.

    The wording, owners and due are the frozen public version's, so later edits change
    nothing here, and an action raised under a withheld item is not in it. The live status
    is read only for actions whose item is not restricted now either: a restriction added
    since publication keeps them out too."""
    lines = [
        (meeting, line)
        for meeting in meetings
        if meeting.pk in documents
        for line in documents[meeting.pk].summary
    ]
    ids = {line.action_id for _meeting, line in lines if line.action_id}
    statuses = dict(
        Action.objects.filter(pk__in=ids, item__withheld_reason="").values_list("pk", "status")
    )
    return [
        PublicAction(
            reference=line.reference,
            text=line.text,
            owners=line.owners,
            due=line.due,
            meeting=meeting,
            status=STATUS_NOW.get(statuses[line.action_id], ""),
        )
        for meeting, line in lines
        if line.action_id in statuses
    ]
