"""Several application hosts behind one proxy share everything a person's next request
needs: two gunicorn processes, A and B, against one PostgreSQL database, one Redis cache
(database 5, or one per pytest-xdist worker from 5 on, flushed before and after) and one
storage for files. A session made on A is valid on B, a lockout made on A refuses on B, a
paper uploaded on A downloads from B, and an export prepared on A downloads from B.

It needs PostgreSQL (DATABASE_URL=postgres://...) and Redis on 127.0.0.1:6379; without them
it is skipped, saying which is missing."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

from papers.models import Paper
from people import roles
from tests.factories import ActionFactory, ItemFactory, MeetingFactory, blank_pdf, user_with_role

ROOT = Path(__file__).resolve().parent.parent
# Database 5, and under pytest-xdist 5 plus the worker's number (gw1: 6), so that workers do
# not flush each other's sessions; Redis has databases 0 to 15.
REDIS_DB = 5 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PASSWORD = "password"


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    client.ping()
    return client


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hosts(transactional_db, tmp_path, settings):
    """Two application hosts on the test database, sharing Redis and the file storage."""
    # Passwords hashed as the hosts hash them (the tests' fast hasher is not theirs).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): SQLite is one host's file")
    try:
        cache = redis_client()
    except Exception as error:  # redis missing, refused or timed out
        pytest.skip(f"needs Redis on 127.0.0.1:6379 ({error.__class__.__name__})")
    cache.flushdb()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "assurance.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "SECRET_KEY": "multi-host-test-key",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": REDIS_URL,
        "MEDIA_ROOT": str(tmp_path / "shared-storage"),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EXPORT_BACKGROUND_ROWS": "0",
        "LOG_LEVEL": "WARNING",
    }
    servers, urls = [], []
    try:
        for _ in "AB":
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "assurance.wsgi", "--workers", "1"]
                    + ["--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for server, url in zip(servers, urls, strict=True):
            wait_for(server, url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        cache.flushdb()


def wait_for(server, url):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=10)
            return
        except OSError:  # refused, reset or timed out while it starts
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within 60 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser's cookies, sent to whichever host it asks: the proxy's choice. Cookies
    are kept by hand because the application marks them Secure, as it must, and the test
    speaks plain HTTP to gunicorn, as nginx does."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, url, data=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read()

    def get(self, url):
        return self.request(url)

    def csrf_token(self, url):
        status, _, body = self.get(url)
        assert status == 200, (url, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()

    def post(self, url, fields, files=None, form_page=None):
        fields = {"csrfmiddlewaretoken": self.csrf_token(form_page or url), **fields}
        if not files:
            data = urllib.parse.urlencode(fields).encode()
            return self.request(url, data, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            url, data, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def sign_in(self, host, username, password):
        return self.post(f"{host}/accounts/login/", {"username": username, "password": password})


def test_a_session_made_on_one_host_is_valid_on_the_other(hosts):
    a, b = hosts
    user_with_role(roles.OPCC_STAFF, username="jackie")
    browser = Browser()
    status, headers, _ = browser.sign_in(a, "jackie", PASSWORD)
    assert (status, headers["Location"]) == (302, "/")
    assert browser.get(f"{b}/actions/")[0] == 200
    # The session is held in the shared cache (and written through to the database), and so
    # is the action log B worked out (actions.record), for either host to serve.
    keys = sorted(key.decode() for key in redis_client().keys("assurance:*"))
    assert [key.split(":", 2)[2].rsplit(":", 1)[0] for key in keys] == [
        "content:action-log",
        "django.contrib.sessions.cached_db" + browser.cookies["sessionid"],
    ]
    # Signing out on B ends it on A.
    status, _, _ = browser.post(f"{b}/accounts/logout/", {}, form_page=f"{b}/actions/")
    assert status == 302
    status, headers, _ = browser.get(f"{a}/actions/")
    assert (status, headers["Location"]) == (302, "/accounts/login/?next=/actions/")


def test_a_lockout_made_on_one_host_refuses_on_the_other(hosts):
    a, b = hosts
    user_with_role(roles.OPCC_STAFF, username="jackie")
    browser = Browser()
    failures = [browser.sign_in(a, "jackie", "wrong")[0] for _ in range(5)]
    assert failures == [200, 200, 200, 200, 429]
    status, _, body = browser.sign_in(b, "jackie", PASSWORD)
    assert status == 429
    assert b"Too many failed sign-in attempts" in body
    assert "sessionid" not in browser.cookies


def test_a_paper_uploaded_on_one_host_downloads_from_the_other(hosts):
    a, b = hosts
    user_with_role(roles.OPCC_STAFF, username="jackie")
    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="3", heading="Finance")
    browser = Browser()
    browser.sign_in(a, "jackie", PASSWORD)
    content = blank_pdf(pages=2)
    status, _, _ = browser.post(
        f"{a}/papers/items/{item.pk}/add/",
        {"title": "Budget report"},
        files={"file": ("budget.pdf", content)},
    )
    assert status == 302
    paper = Paper.objects.get()
    status, headers, body = browser.get(f"{b}/papers/{paper.pk}/download/")
    assert (status, body) == (200, content)
    assert headers["Content-Type"] == "application/pdf"


def test_an_export_prepared_on_one_host_downloads_from_the_other(hosts):
    a, b = hosts
    user_with_role(roles.OPCC_STAFF, username="jackie")
    browser = Browser()
    ActionFactory(reference="2017/10-01", text="Share the Athena brief")
    browser.sign_in(a, "jackie", PASSWORD)
    status, headers, _ = browser.get(f"{a}/kept/exports/action-log.csv")
    assert status == 302
    assert headers["Location"].startswith("/kept/exports/")
    status, _, body = browser.get(f"{b}{headers['Location']}download/")
    lines = body.decode().splitlines()
    assert (status, lines[0], lines[1][:33], len(lines)) == (
        200,
        "Reference,Action,Owner,Raised at meeting,Item,Due,Latest update,Status",
        "2017/10-01,Share the Athena brief",
        2,
    )
