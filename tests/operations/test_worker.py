"""The task worker (`manage.py run_worker`, operations.worker) finishes or fails every task,
and says which: a time limit, tasks of a dead worker given back or failed, a database that
goes away. The in-process tests run on either database; those with real worker processes
need PostgreSQL, as production does."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
from contextlib import closing

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from kept.models import ExportStatus, KeptExport
from operations.worker import new_worker_id, recover_abandoned
from people import roles
from tests.factories import user_with_role
from tests.hosts import ROOT, host_environment
from tests.operations import in_process_worker

pytestmark = pytest.mark.faults


def queued(task_path, *args, **fields):
    return DBTaskResult.objects.create(
        task_path=task_path,
        args_kwargs={"args": list(args), "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        **fields,
    )


def a_dead_worker_id():
    """The id a worker on this host had, whose process is gone (and reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{new_worker_id().split(':')[0]}:{process.pid}:deadbeef"


def test_a_task_past_its_time_limit_is_stopped_and_marked_failed(transactional_db, settings):
    settings.TASK_TIME_LIMIT_SECONDS = 1
    result = queued("tests.operations.tasks.sleepy", 30, "/dev/null")
    started = time.monotonic()
    in_process_worker().run()
    result.refresh_from_db()
    assert time.monotonic() - started < 10
    assert (result.status, result.exception_class_path) == (
        TaskResultStatus.FAILED,
        "operations.worker.TimeLimitExceeded",
    )
    assert "The task ran longer than 1 s." in result.traceback


def test_a_task_whose_worker_died_on_this_host_is_given_back_at_once(transactional_db):
    dead = a_dead_worker_id()
    result = queued(
        "tests.operations.tasks.sleepy",
        0,
        "/dev/null",
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[dead],
    )
    given_back, failed = recover_abandoned("default", new_worker_id())
    result.refresh_from_db()
    assert ([r.pk for r in given_back], failed) == ([result.pk], [])
    assert (result.status, result.started_at, result.worker_ids) == (
        TaskResultStatus.READY,
        None,
        [dead],
    )


def test_a_task_running_on_a_live_worker_is_left_alone(transactional_db):
    result = queued(
        "tests.operations.tasks.sleepy",
        0,
        "/dev/null",
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        # This test's own process is alive, on another host or this one.
        worker_ids=[f"{new_worker_id().split(':')[0]}:{os.getpid()}:alive", "elsewhere:1:x"],
    )
    assert recover_abandoned("default", new_worker_id()) == ([], [])
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_a_task_of_another_host_past_the_time_limit_is_taken_as_lost(transactional_db, settings):
    settings.TASK_TIME_LIMIT_SECONDS = 60
    result = queued(
        "tests.operations.tasks.sleepy",
        0,
        "/dev/null",
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=121),
        worker_ids=["another-host:4242:abcdefgh"],
    )
    [given_back], _ = recover_abandoned("default", new_worker_id())
    assert given_back.pk == result.pk


def test_an_export_whose_worker_died_twice_fails_and_offers_to_try_again(transactional_db, client):
    officer = user_with_role(roles.OPCC_STAFF, username="officer")
    export = KeptExport.objects.create(user=officer, kind="csv", query="")
    dead = a_dead_worker_id()
    result = queued(
        "kept.tasks.prepare_export",
        str(export.pk),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[dead, dead],
    )
    given_back, [failed] = recover_abandoned("default", new_worker_id())
    result.refresh_from_db()
    export.refresh_from_db()
    assert (given_back, failed.pk) == ([], result.pk)
    assert (result.status, result.exception_class_path) == (
        TaskResultStatus.FAILED,
        "operations.worker.WorkerDied",
    )
    assert export.status == ExportStatus.FAILED
    client.force_login(officer)
    page = client.get(reverse("kept:export", args=[export.pk])).content.decode()
    assert "Try again" in page


def test_the_worker_takes_no_task_while_the_maintenance_switch_is_on(transactional_db, settings):
    call_command("maintenance", "on", stdout=io.StringIO())
    try:
        result = queued("tests.operations.tasks.sleepy", 0, "/dev/null")
        worker = in_process_worker()
        worker.batch = False
        worker.max_tasks = 1
        worker.step()
        result.refresh_from_db()
        assert result.status == TaskResultStatus.READY
    finally:
        call_command("maintenance", "off", stdout=io.StringIO())
    assert worker.step() is True
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL


# Real worker processes, as the README's unit runs them.


@pytest.fixture
def workers(transactional_db, tmp_path, settings):
    """Start `manage.py run_worker` processes on the test database; stopped at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker processes share the test database")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = host_environment(tmp_path / "media", TASK_BACKEND="database", LOG_LEVEL="INFO")
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"not within {seconds} s")


def status_of(result):
    result.refresh_from_db()
    return result.status


def test_a_worker_killed_mid_task_leaves_it_to_the_next_which_finishes_it(workers, tmp_path):
    marker = tmp_path / "done"
    result = queued("tests.operations.tasks.sleepy", 3, str(marker))
    first = workers()
    wait_until(lambda: marker.with_suffix(".started").exists())
    assert status_of(result) == TaskResultStatus.RUNNING
    first.send_signal(signal.SIGKILL)
    first.wait()  # reaped, as systemd reaps it

    workers()
    wait_until(lambda: status_of(result) == TaskResultStatus.SUCCESSFUL)
    assert marker.read_text() == "done"
    assert len(result.worker_ids) == 2


def test_a_task_that_kills_every_worker_is_failed_after_two_runs(workers, tmp_path):
    runs = tmp_path / "runs"
    result = queued("tests.operations.tasks.fatal", str(runs))
    for _ in range(2):
        worker = workers()
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
    survivor = workers()
    wait_until(lambda: status_of(result) == TaskResultStatus.FAILED)
    assert result.exception_class_path == "operations.worker.WorkerDied"
    assert len(runs.read_text().splitlines()) == 2
    assert survivor.poll() is None


def test_the_worker_outlives_the_database_going_away_and_coming_back(workers, tmp_path):
    name = connection.settings_dict["NAME"]
    worker = workers()
    time.sleep(1)
    # From the server's own database: one cannot shut the door of the room one is in.
    db = connection.settings_dict
    server = psycopg2.connect(
        dbname="postgres", host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"]
    )
    server.autocommit = True
    with closing(server), server.cursor() as cursor:
        # What a restart looks like from the worker: its connection cut, new ones refused.
        cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name = 'assurance manage.py run_worker'",
                [name],
            )
            time.sleep(3)
            assert worker.poll() is None
        finally:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    marker = tmp_path / "done"
    result = queued("tests.operations.tasks.sleepy", 0, str(marker))
    wait_until(lambda: status_of(result) == TaskResultStatus.SUCCESSFUL)
    assert worker.poll() is None
    worker.terminate()
    output = worker.communicate(timeout=10)[0]
    assert "The database is not answering" in output
    assert "The database answers again" in output
