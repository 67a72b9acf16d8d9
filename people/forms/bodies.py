from django import forms
from django.core.exceptions import ValidationError

from core.forms import (
    CrispyMixin,
    ModelMultipleChoiceField,
    OnceOnlyForm,
    VersionedModelForm,
    plain_text_formfield,
)
from people.models import TO_BE_ALLOCATED, Body, Person


class BodyForm(CrispyMixin, OnceOnlyForm, VersionedModelForm):
    """A body minuted as an owner ("ALL", "Officers") and whose My actions its actions are."""

    class Meta:
        error_messages = {
            "name": {"required": "Enter the body's name."},
            "label": {"required": "Enter the label the minutes give the body, for example ALL."},
        }
        model = Body
        formfield_callback = plain_text_formfield
        fields = ["name", "label", "members", "retired", "version"]
        widgets = {"members": forms.CheckboxSelectMultiple}
        field_classes = {"members": ModelMultipleChoiceField}
        labels = {"label": "Label as minuted", "retired": "Retired"}
        help_texts = {
            "members": "The body's actions are in these people's My actions, and no one "
            "else's. A body's action under a restricted item is none of theirs.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Person.objects.all()
        self.fields["members"].label_from_instance = lambda person: (
            f"{person.name} ({person.initials})"
        )
        if not self.instance.pk:
            del self.fields["retired"]

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if label == TO_BE_ALLOCATED:
            raise ValidationError(
                f"{TO_BE_ALLOCATED} means an action to be allocated: choose another label.",
                code="reserved",
            )
        if " " in label:
            raise ValidationError(
                "The ACTION column separates owners with spaces: a label has none.",
                code="space",
            )
        return label
