"""Signing in with an identity provider: the real OpenID Connect flow against the provider
the suite runs on 127.0.0.1 (conftest.py): discovery, authorize, token, keys, ID token."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from people import roles
from people.models import LoginEvent
from signin.models import Identity, RoleMapping, SignInSession
from tests.factories import PersonFactory, user_with_role
from tests.signin.conftest import REDIRECT_URI, known_person, message_texts, signed_in_user_id

pytestmark = pytest.mark.django_db


def sign_in(client, idp, account):
    """Start at the app, sign in at the provider, come back to the app's callback."""
    start = client.get("/accounts/oidc/test/")
    assert start.status_code == 302
    assert start.url.startswith(f"{idp.issuer}/authorize/?")
    callback = idp.sign_in(start.url, account)
    assert callback.startswith(REDIRECT_URI + "?")
    return client.get(callback.removeprefix("http://testserver"))


def test_the_sign_in_page_offers_each_configured_provider(client, oidc_settings):
    response = client.get("/accounts/login/?next=/meetings/")
    assert response.status_code == 200
    assert (
        b'<a class="btn btn-outline-primary" href="/accounts/oidc/test/?next=/meetings/">'
        b"Sign in with Test Entra ID</a>" in response.content
    )


def test_no_provider_is_offered_or_reachable_unless_configured(client, settings):
    settings.OIDC_PROVIDERS = {}
    assert b"Sign in with" not in client.get("/accounts/login/").content
    assert client.get("/accounts/oidc/test/").status_code == 404


def test_the_first_sign_in_of_a_known_person(client, oidc_settings, identity_provider):
    user = known_person("dana.clarke@police.example")
    account = identity_provider.add_user("Dana.Clarke@police.example")
    before = client.session.session_key

    response = sign_in(client, identity_provider, account)

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(user.pk)
    # The session is cycled at sign-in.
    assert client.session.session_key != before
    identity = Identity.objects.get()
    assert (identity.user, identity.provider, identity.subject, identity.email) == (
        user,
        "test",
        account["sub"],
        "dana.clarke@police.example",
    )
    session = SignInSession.objects.get()
    assert (session.user, session.method, session.session_key) == (
        user,
        "Test Entra ID",
        client.session.session_key,
    )
    # No group is mapped: the role is the one the app gave, unchanged.
    user.refresh_from_db()
    assert roles.role_of(user) == roles.FORCE_OFFICER
    assert client.get("/actions/mine/").status_code == 200


def test_once_bound_the_providers_subject_decides_the_login_not_the_email(
    client, oidc_settings, identity_provider
):
    """The first sign-in binds the provider's subject to the login found by email; after
    that the subject decides, so an address the provider later reuses cannot move it."""
    dana = known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example")
    sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) == str(dana.pk)
    client.logout()
    eve = user_with_role(roles.FORCE_OFFICER, username="eve.jones@police.example")
    Identity.objects.filter(subject=account["sub"]).update(user=eve)

    sign_in(client, identity_provider, account)

    assert signed_in_user_id(client) == str(eve.pk)
    assert Identity.objects.get().email == "dana.clarke@police.example"


def test_an_unknown_email_is_refused(client, oidc_settings, identity_provider):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("nobody@opcc.example")

    response = sign_in(client, identity_provider, account)

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "No one with the address nobody@opcc.example has a login here. OPCC staff who "
        "manage users can give you one."
    ]
    assert get_user_model().objects.count() == 1
    assert not Identity.objects.exists()


def test_a_disallowed_domain_is_refused_even_for_an_address_with_a_login(
    client, oidc_settings, identity_provider
):
    known_person("dana.clarke@gmail.example")
    account = identity_provider.add_user("dana.clarke@gmail.example")

    response = sign_in(client, identity_provider, account)

    assert response.url == "/accounts/login/"
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "dana.clarke@gmail.example is not an address this site accepts from Test Entra ID."
    ]


def test_an_address_the_provider_has_not_verified_is_refused(
    client, oidc_settings, identity_provider
):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example", username="unverified-dana")
    response = sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Test Entra ID has not verified dana.clarke@police.example, so no login here could "
        "be matched."
    ]


def test_a_deactivated_login_is_refused(client, oidc_settings, identity_provider):
    user = known_person("dana.clarke@police.example")
    user.is_active = False
    user.save(update_fields=["is_active"])
    account = identity_provider.add_user("dana.clarke@police.example")
    response = sign_in(client, identity_provider, account)
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Your login here has been deactivated. Ask OPCC staff who manage users."
    ]


def test_a_tampered_id_token_is_refused(client, oidc_settings, identity_provider):
    """Someone unknown signs in at the provider, and the ID token is altered on its way to
    name a known login's address: the signature no longer matches, and no one signs in."""
    user = known_person("dana.clarke@police.example")
    account = identity_provider.add_user("mallory@opcc.example")
    identity_provider.tamper_next_id_token({"email": user.email})

    response = sign_in(client, identity_provider, account)

    assert response.url == "/accounts/login/"
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "Test Entra ID could not be checked: please try again, or sign in with your password."
    ]
    assert not Identity.objects.exists()


def test_the_same_sign_in_untampered_is_refused_only_as_unknown(
    client, oidc_settings, identity_provider
):
    """The control for the test above: the refusal there was the signature's."""
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("mallory@opcc.example")
    response = sign_in(client, identity_provider, account)
    assert message_texts(response)[0].startswith("No one with the address mallory@")


def test_a_group_gives_a_role_only_once_opcc_staff_have_mapped_it(
    client, oidc_settings, identity_provider
):
    user = known_person("dana.clarke@opcc.example")
    account = identity_provider.add_user("dana.clarke@opcc.example", groups=["opcc-policy"])

    sign_in(client, identity_provider, account)
    user.refresh_from_db()
    assert roles.role_of(user) == roles.FORCE_OFFICER

    client.logout()
    RoleMapping.objects.create(provider="test", group="opcc-policy", role=roles.OPCC_STAFF)
    sign_in(client, identity_provider, account)
    user = get_user_model().objects.get(pk=user.pk)
    assert roles.role_of(user) == roles.OPCC_STAFF
    event = LoginEvent.objects.get(user=user, kind="role_changed")
    assert (event.by, event.detail) == (None, "From Force officer to OPCC staff.")
    assert client.get("/dashboard/").status_code == 200


def test_a_group_mapped_for_another_provider_gives_nothing(
    client, oidc_settings, identity_provider
):
    user = known_person("dana.clarke@opcc.example")
    RoleMapping.objects.create(provider="force", group="opcc-policy", role=roles.OPCC_STAFF)
    account = identity_provider.add_user("dana.clarke@opcc.example", groups=["opcc-policy"])
    sign_in(client, identity_provider, account)
    user.refresh_from_db()
    assert roles.role_of(user) == roles.FORCE_OFFICER


def test_a_person_without_a_login_gets_one_only_through_a_mapped_group(
    client, oidc_settings, identity_provider
):
    person = PersonFactory(name="Sam Patel", email="sam.patel@opcc.example", organisation="opcc")
    unmapped = identity_provider.add_user("sam.patel@opcc.example", groups=["everyone"])
    response = sign_in(client, identity_provider, unmapped)
    assert signed_in_user_id(client) is None
    assert message_texts(response)[0].startswith("No one with the address sam.patel@")
    assert not get_user_model().objects.exists()

    RoleMapping.objects.create(provider="test", group="opcc-policy", role=roles.COMMISSIONER)
    mapped = identity_provider.add_user("sam.patel@opcc.example", groups=["opcc-policy"])
    sign_in(client, identity_provider, mapped)
    person.refresh_from_db()
    assert person.user is not None
    assert signed_in_user_id(client) == str(person.user.pk)
    assert person.user.username == "sam.patel@opcc.example"
    assert not person.user.has_usable_password()
    assert roles.role_of(person.user) == roles.COMMISSIONER


def test_sign_out_ends_the_local_session(client, oidc_settings, identity_provider):
    known_person("dana.clarke@police.example")
    account = identity_provider.add_user("dana.clarke@police.example")
    sign_in(client, identity_provider, account)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not SignInSession.objects.exists()
    assert signed_in_user_id(client) is None
    assert client.get("/actions/mine/").url == "/accounts/login/?next=/actions/mine/"


def test_a_callback_not_started_here_is_refused(client, oidc_settings):
    response = client.get("/accounts/oidc/callback/?code=abc&state=made-up")
    assert response.url == "/accounts/login/"
    assert signed_in_user_id(client) is None
    assert message_texts(response) == [
        "That sign-in had expired or was not started here: please try again."
    ]


def test_an_unreachable_provider_is_a_message_not_an_error(client, settings):
    settings.OIDC_PROVIDERS = {
        "test": {
            "label": "Test Entra ID",
            "issuer": "http://127.0.0.1:9",
            "client_id": "x",
            "client_secret": "y",
            "allowed_domains": ["opcc.example"],
            "groups_claim": "groups",
            "trust_email": False,
            "scopes": "openid email",
        }
    }
    settings.OIDC_TIMEOUT = 2
    response = client.get("/accounts/oidc/test/")
    assert response.url == "/accounts/login/"
    assert message_texts(response) == [
        "Test Entra ID cannot be reached just now: please sign in with your password, or try "
        "again later."
    ]


def test_the_providers_own_multi_factor_stands_in_for_two_factors_here(
    client, oidc_settings, identity_provider
):
    oidc_settings.REQUIRE_TWO_FACTOR = True
    known_person("pat.jones@opcc.example", role=roles.OPCC_STAFF)
    account = identity_provider.add_user("pat.jones@opcc.example")
    sign_in(client, identity_provider, account)
    assert client.get("/dashboard/").status_code == 200
    # The same login with its password is sent to set up two factors first.
    client.logout()
    client.post("/accounts/login/", {"username": "pat.jones@opcc.example", "password": "password"})
    assert client.get("/dashboard/").url == "/accounts/two-factor/"
