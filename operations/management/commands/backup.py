"""Back up the database and the stored files into backups/, as `make backup` does.

PostgreSQL: pg_dump's custom format, which pg_restore reads back (`manage.py restore`).
SQLite: a copy made with SQLite's online backup API, consistent even while the app writes
(copying the file could catch a write half done). The files (MEDIA_ROOT) go into a tar beside
it, after the database: a file stored meanwhile is one the database does not name yet, never
the other way round.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from operations.backups import (
    POSTGRESQL,
    SQLITE,
    SUFFIXES,
    archive_media,
    describe,
    engine,
    is_sqlite_file,
    media_archive_of,
    media_is_local,
    run_pg,
    sqlite_copy,
)


class Command(BaseCommand):
    help = (
        "Back up the database into backups/assurance-YYYYmmdd-HHMMSS.dump (PostgreSQL, "
        "pg_dump's custom format) or .sqlite3 (SQLite), and the stored files into "
        "assurance-YYYYmmdd-HHMMSS.media.tar beside it. Restore with `manage.py restore`."
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
        parser.add_argument(
            "--no-media",
            action="store_false",
            dest="media",
            help="Leave out the stored files (papers, kept documents): the database only.",
        )

    def handle(self, *args, directory, database, media, **options):
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
        if media and media_is_local():
            self.back_up_media(path)
        elif media:
            self.stdout.write(
                "The stored files are in a bucket, not MEDIA_ROOT: back the bucket up with "
                'its own versioning (README, "Backups").'
            )

    def back_up_media(self, path):
        archive = media_archive_of(path)
        partial = archive.with_name(f"{archive.name}.partial")
        try:
            partial.touch(mode=0o600)
            count = archive_media(partial)
            partial.replace(archive)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {count} stored file{'s'[: count != 1]} from {settings.MEDIA_ROOT} "
                f"to {archive} ({archive.stat().st_size:,} bytes)."
            )
        )
