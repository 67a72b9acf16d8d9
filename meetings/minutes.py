"""The minutes of one meeting: the live rows an officer records, and the document built
from them, in the familiar table number | item | ACTION.

The screen, print, Word and PDF versions all read one ``MinutesDocument``, so they cannot
disagree; agreed minutes read the document frozen when they were agreed, so nothing done
afterwards can change them.
"""

from dataclasses import asdict, dataclass, field, replace
from typing import NamedTuple

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from meetings.glossary import glossary_entries
from meetings.models import (
    IN_PROGRESS,
    AgendaItem,
    Attendance,
    Finding,
    ItemKind,
    MinutesEvent,
    MinutesStatus,
    NilReturn,
)


def names_in_a_list(names):
    """ "A", "A and B", "A, B and C" """
    names = list(names)
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def chair_fact(chairs):
    """The minutes' chair line: ("Chair:", "John Campion") or ("Co-chairs:", "A and B")."""
    if not chairs:
        return ("Chair:", "Not recorded")
    label = "Chair:" if len(chairs) == 1 else "Co-chairs:"
    return (label, names_in_a_list(person.name for person in chairs))


def when_line(meeting):
    """ "Tuesday 31 October 2017 @ 10:30" """
    when = date_format(meeting.date, "l j F Y")
    return f"{when} @ {meeting.start_time:%H:%M}" if meeting.start_time else when


def next_meeting_line(meeting):
    """ "10:30 on 29 November 2017" """
    if not meeting.next_meeting_date:
        return "to be confirmed"
    day = date_format(meeting.next_meeting_date, "j F Y")
    return f"{meeting.next_meeting_time:%H:%M} on {day}" if meeting.next_meeting_time else day


@dataclass
class MinutesRow:
    """One live item of a meeting being recorded, with what was recorded under it."""

    item: AgendaItem
    depth: int
    findings: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    has_children: bool = False
    withheld: bool = False
    decisions: list = field(default_factory=list)

    @property
    def declarations(self):
        return list(self.item.declarations.all())

    @property
    def assurance(self):
        return getattr(self.item, "assurance", None)

    @property
    def number_in_column(self):
        """Sections and their sub-sections carry the number in the first column."""
        return self.depth < 2

    @property
    def review(self):
        return getattr(self.item, "review", None)


def in_agenda_order(items):
    """(item, depth, has_children) for each of ``items``: parents before their children,
    siblings by position. Each item's parent is set from the list, so that labels ("5a/1")
    cost no query."""
    by_pk = {item.pk: item for item in items}
    children = {}
    for item in items:
        item.parent = by_pk.get(item.parent_id)
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.pk))

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            yield item, depth, item.pk in children
            yield from walk(item.pk, depth + 1)

    return walk(None, 0)


def _reviews():
    """The review of each item brought forward, then the reviews' actions, each read by the
    ids the query before found rather than joined to the items: joined, PostgreSQL planned
    from what it last knew of the reviews, before a meeting brought hundreds forward, and
    merged the joins over every action in the log (over a second at 100,000 actions). The
    models by the items' relations: this app imports nothing of the actions'."""
    review = AgendaItem._meta.get_field("review").related_model
    action = review._meta.get_field("action").related_model
    return [
        Prefetch(
            "review",
            queryset=review._default_manager.select_related("new_due_series", "new_due_at__series"),
        ),
        Prefetch(
            "review__action",
            queryset=action._default_manager.select_related(
                "meeting__series", "item__theme", "due_series", "due_at__series"
            ),
        ),
    ]


def minutes_rows(meeting, *, public=False, with_trails=False, brought_forward=None):
    """Every item of ``meeting`` in agenda order, each with its depth, findings and actions.

    The public version (published minutes, and what the force sees) shows a restricted item
    as withheld, with its reason, and leaves out everything under it. ``with_trails`` also
    fetches the trail of each action brought forward, which only the record page shows (the
    owner's latest update), not the minutes. ``brought_forward``, when given, is the pks of
    the items brought forward to include (the record page's window): the rest are left out.
    """
    trails = ["review__action__events"] if with_trails else []
    items = meeting.items.all()
    if brought_forward is not None:
        # The items' ids first, then the items by id with all they join: asked as one
        # query, PostgreSQL guessed the window of a meeting just opened at a row or two and
        # merged the joins over every action in the log (a quarter of a second at 20,000).
        window = items.exclude(Q(kind=ItemKind.BROUGHT_FORWARD) & ~Q(pk__in=brought_forward))
        items = meeting.items.filter(pk__in=list(window.values_list("pk", flat=True)))
    items = list(
        items.select_related("theme", "taken_after", "assurance").prefetch_related(
            *_reviews(),
            Prefetch("findings", queryset=Finding.objects.order_by("position", "pk")),
            "declarations__person",
            "actions",
            # The judgements at each item (the app above) are read through the item's
            # relations, as the actions are: the minutes import neither.
            "decisions__decided_by",
            "decisions__linked_to__series",
            # A review not yet decided shows the action's owners as they stand.
            "review__action__owner_posts",
            "review__action__owner_people",
            "review__action__owner_bodies",
            # Dues as minuted at a meeting of another series, or at a particular meeting.
            "actions__raised_due_series",
            "actions__raised_due_at__series",
            *trails,
        )
    )
    rows = []
    withheld_depth = None
    for item, depth, has_children in in_agenda_order(items):
        if withheld_depth is not None and depth > withheld_depth:
            continue  # under a withheld item
        withheld_depth = None
        if public and item.restricted:
            rows.append(MinutesRow(item, depth, withheld=True))
            withheld_depth = depth
            continue
        # A withdrawn action (a replacement the meeting changed its mind about) stays in the
        # action log but is no action arising of these minutes.
        actions = sorted(
            (action for action in item.actions.all() if action.status != "withdrawn"),
            key=lambda action: (action.position, action.pk),
        )
        for action in actions:
            action.item = item  # labels ("5a/1") from the tree already walked, not a query
        rows.append(
            MinutesRow(
                item,
                depth,
                list(item.findings.all()),
                actions,
                has_children,
                decisions=sorted(
                    (d for d in item.decisions.all() if d.withdrawn_at is None),
                    key=lambda d: (d.position, d.pk),
                ),
            )
        )
    return rows


def item_rows(meeting, item, *, public=False):
    """``item`` and the items under it as the minutes stand now, ``minutes_rows``'s way (the
    public version withholds a restricted item and all under it). Of the items brought
    forward only ``item`` itself is read, however many the meeting has."""
    rows = minutes_rows(meeting, public=public, brought_forward=[item.pk])
    start = next((n for n, row in enumerate(rows) if row.item.pk == item.pk), None)
    if start is None:
        return []
    depth = rows[start].depth
    end = next(
        (n for n in range(start + 1, len(rows)) if rows[n].depth <= depth),
        len(rows),
    )
    return rows[start:end]


# The document: plain values only, so that it can be frozen as JSON and read back unchanged.


@dataclass(frozen=True)
class ActionLine:
    reference: str
    text: str
    action_id: int | None = None
    # Agreed as shown on the meeting room's screen (minutes frozen before the room have none).
    agreed_in_room: bool = False

    @property
    def as_line(self):
        """ "Share the plan (2017/11-01)", and whether the room agreed it as shown."""
        agreed = " Agreed in the room as shown." if self.agreed_in_room else ""
        return f"{self.text} ({self.reference}){agreed}"


@dataclass(frozen=True)
class DecisionLine:
    reference: str
    text: str
    decided_by: str
    # "taken jointly with decision D2017/03 of the Fire Authority": the decision of another
    # body it was taken with or under, as minuted. Minutes frozen before links have none.
    link: str = ""


@dataclass(frozen=True)
class Block:
    """A piece of the item column: "heading", "para", "label", "note" or "assurance" (the
    assurance statement) with ``text``; "findings" with texts in ``items``; "actions" with
    ``ActionLine``s and "decisions" with ``DecisionLine``s in ``items``."""

    kind: str
    text: str = ""
    items: tuple = ()

    @classmethod
    def from_dict(cls, data):
        items = data.get("items", ())
        if data["kind"] == "actions":
            items = tuple(ActionLine(**line) for line in items)
        elif data["kind"] == "decisions":
            items = tuple(DecisionLine(**line) for line in items)
        return cls(kind=data["kind"], text=data.get("text", ""), items=tuple(items))


# About a quarter of an A4 page of the item column at 10 point.
LONG_ROW_CHARACTERS = 1200


@dataclass(frozen=True)
class Row:
    anchor: str
    number: str
    depth: int
    blocks: tuple
    action_column: str = ""
    restriction: str = ""  # The full version notes why the item is left out of the public one.

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "blocks": tuple(Block.from_dict(b) for b in data["blocks"])})

    @property
    def is_long(self):
        """Longer than a quarter of a printed page: such a row may break across pages."""
        texts = [block.text for block in self.blocks]
        texts += [
            item.text if isinstance(item, (ActionLine, DecisionLine)) else item
            for block in self.blocks
            for item in block.items
        ]
        return sum(len(text) for text in texts) > LONG_ROW_CHARACTERS

    @property
    def blocks_with_notes(self):
        """The blocks, led in the full version by the note of why the item is restricted."""
        if not self.restriction:
            return self.blocks
        note = f"Restricted: left out of the public version. Reason: {self.restriction}"
        return (Block("note", note), *self.blocks)


@dataclass(frozen=True)
class Attendee:
    name: str
    capacity: str


@dataclass(frozen=True)
class SummaryLine:
    reference: str
    item: str
    text: str
    owners: str
    due: str
    due_date: str = ""  # The date behind a due worded in words, "31 January 2018".
    action_id: int | None = None


@dataclass(frozen=True)
class ThemedItem:
    """What the yearly theme report needs of an item, as the meeting minuted it: its theme,
    the assurance reached, and the actions raised at it (``themes.report``)."""

    item_id: int
    number: str
    heading: str
    theme: str = ""
    level: str = ""  # an AssuranceLevel value, "" when no statement was recorded
    action_ids: tuple = ()


@dataclass(frozen=True)
class GlossaryEntry:
    initials: str
    meaning: str


@dataclass(frozen=True)
class MinutesDocument:
    title: str
    facts: tuple  # (label, value) pairs: Date, Chair, Minutes, Venue
    present: tuple
    apologies: tuple
    partial_notes: tuple
    rows: tuple
    summary: tuple
    public: bool = False
    # Minutes not yet agreed say so in every format; frozen (agreed) minutes carry none.
    status_note: str = ""
    # The initials used, and whom they stood for on the day (minutes frozen before the
    # glossary existed have none).
    glossary: tuple = ()
    # Each item with a theme or an assurance statement (None for minutes frozen before these
    # were kept): the public version leaves out what it withholds.
    themed: tuple | None = ()
    # Agreed minutes say where they were agreed, as the meeting that agreed them minuted it:
    # "Agreed as a correct record at the meeting of 28 November 2017."
    agreed_note: str = ""
    # Business done by correspondence lists who responded rather than who was present.
    present_label: str = "Attendance:"
    apologies_label: str = "Apologies:"

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(
            title=data["title"],
            facts=tuple(tuple(fact) for fact in data["facts"]),
            present=tuple(Attendee(**a) for a in data["present"]),
            apologies=tuple(Attendee(**a) for a in data["apologies"]),
            partial_notes=tuple(data["partial_notes"]),
            rows=tuple(Row.from_dict(row) for row in data["rows"]),
            summary=tuple(SummaryLine(**line) for line in data["summary"]),
            public=data["public"],
            status_note=data.get("status_note", ""),
            agreed_note=data.get("agreed_note", ""),
            present_label=data.get("present_label", "Attendance:"),
            apologies_label=data.get("apologies_label", "Apologies:"),
            glossary=tuple(GlossaryEntry(**entry) for entry in data.get("glossary", ())),
            themed=(
                tuple(
                    ThemedItem(**{**entry, "action_ids": tuple(entry["action_ids"])})
                    for entry in data["themed"]
                )
                if "themed" in data
                else None
            ),
        )

    @cached_property
    def meaning_of(self):
        """{initials: meaning}, for the hover on each set of initials."""
        return {entry.initials: entry.meaning for entry in self.glossary}

    def text_lines(self):
        """The document as plain lines in reading order: what a reader sees, for comparing
        two versions."""
        # Not the agreed note: where each version was agreed is its history's to say, not a
        # change of what the minutes record.
        lines = [self.title, *([self.status_note] if self.status_note else [])]
        lines += [f"{label} {value}" for label, value in self.facts]
        lines += [f"{self.present_label} {a.name}, {a.capacity}" for a in self.present]
        lines += [f"{self.apologies_label} {a.name}, {a.capacity}" for a in self.apologies]
        lines += [f"*{note}" for note in self.partial_notes]
        for row in self.rows:
            prefix = f"{row.number} " if row.number else ""
            for block in row.blocks_with_notes:
                if block.kind == "findings":
                    lines += [f"{prefix}• {text}" for text in block.items]
                elif block.kind == "actions":
                    lines += [f"{prefix}• {line.as_line}" for line in block.items]
                elif block.kind == "decisions":
                    lines += [f"{prefix}• {line}" for line in decision_lines(block)]
                else:
                    lines.append(f"{prefix}{block.text}")
            if row.action_column:
                lines.append(f"{prefix}ACTION: {row.action_column}")
        lines += [
            f"{s.reference} | {s.item} | {s.text} | {s.owners} | {s.due}" for s in self.summary
        ]
        lines += [f"{entry.initials}: {entry.meaning}" for entry in self.glossary]
        return lines


def decision_lines(block):
    """A decisions block as lines: "Text (decided by the chair) (D2017/03)", then any link to
    another body's decision: "– taken jointly with decision F2017/02 of the Fire Authority"."""
    return [
        f"{d.text} (decided by {d.decided_by}) ({d.reference})" + (f" – {d.link}" if d.link else "")
        for d in block.items
    ]


def _attendee(attendance):
    name = attendance.person.name + ("*" if attendance.is_partial else "")
    capacity = attendance.capacity
    if attendance.presence == Attendance.Presence.APOLOGIES and attendance.reason:
        capacity += f" – {attendance.reason}"
    return Attendee(name, capacity)


def _review_blocks(review):
    action = review.action
    out = [
        Block(
            "para",
            f"Action arising from the {action.meeting.short_title} meeting ({action.reference}):",
        ),
        Block("para", action.item.title),
        Block("para", action.raised_text_with_due),
    ]
    if review.update:
        out.append(Block("para", f"Update: {review.update}"))
    return out


def _row_blocks(row):
    item, review = row.item, row.review
    out = []
    if review:
        out += _review_blocks(review)
    elif item.kind == ItemKind.NEXT_MEETING:
        out.append(Block("heading", f"{item.heading} {next_meeting_line(item.meeting)}"))
    else:
        prefix = "" if row.number_in_column or item.heading_says_number else f"{item.number}. "
        out.append(Block("heading", f"{prefix}{item.title}"))
    if item.taken_after_id:
        out.append(Block("para", f"Taken after item {item.taken_after.number}."))
    if item.presented_by:
        out.append(Block("para", f"Presented by {item.presented_by}."))
    if row.declarations:
        out += [
            Block("label", "Declarations of interest:"),
            Block("findings", items=tuple(d.sentence for d in row.declarations)),
        ]
    if item.kind == ItemKind.PREVIOUS_MINUTES:
        out += [Block("para", line) for line in minutes_decided_at(item.meeting)]
    for text in (item.background, item.question):
        out += [Block("para", part.strip()) for part in text.split("\n\n") if part.strip()]
    if row.findings:
        if item.label_findings:
            out.append(Block("label", "Findings:"))
        out.append(Block("findings", items=tuple(finding.text for finding in row.findings)))
    if row.assurance:
        out += [
            Block("label", "Assurance:"),
            Block("assurance", row.assurance.sentence),
        ]
    if review and review.decided:
        out.append(Block("para", " ".join(review.outcome_sentences(row.actions))))
    if row.decisions:
        lines = tuple(
            DecisionLine(
                d.reference,
                d.text,
                "the chair" if d.by_chair else d.decided_by.name,
                d.link_wording,
            )
            for d in row.decisions
        )
        out += [Block("label", "Decisions:"), Block("decisions", items=lines)]
    if row.actions:
        lines = tuple(
            ActionLine(a.reference, a.raised_text_with_due, a.pk, a.agreed_in_room_at is not None)
            for a in row.actions
        )
        out += [Block("label", "Actions arising:"), Block("actions", items=lines)]
    elif item.nil_return == NilReturn.NO_ACTIONS:
        out += [Block("label", "Actions arising:"), Block("para", item.get_nil_return_display())]
    elif item.nil_return:
        out.append(Block("para", item.get_nil_return_display()))
    return tuple(out)


def _action_column(row):
    """Owners as minuted, each once: a review's owners as the meeting left them, then those
    of the actions raised at the item, in the order they were minuted."""
    labels = row.review.owners.split() if row.review else []
    labels += [label for action in row.actions for label in action.raised_owners.split()]
    return " ".join(dict.fromkeys(labels)) or row.item.action_column_note


def _document_row(row):
    item = row.item
    # A heading that is the number again ("AOB:") is the item's number, said once.
    number = item.number if row.number_in_column and not item.heading_says_number else ""
    if row.withheld:
        text = (
            "This item is withheld from this version of the minutes. Reason: "
            f"{item.restriction_reason}"
        )
        return Row(f"item-{item.pk}", number, row.depth, (Block("para", text),))
    return Row(
        f"item-{item.pk}",
        number,
        row.depth,
        _row_blocks(row),
        _action_column(row),
        item.restriction_reason if item.restricted else "",
    )


def _themed_item(row):
    item = row.item
    return ThemedItem(
        item_id=item.pk,
        number=item.label,
        heading=item.heading,
        theme=item.theme.name if item.theme_id else "",
        level=row.assurance.level if row.assurance else "",
        action_ids=tuple(action.pk for action in row.actions),
    )


def _summary_line(action):
    return SummaryLine(
        reference=action.reference,
        item=action.item.label,
        text=action.text,
        owners=action.raised_owners,
        due=action.raised_due_display or "Not set",
        due_date=(
            date_format(action.raised_due_date, "j F Y")
            if action.raised_due_wording and action.raised_due_date
            else ""
        ),
        action_id=action.pk,
    )


STATUS_NOTES = {
    MinutesStatus.DRAFT: "DRAFT: not yet agreed as a correct record",
    MinutesStatus.NOT_AGREED: "NOT AGREED: to be amended and recirculated",
}


def minutes_decided_at(meeting):
    """What ``meeting`` decided on earlier minutes, a sentence each, as the minutes of its
    "Minutes of the previous meeting" item say it: taken from the decisions themselves (the
    status events naming this meeting), so nobody types them and they cannot disagree."""
    decided = (
        MinutesEvent.objects.filter(
            at_meeting=meeting, to_status__in=[MinutesStatus.AGREED, MinutesStatus.NOT_AGREED]
        )
        .select_related("meeting__series")
        .order_by("at", "pk")
    )
    lines = []
    for event in decided:
        earlier = event.meeting
        name = f"the meeting held on {date_format(earlier.date, 'j F Y')}"
        if earlier.by_correspondence:
            name = (
                "the business done by correspondence closing on "
                f"{date_format(earlier.date, 'j F Y')}"
            )
        elif earlier.series_id != meeting.series_id:
            name = f"the {earlier.series.name} held on {date_format(earlier.date, 'j F Y')}"
        before = earlier.status_events.filter(at__lt=event.at)
        if event.to_status == MinutesStatus.NOT_AGREED:
            reason = event.reason.rstrip()
            reason += "" if reason.endswith((".", "!", "?")) else "."
            lines.append(f"The minutes of {name} were not agreed: {reason}")
        elif before.filter(to_status=MinutesStatus.AGREED).exists():
            reopened = before.filter(to_status=MinutesStatus.DRAFT).last()
            why = f" ({reopened.reason})" if reopened and reopened.reason else ""
            lines.append(
                f"The minutes of {name}, corrected since they were agreed{why}, were agreed "
                "as a correct record."
            )
        else:
            # No meeting held: the meeting after it notes the business as well as agreeing it.
            agreed = "noted and agreed" if earlier.by_correspondence else "agreed"
            lines.append(f"The minutes of {name} were {agreed} as a correct record.")
    return lines


def _where_decided(event):
    if event.at_meeting_id:
        return f"at the meeting of {date_format(event.at_meeting.date, 'j F Y')}"
    return f"on {date_format(timezone.localtime(event.at), 'j F Y')}"


def agreed_note(meeting):
    """Where the minutes were agreed, and each correction agreed since; empty while they are
    being written."""
    if meeting.status in IN_PROGRESS:
        return ""
    agreements = list(
        meeting.status_events.filter(to_status=MinutesStatus.AGREED).select_related("at_meeting")
    )
    if not agreements:
        return ""
    first, *corrections = agreements
    note = f"Agreed as a correct record {_where_decided(first)}"
    for event in corrections:
        note += f"; corrected and agreed again {_where_decided(event)}"
    return note + "."


class Attendances(NamedTuple):
    """A meeting's attendance as minuted, split as every rendering lists it."""

    all: list
    present: list
    apologies: list


def minuted_attendances(meeting):
    attendances = list(
        meeting.attendances.select_related("person", "post", "joined_at_item", "left_after_item")
    )
    present = Attendance.Presence.PRESENT
    return Attendances(
        attendances,
        [a for a in attendances if a.presence == present],
        [a for a in attendances if a.presence != present],
    )


def build_document(meeting, *, public=False):
    """The minutes of ``meeting`` as they stand now, full or public."""
    attendances = minuted_attendances(meeting)
    rows = minutes_rows(meeting, public=public)
    minutes_by = ", ".join(
        part
        for part in [
            meeting.minute_taker.name if meeting.minute_taker else "",
            meeting.minute_taker_capacity,
        ]
        if part
    )
    document_rows = tuple(_document_row(row) for row in rows)
    summary = tuple(
        _summary_line(action) for row in rows if not row.withheld for action in row.actions
    )
    glossary = glossary_entries(
        meeting,
        owner_texts=[row.action_column for row in document_rows]
        + [line.owners for line in summary],
        attendances=attendances.all,
    )
    held = (("Held:", meeting.held_line),) if meeting.held_line else ()
    return MinutesDocument(
        title=f"{meeting.title} – Meeting Notes",
        facts=(
            ("Date:", when_line(meeting)),
            *held,
            chair_fact(meeting.ordered_chairs()),
            ("Minutes:", minutes_by or "Not recorded"),
            ("Venue", meeting.venue or "Not recorded"),
        ),
        present_label="Responded:" if meeting.by_correspondence else "Attendance:",
        apologies_label="No response:" if meeting.by_correspondence else "Apologies:",
        present=tuple(_attendee(a) for a in attendances.present),
        apologies=tuple(_attendee(a) for a in attendances.apologies),
        partial_notes=tuple(a.partial_note for a in attendances.all if a.is_partial),
        rows=document_rows,
        summary=summary,
        public=public,
        status_note=STATUS_NOTES.get(meeting.status, ""),
        agreed_note=agreed_note(meeting),
        glossary=tuple(GlossaryEntry(*entry) for entry in glossary),
        themed=tuple(
            _themed_item(row)
            for row in rows
            if not row.withheld and (row.item.theme_id or row.assurance)
        ),
    )


def without_app_links(doc):
    """The document with no link into the signed-in app: its action references stay as text."""

    def unlinked(block):
        items = tuple(
            replace(item, action_id=None) if isinstance(item, ActionLine) else item
            for item in block.items
        )
        return replace(block, items=items)

    rows = tuple(replace(row, blocks=tuple(unlinked(b) for b in row.blocks)) for row in doc.rows)
    summary = tuple(replace(line, action_id=None) for line in doc.summary)
    return replace(doc, rows=rows, summary=summary)
