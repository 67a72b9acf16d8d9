"""The identity providers the deployment configured (settings.OIDC_PROVIDERS), and what each
one's discovery document says about its endpoints."""

import logging
import threading
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

log = logging.getLogger(__name__)

DISCOVERY_SECONDS = 60 * 60
# In the session of a sign-in with a provider: which one, and its ID token, for signing out.
SESSION_KEY = "signin_provider"
_discovered = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be had, or is not the issuer's."""


def configured():
    return settings.OIDC_PROVIDERS


def get(slug):
    """The configured provider called ``slug``, with its endpoints, or None."""
    config = configured().get(slug)
    if config is None:
        return None
    return {"slug": slug, **config, **discover(config["issuer"])}


def discover(issuer):
    """The endpoints in ``issuer``'s discovery document, kept for an hour."""
    with _lock:
        found = _discovered.get(issuer)
        if found and found[0] > time.monotonic():
            return found[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    # OpenID Connect Discovery 1.0, 4.3: the document must be the issuer's own.
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')!r}")
    try:
        endpoints = {
            "issuer_claim": document["issuer"],
            "authorization_endpoint": document["authorization_endpoint"],
            "token_endpoint": document["token_endpoint"],
            "jwks_uri": document["jwks_uri"],
            "userinfo_endpoint": document.get("userinfo_endpoint"),
            "end_session_endpoint": document.get("end_session_endpoint"),
        }
    except KeyError as missing:
        raise ProviderUnavailable(f"{url} has no {missing}") from None
    with _lock:
        _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, endpoints)
    return endpoints


def forget_discovery():
    with _lock:
        _discovered.clear()


def buttons():
    """(slug, label) of each provider, for the sign-in page."""
    return [(slug, config["label"]) for slug, config in configured().items()]


def check(slug):
    if slug not in configured():
        raise ImproperlyConfigured(f"No identity provider {slug!r} in OIDC_PROVIDERS.")


def end_session_url(request, signed_in_with):
    """Where to send the browser to sign out at the provider too (OpenID Connect
    RP-Initiated Logout 1.0), or None when the provider offers no such endpoint.

    Without it, on a shared PC the next person's *Sign in with ...* signs straight back in
    as whoever signed out, with the provider's session still alive.
    """
    try:
        provider = get(signed_in_with["provider"])
    except ProviderUnavailable as error:
        log.warning("Signed out here only: %s", error)
        return None
    if provider is None or not provider.get("end_session_endpoint"):
        return None
    query = urlencode(
        {
            "id_token_hint": signed_in_with["id_token"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            "client_id": provider["client_id"],
        }
    )
    endpoint = provider["end_session_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
