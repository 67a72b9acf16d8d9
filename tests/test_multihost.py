"""Several application hosts behind one proxy share everything a person's next request
needs: two gunicorn processes, A and B, against one PostgreSQL database, one Redis cache
(database 5, or one per pytest-xdist worker from 5 on, flushed before and after) and one
storage for files. A session made on A is valid on B, a lockout made on A refuses on B, a
paper uploaded on A downloads from B, and an export prepared on A downloads from B.

It needs PostgreSQL (DATABASE_URL=postgres://...) and Redis on 127.0.0.1:6379; without them
it is skipped, saying which is missing."""

import os
import time

import pytest
from django.conf import global_settings
from django.db import connection

from papers.models import Paper
from people import roles
from tests.factories import ActionFactory, ItemFactory, MeetingFactory, blank_pdf, user_with_role
from tests.hosts import Browser, host_environment, start_gunicorn, stop_host

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
    env = host_environment(tmp_path / "shared-storage", CACHE_URL=REDIS_URL)
    servers, urls = [], []
    try:
        for _ in "AB":
            server, url = start_gunicorn(env)
            servers.append(server)
            urls.append(url)
        yield urls
    finally:
        for server in servers:
            stop_host(server)
        cache.flushdb()


def test_a_session_made_on_one_host_is_valid_on_the_other(hosts):
    a, b = hosts
    user_with_role(roles.OPCC_STAFF, username="jackie")
    browser = Browser()
    status, headers, _ = browser.sign_in(a, "jackie", PASSWORD)
    assert (status, headers["Location"]) == (302, "/")
    assert browser.get(f"{b}/actions/")[0] == 200
    # The session is held in the shared cache (and written through to the database), and so
    # is the action log B worked out and its filter bar (actions.record), for either host to
    # serve.
    keys = sorted(key.decode() for key in redis_client().keys("assurance:*"))
    assert [key.split(":", 2)[2].rsplit(":", 1)[0] for key in keys] == [
        "content:action-filters",
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
    # Prepared by a thread of host A after the request (the immediate task backend).
    for _ in range(100):
        if b"It is ready" in browser.get(f"{b}{headers['Location']}")[2]:
            break
        time.sleep(0.1)
    status, _, body = browser.get(f"{b}{headers['Location']}download/")
    lines = body.decode("utf-8-sig").splitlines()
    assert (status, lines[0], lines[1][:33], len(lines)) == (
        200,
        "Reference,Action,Owner,Raised at meeting,Item,Due,Latest update,Status,Due date",
        "2017/10-01,Share the Athena brief",
        2,
    )
