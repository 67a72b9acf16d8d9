"""The maintenance switch and a restore that can be trusted: every host answers 503 with a
page that says why while it is on, the restore waits for requests under way and refuses if
something else works in the database, and the stored files come back with the database."""

import io
import os
import subprocess
import sys
import tarfile
import threading
import time
from collections import Counter
from contextlib import closing

import psycopg2
import pytest
from django.conf import global_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

from operations import maintenance
from operations.backups import media_archive_of, restore_media
from operations.middleware import MaintenanceMiddleware
from people import roles
from tests.factories import user_with_role
from tests.hosts import ROOT, Browser, host_environment, start_gunicorn, stop_host

PAGES = ["/dashboard/", "/actions/", "/accounts/login/", "/public/", "/"]

pytestmark = pytest.mark.faults


@pytest.fixture
def switched_on():
    call_command("maintenance", "on", reason="restore of a test", stdout=io.StringIO())
    yield
    call_command("maintenance", "off", stdout=io.StringIO())


def test_while_the_switch_is_on_every_page_says_back_shortly_without_the_database(
    demo, client, switched_on, django_assert_num_queries
):
    client.login(username="officer", password="assurance-demo")
    for url in PAGES:
        with django_assert_num_queries(0):
            response = client.get(url)
        assert (url, response.status_code, response["Retry-After"]) == (url, 503, "60")
        assert "The service is back shortly" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "officer"}).status_code == 503
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.text.splitlines()[-1].startswith("maintenance: on (")
    assert ready.text.splitlines()[-1].endswith(" restore of a test)")


def test_a_request_that_met_the_restore_in_the_database_is_told_back_shortly(
    rf, tmp_path, settings
):
    """The switch is read as a request begins; one already under way when it went on, whose
    query then fails against the restore, answers 503 like the rest, and a database error
    with the switch off is still the error it is."""
    settings.MEDIA_ROOT = str(tmp_path)
    middleware = MaintenanceMiddleware(lambda request: None)
    failure = OperationalError("could not open relation with OID 16500")
    assert middleware.process_exception(rf.get("/dashboard/"), failure) is None
    with maintenance.during("restore of a test"):
        response = middleware.process_exception(rf.get("/dashboard/"), failure)
        assert middleware.process_exception(rf.get("/"), ValueError("not the database")) is None
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert "The service is back shortly" in response.content.decode()


def test_with_the_switch_off_again_the_pages_come_back(demo, client):
    call_command("maintenance", "on", stdout=io.StringIO())
    assert client.get("/accounts/login/").status_code == 503
    out = io.StringIO()
    call_command("maintenance", "off", stdout=out)
    assert out.getvalue() == f"Maintenance switch off ({maintenance.flag()} absent).\n"
    assert client.get("/accounts/login/").status_code == 200


def test_the_backup_keeps_the_stored_files_and_the_restore_puts_them_back(
    transactional_db, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    paper = default_storage.save("papers/2017/10/force-report.pdf", ContentFile(b"%PDF-1.7 x"))
    export = default_storage.save("kept/exports/action-log.csv", ContentFile(b"Ref,Action\r\n"))
    out = io.StringIO()
    call_command("backup", directory=tmp_path / "backups", stdout=out)
    [database] = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".tar")]
    archive = media_archive_of(database)
    assert "Backed up 2 stored files from " in out.getvalue()
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == [export, paper]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    default_storage.delete(paper)
    with default_storage.open(export, "wb") as changed:
        changed.write(b"written after the backup")
    assert restore_media(archive) == 2
    assert default_storage.open(paper).read() == b"%PDF-1.7 x"
    assert default_storage.open(export).read() == b"Ref,Action\r\n"


def test_restore_media_refuses_names_outside_the_storage(db, tmp_path):
    archive = tmp_path / "evil.media.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("../../outside.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(tarfile.OutsideDestinationError):
        restore_media(archive)


def test_restore_refuses_while_something_else_works_in_the_database_and_changes_nothing(
    transactional_db, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's copy waits on SQLite's own lock instead")
    call_command("backup", directory=tmp_path, media=False, stdout=io.StringIO())
    [backup] = tmp_path.iterdir()
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        application_name="a report writer",
    )
    with closing(other), other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_meeting")  # idle in a transaction now
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(backup), interactive=False, wait=0.5, stdout=io.StringIO())
    assert str(refused.value) == (
        f"database {db['NAME']} on {db['HOST']}:{db['PORT']} is still in use after 0.5 s by "
        "a report writer (idle in transaction): stop it and try again. Nothing was restored."
    ).replace(f" on {db['HOST']}:{db['PORT']}" if not db["HOST"] else "", "")
    assert not maintenance.is_on()


def test_a_restore_under_live_requests_answers_503_meanwhile_and_everyone_signs_in_after(
    transactional_db, tmp_path, settings
):
    """The fault of a restore under load, on a real gunicorn host: no request fails with
    anything but the "back shortly" page, and everyone signs in again after."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: gunicorn shares the test database")
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user_with_role(roles.OPCC_STAFF, username="jackie")
    call_command("backup", directory=tmp_path / "backups", stdout=io.StringIO())
    [backup] = [p for p in (tmp_path / "backups").iterdir() if p.suffix == ".dump"]
    server, url = start_gunicorn(host_environment(tmp_path / "media"), workers=2)
    try:
        signed_in = Browser()
        assert signed_in.sign_in(url, "jackie", "password")[0] == 302
        statuses, stop = Counter(), threading.Event()

        def load(browser, path):
            while not stop.is_set():
                statuses[browser.get(url + path)[0]] += 1

        threads = [
            threading.Thread(target=load, args=(signed_in, "/dashboard/")),
            threading.Thread(target=load, args=(Browser(), "/accounts/login/")),
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)
        call_command("restore", str(backup), interactive=False, wait=10, stdout=io.StringIO())
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
        print(f"\nrestore under load: {sum(statuses.values())} requests, {dict(statuses)}")
        assert set(statuses) <= {200, 302, 503} and statuses[503] > 0, statuses

        status, headers, _ = signed_in.get(url + "/dashboard/")
        assert (status, headers["Location"]) == (302, "/accounts/login/?next=/dashboard/")
        again = Browser()
        assert again.sign_in(url, "jackie", "password")[0] == 302
        assert again.get(url + "/dashboard/")[0] == 200
    finally:
        stop_host(server)


def test_a_host_has_imported_every_view_before_its_first_request():
    """What gunicorn loads (assurance.wsgi) imports the views, forms and template tags now:
    a host restarted under load is not slow for its first requests while /healthz is green."""
    code = (
        "import sys, assurance.wsgi; "
        "print(sorted(m for m in ('actions.views', 'meetings.views.workspace', "
        "'judgements.views', 'papers.views') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "assurance.test_settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == (
        "['actions.views', 'judgements.views', 'meetings.views.workspace', 'papers.views']\n"
    )
