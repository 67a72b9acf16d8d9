"""Signing in with node's oidc-provider (conftest.py, provider.mjs): an independent, certified
OpenID Provider with an Entra ID-style tenant, checking what tests/signin checks against
django-oauth-toolkit: the code flow with state, nonce and PKCE S256, Entra's shapes of claims,
claims at the userinfo endpoint, refusals that lock out no one else, and signing out at the
provider (issue 25)."""

from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from axes.models import AccessAttempt

from people import roles
from signin import providers
from signin.models import Identity, RoleMapping
from tests.factories import PersonFactory
from tests.signin.conftest import known_person, message_texts, signed_in_user_id
from tests.signin.interop.conftest import CLIENT_ID, POST_LOGOUT_REDIRECT_URI, REDIRECT_URI

pytestmark = [pytest.mark.interop, pytest.mark.django_db]

DANA = "dana.clarke@police.example"
# Entra ID names groups by their object id.
POLICY_GROUP = "0b6f5e7a-3c1d-4e2f-9a8b-7c6d5e4f3a2b"


def start(client, slug="entra"):
    response = client.get(f"/accounts/oidc/{slug}/")
    assert response.status_code == 302, response
    return response.url


def sign_in(client, node_provider, account, slug="entra", browser=None):
    callback = node_provider.sign_in(start(client, slug), account["login"], browser=browser)
    assert callback.startswith(REDIRECT_URI + "?")
    return client.get(callback.removeprefix("http://testserver"))


def id_token_claims(client):
    """The claims of the ID token the app kept for signing out, read without checking: the
    app checked it when it signed the person in."""
    token = client.session[providers.SESSION_KEY]["id_token"]
    return jwt.decode(token, options={"verify_signature": False})


def test_a_code_flow_with_state_nonce_and_pkce_signs_a_mapped_person_in(
    client, interop_settings, node_provider
):
    person = PersonFactory(name="Sam Patel", email="sam.patel@opcc.example", organisation="opcc")
    RoleMapping.objects.create(provider="entra", group=POLICY_GROUP, role=roles.OPCC_STAFF)
    account = node_provider.add_account(
        "sam",
        email="sam.patel@opcc.example",
        preferred_username="sam.patel@opcc.example",
        name="Sam Patel",
        groups=["7e1a2b3c-0000-4000-8000-000000000001", POLICY_GROUP],
    )

    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{node_provider.issuers['entra']}/auth?")
    assert (query["response_type"], query["client_id"], query["redirect_uri"]) == (
        ["code"],
        [CLIENT_ID],
        [REDIRECT_URI],
    )
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    callback = node_provider.sign_in(authorize, "sam")
    returned = parse_qs(urlsplit(callback).query)
    assert returned["state"] == query["state"]
    # RFC 9207: the provider names itself in its answer, and the app compares.
    assert returned["iss"] == [node_provider.issuers["entra"]]
    response = client.get(callback.removeprefix("http://testserver"))

    assert (response.status_code, response.url) == (302, "/")
    person.refresh_from_db()
    assert signed_in_user_id(client) == str(person.user.pk)
    assert roles.role_of(person.user) == roles.OPCC_STAFF
    claims = id_token_claims(client)
    assert (claims["iss"], claims["aud"], claims["sub"], claims["nonce"]) == (
        node_provider.issuers["entra"],
        CLIENT_ID,
        account["sub"],
        query["nonce"][0],
    )
    # The Entra-style tenant puts the claims in the ID token itself.
    assert claims["email"] == "sam.patel@opcc.example"
    assert list(Identity.objects.values_list("provider", "subject", "user")) == [
        ("entra", account["sub"], person.user.pk)
    ]

    # The same callback again (the code and the state were spent) signs no one in.
    client.logout()
    again = client.get(callback.removeprefix("http://testserver"))
    assert (again.status_code, again.url) == (302, "/accounts/login/")
    assert signed_in_user_id(client) is None
    assert message_texts(again) == [
        "That sign-in had expired or was not started here: please try again."
    ]


def test_an_answer_naming_another_issuer_is_refused_and_spends_the_sign_in(
    client, interop_settings, node_provider
):
    """A mix-up of the two providers: the answer names the other tenant as its issuer."""
    known_person(DANA)
    node_provider.add_account("dana", email=DANA)
    callback = node_provider.sign_in(start(client), "dana")
    query = parse_qs(urlsplit(callback).query)
    query["iss"] = [node_provider.issuers["userinfo"]]
    mixed = urlencode(query, doseq=True)

    response = client.get(f"/accounts/oidc/callback/?{mixed}")

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Entra ID could not be checked: please try again, or sign in with your password."
    ]
    # The true answer after it finds the sign-in spent (the messages wait together).
    response = client.get(callback.removeprefix("http://testserver"))
    assert signed_in_user_id(client) is None
    assert message_texts(response)[1:] == [
        "That sign-in had expired or was not started here: please try again."
    ]


def test_the_provider_refuses_a_sign_in_without_pkce(client, interop_settings, node_provider):
    """What makes the test above worth having: this provider will not sign in a client that
    leaves out PKCE, so the app's flow passing shows it sends PKCE the provider accepts."""
    authorize = start(client)
    scheme, netloc, path, query, _ = urlsplit(authorize)
    params = {k: v for k, v in parse_qs(query).items() if not k.startswith("code_challenge")}
    callback = node_provider.sign_in(
        f"{scheme}://{netloc}{path}?" + "&".join(f"{k}={v[0]}" for k, v in params.items()), "x"
    )
    assert parse_qs(urlsplit(callback).query)["error"] == ["invalid_request"]


def test_a_provider_giving_claims_only_at_userinfo_signs_in(
    client, interop_settings, node_provider
):
    dana = known_person(DANA)
    RoleMapping.objects.create(provider="plain", group=POLICY_GROUP, role=roles.OPCC_STAFF)
    account = node_provider.add_account(
        "dana", email=DANA, email_verified=True, groups=[POLICY_GROUP]
    )

    response = sign_in(client, node_provider, account, slug="plain")

    assert (response.status_code, response.url) == (302, "/")
    assert signed_in_user_id(client) == str(dana.pk)
    dana.refresh_from_db()
    assert roles.role_of(dana) == roles.OPCC_STAFF
    # oidc-provider in its default mode: the ID token names the person, nothing more.
    assert {"email", "groups"}.isdisjoint(id_token_claims(client))


@pytest.mark.parametrize("claim", ["preferred_username", "upn"])
def test_an_entra_user_without_an_email_claim_signs_in_by_their_sign_in_name(
    client, interop_settings, node_provider, claim
):
    dana = known_person(DANA)
    account = node_provider.add_account("dana", **{claim: "Dana.Clarke@police.example"})

    response = sign_in(client, node_provider, account)

    assert (response.status_code, response.url) == (302, "/")
    assert signed_in_user_id(client) == str(dana.pk)
    assert "email" not in id_token_claims(client)
    assert Identity.objects.get().email == DANA


OVERAGE = {
    "_claim_names": {"groups": "src1"},
    "_claim_sources": {
        "src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}
    },
}


def test_a_groups_overage_keeps_a_known_persons_role_and_says_so(
    client, interop_settings, node_provider
):
    dana = known_person(DANA, role=roles.FORCE_OFFICER)
    RoleMapping.objects.create(provider="entra", group=POLICY_GROUP, role=roles.OPCC_STAFF)
    account = node_provider.add_account("dana", email=DANA, **OVERAGE)

    response = sign_in(client, node_provider, account)

    assert signed_in_user_id(client) == str(dana.pk)
    # oidc-provider served the overage as distributed claims, as Entra ID does.
    claims = id_token_claims(client)
    assert "groups" not in claims
    assert claims["_claim_names"] == {"groups": "src1"}
    dana.refresh_from_db()
    assert roles.role_of(dana) == roles.FORCE_OFFICER
    assert message_texts(response) == [
        "Entra ID did not say which groups you are in (you may be in too many), so your "
        "role here is as it was. If it should have changed, ask the administrator."
    ]


def test_a_groups_overage_gives_a_person_without_a_login_none_and_says_why(
    client, interop_settings, node_provider
):
    PersonFactory(name="Sam Patel", email="sam.patel@opcc.example", organisation="opcc")
    RoleMapping.objects.create(provider="entra", group=POLICY_GROUP, role=roles.OPCC_STAFF)
    account = node_provider.add_account("sam", email="sam.patel@opcc.example", **OVERAGE)

    response = sign_in(client, node_provider, account)

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Entra ID did not say which groups you are in (you may be in too many), so no role "
        "here could be found for you. Ask the administrator."
    ]


def test_refusals_of_someone_unknown_do_not_lock_out_a_known_person(
    client, interop_settings, node_provider
):
    dana = known_person(DANA)
    stranger = node_provider.add_account("stranger", email="nobody@police.example")
    for _ in range(6):
        response = sign_in(client, node_provider, stranger)
        assert (response.status_code, response.url) == (302, "/accounts/login/")
    # The test client shows no page, so the messages wait together.
    assert message_texts(response) == [
        "No one with the address nobody@police.example has a login here. OPCC staff who "
        "manage users can give you one."
    ] * 5 + [
        "Sign-ins with Entra ID were refused for you too often just now: try again in "
        "15 minutes, or ask OPCC staff who manage users."
    ]

    response = sign_in(client, node_provider, node_provider.add_account("dana", email=DANA))

    assert (response.status_code, response.url) == (302, "/")
    assert signed_in_user_id(client) == str(dana.pk)
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (f"entra subject {stranger['sub']}", 5)
    ]


def test_cancelling_at_the_provider_is_no_ones_failed_sign_in(
    client, interop_settings, node_provider
):
    for _ in range(6):
        callback = node_provider.sign_in(start(client), "", cancel=True)
        assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
        response = client.get(callback.removeprefix("http://testserver"))
        assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert message_texts(response) == ["You did not sign in with Entra ID."] * 6
    assert not AccessAttempt.objects.exists()


def test_signing_out_ends_the_providers_session_too(client, interop_settings, node_provider):
    """On a shared PC: without the provider's sign-out, the next person's *Sign in with
    Entra ID* would sign straight back in as whoever signed out."""
    dana = known_person(DANA)
    account = node_provider.add_account("dana", email=DANA)
    browser = requests.Session()
    sign_in(client, node_provider, account, browser=browser)
    assert signed_in_user_id(client) == str(dana.pk)
    # The provider remembers her: a second sign-in asks nothing (no login given here).
    client.logout()
    sign_in(client, node_provider, {"login": None}, browser=browser)
    assert signed_in_user_id(client) == str(dana.pk)
    id_token = client.session[providers.SESSION_KEY]["id_token"]

    response = client.post("/accounts/logout/")

    assert signed_in_user_id(client) is None
    url = urlsplit(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        f"{node_provider.issuers['entra']}/session/end"
    )
    assert parse_qs(url.query) == {
        "id_token_hint": [id_token],
        "post_logout_redirect_uri": [POST_LOGOUT_REDIRECT_URI],
        "client_id": [CLIENT_ID],
    }
    # oidc-provider accepts the hint and the return address, and sends the browser back.
    assert node_provider.end_session(response.url, browser) == POST_LOGOUT_REDIRECT_URI
    # Now the provider asks who is signing in: a stranger at the same browser is refused.
    node_provider.add_account("stranger", email="nobody@police.example")
    response = sign_in(client, node_provider, {"login": "stranger"}, browser=browser)
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "No one with the address nobody@police.example has a login here. OPCC staff who "
        "manage users can give you one."
    ]
