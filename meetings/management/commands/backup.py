"""Back up the database into backups/, as `make backup` does.

PostgreSQL: pg_dump's custom format, which pg_restore reads back (`manage.py restore`).
SQLite: a copy made with SQLite's online backup API, consistent even while the app writes
(copying the file could catch a write half done).
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone

POSTGRESQL, SQLITE = "postgresql", "sqlite"
SUFFIXES = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}


def engine(db):
    """Which kind of database ``db`` (an entry of settings.DATABASES) is."""
    if "postgresql" in db["ENGINE"]:
        return POSTGRESQL
    if "sqlite3" in db["ENGINE"]:
        return SQLITE
    raise CommandError(f"Backups cover PostgreSQL and SQLite, not {db['ENGINE']}.")


def describe(db):
    """The database as a person would name it in a message."""
    if engine(db) == SQLITE:
        return str(db["NAME"])
    where = ":".join(str(part) for part in (db.get("HOST"), db.get("PORT")) if part)
    return f"database {db['NAME']}" + (f" on {where}" if where else "")


def pg_environment(db):
    """libpq's environment for ``db``: the password never appears on a command line."""
    _, env = DatabaseClient.settings_to_cmd_args_env(db, [])
    env = {**os.environ, **(env or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def run_pg(command, db):
    """Run a PostgreSQL client program against ``db``; its error becomes the command's."""
    try:
        result = subprocess.run(command, env=pg_environment(db), capture_output=True, text=True)
    except FileNotFoundError:
        raise CommandError(
            f"{command[0]} is not installed: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client), of the server's version or newer."
        ) from None
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")
    return result.stdout


def sqlite_copy(source, target):
    """Copy the SQLite database ``source`` into ``target`` with SQLite's online backup API.

    It takes SQLite's locks, so the copy is consistent; it fails with "database is locked"
    if another connection holds a write lock for longer than the timeout.
    """
    with (
        closing(sqlite3.connect(str(source), uri=True, timeout=10)) as from_db,
        closing(sqlite3.connect(str(target), uri=True, timeout=10)) as to_db,
    ):
        from_db.backup(to_db)


def is_sqlite_file(name):
    # "file:" names are URIs, such as the test suite's in-memory database.
    return not str(name).startswith("file:")


class Command(BaseCommand):
    help = (
        "Back up the database into backups/assurance-YYYYmmdd-HHMMSS.dump (PostgreSQL, "
        "pg_dump's custom format) or .sqlite3 (SQLite). Restore with `manage.py restore`."
    )
    # A backup must run even when something else is misconfigured.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="Where to write the backup (default: backups/ beside manage.py).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias to back up."
        )

    def handle(self, *args, directory, database, **options):
        db = settings.DATABASES[database]
        kind = engine(db)
        if kind == SQLITE and is_sqlite_file(db["NAME"]) and not Path(db["NAME"]).is_file():
            raise CommandError(f"There is no database at {db['NAME']} to back up.")
        # Backups hold personal data and password hashes: readable by their owner only.
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = directory / f"assurance-{stamp}{SUFFIXES[kind]}"
        if path.exists():
            raise CommandError(f"{path} already exists; try again in a second.")
        # Written under another name first, so that a failed run leaves no half backup behind.
        partial = path.with_name(f"{path.name}.partial")
        try:
            partial.touch(mode=0o600)
            if kind == POSTGRESQL:
                run_pg(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-password",
                        f"--file={partial}",
                        db["NAME"],
                    ],
                    db,
                )
            else:
                sqlite_copy(db["NAME"], partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {describe(db)} to {path} ({size:,} bytes).")
        )
