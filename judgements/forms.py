from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.forms import (
    CrispyMixin,
    OnceOnlyForm,
    PlainTextField,
    VersionedModelForm,
    plain_text_formfield,
)
from judgements.models import AssuranceLevel, AssuranceStatement, Decision, LinkKind
from judgements.services import link_problem
from meetings.models import MeetingSeries
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

    # Taken jointly with, or under delegation from, a decision of another body: named by
    # its series and number, which may be this decision's own number in another series.
    link_kind = forms.ChoiceField(
        label="Linked to a decision of another body",
        choices=LinkKind.choices,
        required=False,
    )
    link_series = forms.ModelChoiceField(
        label="The other body's meetings",
        queryset=MeetingSeries.objects.all(),
        required=False,
        empty_label="Choose the series",
    )
    link_reference = PlainTextField(
        label="The other body's decision number",
        max_length=Decision._meta.get_field("reference").max_length,
        required=False,
        help_text="As that body numbers it, for example D2017/03.",
    )

    class Meta:
        model = Decision
        formfield_callback = plain_text_formfield
        fields = ["text", "decided_by", "version"]

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series or (self.instance.series if self.instance.series_id else None)
        if self.series is not None:
            self.fields["link_series"].queryset = MeetingSeries.objects.exclude(pk=self.series.pk)
        linked = self.instance.linked_to
        if linked is not None:
            self.initial.update(
                link_kind=self.instance.link_kind,
                link_series=linked.series_id,
                link_reference=linked.reference,
            )
        self.fields["decided_by"].label_from_instance = lambda person: person.label
        # A decision minuted by someone since retired keeps them on its edit form.
        if self.instance.decided_by_id:
            self.fields["decided_by"].queryset = Person.objects.filter(
                Q(retired_on__isnull=True) | Q(pk=self.instance.decided_by_id)
            )

    def clean(self):
        cleaned = super().clean()
        kind, series = cleaned.get("link_kind", ""), cleaned.get("link_series")
        reference = cleaned.get("link_reference", "").strip()
        cleaned["linked_to"] = None
        if not (kind or series or reference) or self.errors:
            return cleaned
        if series is None:
            self._link_error("link_series", "Choose the other body's meetings.")
        elif not reference:
            self._link_error("link_reference", "Give the other body's decision number.")
        elif not (other := Decision.objects.filter(series=series, reference=reference).first()):
            self._link_error("link_reference", f"The {series.name} has no decision {reference}.")
        elif not kind:
            self._link_error("link_kind", "Say how it is linked to the other body's decision.")
        elif problem := link_problem(self.series, kind, other) if self.series else "":
            self._link_error("link_reference", problem)
        else:
            cleaned["linked_to"] = other
        return cleaned

    def _link_error(self, field, message):
        self.add_error(field, ValidationError(message, code="link"))

    def save(self, commit=True):
        self.instance.by_chair = self.cleaned_data["decided_by"] is None
        self.instance.link_kind = self.cleaned_data.get("link_kind", "")
        self.instance.linked_to = self.cleaned_data.get("linked_to")
        return super().save(commit)


class WithdrawDecisionForm(CrispyMixin, forms.Form):
    reason = PlainTextField(
        label="Why is it withdrawn?",
        max_length=300,
        error_messages={"required": "Say why the decision is withdrawn."},
        help_text="For example: minuted in error; the meeting decided nothing here.",
    )
