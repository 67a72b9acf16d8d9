import logging

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from core.forms import CrispyMixin, OnceOnlyForm, PlainTextField
from core.mail import automatic_headers
from people import accounts, roles
from people.models import Organisation, Person

logger = logging.getLogger(__name__)

ROLE_CHOICES = [(role, role) for role in roles.ALL_ROLES]
MANAGE_USERS_LABEL = "May give logins and roles (OPCC staff only)"
MANAGE_USERS_ONLY_OPCC = "Only OPCC staff can manage users: choose OPCC staff, or untick this."


def duplicate_email_message(user):
    return (
        f"This email address is already used by the login of {accounts.display_name(user)}"
        f"{'' if user.is_active else ' (deactivated)'}."
    )


class RoleFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("manage_users") and cleaned.get("role") not in (None, roles.OPCC_STAFF):
            self.add_error("manage_users", ValidationError(MANAGE_USERS_ONLY_OPCC, code="opcc"))
        return cleaned


class InviteForm(CrispyMixin, RoleFieldsMixin, OnceOnlyForm):
    """A login for someone in the directory, or for a new person entered here."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(user__isnull=True),
        required=False,
        label="Person in the directory",
        empty_label="— someone not in the directory yet —",
        help_text="People who have no login yet.",
    )
    name = PlainTextField(
        max_length=120, required=False, label="Name", help_text="For someone new only."
    )
    initials = PlainTextField(
        max_length=8,
        required=False,
        label="Initials",
        help_text="As the minutes write them, for example JI. For someone new only.",
    )
    organisation = forms.ChoiceField(
        choices=Organisation.choices,
        initial=Organisation.OPCC,
        label="Organisation",
        error_messages={"required": "Choose their organisation."},
    )
    job_title = PlainTextField(max_length=160, required=False, label="Job title")
    email = forms.EmailField(
        max_length=150,
        required=False,
        label="Email address",
        help_text="They sign in with it, and the invitation goes to it. Leave empty to use "
        "the email the directory has for the person.",
    )
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        label="Role",
        error_messages={"required": "Choose a role for the login."},
    )
    manage_users = forms.BooleanField(required=False, label=MANAGE_USERS_LABEL)

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        email = cleaned.get("email") or ""
        if person is not None:
            if person.email and email and accounts.username_for(email) != person.email.lower():
                self.add_error(
                    "email",
                    ValidationError(
                        f"The directory has {person.email} for {person.name}: invite them at "
                        "that address, or leave this empty.",
                        code="other_email",
                    ),
                )
                return cleaned
            email = email or person.email
            if not email:
                self.add_error(
                    "email",
                    ValidationError(
                        f"The directory has no email for {person.name}: enter it here.",
                        code="required",
                    ),
                )
        elif "person" in cleaned:
            for field in ("name", "initials"):
                if field in cleaned and not cleaned[field]:
                    self.add_error(
                        field,
                        ValidationError(
                            f"Enter the new person's {field}, or choose someone from the "
                            "directory.",
                            code="required",
                        ),
                    )
            initials = cleaned.get("initials")
            if initials and Person.objects.filter(initials__iexact=initials).exists():
                self.add_error(
                    "initials",
                    ValidationError(
                        "Someone in the directory already has these initials: choose them "
                        "from the list above, or give other initials.",
                        code="duplicate",
                    ),
                )
            if not email and "email" in cleaned:
                self.add_error(
                    "email", ValidationError("Enter their email address.", code="required")
                )
        if email:
            existing = accounts.email_in_use(email)
            if existing is not None:
                self.add_error(
                    "email", ValidationError(duplicate_email_message(existing), code="duplicate")
                )
        cleaned["login_email"] = accounts.username_for(email) if email else ""
        return cleaned


class RoleForm(CrispyMixin, RoleFieldsMixin, forms.Form):
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        label="Role",
        error_messages={"required": "Choose a role for the login."},
    )
    manage_users = forms.BooleanField(required=False, label=MANAGE_USERS_LABEL)


class LoginFilterForm(forms.Form):
    NO_ROLE = "none"
    role = forms.ChoiceField(
        choices=[("", "Every role"), *ROLE_CHOICES, (NO_ROLE, "No role")],
        required=False,
        label="Role",
    )
    status = forms.ChoiceField(
        choices=[("", "Active and deactivated"), ("active", "Active"), ("inactive", "Deactivated")],
        required=False,
        label="Status",
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        role = self.cleaned_data["role"]
        if role == self.NO_ROLE:
            queryset = queryset.exclude(groups__name__in=roles.ALL_ROLES)
        elif role:
            queryset = queryset.filter(groups__name=role)
        status = self.cleaned_data["status"]
        if status:
            queryset = queryset.filter(is_active=status == "active")
        return queryset


class ResetPasswordForm(PasswordResetForm):
    """Django's password reset, also for an invited person who never chose a password.

    Django leaves out logins with an unusable password (made for single sign-on); here that
    is only someone whose invitation lapsed, and this is how they get a new link.
    Deactivated logins get nothing, and the page never says whether an address is known.
    """

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter the email address of your login."},
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's, with the headers every automatic email of ours carries (core.mail)."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email], headers=automatic_headers())
        try:
            message.send()
        except Exception:
            # As Django's: the page must not say whether the address is known, nor fail.
            logger.exception("The password reset email to login %s was not sent.", context["uid"])

    def get_users(self, email):
        email = email.strip()
        return (
            user
            for user in get_user_model().objects.filter(email__iexact=email, is_active=True)
            if user.email.lower() == email.lower()
        )
