"""Two factors for logins with a password: setting up, signing in with a code or a recovery
code, the lockout over both factors, the requirement for OPCC staff and the Commissioner,
and the reset for a lost phone."""

import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import accounts, roles
from signin import two_factor
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PASSWORD = "password"


def code_for(device, steps_ahead=0):
    """The app's code now, or for a later 30-second step (a code works once: each sign-in
    after the first needs the next step's)."""
    return f"{totp(device.bin_key, t0=-30 * steps_ahead):06d}"


def password_step(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def give_wrong_code(client, attempt):
    """A wrong code, late enough after the one before (attempt 0, 1, 2...) for django-otp's
    throttle, which makes each next try wait twice as long (1, 2, 4, 8 seconds), to check it."""
    with time_machine.travel(time.time() + 20 * attempt, tick=False):
        return client.post("/accounts/code/", {"code": "000000"})


def with_two_factors(role=roles.OPCC_STAFF, username="pat@opcc.example"):
    user = user_with_role(role, username=username)
    device = two_factor.pending_device(user)
    codes = two_factor.confirm(user, device, code_for(device))
    device.refresh_from_db()
    return user, device, codes


def test_setting_up_two_factors_shows_the_key_then_the_recovery_codes(client):
    user = user_with_role(roles.OPCC_STAFF)
    client.force_login(user)

    page = client.get("/accounts/two-factor/set-up/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert 'src="data:image/svg+xml;base64,' in page.text
    assert two_factor.secret(device) in page.text

    wrong = client.post("/accounts/two-factor/set-up/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    assert two_factor.has_two_factor(user) is False

    # django-otp's throttle: the next try waits a second after one wrong code, and so on.
    hasty = client.post("/accounts/two-factor/set-up/", {"code": code_for(device)})
    assert "wait a few seconds" in hasty.text
    with time_machine.travel(time.time() + 2, tick=True):
        done = client.post("/accounts/two-factor/set-up/", {"code": code_for(device)})
    assert done.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    for code in codes:
        assert f"<li>{code}</li>" in done.text
    assert two_factor.has_two_factor(user) is True
    assert client.session["otp_device_id"] == device.persistent_id


def test_the_password_alone_does_not_sign_in_a_login_with_two_factors(client):
    user, device, _ = with_two_factors()
    response = password_step(client, user.username)
    assert response.status_code == 302
    assert response.url == "/accounts/code/"
    assert SESSION_KEY not in client.session
    assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"

    response = client.post("/accounts/code/", {"code": code_for(device, 1)})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/dashboard/").status_code == 200
    assert user.sign_in_sessions.get().method == "Password and code"


def test_a_wrong_code_is_a_message_beside_the_field(client):
    user, _, _ = with_two_factors()
    password_step(client, user.username)
    response = client.post("/accounts/code/", {"code": "12345x"})
    assert response.status_code == 200
    assert "That code is not right." in response.text
    assert SESSION_KEY not in client.session


def test_five_wrong_codes_lock_the_login_out_from_that_address(client, settings):
    user, device, _ = with_two_factors()
    password_step(client, user.username)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert "That code is not right." in give_wrong_code(client, attempt).text
    locked = give_wrong_code(client, settings.AXES_FAILURE_LIMIT)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    # Neither the right code nor the right password gets in during the cool-off.
    assert client.post("/accounts/code/", {"code": code_for(device, 1)}).status_code == 429
    assert SESSION_KEY not in client.session
    assert password_step(client, user.username).status_code == 429
    # From another address the login is not locked.
    other = Client(REMOTE_ADDR="127.0.0.2")
    assert password_step(other, user.username).url == "/accounts/code/"


def test_wrong_passwords_and_wrong_codes_count_together(client, settings):
    user, _, _ = with_two_factors()
    for _ in range(3):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    password_step(client, user.username)
    assert "That code is not right." in give_wrong_code(client, 0).text
    assert give_wrong_code(client, 1).status_code == 429


def test_a_recovery_code_signs_in_once_only(client):
    user, _, codes = with_two_factors()
    password_step(client, user.username)
    response = client.post("/accounts/code/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert two_factor.recovery_codes_left(user) == 9
    assert user.sign_in_sessions.get().method == "Password and recovery code"

    client.logout()
    password_step(client, user.username)
    again = client.post("/accounts/code/", {"code": codes[0]})
    assert again.status_code == 200
    assert "That code is not right." in again.text
    assert SESSION_KEY not in client.session


def test_the_code_page_needs_the_password_first(client):
    response = client.get("/accounts/code/")
    assert response.url == "/accounts/login/"


def test_new_recovery_codes_void_the_old_ones(client):
    user, device, codes = with_two_factors()
    password_step(client, user.username)
    client.post("/accounts/code/", {"code": code_for(device, 1)})
    response = client.post("/accounts/two-factor/recovery-codes/")
    assert response.status_code == 200
    assert codes[0] not in response.text
    assert not StaticToken.objects.filter(token__in=codes).exists()
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_when_required_opcc_staff_must_set_up_two_factors_before_anything_else(client, settings):
    settings.REQUIRE_TWO_FACTOR = True
    user = user_with_role(roles.OPCC_STAFF)
    assert password_step(client, user.username).url == "/"
    assert client.get("/dashboard/").url == "/accounts/two-factor/"
    page = client.get("/accounts/two-factor/")
    assert "Two factors are required for your role: set them up to go on." in page.text
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/set-up/", {"code": code_for(device)})
    assert client.get("/dashboard/").status_code == 200


def test_when_required_the_commissioner_is_asked_and_force_officers_are_not(client, settings):
    settings.REQUIRE_TWO_FACTOR = True
    pcc = user_with_role(roles.COMMISSIONER)
    password_step(client, pcc.username)
    assert client.get("/dashboard/").url == "/accounts/two-factor/"
    client.logout()
    officer = user_with_role(roles.FORCE_OFFICER)
    password_step(client, officer.username)
    assert client.get("/actions/mine/").status_code == 200


def test_when_required_two_factors_cannot_be_turned_off(client, settings):
    settings.REQUIRE_TWO_FACTOR = True
    user, device, _ = with_two_factors()
    password_step(client, user.username)
    client.post("/accounts/code/", {"code": code_for(device, 1)})
    client.post("/accounts/two-factor/off/")
    assert two_factor.has_two_factor(user) is True


def test_two_factors_can_be_turned_off_when_not_required(client):
    user, device, _ = with_two_factors()
    password_step(client, user.username)
    client.post("/accounts/code/", {"code": code_for(device, 1)})
    client.post("/accounts/two-factor/off/")
    assert two_factor.has_two_factor(user) is False
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_a_user_manager_resets_two_factors_and_signs_them_out(client, settings):
    user, device, _ = with_two_factors(role=roles.COMMISSIONER, username="pcc@opcc.example")
    theirs = Client()
    password_step(theirs, user.username)
    theirs.post("/accounts/code/", {"code": code_for(device, 1)})
    key = theirs.session.session_key
    manager = user_with_role(roles.OPCC_STAFF, username="manager@opcc.example")
    manager.user_permissions.add(accounts.manage_users_permission())
    client.force_login(manager)

    detail = client.get(f"/logins/{user.pk}/")
    assert "Reset two factors" in detail.text
    response = client.post(f"/accounts/two-factor/reset/{user.pk}/")

    assert response.url == f"/logins/{user.pk}/"
    assert two_factor.has_two_factor(user) is False
    assert not Session.objects.filter(session_key=key).exists()
    # The next sign-in is with the password, and two factors are set up again if required.
    settings.REQUIRE_TWO_FACTOR = True
    assert password_step(theirs, user.username).url == "/"
    assert theirs.get("/dashboard/").url == "/accounts/two-factor/"


def test_a_right_code_moments_after_a_wrong_one_is_asked_again_not_refused(client):
    """django-otp's throttle: the code is not checked, and it is not a failed sign-in."""
    user, device, _ = with_two_factors()
    password_step(client, user.username)
    client.post("/accounts/code/", {"code": "000000"})
    hasty = client.post("/accounts/code/", {"code": code_for(device, 1)})
    assert hasty.status_code == 200
    assert "wait a few seconds" in hasty.text
    assert SESSION_KEY not in client.session
    with time_machine.travel(time.time() + 2, tick=True):
        response = client.post("/accounts/code/", {"code": code_for(device, 1)})
    assert response.url == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_code_must_follow_the_password_within_five_minutes(client):
    user, device, _ = with_two_factors()
    password_step(client, user.username)
    with time_machine.travel(time.time() + 5 * 60 + 5, tick=False):
        response = client.post("/accounts/code/", {"code": code_for(device)})
    assert response.url == "/accounts/login/"
    assert SESSION_KEY not in client.session
