"""Forms of the directory: people, posts, holders, merging and retiring."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import (
    BritishDateField,
    CrispyMixin,
    DateInput,
    OnceOnlyForm,
    PlainTextField,
    VersionedModelForm,
    plain_text_formfield,
    validate_plausible_date,
)
from people import directory
from people.models import Person, Post


def initials_error(initials, holder, hint=""):
    return ValidationError(
        directory.initials_clash_message(initials, holder) + hint, code="duplicate_initials"
    )


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


class PersonForm(DuplicateWarningMixin, CrispyMixin, OnceOnlyForm, VersionedModelForm):
    class Meta:
        error_messages = {
            "name": {"required": "Enter the person's name."},
            "initials": {"required": "Enter the person's initials, as the minutes write them."},
            "organisation": {"required": "Choose the person's organisation."},
        }
        model = Person
        formfield_callback = plain_text_formfield
        fields = ["name", "initials", "job_title", "organisation", "email", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initials_before = self.instance.initials if self.instance.pk else ""
        self.add_duplicate_field()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_initials(self):
        initials = self.cleaned_data["initials"].strip()
        holder = directory.initials_taken_by(initials, exclude=self.instance)
        if holder is not None:
            raise initials_error(initials, holder)
        return initials

    def clean(self):
        cleaned = super().clean()
        name, initials = cleaned.get("name"), cleaned.get("initials")
        # An edit that leaves name and initials alone does not warn again of what was known.
        if (
            name
            and initials
            and (not self.instance.pk or {"name", "initials"} & set(self.changed_data))
        ):
            self.check_duplicates(
                name, initials, exclude=self.instance if self.instance.pk else None
            )
        return cleaned

    def save(self, commit=True):
        person = super().save(commit)
        if commit and self.initials_before:
            directory.keep_old_initials(person, self.initials_before, timezone.localdate())
        return person


class PostForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    class Meta:
        error_messages = {
            "abbreviation": {"required": "Enter the post's abbreviation, for example DCC."},
            "title": {"required": "Enter the post's title."},
            "organisation": {"required": "Choose the organisation the post belongs to."},
            "seniority": {"required": "Enter the post's seniority, as a number."},
        }
        model = Post
        formfield_callback = plain_text_formfield
        fields = ["abbreviation", "title", "organisation", "seniority", "version"]
        help_texts = {"abbreviation": "As minutes write it, for example DCC."}

    def clean_abbreviation(self):
        abbreviation = self.cleaned_data["abbreviation"].strip()
        clash = Post.objects.filter(abbreviation__iexact=abbreviation).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(
                f"There is already a post {clash.first().abbreviation}: {clash.first().title}.",
                code="duplicate",
            )
        return abbreviation


def person_choice(**kwargs):
    field = forms.ModelChoiceField(queryset=Person.objects.current(), **kwargs)
    field.label_from_instance = lambda person: person.label
    return field


class AppointForm(CrispyMixin, forms.Form):
    person = person_choice(
        label="New holder", required=False, empty_label="No one: the post is vacant"
    )
    on_date = BritishDateField(
        label="From",
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"required": "Enter the date the post is held from."},
    )

    def __init__(self, *args, post, **kwargs):
        self.post = post
        kwargs.setdefault("initial", {"on_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RetireForm(CrispyMixin, forms.Form):
    on_date = BritishDateField(
        label="Retired from",
        widget=DateInput,
        validators=[validate_plausible_date],
        error_messages={"required": "Enter the date they retired from."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise ValidationError("Retire from today or an earlier date.", code="future")
        return on_date


class MergeChoiceForm(CrispyMixin, forms.Form):
    other = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="The duplicate record to merge into this one",
        error_messages={"required": "Choose the duplicate record."},
    )

    def __init__(self, *args, keep, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Person.objects.filter(merged_into=None).exclude(pk=keep.pk)
        self.fields["other"].label_from_instance = directory.describe


class AliasForm(CrispyMixin, OnceOnlyForm):
    initials = PlainTextField(
        max_length=8,
        label="Initials they were minuted under",
        error_messages={"required": "Enter the initials they were minuted under."},
    )
    used_from = BritishDateField(
        required=False, widget=DateInput, validators=[validate_plausible_date]
    )
    used_until = BritishDateField(
        required=False, widget=DateInput, validators=[validate_plausible_date]
    )
    note = PlainTextField(max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("used_from"), cleaned.get("used_until")
        if start and end and end < start:
            self.add_error(
                "used_until",
                ValidationError("The end must come after the start.", code="order"),
            )
        return cleaned
