import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import Action, ActionReview, DueKind, Status
from actions.services import correction_reason_required, reference_taken
from core.dates import MONTH_HINT, DateError, parse_month
from core.forms import (
    BritishDateField,
    CheckboxesUnlessNone,
    CrispyMixin,
    DateInput,
    FilteredCheckboxSelectMultiple,
    ModelMultipleChoiceField,
    OnceOnlyForm,
    PlainTextField,
    RevealRadioSelect,
    VersionedModelForm,
    plain_text_formfield,
    validate_plausible_date,
)
from meetings.models import Meeting, MeetingSeries, ReferenceScheme
from people.models import Body, Person, Post


class NotInFutureDateField(BritishDateField):
    """A date something happened: today by default, never later."""

    widget = DateInput
    default_validators = [validate_plausible_date]

    def __init__(self, *, what, **kwargs):
        self.what = what
        super().__init__(**kwargs)
        self.initial = timezone.localdate

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                f"The date of {self.what} cannot be in the future.", code="future_date"
            )


# An update or a completion note is a few paragraphs, and every row of the action log shows
# the latest: 10,000 characters (some 1,500 words, three pages) is far beyond any, and keeps a
# pasted report off every page that lists the action.
NOTE_LIMIT = 10_000
# A reason is a sentence or two.
REASON_LIMIT = 2000


class UpdateFields(forms.Form):
    on_date = NotInFutureDateField(
        label="Date of the update",
        what="an update",
        help_text="Today unless the update was given earlier.",
        error_messages={"required": "Enter the date of the update."},
    )
    text = PlainTextField(
        label="Progress update",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the progress update."},
    )


class OwnIdsMixin:
    """The forms of an action's page each name their inputs' ids after themselves: two forms
    with a date field would otherwise both give it the id ``id_on_date``, and the second
    label would point at the first form's input (issue 26). The field names, which the
    views read, stay as they are."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class UpdateForm(OwnIdsMixin, OnceOnlyForm, UpdateFields):
    id_prefix = "update"


class LinkUpdateForm(UpdateFields):
    """An owner's report through an emailed link: an update, and whether the action is done."""

    complete = forms.BooleanField(
        label="This action is complete",
        required=False,
        help_text="The Commissioner or the OPCC then agrees its closure.",
    )


class CompleteForm(OwnIdsMixin, forms.Form):
    id_prefix = "complete"
    on_date = NotInFutureDateField(
        label="Date completed",
        what="completion",
        help_text="Today unless it was done earlier.",
        error_messages={"required": "Enter the date the action was completed."},
    )
    note = PlainTextField(
        label="Completion note",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done. The Commissioner or the OPCC agrees closure.",
        error_messages={"required": "Say what was done to complete the action."},
    )


class ReopenForm(OwnIdsMixin, forms.Form):
    id_prefix = "reopen"
    reason = PlainTextField(
        label="Reason for reopening",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the action is being reopened."},
    )


class ReviewForm(forms.Form):
    """Agree closure of, or reopen, the actions ticked on the dashboard."""

    CLOSE = "close"
    REOPEN = "reopen"

    actions = ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Actions marked complete",
        error_messages={"required": "Tick at least one action."},
    )
    decision = forms.ChoiceField(
        choices=[(CLOSE, "Agree closure"), (REOPEN, "Reopen")], widget=forms.HiddenInput
    )
    reason = PlainTextField(
        label="Reason for reopening",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only to reopen.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(status=Status.AWAITING_CLOSURE)

    def clean(self):
        cleaned = super().clean()
        # A reason refused as too long already has its message beside it.
        reason_given = cleaned.get("reason") or "reason" in self.errors
        if cleaned.get("decision") == self.REOPEN and not reason_given:
            self.add_error(
                "reason",
                forms.ValidationError("Say why the actions are being reopened.", code="required"),
            )
        return cleaned


class MonthInput(forms.TextInput):
    """A month typed as text and shown as "January 2018": not <input type="month">, which
    Firefox and Safari show as a plain text box expecting "2018-01"."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return date_format(value, "F Y")
        return super().format_value(value)


class MonthField(forms.DateField):
    """A month, read strictly (``core.dates.parse_month``); its value is the first day."""

    widget = MonthInput
    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.help_text = f"{self.help_text} {MONTH_HINT}".strip()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        try:
            return parse_month(value)
        except DateError as error:
            raise ValidationError(str(error), code="invalid") from None


def _body_label(body):
    return f"{body.name} ({body.label})"


def bodies_offered(action=None):
    """The bodies in use, and a retired one the action already has."""
    current = action.owner_bodies.values("pk") if action is not None and action.pk else []
    return Body.objects.filter(Q(retired=False) | Q(pk__in=current))


def posts_offered(action=None):
    """Posts not retired, and a retired one the action already has."""
    current = action.owner_posts.values("pk") if action is not None and action.pk else []
    return Post.objects.filter(Q(retired_on__isnull=True) | Q(pk__in=current))


def people_offered(action=None):
    """People not retired (nor merged away), and one the action already has."""
    current = action.owner_people.values("pk") if action is not None and action.pk else []
    return Person.objects.filter(Q(retired_on__isnull=True) | Q(pk__in=current)).for_owner_lists()


def _due_initial(action, prefix="", source=""):
    """The due fields' initial values from the action's current due, or from another set of
    its due fields (``source="raised_"``: the due as minuted)."""
    kind = getattr(action, f"{source}due_kind")
    return {
        f"{prefix}due_kind": kind,
        f"{prefix}due_date": getattr(action, f"{source}due_date"),
        f"{prefix}due_meeting": getattr(action, f"{source}due_meeting"),
        f"{prefix}due_series": getattr(action, f"{source}due_series"),
        f"{prefix}due_at": getattr(action, f"{source}due_at") if kind == DueKind.MEETING else None,
        f"{prefix}due_wording": getattr(action, f"{source}due_wording"),
    }


# The fields each kind of due reads (``actions.services``): a form shows only the chosen
# kind's. The wording as minuted goes with every kind that has one.
KIND_PARTS = {
    DueKind.NONE: (),
    DueKind.DATE: ("date", "wording"),
    DueKind.MONTH: ("month", "series", "wording"),
    DueKind.MEETING: ("series", "at", "wording"),
    DueKind.OPEN: ("wording",),
}


def due_form_fields(prefix="", labels=None):
    """The fields of a due as minutes give it: its kind, and the fields of each kind."""
    labels = labels or {}
    kind = forms.ChoiceField(
        label=labels.get("kind", "Due"),
        choices=[
            (DueKind.NONE, "Not set"),
            (DueKind.DATE, "By a date"),
            (DueKind.MONTH, "At the meeting in a month (“by March”, “November’s HTA”)"),
            (DueKind.MEETING, "At a meeting (“the next Joint Audit Committee”)"),
            (DueKind.OPEN, "Open-ended (“until all cases have been closed”)"),
        ],
        required=False,
        widget=RevealRadioSelect(
            own_name=f"{prefix}due_kind",
            reveals={
                kind: [f"{prefix}{DUE_PARTS[part]}" for part in parts]
                for kind, parts in KIND_PARTS.items()
            },
        ),
        help_text="Then fill in the fields of that kind below.",
    )
    date = BritishDateField(
        label=labels.get("date", "Due by"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
        help_text="For a due by a date.",
    )
    month = MonthField(
        label=labels.get("month", "Due at the meeting in"),
        required=False,
        help_text="For a due at a meeting: the month of the meeting it must come back to.",
    )
    series = forms.ModelChoiceField(
        queryset=MeetingSeries.objects.all(),
        label="Of the series",
        required=False,
        empty_label="The series of this meeting",
        help_text="For a due at a meeting or a month: the series of that meeting. A due at a "
        "meeting without a particular meeting is the next meeting of the series.",
    )
    at = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="At the particular meeting",
        required=False,
        empty_label="The next meeting of the series",
        help_text="For a due at a meeting that has already been arranged.",
    )
    at.label_from_instance = lambda due_meeting: (
        f"{due_meeting.title} ({date_format(due_meeting.date, 'j F Y')})"
    )
    wording = PlainTextField(
        label=labels.get("wording", "Due as minuted"),
        required=False,
        max_length=200,
        help_text='As minuted, for example "By end January 2018" or "when the report is '
        'published". Needed for an open-ended due.',
    )
    return {
        f"{prefix}due_kind": kind,
        f"{prefix}due_date": date,
        f"{prefix}due_meeting": month,
        f"{prefix}due_series": series,
        f"{prefix}due_at": at,
        f"{prefix}due_wording": wording,
    }


def clean_due(form, cleaned, meeting, prefix="", later_than_meeting=True):
    """Each kind of due with the fields it needs, each error beside its field.

    ``later_than_meeting``: the due must be after the meeting (a carried-forward due), not
    merely on or after it (a new action may be due the day it is raised).
    """
    names = {part: f"{prefix}{field}" for part, field in DUE_PARTS.items()}
    kind = cleaned.get(names["kind"]) or ""
    due_date, month = cleaned.get(names["date"]), cleaned.get(names["month"])
    series, at = cleaned.get(names["series"]), cleaned.get(names["at"])
    inferred = not kind
    if inferred:
        # An older form, or one sent without a kind: the kind is what was filled in.
        kind = DueKind.DATE if due_date else DueKind.MONTH if month else ""
        cleaned[names["kind"]] = kind
    needed = {
        DueKind.DATE: ("date", "Give the date it is due by."),
        DueKind.MONTH: ("month", "Give the month of the meeting it comes back to."),
        DueKind.OPEN: (
            "wording",
            "Say how the minutes word an open-ended due, for example “until all cases "
            "have been closed”.",
        ),
    }
    if kind in needed:
        part, message = needed[kind]
        if not cleaned.get(names[part]) and names[part] not in form.errors:
            form.add_error(names[part], ValidationError(message, code="required"))
    when = date_format(meeting.date, "j F Y")
    if due_date and (kind == DueKind.DATE or inferred) and names["date"] not in form.errors:
        if later_than_meeting and due_date <= meeting.date:
            form.add_error(
                names["date"],
                ValidationError(
                    f"The new due date must be after this meeting ({when}).", code="past"
                ),
            )
        elif due_date < meeting.date:
            form.add_error(
                names["date"],
                ValidationError(
                    f"The due date is before the meeting the action arose at ({when}).",
                    code="due_before_meeting",
                ),
            )
    own_series = series is None or series.pk == meeting.series_id
    if (
        month
        and (kind == DueKind.MONTH or inferred)
        and own_series
        and month <= meeting.month
        and names["month"] not in form.errors
    ):
        form.add_error(
            names["month"],
            ValidationError(
                "The action must come back to a later meeting than this one.",
                code="due_meeting_not_later",
            ),
        )
    if at and kind == DueKind.MEETING and series is not None and at.series_id != series.pk:
        form.add_error(
            names["at"],
            ValidationError(
                f"{at.title} is not a meeting of the {series.name}.", code="wrong_series"
            ),
        )
    return kind


DUE_PARTS = {
    "kind": "due_kind",
    "date": "due_date",
    "month": "due_meeting",
    "series": "due_series",
    "at": "due_at",
    "wording": "due_wording",
}


def offer_due_meetings(form, meeting, prefix=""):
    """The meetings an action raised or reviewed at ``meeting`` may be due at: later ones."""
    form.fields[f"{prefix}due_series"].empty_label = f"{meeting.series.name} (this series)"
    form.fields[f"{prefix}due_at"].queryset = Meeting.objects.filter(
        date__gt=meeting.date
    ).select_related("series")


# The due fields, declared once for the forms that give an action a due (or a new one).
DueFields = type("DueFields", (forms.Form,), due_form_fields())
NewDueFields = type(
    "NewDueFields",
    (forms.Form,),
    due_form_fields(
        prefix="new_",
        labels={"kind": "New due", "date": "New due date", "month": "Or the meeting in"},
    ),
)
NewDueFields.base_fields["new_due_kind"].help_text = "For an action carried forward."
# Carried forward: "not set" is no choice.
NewDueFields.base_fields["new_due_kind"].choices = NewDueFields.base_fields["new_due_kind"].choices[
    1:
]


TBA_HELP = (
    "Leave every owner empty if the meeting left the owner to be allocated: the ACTION "
    "column then reads TBA (to be allocated), and the dashboard flags the action until it "
    "is given an owner."
)


class ActionForm(CrispyMixin, OnceOnlyForm, VersionedModelForm, DueFields):
    """An action arising: its wording, who owns it and when it is due."""

    text = PlainTextField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the action."},
    )

    class Meta:
        model = Action
        formfield_callback = plain_text_formfield
        fields = [
            "text",
            "owner_posts",
            "owner_people",
            "owner_bodies",
            "version",
        ]
        widgets = {
            "owner_posts": forms.CheckboxSelectMultiple,
            "owner_people": FilteredCheckboxSelectMultiple(noun="people"),
            "owner_bodies": CheckboxesUnlessNone,
        }
        field_classes = {
            "owner_posts": ModelMultipleChoiceField,
            "owner_people": ModelMultipleChoiceField,
            "owner_bodies": ModelMultipleChoiceField,
        }
        labels = {
            "owner_posts": "Owned by posts",
            "owner_people": "Owned by people",
            "owner_bodies": "Owned by bodies",
        }
        help_texts = {
            "owner_posts": TBA_HELP,
            "owner_people": "For an action of one person rather than a post, such as the "
            "minute-taker.",
        }

    def __init__(self, *args, meeting, correcting=False, **kwargs):
        self.meeting = meeting
        instance = kwargs.get("instance")
        if instance is not None:
            # The minutes are edited as they were minuted: the due a later meeting has since
            # set is not this meeting's to record.
            kwargs.setdefault("initial", {}).update(_due_initial(instance, source="raised_"))
        super().__init__(*args, **kwargs)
        if meeting.series.reference_scheme == ReferenceScheme.TYPED:
            self.fields["reference"] = forms.CharField(
                label="Reference",
                max_length=Action._meta.get_field("reference").max_length,
                initial=instance.reference if instance else "",
                help_text=f"As the {meeting.series.name} numbers its actions.",
                error_messages={"required": "Type the action's reference."},
            )
            self.order_fields(["reference"])
        offer_due_meetings(self, meeting)
        if correcting:
            # Agreed minutes reopened: what changes now is a correction of the record.
            self.fields["reason"] = PlainTextField(
                label="Reason for the correction",
                max_length=REASON_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Recorded on the action's trail with the correction.",
                error_messages={"required": correction_reason_required(meeting)},
            )
        elif instance is not None and instance.agreed_in_room_at:
            self.fields["reason"] = PlainTextField(
                label="Reason for changing what the room agreed",
                max_length=REASON_LIMIT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Needed if the wording or the owners change: the meeting agreed "
                "them as shown in the room. Recorded on the action's trail.",
            )
        self.fields["owner_posts"].queryset = posts_offered(instance)
        self.fields["owner_posts"].label_from_instance = lambda post: post.capacity
        self.fields["owner_people"].queryset = people_offered(instance)
        self.fields["owner_people"].label_from_instance = Person.owner_label.fget
        self.fields["owner_bodies"].queryset = bodies_offered(instance)
        self.fields["owner_bodies"].label_from_instance = _body_label

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        editing = self.instance.pk is not None
        taken = reference_taken(
            self.meeting,
            reference,
            per_meeting=self.instance.reference_per_meeting if editing else True,
            exclude=self.instance if editing else None,
        )
        if taken:
            raise ValidationError(taken, code="reference_taken")
        return reference

    def clean(self):
        cleaned = super().clean()
        clean_due(self, cleaned, self.meeting, later_than_meeting=False)
        return cleaned


def owner_fields(prefix="", required_note=""):
    """The owner fields of an action form, as ``ActionForm`` labels them."""
    posts = ModelMultipleChoiceField(
        queryset=posts_offered(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=f"{prefix}Owned by posts",
    )
    posts.label_from_instance = lambda post: post.capacity
    people = ModelMultipleChoiceField(
        queryset=people_offered(),
        required=False,
        widget=FilteredCheckboxSelectMultiple(noun="people"),
        label=f"{prefix}Owned by people",
    )
    people.label_from_instance = Person.owner_label.fget
    bodies = ModelMultipleChoiceField(
        queryset=Body.objects.filter(retired=False),
        required=False,
        widget=CheckboxesUnlessNone,
        label=f"{prefix}Owned by bodies",
    )
    bodies.label_from_instance = _body_label
    posts.help_text = required_note or TBA_HELP
    return posts, people, bodies


class ReassignForm(CrispyMixin, DueFields):
    """Between meetings: new owners or a new due for an action, dated and with a reason."""

    field_order = ["on_date", "reason", "owner_posts", "owner_people", "owner_bodies"]

    on_date = NotInFutureDateField(
        label="Date of the change",
        what="the change",
        error_messages={"required": "Enter the date of the change."},
    )
    reason = PlainTextField(
        label="Reason",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the DCC asked the ACC to lead.",
        error_messages={"required": "Say why the action is reassigned."},
    )
    owner_posts, owner_people, owner_bodies = owner_fields(
        required_note="Give the owner here of an action to be allocated (TBA). " + TBA_HELP
    )

    def __init__(self, *args, action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {
                "owner_posts": list(action.owner_posts.all()),
                "owner_people": list(action.owner_people.all()),
                "owner_bodies": list(action.owner_bodies.all()),
                **_due_initial(action),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owner_posts"].queryset = posts_offered(action)
        self.fields["owner_people"].queryset = people_offered(action)
        self.fields["owner_bodies"].queryset = bodies_offered(action)
        offer_due_meetings(self, action.meeting)

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if on_date < self.action.meeting.date:
            raise ValidationError(
                "The change cannot be dated before the meeting that raised the action "
                f"({date_format(self.action.meeting.date, 'j F Y')}).",
                code="before_meeting",
            )
        return on_date

    def clean(self):
        cleaned = super().clean()
        clean_due(self, cleaned, self.action.meeting, later_than_meeting=False)
        return cleaned


class ReviewOutcomeForm(CrispyMixin, NewDueFields, DueFields):
    """What the meeting decided about an action brought forward, on its card: the outcome
    (from the button pressed), the update given, a new due when carried forward, and the new
    action when closed and replaced. The card shows only the fields of the outcome chosen.
    """

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ActionReview.Outcome.CLOSED, "Agreed closed"),
            (ActionReview.Outcome.CARRIED_FORWARD, "Carried forward"),
            (ActionReview.Outcome.REPLACED, "Closed and replaced by a new action"),
        ],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose what the meeting decided."},
    )
    update = PlainTextField(
        label="Update given at the meeting",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded on the action's trail, dated the day of the meeting.",
    )
    new_owner_posts, new_owner_people, new_owner_bodies = owner_fields(
        "New owners: ", "Leave the owners empty to keep them as they were before this review."
    )
    # The new action of "closed and replaced": its fields as ActionForm names them.
    text = PlainTextField(
        label="The new action",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_posts, owner_people, owner_bodies = owner_fields()
    withdraw_replacements = forms.BooleanField(
        label="Withdraw the action raised to replace it",
        required=False,
        help_text="It stays in the action log, marked withdrawn, with the reason.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, review, **kwargs):
        self.review = review
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = review.version
        meeting = review.item.meeting
        offer_due_meetings(self, meeting, prefix="new_")
        offer_due_meetings(self, meeting)
        self.fields["due_kind"].label = "Due of the new action"
        if meeting.series.reference_scheme == ReferenceScheme.TYPED:
            self.fields["reference"] = forms.CharField(
                label="Reference of the new action",
                required=False,
                max_length=Action._meta.get_field("reference").max_length,
                help_text=f"As the {meeting.series.name} numbers its actions.",
            )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        meeting = self.review.item.meeting
        if outcome == ActionReview.Outcome.CARRIED_FORWARD:
            due_date, month = cleaned.get("new_due_date"), cleaned.get("new_due_meeting")
            chosen = cleaned.get("new_due_kind")
            if not (chosen or due_date or month) and not self.errors:
                self.add_error(
                    "new_due_date",
                    ValidationError("Give the new due date or meeting.", code="due_required"),
                )
            if due_date and due_date <= meeting.date and chosen in ("", DueKind.DATE):
                self.add_error(
                    "new_due_date",
                    ValidationError("The new due date must be after this meeting.", code="past"),
                )
            if month and month <= meeting.month and chosen in ("", DueKind.MONTH):
                self.add_error(
                    "new_due_meeting",
                    ValidationError("Carry it forward to a later meeting.", code="past"),
                )
            clean_due(self, cleaned, meeting, prefix="new_")
        if outcome == ActionReview.Outcome.REPLACED:
            if cleaned.get("text"):
                clean_due(self, cleaned, meeting, later_than_meeting=False)
            elif (
                "text" not in self.errors
                and not self.review.item.actions.exclude(status=Status.WITHDRAWN).exists()
            ):
                self.add_error(
                    "text",
                    ValidationError(
                        "Write the new action that replaces it.", code="no_replacement"
                    ),
                )
        return cleaned

    def replacement(self):
        """The new action to raise, as ``raise_action`` takes it; None when none was typed."""
        data = self.cleaned_data
        if data.get("outcome") != ActionReview.Outcome.REPLACED or not data.get("text"):
            return None
        return {
            "text": data["text"],
            "owner_posts": data["owner_posts"],
            "owner_people": data["owner_people"],
            "owner_bodies": data["owner_bodies"],
            "reference": data.get("reference") or None,
            **{name: data[name] for name in DUE_PARTS.values()},
        }

    def decision(self):
        """The keywords of ``decide_review``."""
        data = self.cleaned_data
        names = [
            "outcome",
            "version",
            "update",
            "new_owner_posts",
            "new_owner_people",
            "new_owner_bodies",
            "withdraw_replacements",
            *(f"new_{name}" for name in DUE_PARTS.values()),
        ]
        return {**{name: data[name] for name in names}, "replacement": self.replacement()}


class BulkCloseForm(forms.Form):
    """Agree several actions brought forward closed in one step."""

    reviews = ModelMultipleChoiceField(
        queryset=ActionReview.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Actions brought forward",
        error_messages={"required": "Tick at least one action to close."},
    )
    note = PlainTextField(
        required=False,
        max_length=2000,
        label="What the meeting said of them (optional)",
        help_text="Minuted as the update of each action ticked, unless one was given already.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = (
            ActionReview.objects.filter(item__meeting=meeting, outcome=ActionReview.Outcome.PENDING)
            .select_related("action__meeting", "item")
            .order_by("item__position")
        )
        self.fields["reviews"].label_from_instance = lambda review: (
            f"{review.item.number} {review.action.cited_reference}: {review.action.text}"
        )
