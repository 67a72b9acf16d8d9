"""Forms for managing meeting series: details and chairs, usual attendees, standing agenda."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from core.forms import (
    CrispyMixin,
    OnceOnlyForm,
    TimeInput,
    VersionedModelForm,
    plain_text_formfield,
)
from meetings.forms.minutes import CHAIR_FIELDS, ChairFieldsMixin
from meetings.models import MeetingSeries, StandingSection, UsualAttendee
from meetings.services import set_chairs
from people.models import Person, Post


class SeriesForm(ChairFieldsMixin, CrispyMixin, OnceOnlyForm, VersionedModelForm):
    class Meta:
        error_messages = {
            "name": {"required": "Enter the series' name."},
            "short_name": {"required": "Enter the series' short name."},
            "reference_scheme": {"required": "Choose how the series numbers its actions."},
        }
        model = MeetingSeries
        formfield_callback = plain_text_formfield
        fields = [
            "name",
            "short_name",
            "default_minute_taker",
            "minute_taker_capacity",
            "default_venue",
            "default_start_time",
            "rhythm",
            "reference_scheme",
            "reference_prefix",
            "version",
        ]
        widgets = {"default_start_time": TimeInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_chair_fields(self.instance.ordered_chairs() if self.instance.pk else [])
        order = ["name", "short_name", *CHAIR_FIELDS]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def _clash(self, field, value):
        others = MeetingSeries.objects.exclude(pk=self.instance.pk)
        return others.filter(**{f"{field}__iexact": value}).first()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if clash := self._clash("name", name):
            raise ValidationError(
                f"There is already a series called “{clash.name}”.", code="duplicate"
            )
        return name

    def clean_short_name(self):
        short_name = self.cleaned_data["short_name"].strip()
        if clash := self._clash("short_name", short_name):
            raise ValidationError(
                f"{clash.name} is already known as {clash.short_name}: choose another short name.",
                code="duplicate",
            )
        return short_name

    def validate_unique(self):
        # The clean_ methods say which series has the name, case aside, in plainer words.
        pass

    def clean(self):
        cleaned = super().clean()
        self.clean_chairs(cleaned)
        return cleaned

    def save(self, commit=True):
        series = super().save(commit)
        if commit:
            set_chairs(series, self.cleaned_data["chairs"])
        return series


def blank_new_row_order(form):
    # A new row would otherwise show the model's default order, 0, and a browser sends it
    # back: the row left as it was would then go first rather than after the rest.
    if form.instance.pk is None:
        form.initial["position"] = None


class UsualAttendeeForm(forms.ModelForm):
    class Meta:
        error_messages = {
            "person": {"required": "Choose the usual attendee."},
            "capacity": {"required": "Enter the capacity they attend in."},
            "position": {"required": "Enter their place in the order, as a number."},
        }
        model = UsualAttendee
        formfield_callback = plain_text_formfield
        fields = ["person", "post", "capacity", "position"]
        labels = {"position": "Order", "post": "Attends as (post)"}
        help_texts = {"capacity": "As minuted. Leave empty to use the post's title."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.all()
        self.fields["post"].queryset = Post.objects.all()
        self.fields["capacity"].required = False
        self.fields["position"].required = False
        blank_new_row_order(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not cleaned.get("person"):
            return cleaned
        post = cleaned.get("post")
        if not cleaned.get("capacity"):
            if post:
                cleaned["capacity"] = post.capacity
            elif "post" not in self.errors:
                self.add_error(
                    "capacity",
                    ValidationError(
                        "Give the capacity they attend in, or the post they attend as.",
                        code="required",
                    ),
                )
        return cleaned


# A row given no order goes after the rest; ``renumber`` then closes the gap.
LAST = 30_000


class OrderedRowsFormSet(BaseInlineFormSet):
    """Rows of a series kept in the order given ("Order"), a new row after the rest."""

    unique_field = None

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(self.unique_field)
            if value in (None, ""):
                continue
            key = value.lower() if isinstance(value, str) else value
            if key in seen:
                form.add_error(self.unique_field, self.duplicate_error(value))
            seen[key] = form

    def validate_unique(self):
        # ``clean`` says which row repeats another, beside the row.
        pass

    def duplicate_error(self, value):
        raise NotImplementedError

    def save(self, commit=True):
        saved = super().save(commit=False)
        for form in self.deleted_forms:
            if form.instance.pk:
                form.instance.delete()
        for obj in saved:
            if obj.position is None:
                obj.position = LAST
            obj.save()
        self.renumber()
        return saved

    def renumber(self):
        rows = sorted(
            self.get_queryset().model.objects.filter(series=self.instance),
            key=lambda row: (row.position, row.pk),
        )
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])


class UsualAttendeeFormSet(OrderedRowsFormSet):
    unique_field = "person"

    def duplicate_error(self, person):
        return ValidationError(f"{person} is listed twice.", code="duplicate")


UsualAttendeesFormSet = inlineformset_factory(
    MeetingSeries,
    UsualAttendee,
    form=UsualAttendeeForm,
    formset=UsualAttendeeFormSet,
    extra=3,
    can_delete=True,
)


class StandingSectionForm(forms.ModelForm):
    class Meta:
        error_messages = {
            "number": {"required": "Enter the section's number."},
            "heading": {"required": "Enter the section's heading."},
            "kind": {"required": "Choose the kind of section."},
            "position": {"required": "Enter the section's place in the order, as a number."},
        }
        model = StandingSection
        formfield_callback = plain_text_formfield
        fields = ["number", "heading", "kind", "brings_forward", "parent", "position"]
        labels = {
            "position": "Order",
            "parent": "Under section",
            "brings_forward": "Brings forward actions",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = False
        self.fields["position"].required = False
        blank_new_row_order(self)

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent and self.instance.pk and self.instance.children.exists():
            self.add_error(
                "parent",
                ValidationError(
                    "This section has sub-sections of its own; sections nest one level only.",
                    code="too_deep",
                ),
            )
        return cleaned


class StandingSectionFormSet(OrderedRowsFormSet):
    unique_field = "number"

    def duplicate_error(self, number):
        return ValidationError(f"Two sections are numbered {number}.", code="duplicate")

    def clean(self):
        super().clean()
        # A formset ignores the errors of a row marked for deletion, so this is said here;
        # deleting a section would otherwise take its sub-sections with it.
        for form in self.deleted_forms:
            section = form.instance
            if section.pk and section.children.exists():
                raise ValidationError(
                    f"Section {section.number} has sub-sections: delete them, or move them "
                    "under another section, first.",
                    code="has_children",
                )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Standing sections nest one level: sub-sections go under a top-level section. The
        # series is known only here for a new row.
        form.fields["parent"].queryset = StandingSection.objects.filter(
            series=self.instance, parent__isnull=True
        ).exclude(pk=form.instance.pk)
        return form


StandingSectionsFormSet = inlineformset_factory(
    MeetingSeries,
    StandingSection,
    form=StandingSectionForm,
    formset=StandingSectionFormSet,
    fk_name="series",
    extra=3,
    can_delete=True,
)
