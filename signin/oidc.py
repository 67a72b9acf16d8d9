"""Signing in with the organisation's identity provider: OpenID Connect's authorization code
flow, with PKCE and a nonce, through mozilla-django-oidc.

mozilla-django-oidc reads one provider from settings; these subclasses take each request's
provider from settings.OIDC_PROVIDERS instead (the OPCC's and the force's, say), with its
endpoints from the provider's discovery document (signin.providers). The ID token is checked
here in full: its RS256 signature against the provider's published keys, and its issuer,
audience, expiry and nonce. Its claims (with the userinfo endpoint's, where the ID token
names no address) alone decide who signs in: a login found by verified email, in an allowed
domain, and never a role the app has not given unless OPCC staff mapped the provider's group
to it (signin.models.RoleMapping).

Refused sign-ins are counted per person at the provider (its subject) and apart from wrong
passwords (signin.throttle): a sign-in the provider made cannot be guessed, so a count per
address would only let anyone behind the office's one address lock out everyone else.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
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
from signin import providers, throttle
from signin.backends import LoginWithRoles
from signin.models import Identity, RoleMapping

log = logging.getLogger(__name__)

UNVERIFIED = "{label} could not be checked: please try again, or sign in with your password."
UNANSWERED = (
    "The sign-in service ({label}) is not answering: try again in a few minutes, or sign in "
    "with your password if you have one."
)
# How long the sign-in page waits to learn whether the provider answers, before sending the
# browser there: a provider that is down shows this site's message, not the browser's.
PROBE_SECONDS = 3
REFUSALS = {
    "no_email": "{label} did not give an email address, so no login here could be matched.",
    "domain": "{email} is not an address this site accepts from {label}.",
    "unverified": "{label} has not verified {email}, so no login here could be matched.",
    "unknown": "No one with the address {email} has a login here. OPCC staff who manage "
    "users can give you one.",
    "several": "More than one login here has the address {email}. Ask OPCC staff who manage "
    "users to correct it.",
    "inactive": "Your login here has been deactivated. Ask OPCC staff who manage users.",
    "tied": "The login here for {email} is tied to another {label} account, so this one "
    "cannot sign in to it. If your account changed, ask OPCC staff who manage users.",
    "malformed": "{label} sent a sign-in this site could not read, so no one was signed in. "
    "Please try again, or ask OPCC staff who manage users.",
    "groups": "{label} did not say which groups you are in (you may be in too many), so no "
    "role here could be found for you. Ask the administrator.",
    "paused": "Sign-ins with {label} were refused for you too often just now: try again in "
    "{minutes}, or ask OPCC staff who manage users.",
}
GROUPS_UNREAD = (
    "{label} did not say which groups you are in (you may be in too many), so your role "
    "here is as it was. If it should have changed, ask the administrator."
)


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


def _email_shaped(value):
    return isinstance(value, str) and value.count("@") == 1 and " " not in value.strip()


def address_of(claims):
    """The address the claims give, and whether it came from ``email``.

    Entra ID sends no ``email`` for a user without a mailbox; its ``preferred_username`` (or
    the older ``upn``) is then their sign-in address, and stands in when it has an
    address's shape.
    """
    if claims.get("email") is not None:
        return claims["email"], True
    for name in ("preferred_username", "upn"):
        if _email_shaped(claims.get(name)):
            return claims[name], False
    return None, False


def check_types(provider, claims):
    """Refuse claims of a type no provider sends (a list for an address, say): read as
    they are, they would match or crash rather than refuse."""
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise Refused("malformed", "")
    for name in ("email", "preferred_username", "upn"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            raise Refused("malformed", "")
    if not isinstance(claims.get("email_verified"), (bool, str, type(None))):
        raise Refused("malformed", "")
    groups = claims.get(provider["groups_claim"])
    if not (
        groups is None
        or isinstance(groups, str)
        or (isinstance(groups, list) and all(isinstance(g, (str, int)) for g in groups))
    ):
        raise Refused("malformed", "")


def groups_unread(provider, claims):
    """Entra ID's group overage: for a user in too many groups, the token names where to
    fetch them (``_claim_names``) instead of listing them. Microsoft Graph is not asked
    here, so such a sign-in's groups are unknown."""
    names = claims.get("_claim_names")
    return (
        provider["groups_claim"] not in claims
        and isinstance(names, dict)
        and provider["groups_claim"] in names
    )


def find_login(provider, claims, on_groups_unread=None):
    """The login ``claims`` (a verified ID token's, with the userinfo endpoint's) sign in
    to, creating or changing nothing unless a mapped group says so. Raises Refused.

    Once a login is tied to a subject at this provider, only that subject signs in to it:
    another subject giving the same address (a reused or reassigned one) is refused.
    """
    check_types(provider, claims)
    address, from_email_claim = address_of(claims)
    email = (address or "").strip().lower()
    if not email or "@" not in email:
        raise Refused("no_email", email)
    if email.rpartition("@")[2] not in provider["allowed_domains"]:
        raise Refused("domain", email)
    verified = claims.get("email_verified") if from_email_claim else None
    if isinstance(verified, str):
        verified = verified.lower() == "true"
    if not (verified is True or (verified is None and provider["trust_email"])):
        raise Refused("unverified", email)

    unread = groups_unread(provider, claims)
    role = None if unread else mapped_role(provider["slug"], claims, provider["groups_claim"])
    identity = (
        Identity.objects.select_related("user")
        .filter(provider=provider["slug"], subject=claims["sub"])
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
        if user is not None and user.identities.filter(provider=provider["slug"]).exists():
            raise Refused("tied", email)
        if user is None and unread:
            raise Refused("groups", email)
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
    if unread and on_groups_unread is not None:
        on_groups_unread()
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
        subject=claims["sub"],
        defaults={"user": user, "email": email, "last_signed_in": now},
    )
    return user


class OrganisationBackend(LoginWithRoles, OIDCAuthenticationBackend):
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
        except (requests.ConnectionError, requests.Timeout) as error:
            log.warning("Sign-in with %s: the provider did not answer: %s", provider["slug"], error)
            request.signin_refusal = UNANSWERED.format(label=provider["label"])
            return None
        except (
            SuspiciousOperation,
            jwt.PyJWTError,
            requests.RequestException,
            ValueError,
        ) as error:
            # ValueError: a response that is not JSON.
            log.warning("Sign-in with %s refused: %s", provider["slug"], error)
            request.signin_refusal = UNVERIFIED.format(label=provider["label"])
            return None

    def retrieve_matching_jwk(self, token):
        """The provider's key for ``token``, once its header says RS256 and names a key.

        mozilla-django-oidc reads the header's ``kid`` unchecked: a token without one, or
        signed ``none`` or HS256, raised KeyError and the callback answered 500.
        """
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        if not isinstance(header.get("kid"), str):
            raise SuspiciousOperation("ID token names no key (no kid)")
        return super().retrieve_matching_jwk(token)

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

    def claims(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's where the ID token names no
        address: a provider in its default mode puts only ``sub`` in the ID token.

        Userinfo about another subject is refused (OpenID Connect Core 1.0, 5.3.2).
        """
        claims = dict(payload)
        if address_of(claims)[0] is not None or not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return claims
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            # mozilla-django-oidc logs this but says nothing to the person.
            self.request.signin_refusal = UNVERIFIED.format(label=self.provider["label"])
            raise SuspiciousOperation("Userinfo is about another subject than the ID token")
        for name, value in userinfo.items():
            claims.setdefault(name, value)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.claims(access_token, id_token, payload)
        label = self.provider["label"]
        person = throttle.provider_credentials(self.provider["slug"], claims.get("sub"))
        if person and not AxesProxyHandler.is_allowed(self.request, person):
            log.warning("Sign-in with %s paused for %s", self.provider["slug"], claims["sub"])
            self.request.signin_refusal = REFUSALS["paused"].format(
                label=label, minutes=throttle.cool_off_words()
            )
            return None

        def groups_unread_warning():
            log.warning(
                "Sign-in with %s: groups not given (overage) for %s, role kept",
                self.provider["slug"],
                claims["sub"],
            )
            messages.warning(self.request, GROUPS_UNREAD.format(label=label))

        try:
            return find_login(self.provider, claims, on_groups_unread=groups_unread_warning)
        except Refused as refusal:
            key, email = refusal.args
            log.warning("Sign-in with %s refused (%s): %s", self.provider["slug"], key, email)
            self.request.signin_refusal = REFUSALS[key].format(label=label, email=email)
            if person:
                # Counted against this person at the provider only (signin.throttle).
                user_login_failed.send(sender=__name__, credentials=person, request=self.request)
                # The pause is told on the sign-in page (REFUSALS["paused"]), not by axes'
                # page for passwords, which would offer this person a password reset.
                self.request.axes_locked_out = False
            return None

    def store_tokens(self, access_token, id_token):
        """Only the ID token is kept, once signed in (CallbackView), for signing out at the
        provider too; the app calls no API with the access token."""
        self.request.signin_id_token = id_token

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


def answers(provider):
    """Whether the provider answers now, asked for its keys (which the callback needs too)
    with a short timeout: the discovery document is kept for an hour, so it says nothing of
    the provider being up."""
    try:
        requests.get(provider["jwks_uri"], timeout=PROBE_SECONDS).raise_for_status()
    except requests.RequestException as error:
        log.error("Identity provider %s not answering: %s", provider["slug"], error)
        return False
    return True


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
        if not answers(self.provider):
            messages.error(request, UNANSWERED.format(label=self.provider["label"]))
            # Back to the sign-in page, still going where they were going.
            next_url = request.GET.get("next")
            return redirect_to_login(next_url) if next_url else redirect("login")
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
        issuer = request.GET.get("iss")
        if issuer is not None and issuer != provider["issuer_claim"]:
            # RFC 9207: an answer naming another issuer than the one this sign-in was sent
            # to is a mix-up of providers (the OPCC's and the force's, say), and its code
            # must not go to this one's token endpoint. Spent like a refused answer.
            log.warning("Sign-in with %s refused: the answer came from %r", slug, issuer)
            del request.session["oidc_states"][state]
            request.session.modified = True
            messages.error(request, UNVERIFIED.format(label=provider["label"]))
            return redirect("login")
        request.signin_provider = provider
        request.signin_method = provider["label"]
        if request.GET.get("error"):
            # Not a failed sign-in of anyone (mozilla-django-oidc calls no backend): a
            # cancelled sign-in at the provider is access_denied.
            log.info("%s answered %s", slug, request.GET.get("error"))
            request.signin_refusal = (
                f"You did not sign in with {provider['label']}."
                if request.GET["error"] == "access_denied"
                else f"{provider['label']} did not sign you in."
            )
        return super().get(request)

    def login_success(self):
        response = super().login_success()
        # For signing out at the provider too (SignOutView).
        self.request.session[providers.SESSION_KEY] = {
            "provider": self.request.signin_provider["slug"],
            "id_token": self.request.signin_id_token,
        }
        return response

    def login_failure(self):
        messages.error(
            self.request,
            getattr(self.request, "signin_refusal", None)
            or "That sign-in did not succeed: please try again.",
        )
        return redirect("login")
