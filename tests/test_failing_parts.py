"""When a part the application depends on fails, the pages go on without it and say so.

The cache (Redis) is broken for real: pointed at a port where nothing listens (refused), and
at a server that accepts connections and never answers (hung, as a stopped Redis does).
"""

import datetime
import os
import socket
import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from assurance import cache as cache_module
from judgements.models import AssuranceStatement
from meetings.models import Meeting
from meetings.services import open_meeting
from tests.test_integrity import post_in_parallel

SIGNED_IN_PAGES = ["/dashboard/", "/actions/", "/actions/mine/"]

pytestmark = pytest.mark.faults


def fail_soft_cache(settings, location):
    settings.CACHES = {
        "default": {
            "BACKEND": "assurance.cache.FailSoftRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "failing-parts",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HungRedis:
    """Accepts connections and never answers: what a stopped (SIGSTOP) Redis looks like."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def location(self):
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.server.close()
        for conn in self.connections:
            conn.close()


def officer_client():
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "assurance-demo"}
    )
    assert response.status_code == 302
    return client


def october_minutes():
    return Meeting.objects.get(date=datetime.date(2017, 10, 31)).get_absolute_url()


def test_with_redis_refusing_signing_in_and_every_busy_page_answer(demo, settings):
    fail_soft_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    client = officer_client()
    for url in [*SIGNED_IN_PAGES, october_minutes()]:
        assert (url, client.get(url).status_code) == (url, 200)
    ready = client.get("/readyz")
    lines = ready.text.splitlines()
    assert (ready.status_code, lines[:2], lines[3:]) == (
        503,
        ["not ready", "database: ok"],
        ["storage: ok", "queue: ok", "maintenance: off"],
    )
    assert lines[2].startswith("cache: not ready (ConnectionError")


def test_with_redis_refusing_the_rooms_screen_keeps_up_and_still_answers_304(demo, settings):
    """The screen's kept rendering is a bonus: without the cache each change is rendered for
    each viewer that asks, and an unchanged screen is still a 304."""
    fail_soft_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = november.items.get(number="2", parent=None)
    client = officer_client()
    follow = client.post(reverse("room:follow", args=[november.pk]), {"item": item.pk})
    assert follow.status_code == 204
    url = reverse("room:content", args=[november.pk])
    first = client.get(url)
    assert (first.status_code, f'id="room-item-{item.pk}"' in first.text) == (200, True)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_with_redis_hung_a_process_asks_it_once_then_goes_on_without_it(
    demo, settings, monkeypatch
):
    # Long enough that a slow machine cannot reach the next try within the test.
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 600.0)
    hung = HungRedis()
    try:
        fail_soft_cache(settings, hung.location)
        client = officer_client()
        for url in [*SIGNED_IN_PAGES, october_minutes()]:
            assert (url, client.get(url).status_code) == (url, 200)
        # One connection, which timed out; every later call went without the cache (without
        # the pause, each of the dozen calls of these requests would wait its timeout).
        assert len(hung.connections) == 1
    finally:
        hung.close()


def test_with_redis_running_the_service_is_ready_and_sessions_live_in_it(demo, settings):
    # A database of its own, one per pytest-xdist worker: the two-host test uses 5 and up.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    fail_soft_cache(settings, f"redis://127.0.0.1:6379/{12 + worker}")
    caches["default"].clear()
    client = officer_client()
    assert client.get("/dashboard/").status_code == 200
    ready = client.get("/readyz")
    assert (ready.status_code, ready.text) == (
        200,
        "ready\ndatabase: ok\ncache: ok\nstorage: ok\nqueue: ok\nmaintenance: off\n",
    )
    key = client.session.session_key
    assert caches["default"].get(f"django.contrib.sessions.cached_db{key}") is not None


def test_with_redis_running_every_call_of_a_process_shares_one_client(demo, settings):
    """Django's backend builds a redis.Redis for every call; ours keeps one per connection
    pool (assurance.cache), and it serves sessions and pages across requests."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    fail_soft_cache(settings, f"redis://127.0.0.1:6379/{12 + worker}")
    cache = caches["default"]
    cache.clear()
    first = cache._cache.get_client(write=True)
    client = officer_client()
    pages = [client.get(url) for url in SIGNED_IN_PAGES * 2]
    assert [page.status_code for page in pages] == [200] * 6
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client(write=False) is first


def test_readiness_without_a_cache_configured_checks_the_rest(db, client):
    ready = client.get("/readyz")
    assert (ready.status_code, ready.text) == (
        200,
        "ready\ndatabase: ok\ncache: ok\nstorage: ok\nqueue: ok\nmaintenance: off\n",
    )
    assert ready["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_queue_no_worker_takes_makes_the_host_not_ready(db, client, settings):
    settings.TASK_BACKEND = "database"
    settings.READY_QUEUE_WAIT_SECONDS = 60
    DBTaskResult.objects.create(
        task_path="kept.tasks.prepare_export",
        args_kwargs={"args": ["x"], "kwargs": {}},
        backend_name="default",
        run_after=datetime.datetime(2017, 10, 31, tzinfo=datetime.UTC),
    )
    assert client.get("/readyz").status_code == 200
    DBTaskResult.objects.update(enqueued_at=datetime.datetime(2017, 10, 31, tzinfo=datetime.UTC))
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "queue: not ready (RuntimeError: a task has waited over 60 s" in ready.text


def test_every_signed_in_response_says_private_no_store(demo, client):
    client.login(username="commissioner", password="assurance-demo")
    for url in [*SIGNED_IN_PAGES, october_minutes(), reverse("kept:action_log_csv")]:
        response = client.get(url)
        assert (url, response.status_code) == (url, 200)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_public_site_says_how_long_it_may_be_kept_and_reads_no_session(demo, client):
    response = client.get("/public/")
    assert (response["Cache-Control"], response.has_header("Vary")) == (
        "max-age=300, public",
        False,
    )
    client.login(username="commissioner", password="assurance-demo")
    assert client.get("/public/")["Cache-Control"] == "max-age=300, private"


def test_a_year_out_of_range_on_the_public_site_is_not_found(demo, client):
    series = Meeting.objects.get(date=datetime.date(2017, 10, 31)).series_id
    for year in (0, 10000, 99999999):
        assert client.get(f"/public/series/{series}/{year}/").status_code == 404


def test_a_first_statement_form_opened_before_another_was_saved_is_stale(demo, client):
    client.login(username="officer", password="assurance-demo")
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = november.items.get(number="2", parent=None)
    url = reverse("judgements:assurance_edit", args=[item.pk])
    opened = client.get(url)
    assert 'name="version" value="0"' in opened.text
    first = {"level": "assured", "narrative": "First.", "version": "0"}
    assert client.post(url, first).status_code == 302
    stale = {"level": "not_assured", "narrative": "Second, opened earlier.", "version": "0"}
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this since you opened it" in response.text
    assert AssuranceStatement.objects.get(item=item).narrative == "First."


@pytest.mark.django_db(transaction=True)
def test_four_parallel_first_statements_save_one_and_call_the_rest_stale(demo):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: there is no race to test")
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = november.items.get(number="2", parent=None)
    url = reverse("judgements:assurance_edit", args=[item.pk])
    requests = []
    for n in range(4):
        client = Client()
        client.login(username="officer", password="assurance-demo")
        data = {"level": "assured", "narrative": f"Officer {n}.", "version": "0"}
        requests.append((client, url, data))
    responses = post_in_parallel(requests)
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 302]
    assert AssuranceStatement.objects.filter(item=item).count() == 1


def test_with_redis_refusing_every_write_accepted_is_kept_exactly_once(demo, settings):
    """The fault's figures: requests sent, answers other than success, writes accepted and
    found in the database."""
    fail_soft_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    client = officer_client()
    action = Action.objects.filter(item__meeting__date=datetime.date(2017, 10, 31)).first()
    sent, other, accepted = 0, [], []
    for n in range(20):
        text = f"Update {n} while the cache is down."
        for url in SIGNED_IN_PAGES:
            sent += 1
            if (status := client.get(url).status_code) != 200:
                other.append((url, status))
        response = client.post(
            reverse("actions:add_update", args=[action.pk]), {"on_date": "2017-11-10", "text": text}
        )
        sent += 1
        if response.status_code == 302:
            accepted.append(text)
        else:
            other.append(("update", response.status_code))
    found = list(
        action.events.filter(text__endswith="while the cache is down.").values_list(
            "text", flat=True
        )
    )
    print(
        f"\nRedis refused: {sent} requests, {len(other)} not 2xx/3xx, "
        f"{len(accepted)} writes accepted, {len(found)} found"
    )
    assert (other, sorted(found)) == ([], sorted(accepted))
    assert len(accepted) == 20
