from django import forms
from django.db.models import Q

from core.forms import (
    CrispyMixin,
    OnceOnlyForm,
    PlainTextField,
    VersionedModelForm,
    plain_text_formfield,
)
from judgements.models import AssuranceLevel, AssuranceStatement, Decision
from people.models import Person


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # Opened when there was no statement: version 0, so that once someone records
            # the first, this form is stale rather than saved over it.
            self.initial["version"] = 0


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
