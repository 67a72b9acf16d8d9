"""Writes to the minutes that touch more than one row."""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from meetings.minutes import MinutesDocument, build_document
from meetings.models import (
    IN_PROGRESS,
    AgendaItem,
    Attendance,
    Meeting,
    MinutesEvent,
    MinutesStatus,
    MinutesVersion,
)

# The life of a set of minutes: drafted, then agreed as a correct record (or not agreed, to
# be amended and recirculated, and agreed later), then published. Reopening an agreed or
# published record for a correction, and not agreeing one, need a reason.
MINUTES_TRANSITIONS = {
    MinutesStatus.DRAFT: {MinutesStatus.AGREED, MinutesStatus.NOT_AGREED},
    MinutesStatus.NOT_AGREED: {MinutesStatus.AGREED},
    MinutesStatus.AGREED: {MinutesStatus.PUBLISHED, MinutesStatus.DRAFT},
    MinutesStatus.PUBLISHED: {MinutesStatus.DRAFT},
}
REASON_REQUIRED = {
    MinutesStatus.DRAFT: "Say why the agreed minutes are being reopened.",
    MinutesStatus.NOT_AGREED: "Say what must be amended before the minutes are agreed.",
}


class MinutesLocked(Exception):
    """A change to minutes no longer being written. The middleware turns it into a message
    and a redirect to the minutes, so that no view has to remember to check."""

    def __init__(self, meeting):
        self.meeting = meeting
        super().__init__(
            f"The minutes are {meeting.get_status_display().lower()} and locked. "
            "Reopen them, saying why, to make a correction."
        )


def ensure_in_progress(meeting):
    """Minutes change only while draft or not agreed: agreed minutes are the record."""
    if not meeting.in_progress:
        raise MinutesLocked(meeting)


@transaction.atomic
def set_minutes_status(meeting, new_status, *, by, reason="", at_meeting=None):
    """Move the minutes along an allowed transition and record who, when, why and at which
    meeting. Agreeing freezes the minutes as they stand (``freeze_minutes``)."""
    new_status = MinutesStatus(new_status)
    old_status = MinutesStatus(
        Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
    )
    if new_status not in MINUTES_TRANSITIONS[old_status]:
        raise ValidationError(
            f"{old_status.label} minutes cannot become {new_status.label.lower()}.",
            code="invalid_transition",
        )
    if new_status in REASON_REQUIRED and not reason.strip():
        raise ValidationError(REASON_REQUIRED[new_status], code="reason_required")
    Meeting.objects.filter(pk=meeting.pk).update(status=new_status, version=F("version") + 1)
    meeting.refresh_from_db(fields=["status", "version"])
    event = MinutesEvent.objects.create(
        meeting=meeting,
        from_status=old_status,
        to_status=new_status,
        reason=reason.strip(),
        at_meeting=at_meeting,
        by=by,
    )
    # Publishing agreed minutes publishes what was agreed; only minutes agreed before
    # versions were kept have none yet.
    if new_status == MinutesStatus.AGREED or (
        new_status == MinutesStatus.PUBLISHED and not meeting.versions.exists()
    ):
        freeze_minutes(meeting, event=event)
    return event


def agreement_problems(meeting):
    """What is missing from minutes about to be agreed, in words for the chair."""
    problems = []
    if not meeting.attendances.filter(presence=Attendance.Presence.PRESENT).exists():
        problems.append("No one is recorded as present.")
    if backwards := numbers_out_of_sequence(meeting):
        problems.append(
            f"Item numbers run out of sequence ({', '.join(backwards)}): move the items, or "
            "number them in order on the record page. An item taken out of order keeps its "
            "number and says which item it was taken after."
        )
    undecided = [
        f"{item.number} ({item.review.action.reference})"
        for item in meeting.items.filter(review__outcome="pending")
        .select_related("review__action")
        .order_by("position", "pk")
    ]
    if undecided:
        problems.append(
            "The outcome is not yet recorded for the actions brought forward at item"
            f"{'s'[: len(undecided) != 1]} {', '.join(undecided)}."
        )
    return problems


def _checksum(content):
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def freeze_minutes(meeting, *, event=None):
    """Store the full and the public version of the minutes as they stand, with a checksum.

    Earlier versions are kept: reopened minutes agreed again get a version of their own.
    """
    content = {
        "full": build_document(meeting, public=False).to_dict(),
        "public": build_document(meeting, public=True).to_dict(),
    }
    # A round trip through JSON, so that what is checked later is exactly what was stored.
    content = json.loads(json.dumps(content))
    number = (meeting.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    return MinutesVersion.objects.create(
        meeting=meeting, number=number, event=event, content=content, checksum=_checksum(content)
    )


def version_is_intact(version):
    return _checksum(version.content) == version.checksum


@dataclass(frozen=True)
class VersionChanges:
    """A frozen version of the minutes, and what it changed from the one before."""

    version: MinutesVersion
    intact: bool
    removed: tuple
    added: tuple


def version_changes(meeting):
    """Each frozen version, oldest first, with the lines of the full minutes it removed and
    added compared with the version before."""
    out, before = [], []
    for version in meeting.versions.select_related("event__by", "event__at_meeting"):
        lines = MinutesDocument.from_dict(version.content["full"]).text_lines()
        diff = [
            line
            for line in difflib.unified_diff(before, lines, lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        ]
        out.append(
            VersionChanges(
                version,
                version_is_intact(version),
                removed=tuple(line[1:] for line in diff if line.startswith("-")),
                added=tuple(line[1:] for line in diff if line.startswith("+")) if before else (),
            )
        )
        before = lines
    return out


def frozen_version(meeting):
    """The version every rendering of agreed minutes reads (the latest), or None while the
    minutes are being written (or were agreed before versions were kept)."""
    if meeting.status in IN_PROGRESS:
        return None
    return meeting.versions.order_by("-number").first()


def minutes_document(meeting, *, public=False):
    """The minutes to show: as frozen when agreed, or as they stand while being written."""
    version = frozen_version(meeting)
    if version is not None:
        return MinutesDocument.from_dict(version.content["public" if public else "full"])
    return build_document(meeting, public=public)


def freeze_unfrozen_minutes():
    """Agreed or published minutes without a frozen version (agreed before versions were
    kept) get one, from the record as it stands. Run after migrating."""
    unfrozen = Meeting.objects.exclude(status__in=IN_PROGRESS).filter(versions__isnull=True)
    for meeting in unfrozen.with_people():
        freeze_minutes(meeting)


def suggest_number(meeting, parent=None):
    """The next free number in a section: 1.3 after 1.2, 5c after 5b, 6 after 5, 1.1 first."""
    siblings = list(
        AgendaItem.objects.filter(meeting=meeting, parent=parent).values_list("number", flat=True)
    )
    return number_after(siblings, parent)


def number_after(siblings, parent=None, taken=None):
    """The number ``suggest_number`` gives after ``siblings`` (the section's numbers in
    order): for numbering many items at once without asking the database each time, with
    ``taken`` the set of those numbers kept up to date by the caller."""
    taken = set(siblings) if taken is None else taken

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


def set_chairs(owner, chairs):
    """Make ``owner``'s chair links (a meeting's or a series') exactly ``chairs``, in order,
    touching only the links that change so that their history says what changed."""
    links = {link.person_id: link for link in owner.chair_links.all()}
    wanted = [person.pk for person in chairs]
    for person_id, link in links.items():
        if person_id not in wanted:
            link.delete()
    model = owner.chair_links.model
    for position, person in enumerate(chairs):
        link = links.get(person.pk)
        if link is None:
            model.objects.create(
                **{owner.chair_links.field.name: owner}, person=person, position=position
            )
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])


@transaction.atomic
def open_meeting(series, *, chairs=(), attendances=(), **details):
    """Create a meeting with its chairs, the series' standing agenda and the attendance
    planned from the series' usual attendees: (usual attendee, presence, reason) each.

    Items brought forward are added by the action log (``actions.services.bring_forward``),
    which the caller runs next: this app does not know about actions.
    """
    meeting = Meeting.objects.create(series=series, **details)
    set_chairs(meeting, chairs)
    for position, (usual, presence, reason) in enumerate(attendances):
        Attendance.objects.create(
            meeting=meeting,
            person=usual.person,
            post=usual.post,
            capacity=usual.capacity,
            presence=presence,
            reason=reason if presence == Attendance.Presence.APOLOGIES else "",
            position=position,
        )
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


# A number in a scheme: plain ("3"), dotted ("1.2", "HTA/2019/07/3.1" is dotted too), or
# lettered ("5a"). What comes before the running part is the scheme's prefix.
NUMBER_SCHEMES = (
    ("plain", re.compile(r"()(\d+)")),
    ("dotted", re.compile(r"(.*\.)(\d+)")),
    ("lettered", re.compile(r"(\d+)([a-z])")),
)


def number_scheme(number):
    """("plain", ""), ("dotted", "1."), ("lettered", "5"), or None for a free-form number
    ("AOB", "HTA/2019/07/3")."""
    for kind, pattern in NUMBER_SCHEMES:
        match = pattern.fullmatch(number)
        if match:
            return kind, match[1]
    return None


def _renumbered_children(item, old, new):
    """(child, its new number) down the subtree of ``item`` renumbered from ``old`` to
    ``new``: a child numbered under its parent (2.1, 5a under 5) follows it; one numbered
    on its own (the questions 1 to 5 under 5a) keeps its number."""
    for child in item.children.all():
        rest = child.number[len(old) :] if child.number.startswith(old) else None
        if rest and re.fullmatch(r"\.\d+|[a-z]", rest):
            yield child, new + rest
            yield from _renumbered_children(child, child.number, new + rest)


@transaction.atomic
def move_item(item, direction):
    """Move an item up or down among its siblings; numbers stay in their places.

    Siblings numbered in the moved item's scheme (1, 2, 3; 1.1, 1.2; 5a, 5b) keep the order
    of their numbers, so moving item 2 down among 1, 2, 3, 4 gives 1, 2, 3, 4 again with the
    two items' numbers exchanged, and the sub-items numbered under them (2.1, 5a) follow.
    Free-form numbers ("AOB") move with their item. Only minutes still being written
    change: agreed minutes are the record. Actions keep their references whatever happens.
    """
    ensure_in_progress(item.meeting)
    siblings = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting=item.meeting, parent=item.parent_id)
        .order_by("position", "pk")
    )
    scheme = number_scheme(item.number)
    in_scheme = [each for each in siblings if scheme and number_scheme(each.number) == scheme]
    if not move(item, direction, siblings):
        return False
    _number_in_order(in_scheme)
    return True


def natural_key(number):
    """ "2" < "10", "1.2" < "1.10", "5a" < "5b": numbers as people count them."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", number)
    ]


def _number_in_order(items):
    """Give ``items`` (siblings in one numbering scheme) their numbers in sequence in the
    order they now stand: the smallest number first. Sub-items numbered under them (2.1,
    5a) follow their parent; free-form numbers are never in ``items``."""
    places = sorted((each.number for each in items), key=natural_key)
    ordered = sorted(
        AgendaItem.objects.filter(pk__in=[each.pk for each in items]),
        key=lambda each: (each.position, each.pk),
    )
    renumbered = [
        (each, number)
        for each, number in zip(ordered, places, strict=True)
        if each.number != number
    ]
    changes = [
        change
        for each, number in renumbered
        for change in [(each, number), *_renumbered_children(each, each.number, number)]
    ]
    # Through a number no item can have first, since two items exchange numbers and each
    # number is unique within its parent.
    for each, _number in changes:
        AgendaItem.objects.filter(pk=each.pk).update(number=f"~{each.pk}")
    for each, number in changes:
        each.number = number
        # A new version, so that an edit form opened before cannot put the old number back.
        each.version += 1
        each.save(update_fields=["number", "version"])
    return len(renumbered)


@transaction.atomic
def renumber_in_order(meeting):
    """Number every section's items in sequence in the order they stand (asked for by the
    officer, as a word processor's "update numbering"); how many items changed number."""
    ensure_in_progress(meeting)
    items = list(AgendaItem.objects.select_for_update().filter(meeting=meeting))
    changed = 0
    for parent_id in {each.parent_id for each in items}:
        siblings = sorted(
            (each for each in items if each.parent_id == parent_id),
            key=lambda each: (each.position, each.pk),
        )
        schemes = [number_scheme(each.number) for each in siblings]
        for scheme in {s for s in schemes if s}:
            changed += _number_in_order(
                [each for each, its in zip(siblings, schemes, strict=True) if its == scheme]
            )
    return changed


def numbers_out_of_sequence(meeting):
    """ "4 before 3" for each pair of neighbouring items, in one section and numbering
    scheme, whose numbers run backwards in the order they stand."""
    items = sorted(meeting.items.all(), key=lambda each: (each.position, each.pk))
    out = []
    for parent_id in dict.fromkeys(each.parent_id for each in items):
        siblings = [each for each in items if each.parent_id == parent_id]
        by_scheme = {}
        for each in siblings:
            if scheme := number_scheme(each.number):
                by_scheme.setdefault(scheme, []).append(each.number)
        for numbers in by_scheme.values():
            out += [
                f"{a} before {b}"
                for a, b in zip(numbers, numbers[1:], strict=False)
                if natural_key(a) > natural_key(b)
            ]
    return out


def place_item(item, before=None):
    """Put the new ``item`` before its sibling ``before``, moving those after it down a
    place, or at the end of its section."""
    siblings = AgendaItem.objects.filter(meeting=item.meeting, parent=item.parent).exclude(
        pk=item.pk
    )
    if before is None:
        item.position = next_position(item.meeting, item.parent)
        return
    siblings.filter(position__gte=before.position).update(position=F("position") + 1)
    item.position = before.position


# Assurance statements and decisions.
