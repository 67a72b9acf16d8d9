"""Restore a backup made by `manage.py backup`, as `make restore FILE=...` does.

PostgreSQL: pg_restore --clean --if-exists --no-owner, in one transaction, so that a failed
restore leaves the database as it was. SQLite: SQLite's online backup API, run the other way.
"""

import datetime
import sqlite3
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.formats import date_format

from meetings.management.commands.backup import (
    POSTGRESQL,
    SQLITE,
    describe,
    engine,
    is_sqlite_file,
    run_pg,
    sqlite_copy,
)

# The first bytes of each kind of backup file.
SIGNATURES = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
KINDS = {POSTGRESQL: "a PostgreSQL backup (pg_dump --format=custom)", SQLITE: "an SQLite database"}


def forget_what_came_after(database):
    """After a restore, nothing from after the backup may stand: the shared cache holds
    sessions and pages of a record that no longer exists (a session begun since answered
    every page, the sign-in page included, with 400), and the restored sessions are of
    another time. Both go, and everyone signs in again. Returns how many sessions ended."""
    for cache in caches.all():
        cache.clear()
    ended, _ = Session.objects.using(database).all().delete()
    return ended


OTHER_SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def modified(path):
    when = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
    return date_format(timezone.localtime(when), "j F Y H:i")


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`, replacing everything in the database. "
        "Stop the application first."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup, for example backups/assurance-…")
        parser.add_argument(
            "--into",
            metavar="NAME",
            help="Restore into another database instead, to check a backup without touching "
            "the live one: for PostgreSQL an existing database on the same server, for SQLite "
            "a file path.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias to restore into."
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, into, database, interactive, **options):
        db = dict(settings.DATABASES[database])
        if into:
            db["NAME"] = into
        kind = engine(db)
        if not file.is_file():
            raise CommandError(f"There is no backup at {file}.")
        with file.open("rb") as backup:
            if backup.read(len(SIGNATURES[kind])) != SIGNATURES[kind]:
                raise CommandError(
                    f"{file} is not {KINDS[kind]}, which is what restoring into "
                    f"{describe(db)} needs."
                )
        self.stdout.write(
            f"This replaces everything in {self.target(db, kind)} with {file} "
            f"(made {modified(file)})."
        )
        if interactive and input("Type 'yes' to go ahead: ").strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing changed.")
        if kind == POSTGRESQL:
            run_pg(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--no-password",
                    f"--dbname={db['NAME']}",
                    str(file),
                ],
                db,
            )
        else:
            try:
                sqlite_copy(file, db["NAME"])
            except sqlite3.OperationalError as error:
                raise CommandError(
                    f"Could not write {db['NAME']} ({error}): stop the application and try again."
                ) from None
        if not into:
            ended = forget_what_came_after(database)
            self.stdout.write(
                f"Emptied the cache and ended {ended} session{'s'[: ended != 1]}: everyone "
                "signs in again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file} into {describe(db)}. If the backup is older than the code, "
                "run `python manage.py migrate` before starting the application."
            )
        )

    def target(self, db, kind):
        """The database about to be overwritten, after checking nobody is using it."""
        if kind == POSTGRESQL:
            # Also checks that the database exists and that we can sign in to it.
            others = int(run_pg(["psql", "--no-password", "-tAc", OTHER_SESSIONS, db["NAME"]], db))
            if others:
                raise CommandError(
                    f"{describe(db)} has {others} other connection{'s'[: others != 1]} open: "
                    "stop the application (and anything else using it) and try again."
                )
            return describe(db)
        path = Path(db["NAME"])
        if not is_sqlite_file(db["NAME"]) or not path.exists():
            return describe(db)
        return f"{path} ({path.stat().st_size:,} bytes, last changed {modified(path)})"
