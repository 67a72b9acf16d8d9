from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.html import format_html

from core.forms import (
    CrispyMixin,
    DateInput,
    OnceOnlyForm,
    PlainTextField,
    TimeInput,
    VersionedModelForm,
    plain_text_formfield,
    validate_plausible_date,
)
from meetings.minutes import in_agenda_order
from meetings.models import (
    AgendaItem,
    Attendance,
    Declaration,
    Finding,
    HeldAs,
    ItemKind,
    Meeting,
    MinutesStatus,
    default_title,
)
from meetings.services import set_chairs
from people import directory
from people.forms.directory import DuplicateWarningMixin
from people.models import Person, Post

CHAIR_FIELDS = ("chair_1", "chair_2", "chair_3")
COMINGS_AND_GOINGS = (
    "joined_at_item",
    "joined_at_time",
    "left_after_item",
    "left_at_time",
    "left_reason",
)
CHAIR_LABELS = ("Chair", "Co-chair", "Another co-chair")


class ChairFieldsMixin:
    """The chair and co-chairs as one select each, so that the order chosen is the order
    the minutes name them in ("Co-chairs: A and B")."""

    def add_chair_fields(self, chairs):
        # Retired people are not offered, unless already a chair here.
        people = Person.objects.filter(
            Q(retired_on__isnull=True) | Q(pk__in=[chair.pk for chair in chairs])
        )
        for index, (name, label) in enumerate(zip(CHAIR_FIELDS, CHAIR_LABELS, strict=True)):
            self.fields[name] = forms.ModelChoiceField(
                queryset=people,
                required=False,
                label=label,
                initial=chairs[index].pk if index < len(chairs) else None,
                help_text="Leave empty when there is no co-chair." if index == 1 else "",
            )

    def clean_chairs(self, cleaned):
        chairs = []
        for name in CHAIR_FIELDS:
            person = cleaned.get(name)
            if person is None:
                continue
            if person in chairs:
                self.add_error(
                    name,
                    ValidationError(f"{person} is already named as a chair.", code="duplicate"),
                )
            else:
                chairs.append(person)
        cleaned["chairs"] = chairs
        return chairs


class AttendancePlan(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Not attending"


class MeetingForm(ChairFieldsMixin, CrispyMixin, OnceOnlyForm, VersionedModelForm):
    class Meta:
        error_messages = {
            "date": {"required": "Enter the date of the meeting."},
            "title": {"required": "Enter the meeting's title."},
            "held_as": {"required": "Choose how the meeting was held."},
        }
        model = Meeting
        formfield_callback = plain_text_formfield
        fields = [
            "date",
            "title",
            "start_time",
            "venue",
            "minute_taker",
            "minute_taker_capacity",
            "next_meeting_date",
            "next_meeting_time",
            "held_as",
            "held_note",
            "version",
        ]
        widgets = {
            "date": DateInput,
            "start_time": TimeInput,
            "next_meeting_date": DateInput,
            "next_meeting_time": TimeInput,
        }

    def __init__(self, *args, series, chairs=(), usual_attendees=(), **kwargs):
        self.series = series
        super().__init__(*args, **kwargs)
        for name in ("date", "next_meeting_date"):
            self.fields[name].validators.append(validate_plausible_date)
        # Most meetings are held as meetings: a form that does not say is one of them.
        self.fields["held_as"].required = False
        # Left empty, the title follows the rule every meeting of a series follows.
        self.fields["title"].required = False
        # Help texts are shown as HTML: the series' name is escaped, and no "<...>" is used.
        self.fields["title"].help_text = format_html(
            "It tells this meeting apart from every other. Leave it empty for “{}” with the "
            "month and year after it, and the day as well when the series meets twice that "
            "month.",
            series.name,
        )
        self.add_chair_fields(list(chairs) or self.instance.ordered_chairs())
        self.usual_attendees = list(usual_attendees)
        for attendee in self.usual_attendees:
            self.fields[f"attendee_{attendee.pk}"] = forms.ChoiceField(
                label=f"{attendee.person.name}, {attendee.capacity}",
                choices=AttendancePlan.choices,
                initial=AttendancePlan.PRESENT,
                widget=forms.RadioSelect,
            )
            self.fields[f"attendee_{attendee.pk}_reason"] = PlainTextField(
                label=f"Reason for {attendee.person.name}'s apologies",
                max_length=200,
                required=False,
            )
        order = ["date", "title", "start_time", "venue", *CHAIR_FIELDS]
        self.order_fields(order + [name for name in self.fields if name not in order])

    @property
    def attendee_fields(self):
        return [name for name in self.fields if name.startswith("attendee_")]

    @property
    def helper(self):
        helper = super().helper
        if self.usual_attendees:
            rows = []
            for attendee in self.usual_attendees:
                rows += [InlineRadios(f"attendee_{attendee.pk}"), f"attendee_{attendee.pk}_reason"]
            helper.layout = Layout(
                *(name for name in self.fields if not name.startswith("attendee_")),
                Fieldset("Usual attendees: present unless you say otherwise", *rows),
            )
        return helper

    def clean_date(self):
        date = self.cleaned_data["date"]
        clash = Meeting.objects.filter(series=self.series, date=date).exclude(pk=self.instance.pk)
        if clash.exists():
            raise self.duplicate_error(date)
        return date

    def clean_held_as(self):
        return self.cleaned_data["held_as"] or HeldAs.MEETING

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if title and Meeting.objects.filter(title=title).exclude(pk=self.instance.pk).exists():
            raise self.title_error(title)
        return title

    def duplicate_error(self, date):
        return ValidationError(
            f"There is already a {self.series.name} on {date:%-d %B %Y}.", code="duplicate"
        )

    def title_error(self, title):
        return ValidationError(
            f"There is already a meeting called “{title}”: give this one a title that tells "
            "it apart, for example with the day of the month.",
            code="duplicate_title",
        )

    def clean(self):
        cleaned = super().clean()
        date, next_date = cleaned.get("date"), cleaned.get("next_meeting_date")
        if date and next_date and next_date <= date:
            self.add_error(
                "next_meeting_date",
                ValidationError(
                    "The next meeting must come after this one.", code="next_before_this"
                ),
            )
        if date and "title" in cleaned and not cleaned["title"]:
            cleaned["title"] = default_title(self.series, date, exclude=self.instance.pk)
        if cleaned.get("held_note") and cleaned.get("held_as") == HeldAs.MEETING:
            self.add_error(
                "held_note",
                ValidationError(
                    "This says how a meeting not held as an ordinary one was held: choose how "
                    "it was held, or clear it.",
                    code="note_without_held_as",
                ),
            )
        self.clean_chairs(cleaned)
        for attendee in self.usual_attendees:
            plan = cleaned.get(f"attendee_{attendee.pk}")
            if cleaned.get(f"attendee_{attendee.pk}_reason") and plan != AttendancePlan.APOLOGIES:
                self.add_error(
                    f"attendee_{attendee.pk}_reason",
                    ValidationError(
                        "A reason goes with apologies only: choose Apologies, or clear it.",
                        code="reason_without_apologies",
                    ),
                )
        return cleaned

    def meeting_details(self):
        """The meeting's own fields, as the service that opens it takes them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "version"}

    def planned_attendances(self):
        """(usual attendee, presence, reason) for each usual attendee expected, in order."""
        return [
            (
                attendee,
                self.cleaned_data[f"attendee_{attendee.pk}"],
                self.cleaned_data.get(f"attendee_{attendee.pk}_reason", ""),
            )
            for attendee in self.usual_attendees
            if self.cleaned_data[f"attendee_{attendee.pk}"] != AttendancePlan.ABSENT
        ]

    def save(self, commit=True):
        meeting = super().save(commit)
        if commit:
            set_chairs(meeting, self.cleaned_data["chairs"])
        return meeting


def agenda_choices(items):
    """(pk, "Item 5a/1") for each item in agenda order, named so that no two read the same:
    numbers repeat under a parent (questions 1 to 5 under 5a), so those carry its number."""
    return [(item.pk, f"Item {item.label}") for item, _depth, _ in in_agenda_order(list(items))]


def check_comings_and_goings(form, cleaned, items):
    """Joining and leaving as minuted must make sense together: nobody leaves before they
    join, by the agenda or by the clock, and a reason for leaving needs a leaving.
    ``items``: the meeting's items in agenda order."""
    order = {item.pk: index for index, item in enumerate(items)}

    def refuse(name, message, code):
        # The record page's row holds the items only: its errors go beside "left after".
        form.add_error(
            name if name in form.fields else "left_after_item",
            ValidationError(message, code=code),
        )

    joined, left = cleaned.get("joined_at_item"), cleaned.get("left_after_item")
    if joined and left and order.get(joined.pk, 0) > order.get(left.pk, 0):
        refuse(
            "left_after_item",
            f"Leaving after item {left.label} comes before joining at item {joined.label} "
            "on the agenda: check the items.",
            "left_before_joining",
        )
    joined_time, left_time = cleaned.get("joined_at_time"), cleaned.get("left_at_time")
    if joined_time and left_time and joined_time >= left_time:
        refuse(
            "left_at_time",
            f"Leaving at {left_time:%H:%M} is not after joining at {joined_time:%H:%M}: "
            "check the times.",
            "left_before_joining",
        )
    if cleaned.get("left_reason") and not (left or left_time) and "left_at_time" not in form.errors:
        refuse(
            "left_reason",
            f'They are minuted as leaving "{cleaned["left_reason"]}": say after which item or '
            "at what time they left, or clear the reason.",
            "reason_without_leaving",
        )


class AttendanceForm(DuplicateWarningMixin, CrispyMixin, OnceOnlyForm, VersionedModelForm):
    new_person_name = PlainTextField(
        max_length=120,
        required=False,
        label="Or add a new person: name",
        help_text="Leave empty when you chose a person above.",
    )
    new_person_initials = PlainTextField(max_length=8, required=False, label="Initials")
    new_person_organisation = forms.ChoiceField(
        choices=Person._meta.get_field("organisation").choices,
        required=False,
        label="Organisation",
    )

    class Meta:
        error_messages = {
            "person": {"required": "Choose who attended."},
            "capacity": {"required": "Enter the capacity they attended in."},
            "presence": {"required": "Choose whether they were present or sent apologies."},
        }
        model = Attendance
        formfield_callback = plain_text_formfield
        fields = [
            "person",
            "new_person_name",
            "new_person_initials",
            "new_person_organisation",
            "post",
            "capacity",
            "presence",
            "reason",
            "joined_at_item",
            "joined_at_time",
            "left_after_item",
            "left_at_time",
            "left_reason",
            "version",
        ]
        help_texts = {"capacity": "Leave empty to use the post's title."}
        widgets = {"joined_at_time": TimeInput, "left_at_time": TimeInput}

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        self.fields["person"].required = False
        self.fields["capacity"].required = False
        # Retired people and posts are not offered, but one already recorded stays.
        self.fields["person"].queryset = Person.objects.filter(
            Q(retired_on__isnull=True) | Q(pk=self.instance.person_id)
        )
        self.fields["post"].queryset = Post.objects.filter(
            Q(retired_on__isnull=True) | Q(pk=self.instance.post_id)
        )
        self.add_duplicate_field()
        items = AgendaItem.objects.filter(meeting=meeting)
        self.items_in_order = [item for item, _depth, _ in in_agenda_order(list(items))]
        choices = [("", "---------")] + [
            (item.pk, f"Item {item.label}") for item in self.items_in_order
        ]
        for name in ("joined_at_item", "left_after_item"):
            self.fields[name].queryset = items
            self.fields[name].choices = choices

    def clean_new_person_initials(self):
        initials = self.cleaned_data["new_person_initials"].strip()
        holder = directory.initials_taken_by(initials) if initials else None
        if holder is not None:
            raise ValidationError(
                directory.initials_clash_message(initials, holder)
                + " Choose them from the list above, or use different initials.",
                code="duplicate_initials",
            )
        return initials

    def clean(self):
        cleaned = super().clean()
        person, name = cleaned.get("person"), cleaned.get("new_person_name", "").strip()
        if person and name:
            self.add_error(
                "new_person_name",
                ValidationError("Choose a person or add a new one, not both.", code="both"),
            )
        elif not person and not name and "person" not in self.errors:
            self.add_error(
                "person", ValidationError("Choose who attended, or add a new person.", code="who")
            )
        elif name and not cleaned.get("new_person_initials"):
            if "new_person_initials" not in self.errors:
                self.add_error(
                    "new_person_initials",
                    ValidationError("Give the new person's initials.", code="required"),
                )
        elif name:
            self.check_duplicates(name, cleaned["new_person_initials"])
        if person:
            clash = Attendance.objects.filter(meeting=self.meeting, person=person).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "person",
                    ValidationError(
                        f"{person} is already in the attendance for this meeting.",
                        code="duplicate",
                    ),
                )
        post = cleaned.get("post")
        if person and not post and "post" not in self.errors:
            # Most attend in the post they hold: the DCC as DCC.
            post = cleaned["post"] = person.posts_held.first()
        if not cleaned.get("capacity"):
            if post:
                cleaned["capacity"] = post.capacity
            else:
                self.add_error(
                    "capacity",
                    ValidationError("Give the capacity they attended in, or a post.", code="req"),
                )
        if cleaned.get("presence") == Attendance.Presence.APOLOGIES and any(
            cleaned.get(name) for name in COMINGS_AND_GOINGS
        ):
            self.add_error(
                "left_after_item",
                ValidationError(
                    "Someone who sent apologies cannot join or leave the meeting.", code="absent"
                ),
            )
        else:
            check_comings_and_goings(self, cleaned, self.items_in_order)
        return cleaned

    def save(self, commit=True):
        if not self.instance.person_id or not self.cleaned_data.get("person"):
            name = self.cleaned_data.get("new_person_name", "").strip()
            if name:
                self.instance.person = Person.objects.create(
                    name=" ".join(name.split()),
                    initials=self.cleaned_data["new_person_initials"],
                    organisation=self.cleaned_data["new_person_organisation"] or "force",
                )
        self.instance.capacity = self.cleaned_data["capacity"]
        self.instance.meeting = self.meeting
        return super().save(commit)


class NilReturnRule:
    """An item that says nothing arose cannot also hold actions arising: the Edit item page
    and the record page's in-place form keep the same rule."""

    def clean_nil_return(self):
        nil_return = self.cleaned_data["nil_return"]
        if nil_return and self.instance.pk and self.instance.actions.exists():
            raise ValidationError(
                "This item has actions arising, so it cannot also say there were none.",
                code="has_actions",
            )
        return nil_return


class ItemHeadForm(NilReturnRule, VersionedModelForm):
    """The heading and the "nothing to record" of an item, changed in place on the record
    page during the meeting rather than on the ten fields of its Edit item page."""

    class Meta:
        error_messages = {
            "heading": {"required": "Enter the item's heading."},
        }
        model = AgendaItem
        formfield_callback = plain_text_formfield
        fields = ["heading", "nil_return", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        # Every item of the record page has one: the ids are the item's own.
        self.auto_id = f"item-{item.pk}-head-%s"
        self.fields["heading"].label = f"Heading of item {item.label}"
        self.fields["nil_return"].label = f"Nothing to record at item {item.label}"
        self.fields["heading"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["nil_return"].widget.attrs["class"] = "form-select form-select-sm"

    def full_clean(self):
        super().full_clean()
        # Errors are read out with the control they belong to, and htmx puts the focus on
        # the first of them when it swaps the form back in.
        in_error = [name for name in self.fields if name in self.errors]
        for name in in_error:
            self.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"}
            )
        if in_error:
            self.fields[in_error[0]].widget.attrs["autofocus"] = True


class AgendaItemForm(NilReturnRule, CrispyMixin, OnceOnlyForm, VersionedModelForm):
    # A page of A4 holds some 4,000 characters: no background or question put to the force
    # runs to five, and a limit keeps a paste of a whole report (megabytes) off every page.
    background = PlainTextField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=AgendaItem._meta.get_field("background").help_text,
    )
    question = PlainTextField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=AgendaItem._meta.get_field("question").help_text,
    )

    class Meta:
        error_messages = {
            "number": {"required": "Enter the item's number."},
            "heading": {"required": "Enter the item's heading."},
        }
        model = AgendaItem
        formfield_callback = plain_text_formfield
        fields = [
            "number",
            "heading",
            "theme",
            "background",
            "question",
            "label_findings",
            "nil_return",
            "action_column_note",
            "restricted",
            "restriction_reason",
            "taken_after",
            "presented_by",
            "version",
        ]
        labels = {
            "nil_return": "Nothing to record",
            "theme": "Police and Crime Plan theme",
            "taken_after": "Taken out of order, after item",
        }

    def __init__(self, *args, meeting, parent=None, **kwargs):
        self.meeting, self.parent = meeting, parent
        super().__init__(*args, **kwargs)
        others = (
            AgendaItem.objects.filter(meeting=meeting)
            .select_related("theme")
            .order_by("position", "pk")
        )
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["taken_after"].queryset = others
        self.fields["taken_after"].empty_label = "Not taken out of order"
        # "AOB:", not "AOB AOB:" for the item numbered AOB (issue 26).
        self.fields["taken_after"].label_from_instance = lambda item: item.numbered_title
        if not self.instance.pk:
            # Where the new item goes: by default before the date of the next meeting, which
            # closes the agenda, rather than after it.
            siblings = list(
                AgendaItem.objects.filter(meeting=meeting, parent=parent)
                .select_related("theme")
                .order_by("position", "pk")
            )
            self.siblings = {str(each.pk): each for each in siblings}
            closing = next((e for e in siblings if e.kind == ItemKind.NEXT_MEETING), None)
            self.fields["place"] = forms.ChoiceField(
                label="Place on the agenda",
                choices=[("", "At the end")]
                + [(str(each.pk), f"Before item {each.numbered_title}") for each in siblings],
                initial=str(closing.pk) if closing else "",
                required=False,
            )
            self.order_fields(["number", "place"])

    def clean_place(self):
        return self.siblings.get(self.cleaned_data.get("place") or "")

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        siblings = AgendaItem.objects.filter(meeting=self.meeting, parent=self.parent)
        if siblings.filter(number=number).exclude(pk=self.instance.pk).exists():
            where = f"under item {self.parent.number}" if self.parent else "at the top level"
            raise ValidationError(
                f"There is already an item {number} {where} of this meeting.", code="duplicate"
            )
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("restricted") and not cleaned.get("restriction_reason", "").strip():
            self.add_error(
                "restriction_reason",
                ValidationError(
                    "Say why the item is withheld: the published minutes show the reason.",
                    code="reason_required",
                ),
            )
        # The review of an action raised under a restricted item quotes restricted text.
        review = getattr(self.instance, "review", None) if self.instance.pk else None
        origin = review.action.item.withheld_reason if review else ""
        if origin and not cleaned.get("restricted"):
            self.add_error(
                "restricted",
                ValidationError(
                    f"Action {review.action.reference} was raised under a restricted item "
                    f"({origin}), so its review stays restricted.",
                    code="restricted_origin",
                ),
            )
        return cleaned

    def save(self, commit=True):
        self.instance.meeting = self.meeting
        self.instance.parent = self.parent
        return super().save(commit)


class FindingForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    text = PlainTextField(
        label="Finding",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the finding before adding it."},
    )

    class Meta:
        model = Finding
        formfield_callback = plain_text_formfield
        fields = ["text", "version"]


class ReopenMinutesForm(CrispyMixin, forms.Form):
    reason = PlainTextField(
        label="Why are the agreed minutes being reopened?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the agreed minutes are being reopened."},
    )


class AgreeMinutesForm(CrispyMixin, forms.Form):
    """The chair's decision on a set of minutes, at the meeting that considered them."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (MinutesStatus.AGREED, "Agreed as a correct record"),
            (MinutesStatus.NOT_AGREED, "Not agreed: to be amended and recirculated"),
        ],
        initial=MinutesStatus.AGREED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the minutes were agreed."},
    )
    at_meeting = forms.ModelChoiceField(
        label="At the meeting of",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting (agreed by correspondence)",
    )
    reason = PlainTextField(
        label="What must be amended",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the minutes are not agreed.",
    )
    confirm = forms.BooleanField(
        label="I have read what is missing above and the minutes are agreed as they stand",
        required=False,
    )

    def __init__(self, *args, meeting, problems, **kwargs):
        self.problems = problems
        super().__init__(*args, **kwargs)
        later = Meeting.objects.filter(series=meeting.series, date__gt=meeting.date).order_by(
            "date"
        )
        self.fields["at_meeting"].queryset = later
        self.fields["at_meeting"].label_from_instance = lambda m: date_format(m.date, "j F Y")
        self.fields["at_meeting"].initial = later.first()
        if meeting.status == MinutesStatus.NOT_AGREED:
            self.fields["decision"].choices = self.fields["decision"].choices[:1]
        if not problems:
            del self.fields["confirm"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        # A reason refused as too long already has its message beside it.
        reason_given = cleaned.get("reason") or "reason" in self.errors
        if decision == MinutesStatus.NOT_AGREED and not reason_given:
            self.add_error(
                "reason",
                ValidationError("Say what must be amended.", code="required"),
            )
        if decision == MinutesStatus.AGREED and self.problems and not cleaned.get("confirm"):
            self.add_error(
                "confirm",
                ValidationError(
                    "Tick to agree the minutes although something is missing, or record it first.",
                    code="confirm_required",
                ),
            )
        return cleaned


class DeclarationForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    """An interest declared at an item: the people at the meeting are offered first."""

    interest = PlainTextField(
        max_length=500,
        label="The interest, as declared",
        help_text=Declaration._meta.get_field("interest").help_text,
        error_messages={"required": "Say what interest was declared."},
    )

    class Meta:
        error_messages = {
            "person": {"required": "Choose who declared the interest."},
            "part": {"required": "Choose what they did during the item."},
        }
        model = Declaration
        formfield_callback = plain_text_formfield
        fields = ["person", "interest", "part", "version"]
        labels = {"person": "Who declared it"}
        widgets = {"part": forms.RadioSelect}

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        present = item.meeting.attendances.filter(presence=Attendance.Presence.PRESENT)
        people = Person.objects.filter(
            Q(pk__in=present.values("person")) | Q(retired_on__isnull=True)
        ).distinct()
        self.fields["person"].queryset = people
        # Those present first, then everyone else, each in name order.
        attending = set(present.values_list("person_id", flat=True))
        ordered = sorted(people, key=lambda person: (person.pk not in attending, person.name))
        self.fields["person"].choices = [("", "---------")] + [
            (person.pk, person.name) for person in ordered
        ]
