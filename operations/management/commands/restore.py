"""Restore a backup made by `manage.py backup`, as `make restore FILE=...` does.

PostgreSQL: pg_restore --clean --if-exists --no-owner, in one transaction, so that a failed
restore leaves the database as it was. SQLite: SQLite's online backup API, run the other way.
The stored files come back from the archive beside the backup, when there is one.

The application need not be stopped: the maintenance switch is on for the restore, so every
host answers 503 and the worker takes nothing, and the restore waits for the requests already
under way to finish. It refuses if something else still works in the database.
"""

import datetime
import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.formats import date_format

from operations import maintenance
from operations.backups import (
    POSTGRESQL,
    SQLITE,
    describe,
    engine,
    is_sqlite_file,
    media_archive_of,
    media_is_local,
    restore_media,
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


# Connections doing something in the database: an idle one holds no lock and waits for its
# next request, which the maintenance switch answers without the database.
BUSY = (
    "SELECT coalesce(nullif(application_name, ''), 'a client without a name') || ' (' || state "
    "|| ')' FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'"
)


# How long the database must be seen quiet before the restore begins.
QUIET_SECONDS = 1.0


def modified(path):
    when = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
    return date_format(timezone.localtime(when), "j F Y H:i")


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`, replacing everything in the database and "
        "putting back the stored files. The maintenance switch is on meanwhile: the "
        "application need not be stopped."
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
            "--wait",
            type=float,
            default=30,
            metavar="SECONDS",
            help="How long to wait for requests under way to finish (default 30).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, into, database, interactive, wait, **options):
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
        if into:
            self.restore(file, db, kind)
        else:
            with maintenance.during(f"restore of {file.name}"):
                self.stdout.write("Maintenance switch on: every page answers 503 meanwhile.")
                self.wait_until_quiet(db, kind, wait)
                self.restore(file, db, kind)
                self.restore_media(file)
                ended = forget_what_came_after(database)
                self.stdout.write(
                    f"Emptied the cache and ended {ended} session{'s'[: ended != 1]}: "
                    "everyone signs in again."
                )
            self.stdout.write("Maintenance switch off.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file} into {describe(db)}. If the backup is older than the code, "
                "run `python manage.py migrate` before starting the application."
            )
        )

    def target(self, db, kind):
        """The database about to be overwritten, as a person would recognise it."""
        if kind == POSTGRESQL:
            # Also checks that the database exists and that we can sign in to it.
            run_pg(["psql", "--no-password", "-tAc", "SELECT 1", db["NAME"]], db)
            return describe(db)
        path = Path(db["NAME"])
        if not is_sqlite_file(db["NAME"]) or not path.exists():
            return describe(db)
        return f"{path} ({path.stat().st_size:,} bytes, last changed {modified(path)})"

    def wait_until_quiet(self, db, kind, wait):
        """Wait for the requests under way when the switch went on; refuse if something
        still works in the database after ``wait`` seconds.

        A request that passed the switch a moment before it went on may not have reached the
        database yet, and one between two queries reads as idle: the database must be seen
        quiet for ``QUIET_SECONDS`` on end, not once."""
        if kind != POSTGRESQL:
            return  # SQLite's copy takes SQLite's own lock, and waits its timeout for it.
        deadline = time.monotonic() + wait
        quiet_since = None
        while True:
            busy = run_pg(["psql", "--no-password", "-tAc", BUSY, db["NAME"]], db).splitlines()
            now = time.monotonic()
            if busy:
                quiet_since = None
                if now >= deadline:
                    raise CommandError(
                        f"{describe(db)} is still in use after {wait:g} s by "
                        f"{', '.join(busy)}: stop it and try again. Nothing was restored."
                    )
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET_SECONDS:
                return
            time.sleep(0.2)

    def restore(self, file, db, kind):
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
            return
        try:
            sqlite_copy(file, db["NAME"])
        except sqlite3.OperationalError as error:
            raise CommandError(
                f"Could not write {db['NAME']} ({error}): stop the application and try again."
            ) from None

    def restore_media(self, file):
        archive = media_archive_of(file)
        if not archive.is_file():
            self.stdout.write(
                f"No stored files beside the backup ({archive.name}): the files in "
                "MEDIA_ROOT are as they were."
            )
            return
        if not media_is_local():
            self.stdout.write(f"The stored files are in a bucket: {archive.name} not restored.")
            return
        count = restore_media(archive)
        self.stdout.write(f"Restored {count} stored file{'s'[: count != 1]} from {archive}.")
