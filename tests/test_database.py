"""The database as the web server uses it: SQLite set up for concurrent requests, and
PostgreSQL connections kept by each worker and checked before reuse."""

import pytest
from django.conf import global_settings
from django.db import connection, connections

from people import roles
from tests.factories import ActionFactory, user_with_role
from tests.hosts import Browser, host_environment, start_gunicorn, stop_host
from tests.test_security import settings_printed

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's settings")


def _pragmas(wrapper, names):
    with wrapper.cursor() as cursor:
        values = []
        for name in names:
            cursor.execute(f"PRAGMA {name}")
            values.append(cursor.fetchone()[0])
    return values


@on_sqlite
@pytest.mark.django_db
def test_an_sqlite_database_file_is_opened_in_wal_mode_for_concurrent_requests(tmp_path):
    # The test database is in memory, where WAL does not exist; the settings are the same
    # ones a database file gets under gunicorn.
    probe = type(connections["default"])(
        {**connection.settings_dict, "NAME": str(tmp_path / "db.sqlite3")}, alias="probe"
    )
    try:
        values = _pragmas(probe, ["journal_mode", "synchronous", "busy_timeout"])
    finally:
        probe.close()
    assert values == ["wal", 1, 20_000]
    assert probe.transaction_mode == "IMMEDIATE"


@on_sqlite
@pytest.mark.django_db
def test_the_test_database_has_the_same_settings_apart_from_wal():
    assert _pragmas(connection, ["journal_mode", "synchronous", "busy_timeout"]) == [
        "memory",
        1,
        20_000,
    ]
    assert connection.transaction_mode == "IMMEDIATE"
    assert connection.settings_dict["ATOMIC_REQUESTS"] is True


def test_postgresql_gets_none_of_sqlites_options_and_names_each_process():
    code = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['ENGINE'], db['OPTIONS'], db['ATOMIC_REQUESTS'])"
    )
    printed = settings_printed(code, DATABASE_URL="postgres://assurance@127.0.0.1:5432/assurance")
    # Named in pg_stat_activity, for `manage.py restore` to say who still works in it.
    assert printed == (
        "django.db.backends.postgresql {'application_name': 'assurance manage.py shell'} True\n"
    )


def test_postgresql_connections_are_kept_between_requests_and_checked_before_reuse():
    code = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    url = "postgres://assurance@127.0.0.1:5432/assurance"
    assert settings_printed(code, DATABASE_URL=url) == "300 True\n"
    # One per request again, for whoever needs it (DATABASE_URL wins).
    assert settings_printed(code, DATABASE_URL=url + "?conn_max_age=0") == "0 True\n"


@pytest.fixture
def one_host(transactional_db, tmp_path, settings):
    """One gunicorn host on the test database, as production runs it (no cache shared)."""
    if connection.vendor != "postgresql":
        pytest.skip("a connection kept between requests is PostgreSQL's (DATABASE_URL=postgres://)")
    # Passwords hashed as the host hashes them (the tests' fast hasher is not its).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    server, url = start_gunicorn(host_environment(tmp_path / "storage"))
    try:
        yield url
    finally:
        stop_host(server)


def _host_backends():
    """The process ids of the host's connections to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND pid <> pg_backend_pid()",
            # The name settings give a process run as `python -m gunicorn` (tests.hosts), and
            # as `python -m pytest` too: other connections of the tests come and go beside it.
            ["assurance __main__.py"],
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_connection_the_database_closed_costs_the_next_request_nothing(one_host):
    """The server ends the worker's kept connection (a restart, a restore, an idle timeout):
    the next request is answered in full, on a new connection, and nothing is lost."""
    user_with_role(roles.OPCC_STAFF, username="jackie")
    action = ActionFactory(text="Share the Athena brief with the OPCC")
    browser = Browser()
    assert browser.sign_in(one_host, "jackie", "password")[0] == 302
    assert browser.get(f"{one_host}/actions/")[0] == 200
    (kept,) = _host_backends()
    # Asked again, the worker reuses the connection it kept.
    assert browser.get(f"{one_host}/dashboard/")[0] == 200
    assert _host_backends() == {kept}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept])
    status, _, body = browser.get(f"{one_host}/actions/{action.pk}/")
    assert (status, action.text in body.decode()) == (200, True)
    assert len(_host_backends() - {kept}) == 1


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'prepared_%'")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_what_every_page_asks_is_planned_once_per_connection_and_outlives_a_rollback():
    from django.db import transaction

    from core import prepared

    connection.close()
    user = user_with_role(roles.OPCC_STAFF)
    sql = "SELECT %s::int + %s::int"

    def ask(a, b):
        with connection.cursor() as cursor:
            prepared.execute(cursor, sql, [a, b])
            return cursor.fetchone()[0]

    before = _prepared_statements()
    assert ask(1, 2) == 3
    assert _prepared_statements() == before + 1
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert ask(3, 4) == 7
        raise ZeroDivisionError
    assert (ask(5, 6), _prepared_statements()) == (11, before + 1)
    # The login's roles ride on the same: one statement more, however many logins ask.
    assert roles.is_opcc_staff(user)
    assert _prepared_statements() == before + 2
    # A new connection prepares afresh.
    connection.close()
    assert (ask(7, 8), _prepared_statements()) == (15, 1)
    with pytest.raises(ValueError, match="literal %"), connection.cursor() as cursor:
        prepared.execute(cursor, "SELECT 'a%%b' || %s", ["c"])
