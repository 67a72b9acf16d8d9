"""The recording workspace: the attendance as one table of the people expected, each row
saved on its own, and the state of each item at a glance for the item navigator."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string

from core.forms import STALE_MESSAGE, PlainTextField
from meetings.forms.minutes import COMINGS_AND_GOINGS, AttendanceForm, check_comings_and_goings
from meetings.minutes import MinutesRow, in_agenda_order
from meetings.models import Attendance, ItemKind, UsualAttendee
from people.models import Person

ABSENT = "absent"
PRESENCE_CHOICES = [*Attendance.Presence.choices, (ABSENT, "Absent")]


class AttendanceRowForm(forms.Form):
    """One person's attendance: present, apologies (with a reason) or absent (not minuted),
    and the item they joined at or left after. Saving "absent" takes them off the minutes;
    their history is kept."""

    presence = forms.ChoiceField(choices=PRESENCE_CHOICES, widget=forms.RadioSelect)
    reason = PlainTextField(max_length=200, required=False)
    joined_at_item = forms.ChoiceField(required=False)
    left_after_item = forms.ChoiceField(required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, meeting, person, attendance, usual, items):
        """``items``: the meeting's items in agenda order, their parents set (for labels)."""
        self.meeting, self.person, self.attendance, self.usual = (
            meeting,
            person,
            attendance,
            usual,
        )
        self.items = {str(item.pk): item for item in items}
        initial = {"presence": ABSENT, "version": None}
        if attendance is not None:
            initial = {
                "presence": attendance.presence,
                "reason": attendance.reason,
                "joined_at_item": attendance.joined_at_item_id or "",
                "left_after_item": attendance.left_after_item_id or "",
                "version": attendance.version,
            }
        super().__init__(data, initial=initial, prefix=f"person-{person.pk}")
        name = person.name
        labels = {
            "presence": f"Attendance of {name}",
            "reason": f"Reason for apologies of {name}",
            "joined_at_item": f"{name} joined at",
            "left_after_item": f"{name} left after",
        }
        # People leave after an action brought forward as after any item (October 2017:
        # "left after 1.2"). Where hundreds are brought forward, two lists of them a person
        # would outweigh the page: there they are offered only as already recorded, and the
        # meeting's full attendance form offers every item.
        current = {str(initial.get("joined_at_item")), str(initial.get("left_after_item"))}
        brought = [pk for pk, i in self.items.items() if i.kind == ItemKind.BROUGHT_FORWARD]
        offered = set(brought) if len(brought) <= BROUGHT_FORWARD_SHOWN else current
        choices = [
            ("", "Whole meeting"),
            *(
                (pk, f"Item {i.label}")
                for pk, i in self.items.items()
                if i.kind != ItemKind.BROUGHT_FORWARD or pk in offered
            ),
        ]
        for field_name, field in self.fields.items():
            field.label = labels.get(field_name, field.label)
            # The controls sit in the cells of one table row; the form is in the last cell.
            field.widget.attrs["form"] = self.form_id
        for field_name in ("joined_at_item", "left_after_item"):
            self.fields[field_name].choices = choices
            self.fields[field_name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["presence"].widget.attrs["class"] = "form-check-input"
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["version"].widget.attrs["id"] = f"{self.form_id}-version"

    @property
    def form_id(self):
        return f"attendance-{self.person.pk}-form"

    def full_clean(self):
        super().full_clean()
        # Errors are read out with the control they belong to.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self.form_id}-errors"}
                )

    def clean(self):
        cleaned = super().clean()
        for name in ("joined_at_item", "left_after_item"):
            cleaned[name] = self.items.get(cleaned.get(name) or "")
        presence = cleaned.get("presence")
        if presence != Attendance.Presence.APOLOGIES:
            cleaned["reason"] = ""
        if presence != Attendance.Presence.PRESENT and (
            cleaned["joined_at_item"] or cleaned["left_after_item"]
        ):
            self.add_error(
                "left_after_item",
                ValidationError(
                    "Only someone present can join or leave the meeting part-way.",
                    code="absent",
                ),
            )
        elif presence == Attendance.Presence.PRESENT:
            # The times and the reason for leaving are set on the attendance's own page.
            kept = self.attendance
            times = {
                "joined_at_time": kept and kept.joined_at_time,
                "left_at_time": kept and kept.left_at_time,
                "left_reason": kept.left_reason if kept else "",
            }
            check_comings_and_goings(self, {**cleaned, **times}, list(self.items.values()))
        current = (
            Attendance.objects.select_for_update()
            .filter(meeting=self.meeting, person=self.person)
            .values_list("version", flat=True)
            .first()
        )
        if cleaned.get("version") != current:
            raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def save(self):
        """The attendance as saved, or None when absent."""
        cleaned = self.cleaned_data
        attendance = self.attendance
        if cleaned["presence"] == ABSENT:
            if attendance is not None:
                attendance.delete()
            return None
        if attendance is None:
            attendance = Attendance(
                meeting=self.meeting,
                person=self.person,
                post=self.usual.post if self.usual else None,
                capacity=self.usual.capacity if self.usual else "",
                position=self._next_position(),
                version=0,
            )
        attendance.presence = cleaned["presence"]
        attendance.reason = cleaned["reason"]
        attendance.joined_at_item = cleaned["joined_at_item"]
        attendance.left_after_item = cleaned["left_after_item"]
        if attendance.presence != Attendance.Presence.PRESENT:
            # Sent apologies after all: no comings and goings stand (the history keeps them).
            attendance.joined_at_time = attendance.left_at_time = None
            attendance.left_reason = ""
        attendance.version += 1
        try:
            with transaction.atomic():
                attendance.save()
        except IntegrityError:
            # Someone else recorded them a moment ago.
            self.add_error(None, ValidationError(STALE_MESSAGE, code="stale"))
            return None
        return attendance

    def _next_position(self):
        # The usual attendees' order, so that the minutes list them as the series does.
        if self.usual is not None:
            return self.usual.position
        top = self.meeting.attendances.aggregate(top=Max("position"))["top"]
        return 0 if top is None else top + 1


@dataclass
class AttendanceRow:
    person: Person
    capacity: str
    attendance: Attendance | None
    usual: UsualAttendee | None
    form: AttendanceRowForm


def expected_attendance(meeting, attendances, items, *, data=None, only=None):
    """A row for each person expected: the series' usual attendees in its order, then
    everyone else already recorded. ``data`` binds the row of ``only`` (a person's pk)."""
    usual = list(meeting.series.usual_attendees.select_related("person", "post"))
    recorded = {attendance.person_id: attendance for attendance in attendances}
    people = [(u.person, u, recorded.pop(u.person_id, None)) for u in usual]
    people += [(a.person, None, a) for a in attendances if a.person_id in recorded]
    rows = []
    for person, usual_attendee, attendance in people:
        if only is not None and person.pk != only:
            continue
        rows.append(
            AttendanceRow(
                person=person,
                capacity=attendance.capacity if attendance else usual_attendee.capacity,
                attendance=attendance,
                usual=usual_attendee,
                form=AttendanceRowForm(
                    data if person.pk == only else None,
                    meeting=meeting,
                    person=person,
                    attendance=attendance,
                    usual=usual_attendee,
                    items=items,
                ),
            )
        )
    return rows


# A meeting brings forward tens of actions, now and then hundreds: the record page shows this
# many at a time, in agenda order, and says what comes before and after with a link to them,
# so that it costs what the officer is looking at rather than the whole log.
BROUGHT_FORWARD_SHOWN = 40


@dataclass
class HiddenItems:
    """Items brought forward left off the record page, before or after those shown, with
    where the window starts that shows the nearest of them."""

    items: list
    start: int

    @property
    def to_decide(self):
        return sum(1 for item in self.items if not _decided(item))

    @property
    def first_label(self):
        return self.items[0].label

    @property
    def last_label(self):
        return self.items[-1].label

    @property
    def place(self):
        """The 1-based place, among the items brought forward, of the window's first."""
        return self.start + 1


def _decided(item):
    review = getattr(item, "review", None)
    return review is not None and review.decided


@dataclass
class BroughtForwardWindow:
    """Which items brought forward the record page shows: ``shown`` (their pks), from the
    ``start``-th, with those ``before`` and ``after`` left off. ``items`` is every item of the
    meeting in agenda order, parents set, for what needs them all (the attendance's items)."""

    items: list
    shown: set
    start: int
    total: int
    before: HiddenItems | None
    after: HiddenItems | None


def brought_forward_window(meeting, *, start=None, open_pk=None):
    """The window of items brought forward to show: BROUGHT_FORWARD_SHOWN from the
    ``start``-th (0-based), or from the block holding ``open_pk`` when it is one of them."""
    items = [item for item, _, _ in in_agenda_order(list(meeting.items.select_related("review")))]
    brought = [item for item in items if item.kind == ItemKind.BROUGHT_FORWARD]
    size = BROUGHT_FORWARD_SHOWN
    opened = next((n for n, item in enumerate(brought) if str(item.pk) == str(open_pk)), None)
    if opened is not None and not (start is not None and start <= opened < start + size):
        start = opened // size * size
    start = min(max(start or 0, 0), max(len(brought) - 1, 0))
    shown = brought[start : start + size]
    return BroughtForwardWindow(
        items=items,
        shown={item.pk for item in shown},
        start=start,
        total=len(brought),
        before=HiddenItems(brought[:start], max(start - size, 0)) if start else None,
        after=HiddenItems(brought[start + size :], start + size)
        if len(brought) > start + size
        else None,
    )


def mark_hidden_brought_forward(rows, window):
    """Set ``hidden_before`` on the first row brought forward shown and ``hidden_after`` on
    the last: where the record page says what it left off, and links to it."""
    shown = [row for row in rows if row.item.pk in window.shown]
    if shown:
        shown[0].hidden_before = window.before
        shown[-1].hidden_after = window.after


# Past this many undecided among those shown,
# the rest show a line each and open on request, so the record page costs what the officer
# is looking at rather than a form per action of the whole log.
FULL_CARDS = 10


def lazy_brought_forward(rows, open_pk=None):
    """Mark ``row.lazy`` the items brought forward shown as one line: all but the first
    ``FULL_CARDS`` undecided, the item asked for (``open_pk``) and any holding something
    recorded beyond its outcome."""
    brought = [row for row in rows if row.review is not None]
    if len(brought) <= FULL_CARDS:
        return
    full = 0
    for row in brought:
        review = row.review
        holds = row.findings or row.actions or row.decisions or row.assurance
        asked = str(row.item.pk) == str(open_pk)
        if not review.decided and full < FULL_CARDS:
            full += 1
            continue
        row.lazy = not (asked or holds or row.declarations)
        if row.lazy and review.decided:
            row.outcome_line = " ".join(review.outcome_sentences(()))


def item_state(row):
    """What an item holds, in a few words for the navigator: "2 findings, 1 action",
    "outcome to decide"."""
    parts = []
    if row.review is not None:
        parts.append("outcome decided" if row.review.decided else "outcome to decide")
    if row.item.kind != "next_meeting" and not row.has_children:
        findings, actions = len(row.findings), len(row.actions)
        parts.append(f"{findings} finding{'s'[: findings != 1]}")
        parts.append(f"{actions} action{'s'[: actions != 1]}")
    return ", ".join(parts)


def state_now(item):
    """``item_state`` of one item read afresh, after a save in place changed what it holds."""
    row = MinutesRow(
        item,
        depth=0,
        findings=list(item.findings.values_list("pk", flat=True)),
        # As the record page counts them: a withdrawn action is none of these minutes'.
        actions=list(item.actions.exclude(status="withdrawn").values_list("pk", flat=True)),
        has_children=item.children.exists(),
    )
    return item_state(row)


def with_item_saved(response, item, announce=""):
    """An htmx answer that changed ``item``, with what else on the record page shows it
    swapped out of band: its title and state in its heading and the navigator, and
    ``announce`` read out politely (WCAG 4.1.3), so that nothing waits for a reload."""
    fragment = render_to_string(
        "meetings/_item_saved_oob.html",
        {"item": item, "state": state_now(item), "announce": announce},
    )
    response.content += fragment.encode()
    return response


class AddAttendeeForm(AttendanceForm):
    """Someone not expected, added from the record page: who, in what capacity, and whether
    present. When they joined or left is set in their row of the table."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COMINGS_AND_GOINGS:
            del self.fields[name]
