"""The database as the web server uses it: SQLite set up for concurrent requests."""

import pytest
from django.db import connection, connections

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
