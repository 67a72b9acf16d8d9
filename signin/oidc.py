"""Signing in with the organisation's identity provider: OpenID Connect's authorization code
flow, with PKCE and a nonce, through mozilla-django-oidc.

mozilla-django-oidc reads one provider from settings; these subclasses take each request's
provider from settings.OIDC_PROVIDERS instead (the OPCC's and the force's, say), with its
endpoints from the provider's discovery document (signin.providers). The ID token is checked
here in full: its RS256 signature against the provider's published keys, and its issuer,
audience, expiry and nonce. Its claims alone decide who signs in: a login found by verified
email, in an allowed domain, and never a role the app has not given unless OPCC staff mapped
the provider's group to it (signin.models.RoleMapping).
"""

import logging
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people import accounts, roles
from people.models import Person
from signin import providers
from signin.models import Identity, RoleMapping

log = logging.getLogger(__name__)

UNVERIFIED = "{label} could not be checked: please try again, or sign in with your password."
REFUSALS = {
    "no_email": "{label} did not give an email address, so no login here could be matched.",
    "domain": "{email} is not an address this site accepts from {label}.",
    "unverified": "{label} has not verified {email}, so no login here could be matched.",
    "unknown": "No one with the address {email} has a login here. OPCC staff who manage "
    "users can give you one.",
    "several": "More than one login here has the address {email}. Ask OPCC staff who manage "
    "users to correct it.",
    "inactive": "Your login here has been deactivated. Ask OPCC staff who manage users.",
}


class Refused(Exception):
    """Why a verified ID token signs no one in: a key of REFUSALS."""


def mapped_role(slug, claims, groups_claim):
    """The role OPCC staff mapped one of the token's groups to, or None.

    Should groups map to several roles, the first in ``roles.ALL_ROLES``.
    """
    groups = claims.get(groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    mapped = set(
        RoleMapping.objects.filter(provider=slug, group__in=[str(g) for g in groups]).values_list(
            "role", flat=True
        )
    )
    return next((role for role in roles.ALL_ROLES if role in mapped), None)


def find_login(provider, claims):
    """The login ``claims`` (a verified ID token's) sign in to, creating or changing nothing
    unless a mapped group says so. Raises Refused."""
    email = (claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise Refused("no_email", email)
    if email.rpartition("@")[2] not in provider["allowed_domains"]:
        raise Refused("domain", email)
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = verified.lower() == "true"
    if not (verified is True or (verified is None and provider["trust_email"])):
        raise Refused("unverified", email)

    role = mapped_role(provider["slug"], claims, provider["groups_claim"])
    identity = (
        Identity.objects.select_related("user")
        .filter(provider=provider["slug"], subject=str(claims["sub"]))
        .first()
    )
    if identity is not None:
        user = identity.user
    else:
        users = list(
            get_user_model()
            .objects.filter(Q(email__iexact=email) | Q(person__email__iexact=email))
            .distinct()[:2]
        )
        if len(users) > 1:
            raise Refused("several", email)
        user = users[0] if users else None
        if user is None:
            people = list(
                Person.objects.current().filter(email__iexact=email, user__isnull=True)[:2]
            )
            if len(people) != 1 or role is None:
                raise Refused("several" if len(people) > 1 else "unknown", email)
            # A person in the directory whose group OPCC staff mapped: their login is made now.
            user = accounts.create_login(
                person=people[0], email=email, role=role, manage_users=False, by=None
            )
    if not user.is_active:
        raise Refused("inactive", email)
    if role is not None and role != roles.role_of(user):
        try:
            accounts.change_role(
                user,
                role=role,
                manage_users=role == roles.OPCC_STAFF and roles.holds_manage_users(user),
                by=None,
            )
        except accounts.LoginRefused as refusal:
            log.warning("Kept %s's role: %s", user, refusal)
    now = timezone.now()
    Identity.objects.update_or_create(
        provider=provider["slug"],
        subject=str(claims["sub"]),
        defaults={"user": user, "email": email, "last_signed_in": now},
    )
    return user


class OrganisationBackend(OIDCAuthenticationBackend):
    """Answers only the callback view, for the provider it names (``request.signin_provider``)."""

    def __init__(self, *args, **kwargs):
        # The provider is known only from the request: see authenticate().
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        provider = getattr(request, "signin_provider", None)
        if provider is None or "nonce" not in kwargs:
            return None
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider["client_id"]
        self.OIDC_RP_CLIENT_SECRET = provider["client_secret"]
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException) as error:
            log.warning("Sign-in with %s refused: %s", provider["slug"], error)
            request.signin_refusal = UNVERIFIED.format(label=provider["label"])
            return None

    def get_payload_data(self, token, key):
        """The ID token's claims, once its signature, issuer, audience and times are right.

        mozilla-django-oidc checks the signature and expiry but neither issuer nor audience:
        a token the provider signed for another application is refused here.
        """
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        return jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.provider["client_id"],
            issuer=self.provider["issuer_claim"],
            leeway=60,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return find_login(self.provider, payload)
        except Refused as refusal:
            key, email = refusal.args
            log.info("Sign-in with %s refused (%s): %s", self.provider["slug"], key, email)
            self.request.signin_refusal = REFUSALS[key].format(
                label=self.provider["label"], email=email
            )
            return None

    def store_tokens(self, access_token, id_token):
        """Nothing is kept: the app calls no API with them."""

    def get_user(self, user_id):
        try:
            return self.UserModel.objects.get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None


def _provider_or_message(request, slug):
    try:
        provider = providers.get(slug)
    except providers.ProviderUnavailable as error:
        log.error("Identity provider %s unavailable: %s", slug, error)
        label = providers.configured()[slug]["label"]
        messages.error(
            request,
            f"{label} cannot be reached just now: please sign in with your "
            "password, or try again later.",
        )
        return None
    if provider is None:
        raise Http404("No such identity provider.")
    return provider


class StartView(OIDCAuthenticationRequestView):
    """Send the browser to the provider's sign-in, remembering which provider for the callback."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get_settings(self, attr, *args):
        if attr == "OIDC_RP_SCOPES":
            return self.provider["scopes"]
        return import_from_settings(attr, *args)

    def get(self, request, slug):
        if slug not in providers.configured():
            raise Http404("No such identity provider.")
        self.provider = _provider_or_message(request, slug)
        if self.provider is None:
            return redirect("login")
        self.OIDC_OP_AUTH_ENDPOINT = self.provider["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.provider["client_id"]
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = slug
        request.session.modified = True
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """The redirect URI every provider is registered with."""

    def get(self, request):
        state = request.GET.get("state")
        pending = request.session.get("oidc_states", {}).get(state) if state else None
        slug = pending.get("provider") if pending else None
        if slug not in providers.configured():
            messages.error(
                request, "That sign-in had expired or was not started here: please try again."
            )
            return redirect("login")
        provider = _provider_or_message(request, slug)
        if provider is None:
            return redirect("login")
        request.signin_provider = provider
        request.signin_method = provider["label"]
        if request.GET.get("error"):
            log.info("%s answered %s", slug, request.GET.get("error"))
            request.signin_refusal = f"{provider['label']} did not sign you in."
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            getattr(self.request, "signin_refusal", None)
            or "That sign-in did not succeed: please try again.",
        )
        return redirect("login")
