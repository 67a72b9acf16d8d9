import datetime
import uuid

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.html import format_html

from meetings import directory
from meetings.dates import DATE_HINT, DateError, parse_date
from meetings.minutes import in_agenda_order
from meetings.models import (
    AgendaItem,
    AssuranceLevel,
    AssuranceStatement,
    Attendance,
    Decision,
    Finding,
    Meeting,
    MinutesStatus,
    Person,
    Post,
    Submission,
    Theme,
    default_title,
)
from meetings.services import set_chairs
from meetings.text import plain_text

STALE_MESSAGE = (
    "Someone else saved this since you opened it, so your changes were not saved. "
    "What you typed is still below: open the page again in a new tab to see their version, "
    "then apply your changes to it."
)


ALREADY_SAVED = "That was already saved; it has not been saved twice."


class OnceOnlyForm(forms.Form):
    """A form that creates something carries a one-time token, so that posting it twice
    creates it once (see ``first_submission``)."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def repeats_a_submission(self):
        """Whether this form's token was used already: a repeat is then answered as the first
        was, not with the errors the first one's row now causes ("already a meeting")."""
        try:
            token = uuid.UUID(str(self.data.get(self.add_prefix("submission"))))
        except ValueError:
            return False
        return Submission.objects.filter(token=token).exists()


def first_submission(form, user):
    """Claim the form's token: True the first time, False for a repeat of the same form.

    The unique token makes parallel repeats wait for the first and then fail, on PostgreSQL
    as on SQLite, so no repeat creates a second row. A form posted without a token (not
    from our pages) is not deduplicated.
    """
    token = form.cleaned_data.get("submission")
    if token is None:
        return True
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=user if user.is_authenticated else None)
    except IntegrityError:
        return False
    return True


class LengthLimit(MaxLengthValidator):
    """Django's limit on length, in words a minute-taker reads and with the counts grouped."""

    message = "Keep this to %(limit)s characters or fewer (it has %(count)s)."

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit": f"{self.limit_value:,}", "count": f"{len(value):,}"},
            )


class PlainTextField(forms.CharField):
    """Free text as the minutes store it: see ``meetings.text.plain_text``.

    Text pasted from Word brings control characters that no one sees but that break the Word
    minutes and the Excel log, so they go before anything is stored or counted; line breaks
    stay, except in a one-line input, where they become spaces as a browser shows them.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            LengthLimit(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_text(value)
            if not isinstance(self.widget, forms.Textarea):
                value = value.replace("\n", " ")
        return super().to_python(value)


def plain_text_formfield(model_field, **kwargs):
    """A ModelForm's ``Meta.formfield_callback``: the model's text fields as PlainTextField."""
    if type(model_field) in (models.CharField, models.TextField) and not model_field.choices:
        kwargs.setdefault("form_class", PlainTextField)
    if type(model_field) is models.DateField:
        kwargs.setdefault("form_class", BritishDateField)
        kwargs.setdefault("widget", DateInput)
    return model_field.formfield(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """Refuses a save made from a stale copy, so that the earlier save is never silently lost.

    Forms carry the version they were opened at; the row is locked while it is compared.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The version travels with the form; a missing one is stale, never a database error.
        self.fields["version"].widget = forms.HiddenInput()
        self.fields["version"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("version") != current:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def save(self, commit=True):
        # A new row starts at 1 whatever the form carried.
        self.instance.version = self.cleaned_data["version"] + 1 if self.instance.pk else 1
        return super().save(commit)


# Police and Crime Commissioners date from November 2012, so nothing this office minutes,
# updates or makes due comes earlier: 2000 leaves room for a predecessor police authority's
# records and refuses a year mistyped as 0017 or 1017. A date after 2099 is a typing mistake
# too, and 31 December 9999 (or 1 January of year 1) leaves no room for the sums done with
# dates (the day after an all-day meeting in the calendar feed): a 500, not an error.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def validate_plausible_date(value):
    if value < EARLIEST_DATE:
        raise ValidationError("Enter a date from 2000 onwards.", code="min_value")
    if value > LATEST_DATE:
        raise ValidationError("Enter a date before 2100.", code="max_value")


class CrispyMixin:
    """Forms render with crispy-forms; the template supplies the <form> and the buttons."""

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        return helper


class DateInput(forms.TextInput):
    """A date typed as text and shown as "15 January 2018" (see ``meetings.dates``).

    Not a browser date picker: it shows the browser's locale's order, which silently turns a
    British "15012018" typed in an American-English browser into 1 December 2018, and its
    value cannot be read back the British way.
    """

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return date_format(value, "j F Y")
        return super().format_value(value)


class BritishDateField(forms.DateField):
    """A date read strictly the British way: see ``meetings.dates.parse_date``."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = DATE_HINT
        elif DATE_HINT not in str(self.help_text):
            self.help_text = f"{self.help_text} {DATE_HINT}"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(value)
        except DateError as error:
            raise ValidationError(str(error), code="invalid") from None


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


CHAIR_FIELDS = ("chair_1", "chair_2", "chair_3")
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


class DuplicateWarningMixin:
    """Warns of a likely duplicate person, and lets the officer go ahead once they say this
    is a different person. The tick box shows only with a warning."""

    def add_duplicate_field(self):
        self.duplicates = []
        self.fields["different_person"] = forms.BooleanField(
            required=False, label="This is a different person", widget=forms.HiddenInput
        )

    def check_duplicates(self, name, initials, exclude=None):
        self.duplicates = directory.likely_duplicates(name, initials, exclude)
        if not self.duplicates:
            return
        self.fields["different_person"].widget = forms.CheckboxInput()
        if not self.cleaned_data.get("different_person"):
            self.add_error(
                "different_person",
                ValidationError(
                    directory.duplicates_message(self.duplicates), code="likely_duplicate"
                ),
            )


def agenda_choices(items):
    """(pk, "Item 5a/1") for each item in agenda order, named so that no two read the same:
    numbers repeat under a parent (questions 1 to 5 under 5a), so those carry its number."""
    return [(item.pk, f"Item {item.label}") for item, _depth, _ in in_agenda_order(list(items))]


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
            "left_after_item",
            "version",
        ]
        help_texts = {"capacity": "Leave empty to use the post's title."}

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
        choices = [("", "---------"), *agenda_choices(items)]
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
        if cleaned.get("presence") == Attendance.Presence.APOLOGIES and (
            cleaned.get("joined_at_item") or cleaned.get("left_after_item")
        ):
            self.add_error(
                "left_after_item",
                ValidationError(
                    "Someone who sent apologies cannot join or leave the meeting.", code="absent"
                ),
            )
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


class AgendaItemForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
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
            "version",
        ]
        labels = {"nil_return": "Nothing to record", "theme": "Police and Crime Plan theme"}

    def __init__(self, *args, meeting, parent=None, **kwargs):
        self.meeting, self.parent = meeting, parent
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        siblings = AgendaItem.objects.filter(meeting=self.meeting, parent=self.parent)
        if siblings.filter(number=number).exclude(pk=self.instance.pk).exists():
            where = f"under item {self.parent.number}" if self.parent else "at the top level"
            raise ValidationError(
                f"There is already an item {number} {where} of this meeting.", code="duplicate"
            )
        return number

    def clean_nil_return(self):
        nil_return = self.cleaned_data["nil_return"]
        if nil_return and self.instance.pk and self.instance.actions.exists():
            raise ValidationError(
                "This item has actions arising, so it cannot also say there were none.",
                code="has_actions",
            )
        return nil_return

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


class AssuranceForm(CrispyMixin, VersionedModelForm):
    """An item's assurance statement, as the officer minutes it."""

    level = forms.ChoiceField(
        label="Assurance",
        choices=AssuranceLevel.choices,
        error_messages={"required": "Choose how assured the Commissioner was."},
    )
    narrative = PlainTextField(
        label="Because",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = AssuranceStatement
        formfield_callback = plain_text_formfield
        fields = ["level", "narrative", "version"]


class DecisionForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    """A decision minuted at an item, and who made it: a person, or the chair."""

    text = PlainTextField(
        label="Decision",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write what was decided."},
    )
    decided_by = forms.ModelChoiceField(
        label="Decided by",
        queryset=Person.objects.current(),
        required=False,
        empty_label="The chair",
        error_messages={"invalid_choice": "Choose someone from the list, or the chair."},
    )

    class Meta:
        model = Decision
        formfield_callback = plain_text_formfield
        fields = ["text", "decided_by", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].label_from_instance = lambda person: person.label
        # A decision minuted by someone since retired keeps them on its edit form.
        if self.instance.decided_by_id:
            self.fields["decided_by"].queryset = Person.objects.filter(
                Q(retired_on__isnull=True) | Q(pk=self.instance.decided_by_id)
            )

    def save(self, commit=True):
        self.instance.by_chair = self.cleaned_data["decided_by"] is None
        return super().save(commit)


class WithdrawDecisionForm(CrispyMixin, forms.Form):
    reason = PlainTextField(
        label="Why is it withdrawn?",
        max_length=300,
        error_messages={"required": "Say why the decision is withdrawn."},
        help_text="For example: minuted in error; the meeting decided nothing here.",
    )
