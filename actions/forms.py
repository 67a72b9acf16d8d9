from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import Action, ActionReview, Status
from meetings.forms import (
    CrispyMixin,
    DateInput,
    OnceOnlyForm,
    PlainTextField,
    VersionedModelForm,
    plain_text_formfield,
    validate_plausible_date,
)
from meetings.models import Person, Post


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id beyond the database's 64-bit integers as an invalid choice.

    Django passes it on to the ``IN (...)`` query, where SQLite raises OverflowError: a 500
    for a tampered form instead of "Select a valid choice".
    """

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                out_of_range = not -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                continue  # Not a number: Django refuses it itself.
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class NotInFutureDateField(forms.DateField):
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


class UpdateForm(OnceOnlyForm):
    on_date = NotInFutureDateField(
        label="Date of the update",
        what="an update",
        help_text="Today unless the update was given earlier.",
    )
    text = PlainTextField(
        label="Progress update",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    on_date = NotInFutureDateField(
        label="Date completed", what="completion", help_text="Today unless it was done earlier."
    )
    note = PlainTextField(
        label="Completion note",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done. The Commissioner or the OPCC agrees closure.",
    )


class ReopenForm(forms.Form):
    reason = PlainTextField(
        label="Reason for reopening",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
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


class MonthField(forms.DateField):
    """A month picker (<input type="month">) whose value is the first of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_validators = [validate_plausible_date]
    default_error_messages = {"invalid": "Enter a month, for example 2017-11."}

    def to_python(self, value):
        date = super().to_python(value)
        return date.replace(day=1) if date else None


class ActionForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    """An action arising: its wording, who owns it and when it is due."""

    text = PlainTextField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the action."},
    )

    due_meeting = MonthField(
        required=False,
        label="Due at the meeting in",
        help_text="The month of the meeting it must come back to.",
    )

    class Meta:
        model = Action
        formfield_callback = plain_text_formfield
        fields = [
            "text",
            "owner_posts",
            "owner_people",
            "owned_by_all",
            "due_date",
            "due_meeting",
            "due_wording",
            "version",
        ]
        widgets = {
            "owner_posts": forms.CheckboxSelectMultiple,
            "due_date": DateInput,
        }
        field_classes = {
            "owner_posts": ModelMultipleChoiceField,
            "owner_people": ModelMultipleChoiceField,
        }
        labels = {
            "owner_posts": "Owned by posts",
            "owner_people": "Owned by people",
            "owned_by_all": "Owned by all (ALL)",
            "due_date": "Due by",
        }
        help_texts = {
            "owner_people": "For an action of one person rather than a post, such as the "
            "minute-taker.",
            "due_wording": 'As minuted, for example "By end January 2018" or "in two months".',
        }

    def __init__(self, *args, meeting, correcting=False, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        if correcting:
            # Agreed minutes reopened: what changes now is a correction of the record.
            self.fields["reason"] = PlainTextField(
                label="Reason for the correction",
                max_length=REASON_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Recorded on the action's trail with the correction.",
                error_messages={"required": "Say why the agreed minutes are corrected."},
            )
        self.fields["due_date"].validators.append(validate_plausible_date)
        self.fields["owner_posts"].queryset = Post.objects.all()
        self.fields["owner_posts"].label_from_instance = lambda post: post.capacity
        self.fields["owner_people"].queryset = Person.objects.all()
        self.fields["owner_people"].label_from_instance = lambda person: (
            f"{person.name} ({person.initials})"
        )

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date and due_date < self.meeting.date:
            raise ValidationError(
                "The due date is before the meeting the action arose at "
                f"({self.meeting.date:%-d %B %Y}).",
                code="due_before_meeting",
            )
        return due_date

    def clean_due_meeting(self):
        month = self.cleaned_data["due_meeting"]
        if month and month <= self.meeting.month:
            raise ValidationError(
                "The action must come back to a later meeting than this one.",
                code="due_meeting_not_later",
            )
        return month

    def clean(self):
        cleaned = super().clean()
        require_owner(self, cleaned)
        return cleaned


def require_owner(form, cleaned, prefix=""):
    """An action must have an owner: a post, a person or all."""
    posts, people, everyone = (
        f"{prefix}owner_posts",
        f"{prefix}owner_people",
        f"{prefix}owned_by_all",
    )
    if not (cleaned.get(posts) or cleaned.get(people) or cleaned.get(everyone)) and not {
        posts,
        people,
    } & set(form.errors):
        form.add_error(
            posts,
            ValidationError("Choose who owns the action: a post, a person or all.", "owner"),
        )


def owner_fields(prefix="", required_note=""):
    """The three owner fields of an action form, as ``ActionForm`` labels them."""
    posts = ModelMultipleChoiceField(
        queryset=Post.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=f"{prefix}Owned by posts",
    )
    posts.label_from_instance = lambda post: post.capacity
    people = ModelMultipleChoiceField(
        queryset=Person.objects.all(), required=False, label=f"{prefix}Owned by people"
    )
    people.label_from_instance = lambda person: f"{person.name} ({person.initials})"
    everyone = forms.BooleanField(required=False, label=f"{prefix}Owned by all (ALL)")
    if required_note:
        posts.help_text = required_note
    return posts, people, everyone


class ReassignForm(CrispyMixin, forms.Form):
    """Between meetings: new owners or a new due for an action, dated and with a reason."""

    on_date = NotInFutureDateField(label="Date of the change", what="the change")
    reason = PlainTextField(
        label="Reason",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the DCC asked the ACC to lead.",
        error_messages={"required": "Say why the action is reassigned."},
    )
    owner_posts, owner_people, owned_by_all = owner_fields()
    due_date = forms.DateField(
        label="Due by", required=False, widget=DateInput, validators=[validate_plausible_date]
    )
    due_meeting = MonthField(label="Due at the meeting in", required=False)
    due_wording = PlainTextField(label="Due as worded", required=False, max_length=200)

    def __init__(self, *args, action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {
                "owner_posts": list(action.owner_posts.all()),
                "owner_people": list(action.owner_people.all()),
                "owned_by_all": action.owned_by_all,
                "due_date": action.due_date,
                "due_meeting": action.due_meeting,
                "due_wording": action.due_wording,
            },
        )
        super().__init__(*args, **kwargs)

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
        require_owner(self, cleaned)
        return cleaned


class ReviewOutcomeForm(CrispyMixin, forms.Form):
    """What the meeting decided about an action brought forward."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ActionReview.Outcome.CLOSED, "Agreed complete and closed"),
            (ActionReview.Outcome.CARRIED_FORWARD, "Carried forward to a new date or meeting"),
            (
                ActionReview.Outcome.REPLACED,
                "Closed and replaced by a new action raised at this item",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the meeting decided."},
    )
    update = PlainTextField(
        label="Update given at the meeting",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded on the action's trail, dated the day of the meeting.",
    )
    new_due_date = forms.DateField(
        label="New due date",
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
    )
    new_due_meeting = MonthField(label="Or the meeting in", required=False)
    new_due_wording = PlainTextField(label="Due as minuted", required=False, max_length=200)
    new_owner_posts, new_owner_people, new_owned_by_all = owner_fields(
        "New owners: ", "Leave the owners empty to keep them as they are."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, review, with_owners=True, **kwargs):
        self.review = review
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = review.version
        if not with_owners:
            # The record page shows one form per action brought forward: the owner choices
            # (a query each) stay on the review's own page, linked from there.
            for name in ("new_owner_posts", "new_owner_people", "new_owned_by_all"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        meeting = self.review.item.meeting
        if outcome == ActionReview.Outcome.CARRIED_FORWARD:
            due_date, month = cleaned.get("new_due_date"), cleaned.get("new_due_meeting")
            if not (due_date or month) and not self.errors:
                self.add_error(
                    "new_due_date",
                    ValidationError("Give the new due date or meeting.", code="due_required"),
                )
            if due_date and due_date <= meeting.date:
                self.add_error(
                    "new_due_date",
                    ValidationError("The new due date must be after this meeting.", code="past"),
                )
            if month and month <= meeting.month:
                self.add_error(
                    "new_due_meeting",
                    ValidationError("Carry it forward to a later meeting.", code="past"),
                )
        if outcome == ActionReview.Outcome.REPLACED and not self.review.item.actions.exists():
            self.add_error(
                "outcome",
                ValidationError(
                    "Raise the new action under this item first; it will refer to the old one.",
                    code="no_replacement",
                ),
            )
        return cleaned


class BulkCloseForm(forms.Form):
    """Agree several actions brought forward closed in one step."""

    reviews = ModelMultipleChoiceField(
        queryset=ActionReview.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Actions brought forward",
        error_messages={"required": "Tick at least one action to close."},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = (
            ActionReview.objects.filter(item__meeting=meeting, outcome=ActionReview.Outcome.PENDING)
            .select_related("action", "item")
            .order_by("item__position")
        )
        self.fields["reviews"].label_from_instance = lambda review: (
            f"{review.item.number} {review.action.reference}: {review.action.text}"
        )
