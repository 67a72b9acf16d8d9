"""What `manage.py backup` and `manage.py restore` share: the kinds of database, the
PostgreSQL client programs, SQLite's online copy, and the files' archive.

A backup is two files with one name: the database (``.dump`` or ``.sqlite3``) and, beside it,
the stored files (papers, kept PDFs and exports) as ``.media.tar``. Restoring the database
alone leaves papers whose rows point at nothing, or the other way round.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db.backends.postgresql.client import DatabaseClient

POSTGRESQL, SQLITE = "postgresql", "sqlite"
SUFFIXES = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
MEDIA_SUFFIX = ".media.tar"
# Files the backup leaves out of the archive: scratch, not the record.
NOT_ARCHIVED = {".maintenance", "health"}


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


def media_archive_of(database_backup):
    """The stored files' archive that goes with ``database_backup``."""
    path = Path(database_backup)
    return path.with_name(path.name.removesuffix(path.suffix) + MEDIA_SUFFIX)


def media_is_local():
    return settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def archive_media(target):
    """Write every stored file under MEDIA_ROOT into the tar ``target``; how many."""
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if relative.parts[0] in NOT_ARCHIVED or not path.is_file():
                    continue
                tar.add(path, arcname=str(relative), recursive=False)
                count += 1
    return count


def restore_media(archive):
    """Put the archive's files back under MEDIA_ROOT. Each file is unpacked beside its place
    and moved in, so a reader never meets half a file; files stored since the backup stay
    until `prune_storage` finds that no row names them. Returns how many were restored."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory(dir=root) as scratch:
        # "data" refuses absolute names, "..", links out of the tree and device files.
        tar.extractall(scratch, filter="data")
        for path in sorted(Path(scratch).rglob("*")):
            if not path.is_file():
                continue
            place = root / path.relative_to(scratch)
            place.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, place)
            count += 1
    return count
