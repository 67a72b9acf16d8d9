"""Backups: `make backup` writes one, `make restore` puts the minutes back whole.

These run on whichever database the suite runs on: CI runs them on PostgreSQL, then SQLite.
"""

import io
import re
import sqlite3
from contextlib import closing

import psycopg2
import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from operations.management.commands.restore import forget_what_came_after

QUERIES = {
    "meetings": "SELECT count(*) FROM meetings_meeting",
    "agenda items": "SELECT count(*) FROM meetings_agendaitem",
    "actions": "SELECT count(*) FROM actions_action",
    "attendances": "SELECT count(*) FROM meetings_attendance",
    "findings of October's item 1.2": (
        "SELECT count(*) FROM meetings_finding f "
        "JOIN meetings_agendaitem i ON i.id = f.item_id "
        "JOIN meetings_meeting m ON m.id = i.meeting_id "
        "WHERE m.date = '2017-10-31' AND i.number = '1.2'"
    ),
}


def database_backups(directory):
    return [path for path in directory.iterdir() if not path.name.endswith(".media.tar")]


def pg_params():
    db = connection.settings_dict
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    return {key: value for key, value in params.items() if value}


@pytest.fixture
def empty_database(transactional_db, tmp_path):
    """An empty database of the suite's kind, as (what `restore --into` takes, a way to count).

    transactional_db: pg_dump runs in another process and sees only what is committed.
    """
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def count(query):
            with closing(sqlite3.connect(path)) as db:
                return db.execute(query).fetchone()[0]

        yield str(path), count
        return

    name = f"{connection.settings_dict['NAME']}_restored"
    server = psycopg2.connect(dbname="postgres", **pg_params())
    server.autocommit = True

    def run(statement):
        with server.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def count(query):
        with closing(psycopg2.connect(dbname=name, **pg_params())) as db, db.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]

    run("DROP DATABASE IF EXISTS {}")
    run("CREATE DATABASE {}")
    try:
        yield name, count
    finally:
        run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        server.close()


def test_a_backup_restores_the_october_minutes_whole_into_an_empty_database(
    empty_database, tmp_path
):
    into, count = empty_database
    call_command("load_demo", force=True, stdout=io.StringIO())

    call_command("backup", directory=tmp_path / "backups", stdout=io.StringIO())
    [backup] = database_backups(tmp_path / "backups")
    call_command("restore", str(backup), into=into, interactive=False, stdout=io.StringIO())

    suffix = {"postgresql": "dump", "sqlite": "sqlite3"}[connection.vendor]
    assert re.fullmatch(rf"assurance-\d{{8}}-\d{{6}}\.{suffix}", backup.name)
    assert {what: count(query) for what, query in QUERIES.items()} == {
        "meetings": 3,
        "agenda items": 19,
        "actions": 10,
        "attendances": 7,
        "findings of October's item 1.2": 5,
    }


def test_restore_asks_first_and_changes_nothing_unless_told_yes(
    empty_database, tmp_path, monkeypatch
):
    into, count = empty_database
    signature = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}[connection.vendor]
    backup = tmp_path / "assurance-20171031-120000.backup"
    backup.write_bytes(signature)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Restore cancelled; nothing changed."):
        call_command("restore", str(backup), into=into, stdout=io.StringIO())

    with pytest.raises((sqlite3.OperationalError, psycopg2.errors.UndefinedTable)):
        count(QUERIES["meetings"])


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind_of_database(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Not a backup.")
    kind = {
        "postgresql": "a PostgreSQL backup (pg_dump --format=custom)",
        "sqlite": "an SQLite database",
    }[connection.vendor]

    with pytest.raises(CommandError, match=re.escape(f"{notes} is not {kind}")):
        call_command("restore", str(notes), interactive=False, stdout=io.StringIO())


def test_after_a_restore_the_cache_is_empty_and_everyone_signs_in_again(
    client, django_user_model, settings
):
    user = django_user_model.objects.create_user("officer", password="pw")
    client.force_login(user)
    cache.set("content:dashboard:after-the-backup", "a page of a record now gone")
    assert Session.objects.count() == 1

    assert forget_what_came_after("default") == 1
    assert cache.get("content:dashboard:after-the-backup") is None
    assert Session.objects.count() == 0
    assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"


def test_restoring_into_another_database_leaves_the_live_one_signed_in(
    empty_database, tmp_path, client, django_user_model
):
    into, _ = empty_database
    call_command("load_demo", force=True, stdout=io.StringIO())
    call_command("backup", directory=tmp_path / "backups", stdout=io.StringIO())
    [backup] = database_backups(tmp_path / "backups")
    client.force_login(django_user_model.objects.get(username="officer"))
    out = io.StringIO()
    call_command("restore", str(backup), into=into, interactive=False, stdout=out)
    assert "Emptied the cache" not in out.getvalue()
    assert client.get("/dashboard/").status_code == 200
