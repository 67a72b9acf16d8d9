"""Session hygiene: the key is cycled at sign-in; a change of role ends every session of the
login; a login sees and ends its other sessions; deactivation ends every session at once."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from people import accounts, roles
from signin.models import SignInSession
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def signed_in(user, agent="Firefox on the office PC", address="127.0.0.1"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": user.username, "password": "password"})
    assert response.status_code == 302
    return client


def is_signed_in(client):
    return client.get("/meetings/").status_code == 200


def test_the_session_is_cycled_at_sign_in(db):
    user = user_with_role(roles.FORCE_OFFICER)
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": user.username, "password": "password"})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_role_change_ends_every_session_of_the_login_it_changes(db):
    user = user_with_role(roles.FORCE_OFFICER)
    laptop, phone = signed_in(user), signed_in(user, agent="Safari on the phone")
    keys = [laptop.session.session_key, phone.session.session_key]
    bystander = signed_in(user_with_role(roles.FORCE_OFFICER, username="bystander"))
    manager = user_with_role(roles.OPCC_STAFF, username="manager")
    accounts.change_role(user, role=roles.COMMISSIONER, manage_users=False, by=manager)

    assert not Session.objects.filter(session_key__in=keys).exists()
    for client in (laptop, phone):
        assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"
    # A key seen before the change signs no one in with the new role.
    stolen = Client()
    stolen.cookies["sessionid"] = keys[0]
    assert stolen.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"
    assert is_signed_in(bystander)
    # Signing in again gives the new role.
    assert signed_in(user).get("/dashboard/").status_code == 200


def test_a_role_changed_outside_the_logins_page_ends_the_session_at_the_next_request(db):
    user = user_with_role(roles.FORCE_OFFICER)
    client = signed_in(user)
    key = client.session.session_key
    user.groups.set([Group.objects.get_or_create(name=roles.COMMISSIONER)[0]])

    assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)


def test_a_login_sees_its_sessions_and_ends_another(db):
    user = user_with_role(roles.OPCC_STAFF)
    laptop = signed_in(user, agent="Firefox on the laptop", address="10.0.0.5")
    phone = signed_in(user, agent="Safari on the phone", address="10.0.0.9")
    someone_else = signed_in(user_with_role(roles.FORCE_OFFICER, username="other"))

    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert "Firefox on the laptop, 10.0.0.5" in page.text
    assert "Safari on the phone, 10.0.0.9" in page.text
    assert page.text.count("This session") == 1
    assert "Firefox on the office PC" not in page.text

    phone_row = SignInSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(f"/accounts/sessions/{phone_row.pk}/end/")
    assert response.url == "/accounts/sessions/"
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert is_signed_in(someone_else)


def test_no_one_ends_another_logins_session(db):
    user = user_with_role(roles.OPCC_STAFF)
    theirs = signed_in(user_with_role(roles.FORCE_OFFICER, username="other"))
    mine = signed_in(user)
    row = SignInSession.objects.get(session_key=theirs.session.session_key)
    assert mine.post(f"/accounts/sessions/{row.pk}/end/").status_code == 404
    assert is_signed_in(theirs)


def test_signing_out_everywhere_else_keeps_this_session(db):
    user = user_with_role(roles.OPCC_STAFF)
    others = [signed_in(user) for _ in range(3)]
    this = signed_in(user)
    response = this.post("/accounts/sessions/end-others/", follow=True)
    assert "Signed out everywhere else: 3 other sessions ended." in response.text
    assert [is_signed_in(client) for client in others] == [False, False, False]
    assert is_signed_in(this)
    assert SignInSession.objects.filter(user=user).count() == 1


def test_deactivation_ends_every_session_at_once(db):
    user = user_with_role(roles.FORCE_OFFICER)
    clients = [signed_in(user) for _ in range(3)]
    manager = user_with_role(roles.OPCC_STAFF, username="manager")
    manager.user_permissions.add(accounts.manage_users_permission())
    accounts.deactivate_login(user, manager)
    assert [is_signed_in(client) for client in clients] == [False, False, False]
    assert not SignInSession.objects.filter(user=user).exists()
    assert all(SESSION_KEY not in client.session for client in clients)


def test_the_sessions_page_does_as_many_queries_for_many_sessions_as_for_one(db):
    user = user_with_role(roles.OPCC_STAFF)
    this = signed_in(user)
    this.get("/accounts/sessions/")
    with CaptureQueriesContext(connection) as one:
        this.get("/accounts/sessions/")
    for _ in range(5):
        signed_in(user)
    with CaptureQueriesContext(connection) as many:
        page = this.get("/accounts/sessions/")
    assert page.text.count("<tr>") == 7
    assert len(many) == len(one)
