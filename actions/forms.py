from django import forms
from django.utils import timezone

from actions.models import Action, Status


class UpdateForm(forms.Form):
    on_date = forms.DateField(
        label="Date of the update",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Today unless the update was given earlier.",
    )
    text = forms.CharField(label="Progress update", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise forms.ValidationError(
                "The date of an update cannot be in the future.", code="future_date"
            )
        return on_date


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="Completion note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done. The Commissioner or the OPCC agrees closure.",
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Reason for reopening", widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    """Agree closure of, or reopen, the actions ticked on the dashboard."""

    CLOSE = "close"
    REOPEN = "reopen"

    actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Actions marked complete",
        error_messages={"required": "Tick at least one action."},
    )
    decision = forms.ChoiceField(
        choices=[(CLOSE, "Agree closure"), (REOPEN, "Reopen")], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label="Reason for reopening",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only to reopen.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(status=Status.AWAITING_CLOSURE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REOPEN and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                forms.ValidationError("Say why the actions are being reopened.", code="required"),
            )
        return cleaned
