"""The maintenance switch: while it is on, every host answers 503 with a page saying the
service is back shortly, without touching the database, and the worker takes no task.

It is a file, so that every host sees it without asking a part that may itself be down or
being restored (the database, the cache): by default ``.maintenance`` in ``MEDIA_ROOT``, which
the README's several-hosts layout shares, or ``MAINTENANCE_FILE``."""

import contextlib
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def flag():
    return Path(settings.MAINTENANCE_FILE or Path(settings.MEDIA_ROOT) / ".maintenance")


def is_on():
    return flag().exists()


def switch_on(reason):
    path = flag()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{timezone.now().isoformat()} {reason}\n")


def switch_off():
    flag().unlink(missing_ok=True)


def reason():
    """What the switch was turned on for, as written when it was, or ``None`` when off."""
    try:
        return flag().read_text().strip()
    except FileNotFoundError:
        return None


@contextlib.contextmanager
def during(why):
    """The switch on for the block, and off after it whatever happens, unless it was already
    on (somebody else's maintenance is theirs to end)."""
    if is_on():
        yield
        return
    switch_on(why)
    try:
        yield
    finally:
        switch_off()
