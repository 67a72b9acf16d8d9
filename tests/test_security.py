"""Production settings, security headers and sign-in throttling."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_the_documented_environment():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        # Explicit, so that a developer's .env (DEBUG=true after `make run`) cannot leak in.
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="assurance.opcc.example",
        DJANGO_SETTINGS_MODULE="assurance.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="assurance.settings", DEBUG="false")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"), secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_templates_hold_no_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for needle in ("<script>", 'style="', " onclick=", " onchange=", " onsubmit=", "<style"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 7200
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "core.sessions.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_five_failed_sign_ins_lock_the_user_out_from_that_address(client, demo):
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "dcc", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "dcc", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    # Even the right password is refused during the cool-off.
    response = client.post(url, {"username": "dcc", "password": "assurance-demo"})
    assert response.status_code == 429
    # Another user from the same address, and the same user elsewhere, are not locked out.
    response = client.post(url, {"username": "officer", "password": "assurance-demo"})
    assert response.status_code == 302
    client.logout()
    response = client.post(
        url, {"username": "dcc", "password": "assurance-demo"}, REMOTE_ADDR="127.0.0.2"
    )
    assert response.status_code == 302


def _fail_to_sign_in(client, **headers):
    return client.post(reverse("login"), {"username": "dcc", "password": "wrong"}, **headers)


def test_directly_x_forwarded_for_is_ignored_and_changing_it_does_not_lift_the_lockout(
    client, demo, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        _fail_to_sign_in(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]
    response = client.post(
        reverse("login"),
        {"username": "dcc", "password": "assurance-demo"},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_behind_one_proxy_the_address_nginx_appends_is_counted(client, demo, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # What the client wrote comes first; nginx appends the address it saw. An open quote
    # must not swallow it.
    sent = ["198.51.100.1", '198.51.100.2, "', '198.51.100.3, for="', "", "not an address"]
    statuses = [
        _fail_to_sign_in(
            client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.9"
        ).status_code
        for spoof in sent
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
    # Someone else behind the same nginx signs in as that user.
    response = client.post(
        reverse("login"),
        {"username": "dcc", "password": "assurance-demo"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert response.status_code == 302


def test_behind_one_proxy_a_request_that_bypassed_it_counts_against_its_socket_address(
    client, demo, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for header in ["", "not an address"]:
        _fail_to_sign_in(client, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR=header)
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [
        ("192.0.2.7", 2)
    ]


def settings_printed(code, **environment):
    """What ``code`` prints, run in a fresh process whose settings see ``environment``."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_the_number_of_trusted_proxies_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    assert settings_printed(code, TRUSTED_PROXY_COUNT="2") == "2\n"


def test_only_superusers_use_the_admin_even_staff_flagged_opcc_users_do_not(client, opcc_user):
    opcc_user.is_staff = True
    opcc_user.save()
    client.force_login(opcc_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert b'href="/admin/"' not in client.get(reverse("meetings:list")).content
    opcc_user.is_superuser = True
    opcc_user.save()
    assert client.get("/admin/").status_code == 200
