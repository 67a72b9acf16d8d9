"""Writes to the minutes that touch more than one row."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from meetings.models import AgendaItem, Meeting, MinutesEvent, MinutesStatus

# The life of a set of minutes: drafted, agreed as a correct record, then published.
# Reopening an agreed or published record for a correction needs a reason.
MINUTES_TRANSITIONS = {
    MinutesStatus.DRAFT: {MinutesStatus.AGREED},
    MinutesStatus.AGREED: {MinutesStatus.PUBLISHED, MinutesStatus.DRAFT},
    MinutesStatus.PUBLISHED: {MinutesStatus.DRAFT},
}


def set_minutes_status(meeting, new_status, *, by, reason=""):
    """Move the minutes along an allowed transition and record who, when and why."""
    new_status = MinutesStatus(new_status)
    old_status = MinutesStatus(meeting.status)
    if new_status not in MINUTES_TRANSITIONS[old_status]:
        raise ValidationError(
            f"{old_status.label} minutes cannot become {new_status.label.lower()}.",
            code="invalid_transition",
        )
    if new_status == MinutesStatus.DRAFT and not reason.strip():
        raise ValidationError(
            "Say why the agreed minutes are being reopened.", code="reason_required"
        )
    Meeting.objects.filter(pk=meeting.pk).update(status=new_status, version=F("version") + 1)
    meeting.refresh_from_db(fields=["status", "version"])
    return MinutesEvent.objects.create(
        meeting=meeting, from_status=old_status, to_status=new_status, reason=reason, by=by
    )


def suggest_number(meeting, parent=None):
    """The next free number in a section: 1.3 after 1.2, 5c after 5b, 6 after 5, 1.1 first."""
    siblings = list(
        AgendaItem.objects.filter(meeting=meeting, parent=parent).values_list("number", flat=True)
    )
    taken = set(siblings)

    def first_free(candidates):
        return next((candidate for candidate in candidates if candidate not in taken), "")

    for number in reversed(siblings):
        dotted = re.fullmatch(r"(.*\.)(\d+)", number)
        if dotted:
            return first_free(f"{dotted[1]}{n}" for n in range(int(dotted[2]) + 1, 10_000))
        lettered = re.fullmatch(r"(\d+)([a-y])", number)
        if lettered:
            letters = range(ord(lettered[2]) + 1, ord("z") + 1)
            return first_free(f"{lettered[1]}{chr(c)}" for c in letters)
        if number.isdigit():
            return first_free(str(n) for n in range(int(number) + 1, 10_000))
    if parent is not None and parent.number.isdigit():
        return first_free(f"{parent.number}.{n}" for n in range(1, 10_000))
    return first_free(str(n) for n in range(1, 10_000))


def next_position(meeting, parent=None):
    current = AgendaItem.objects.filter(meeting=meeting, parent=parent).aggregate(
        top=Max("position")
    )["top"]
    return 0 if current is None else current + 1


@transaction.atomic
def open_meeting(series, **details):
    """Create a meeting with the series' standing agenda.

    Items brought forward are added by the action log (``actions.services.bring_forward``),
    which the caller runs next: this app does not know about actions.
    """
    meeting = Meeting.objects.create(series=series, **details)
    created = {}
    for position, section in enumerate(series.standing_sections.order_by("position")):
        created[section.pk] = AgendaItem.objects.create(
            meeting=meeting,
            parent=created.get(section.parent_id),
            number=section.number,
            heading=section.heading,
            kind=section.kind,
            position=position,
        )
    return meeting


def move(obj, direction, siblings):
    """Swap ``obj`` with its neighbour in ``siblings`` (a queryset ordered by position)."""
    ordered = list(siblings)
    index = ordered.index(obj)
    neighbour_index = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour_index < len(ordered):
        return False
    ordered[index], ordered[neighbour_index] = ordered[neighbour_index], ordered[index]
    for position, each in enumerate(ordered):
        if each.position != position:
            type(each).objects.filter(pk=each.pk).update(position=position)
    return True
