"""Signing in with an identity provider, against the real provider the suite runs
(conftest.py), when people or providers do what issue 25 found: refusals from one address,
a reused address, malformed or userinfo-only tokens, Entra ID's shapes, signing out, and a
provider that stops answering."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from people import roles
from signin import providers
from signin.models import Identity, RoleMapping
from tests.factories import PersonFactory
from tests.signin.conftest import (
    CLIENT_ID,
    POST_LOGOUT_REDIRECT_URI,
    REDIRECT_URI,
    known_person,
    message_texts,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db

UNKNOWN = (
    "No one with the address {} has a login here. OPCC staff who manage users can give you one."
)
UNVERIFIED = "Test Entra ID could not be checked: please try again, or sign in with your password."
UNANSWERED = (
    "The sign-in service (Test Entra ID) is not answering: try again in a few minutes, or "
    "sign in with your password if you have one."
)


def sign_in(client, idp, account):
    start = client.get("/accounts/oidc/test/")
    assert start.status_code == 302, start
    callback = idp.sign_in(start.url, account)
    assert callback.startswith(REDIRECT_URI + "?")
    return client.get(callback.removeprefix("http://testserver"))


# Point 1: refusals count per person at the provider, apart from passwords.


def test_refusals_of_someone_unknown_do_not_lock_out_a_known_person_at_the_same_address(
    client, oidc_settings, identity_provider
):
    dana = known_person("dana.clarke@police.example")
    stranger = identity_provider.add_user("nobody@police.example")
    for _ in range(6):
        response = sign_in(client, identity_provider, stranger)
        assert response.status_code == 302
    # The test client shows no page, so the messages wait together: five refusals, then
    # the pause, for this person only.
    assert message_texts(response) == [UNKNOWN.format("nobody@police.example")] * 5 + [
        "Sign-ins with Test Entra ID were refused for you too often just now: try again in "
        "15 minutes, or ask OPCC staff who manage users."
    ]

    response = sign_in(client, identity_provider, identity_provider.add_user(dana.email))

    assert (response.status_code, response.url) == (302, "/")
    assert signed_in_user_id(client) == str(dana.pk)
    # Counted under the stranger's subject at the provider only, never under no name.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (f"test subject {stranger['sub']}", 5)
    ]


def test_provider_refusals_do_not_count_towards_a_password_lockout(
    client, oidc_settings, identity_provider
):
    known_person("dana.clarke@police.example")
    stranger = identity_provider.add_user("nobody@police.example")
    for _ in range(5):
        sign_in(client, identity_provider, stranger)
    response = client.post(
        "/accounts/login/", {"username": "dana.clarke@police.example", "password": "password"}
    )
    assert (response.status_code, response.url) == (302, "/")


def test_cancelling_at_the_provider_is_no_ones_failed_sign_in(client, oidc_settings):
    for _ in range(6):
        start = client.get("/accounts/oidc/test/")
        state = parse_qs(urlsplit(start.url).query)["state"][0]
        response = client.get(f"/accounts/oidc/callback/?error=access_denied&state={state}")
        assert (response.status_code, response.url) == (302, "/accounts/login/")
    # The test client shows no page, so the six messages wait together.
    assert message_texts(response) == ["You did not sign in with Test Entra ID."] * 6
    assert not AccessAttempt.objects.exists()


# Point 2: once tied, the subject decides.


def test_another_subject_with_a_tied_logins_address_is_refused(
    client, oidc_settings, identity_provider, caplog
):
    dana = known_person("dana.clarke@police.example")
    first = identity_provider.add_user("dana.clarke@police.example")
    sign_in(client, identity_provider, first)
    client.logout()
    reused = identity_provider.add_user("dana.clarke@police.example")

    response = sign_in(client, identity_provider, reused)

    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "The login here for dana.clarke@police.example is tied to another Test Entra ID "
        "account, so this one cannot sign in to it. If your account changed, ask OPCC staff "
        "who manage users."
    ]
    assert list(Identity.objects.values_list("user", "subject")) == [(dana.pk, first["sub"])]
    assert "Sign-in with test refused (tied): dana.clarke@police.example" in caplog.text


def test_an_answer_naming_another_issuer_is_refused(client, oidc_settings, identity_provider):
    """RFC 9207: a provider that names itself in its answer (node oidc-provider does,
    tests/signin/interop) must be the one the sign-in was sent to; one that does not, as
    django-oauth-toolkit here, is read as before (every other test of this file)."""
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example")
    start = client.get("/accounts/oidc/test/")
    callback = identity_provider.sign_in(start.url, account).removeprefix("http://testserver")

    response = client.get(f"{callback}&iss=https%3A%2F%2Fidp.example%2Fo")

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [UNVERIFIED]
    assert not AccessAttempt.objects.exists()


# Point 3: malformed ID tokens are refused, not a 500.


@pytest.mark.parametrize(
    "header",
    [{"alg": "none", "typ": "JWT"}, {"alg": "HS256", "typ": "JWT"}],
    ids=["alg-none", "hs256-without-kid"],
)
def test_an_id_token_signed_otherwise_is_refused_with_a_message(
    client, oidc_settings, identity_provider, header
):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example")
    identity_provider.tamper_next_id_token(header=header)

    response = sign_in(client, identity_provider, account)

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert message_texts(response) == [UNVERIFIED]
    assert signed_in_user_id(client) is None
    assert not AccessAttempt.objects.exists()


def test_an_email_claim_that_is_a_list_is_refused_with_a_message(
    client, oidc_settings, identity_provider
):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user(
        "dana.clarke@police.example",
        id_token_claims={"email": ["dana.clarke@police.example", "x@police.example"]},
    )

    response = sign_in(client, identity_provider, account)

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Test Entra ID sent a sign-in this site could not read, so no one was signed in. "
        "Please try again, or ask OPCC staff who manage users."
    ]


# Point 4: userinfo, Entra ID's shapes, and signing out at the provider.


def test_a_provider_giving_the_address_only_at_userinfo_signs_in(
    client, oidc_settings, identity_provider
):
    dana = known_person("dana.clarke@police.example")
    account = identity_provider.add_user(
        "dana.clarke@police.example",
        groups=["force-officers"],
        id_token_claims={"email": None, "email_verified": None, "groups": None},
    )
    RoleMapping.objects.create(provider="test", group="force-officers", role=roles.OPCC_STAFF)

    sign_in(client, identity_provider, account)

    assert signed_in_user_id(client) == str(dana.pk)
    dana.refresh_from_db()
    assert roles.role_of(dana) == roles.OPCC_STAFF


def test_userinfo_about_another_subject_is_refused(client, oidc_settings, identity_provider):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user(
        "dana.clarke@police.example",
        id_token_claims={"email": None},
        userinfo_claims={"sub": "someone-else"},
    )
    response = sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [UNVERIFIED]


def test_an_entra_user_without_an_email_claim_signs_in_by_preferred_username(
    client, oidc_settings, identity_provider
):
    oidc_settings.OIDC_PROVIDERS["test"]["trust_email"] = True
    dana = known_person("dana.clarke@police.example")
    account = identity_provider.add_user(
        "dana.clarke@police.example",
        id_token_claims={
            "email": None,
            "email_verified": None,
            "preferred_username": "Dana.Clarke@police.example",
        },
        userinfo_claims={"email": None},
    )
    sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) == str(dana.pk)


OVERAGE = {
    "groups": None,
    "_claim_names": {"groups": "src1"},
    "_claim_sources": {
        "src1": {"endpoint": "https://graph.microsoft.com/v1.0/me/getMemberObjects"}
    },
}


def test_groups_given_by_overage_are_flagged_not_silently_ignored(
    client, oidc_settings, identity_provider
):
    dana = known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example", id_token_claims=OVERAGE)
    response = sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) == str(dana.pk)
    assert message_texts(response) == [
        "Test Entra ID did not say which groups you are in (you may be in too many), so your "
        "role here is as it was. If it should have changed, ask the administrator."
    ]

    PersonFactory(name="Sam Patel", email="sam.patel@opcc.example")
    sam = identity_provider.add_user("sam.patel@opcc.example", id_token_claims=OVERAGE)
    client.logout()
    response = sign_in(client, identity_provider, sam)
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Test Entra ID did not say which groups you are in (you may be in too many), so no "
        "role here could be found for you. Ask the administrator."
    ]


def test_signing_out_signs_out_at_the_provider_too(client, oidc_settings, identity_provider):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example")
    sign_in(client, identity_provider, account)
    id_token = client.session[providers.SESSION_KEY]["id_token"]

    response = client.post("/accounts/logout/")

    assert signed_in_user_id(client) is None
    url = urlsplit(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{identity_provider.issuer}/logout/"
    assert parse_qs(url.query) == {
        "id_token_hint": [id_token],
        "post_logout_redirect_uri": [POST_LOGOUT_REDIRECT_URI],
        "client_id": [CLIENT_ID],
    }


def test_signing_out_of_a_password_session_stays_here(client, oidc_settings):
    known_person("dana.clarke@police.example")
    client.post(
        "/accounts/login/", {"username": "dana.clarke@police.example", "password": "password"}
    )
    response = client.post("/accounts/logout/")
    assert response.url == "/accounts/login/"


# Point 5: the lockout page, and a provider that stops answering.


def test_the_lockout_page_says_the_cool_off_in_words(client, oidc_settings):
    known_person("dana.clarke@police.example")
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"username": "dana.clarke@police.example", "password": "wrong"}
        )
    assert response.status_code == 429
    assert "Try again in 15 minutes, choose a new password" in response.text
    assert "PT15M" not in response.text
    assert f'<a href="{reverse("password_reset")}">Forgotten your password?</a>' in (response.text)


def test_the_lockout_page_offers_no_password_to_a_login_without_one(client, oidc_settings):
    dana = known_person("dana.clarke@police.example")
    dana.set_unusable_password()
    dana.save(update_fields=["password"])
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"username": "dana.clarke@police.example", "password": "wrong"}
        )
    assert response.status_code == 429
    assert "Try signing in with Test Entra ID again in 15 minutes, or ask the" in response.text
    assert "Forgotten your password?" not in response.text
    assert "choose a new password" not in response.text


class _Provider(BaseHTTPRequestHandler):
    """A provider whose discovery document answers, and nothing else does."""

    def do_GET(self):  # noqa: N802 (the standard library's name)
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/.well-known/openid-configuration":
            body = (
                f'{{"issuer": "{base}", "authorization_endpoint": "{base}/authorize",'
                f'"token_endpoint": "http://127.0.0.1:9/token",'
                f'"jwks_uri": "{base}/jwks" }}'
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())
        else:
            self.send_response(503)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.OIDC_PROVIDERS = {
        "test": {
            "label": "Test Entra ID",
            "issuer": f"http://127.0.0.1:{server.server_port}",
            "client_id": "x",
            "client_secret": "y",
            "allowed_domains": ["opcc.example"],
            "groups_claim": "groups",
            "trust_email": False,
            "scopes": "openid email",
        }
    }
    providers.forget_discovery()
    yield server
    server.shutdown()
    providers.forget_discovery()


def test_a_provider_not_answering_is_a_message_before_the_browser_is_sent_there(
    client, failing_provider
):
    response = client.get("/accounts/oidc/test/?next=/meetings/")
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/meetings/")
    assert message_texts(response) == [UNANSWERED]


def test_a_token_endpoint_not_answering_is_a_message_at_the_callback(
    client, failing_provider, settings
):
    session = client.session
    session["oidc_states"] = {
        "s1": {"nonce": "n1", "code_verifier": "v" * 43, "provider": "test", "added_on": 0}
    }
    session.save()
    response = client.get("/accounts/oidc/callback/?code=abc&state=s1")
    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert message_texts(response) == [UNANSWERED]
