"""Writes of the Commissioner's judgements: assurance statements and decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.forms import STALE_MESSAGE
from judgements.models import AssuranceStatement, Decision
from meetings.services import ensure_in_progress
from people.roles import can_confirm_assurance


def record_assurance(item, *, level, narrative, version=None, by=None):
    """Record (or change) the assurance statement of an item of minutes still being written.

    A change to the level or narrative withdraws the Commissioner's confirmation: what was
    confirmed is no longer what is minuted. ``version`` is the one the form was opened at (0
    when there was no statement yet): a stale one is refused (``ValidationError`` with code
    "stale"), never saved over newer work, and so is the second of two first statements
    saved at once. None skips the check.
    """
    ensure_in_progress(item.meeting)
    with transaction.atomic():
        statement = AssuranceStatement.objects.select_for_update().filter(item=item).first()
        if statement is None:
            if version:
                raise ValidationError(STALE_MESSAGE, code="stale")
            statement = AssuranceStatement(item=item, level=level, narrative=narrative)
        else:
            if version is not None and version != statement.version:
                raise ValidationError(STALE_MESSAGE, code="stale")
            if (statement.level, statement.narrative) != (level, narrative):
                statement.confirmed_by, statement.confirmed_at = None, None
            statement.level, statement.narrative = level, narrative
            statement.version += 1
        statement._history_user = by
        try:
            with transaction.atomic():
                statement.save()
        except IntegrityError:
            # Another first statement of this item was saved a moment ago.
            raise ValidationError(STALE_MESSAGE, code="stale") from None
    return statement


def confirm_assurance(statement, *, by):
    """The Commissioner confirms the statement as minuted; only while the minutes are being
    written, since agreed minutes are the record."""
    if not can_confirm_assurance(by):
        raise PermissionDenied("Only the Commissioner confirms assurance statements.")
    ensure_in_progress(statement.item.meeting)
    statement.confirmed_by, statement.confirmed_at = by, timezone.now()
    statement.version += 1
    statement._history_user = by
    statement.save(update_fields=["confirmed_by", "confirmed_at", "version"])
    return statement


def decision_prefix(meeting):
    """ "D2017/": decisions run through the year in each series."""
    return f"D{meeting.date:%Y}/"


def next_decision_reference(meeting):
    """The next free decision reference in the meeting's series: D2017/01, D2017/02..."""
    start = decision_prefix(meeting)
    taken = Decision.objects.filter(
        series=meeting.series_id, reference__startswith=start
    ).values_list("reference", flat=True)
    numbers = [int(ref[len(start) :]) for ref in taken if ref[len(start) :].isdigit()]
    return f"{start}{max(numbers, default=0) + 1:02d}"


def withdraw_decision(decision, *, reason, by=None):
    """Take a decision minuted in error out of minutes still being written. It is kept, with
    who, when and why, and its reference is never given again (``next_decision_reference``
    counts withdrawn ones)."""
    ensure_in_progress(decision.item.meeting)
    if not reason.strip():
        raise ValidationError("Say why the decision is withdrawn.", code="reason_required")
    decision.withdrawn_at = timezone.now()
    decision.withdrawn_reason = reason.strip()
    decision.version += 1
    decision._history_user = by
    decision.save(update_fields=["withdrawn_at", "withdrawn_reason", "version"])
    return decision


def link_problem(series, kind, other):
    """Why a decision of ``series`` cannot be linked ``kind`` to the decision ``other``, or ""
    when it can (or is not linked at all). A link joins two bodies' decisions: the other is
    of another series, and stands."""
    if not kind and other is None:
        return ""
    if not kind:
        return "Say how the decision is linked to the other body's decision."
    if other is None:
        return "Give the other body's decision it is linked to."
    if other.series_id == series.pk:
        return f"Link a decision of another body: {other.reference} is the {series.name}'s own."
    if other.withdrawn_at is not None:
        return f"{other.reference} of the {other.series.name} was withdrawn."
    return ""


def record_decision(
    item, *, text, decided_by=None, by_chair=False, link_kind="", linked_to=None, by=None
):
    """Minute a decision at ``item``, numbered next in its series, and linked, if it was
    taken with or under a decision of another body, to that decision (``link_problem``). Two
    officers adding one at once: the unique reference refuses the second number, which is
    then taken afresh."""
    ensure_in_progress(item.meeting)
    if problem := link_problem(item.meeting.series, link_kind, linked_to):
        raise ValidationError({"link_reference": problem}, code="link")
    for attempt in range(5):
        try:
            with transaction.atomic():
                decision = Decision(
                    item=item,
                    series_id=item.meeting.series_id,
                    reference=next_decision_reference(item.meeting),
                    text=text,
                    decided_by=None if by_chair else decided_by,
                    by_chair=by_chair,
                    link_kind=link_kind,
                    linked_to=linked_to,
                    position=item.decisions.count(),
                )
                decision._history_user = by
                decision.save()
                return decision
        except IntegrityError:
            if attempt == 4:
                raise
