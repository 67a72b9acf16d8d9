from django import forms
from django.conf import settings

from core.forms import plain_text_formfield
from signin.models import RoleMapping


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The six-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        error_messages={
            "required": "Enter the code from your authenticator app, or a recovery code."
        },
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="The six digits the app shows for this site, to show it is set up.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Enter the six digits the app shows."},
    )


class RoleMappingForm(forms.ModelForm):
    class Meta:
        error_messages = {
            "provider": {"required": "Choose the identity provider."},
            "group": {"required": "Enter the group as the identity provider names it."},
            "role": {"required": "Choose the role the group gives."},
        }
        model = RoleMapping
        formfield_callback = plain_text_formfield
        fields = ["provider", "group", "role", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(slug, config["label"]) for slug, config in settings.OIDC_PROVIDERS.items()]
        self.fields["provider"] = forms.ChoiceField(
            label="Identity provider",
            choices=choices,
            help_text="As OIDC_PROVIDERS names it in the deployment's settings.",
            error_messages={"required": "Choose the identity provider."},
        )

    def clean_group(self):
        return self.cleaned_data["group"].strip()

    def clean(self):
        data = super().clean()
        if RoleMapping.objects.filter(
            provider=data.get("provider"), group=data.get("group")
        ).exists():
            # With the error on the field, the model's own uniqueness check is not repeated.
            self.add_error("group", "This group is already mapped to a role.")
        return data
