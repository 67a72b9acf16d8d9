"""What signing in keeps: identities at the organisation's identity provider, the groups
OPCC staff have mapped to roles, and each login's sessions."""

from django.conf import settings
from django.db import models

from people import roles

ROLE_CHOICES = [(role, role) for role in roles.ALL_ROLES]


class RoleMapping(models.Model):
    """A group at an identity provider whose members hold a role here.

    The provider alone never gives a role: only a group that OPCC staff have mapped here.
    """

    provider = models.CharField(
        max_length=40, help_text="The identity provider, as OIDC_PROVIDERS names it."
    )
    group = models.CharField(
        max_length=200,
        help_text="The group as the provider sends it in the ID token: for Entra ID, the "
        "group's object ID.",
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    description = models.CharField(
        max_length=200, blank=True, help_text="What the group is, for example OPCC policy team."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider", "role", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group"], name="signin_rolemapping_one_role_per_group"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.group}: {self.role}"


class Identity(models.Model):
    """A login's account at an identity provider, by the provider's subject identifier.

    Found by verified email at the first sign-in, then by subject: an address later given to
    someone else at the provider does not carry them into this login.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    provider = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    email = models.EmailField()
    first_signed_in = models.DateTimeField(auto_now_add=True)
    last_signed_in = models.DateTimeField()

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="signin_identity_one_login_per_subject"
            )
        ]

    def __str__(self):
        return f"{self.provider}: {self.email}"


class SignInSession(models.Model):
    """A session a login signed in to, so that its holder can see and end the others."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=120)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self):
        return f"{self.user} {self.signed_in_at:%Y-%m-%d %H:%M}"
