"""What every email the service sends of its own accord carries in its headers."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid


def automatic_headers():
    """``Auto-Submitted: auto-generated`` (RFC 3834), so that out-of-office replies and
    mailing lists do not answer a reminder or a circulation, and a ``Message-ID`` in the
    site's own domain: Django's default names the host, which on a server is often
    ``localhost`` and marks the message as spam with some relays."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return {"Message-ID": make_msgid(domain=domain), "Auto-Submitted": "auto-generated"}


@dataclass(frozen=True)
class OfferedFile:
    """A file an email may carry, or, when it will not fit, link to.

    ``read`` gives the bytes only when the file is attached, so a paper sent as a link is
    never read into memory. ``link(person)`` is the path of a link that works for that
    recipient alone; None where the file has no such link, and the email says to ask for it.
    """

    filename: str
    mimetype: str
    size: int
    read: Callable[[], bytes]
    link: Callable[[object], str] | None = None


# A base64 line carries 57 bytes of the file in 76 characters and a CRLF; each part adds
# its own headers (a long non-ASCII name, encoded, takes a few hundred bytes).
BASE64_LINE_BYTES, BASE64_LINE_CHARS = 57, 78
PART_HEADERS_BYTES = 1024


def size_as_sent(size):
    """What a file of ``size`` bytes adds to an email as a relay counts it: base64 makes it
    about a third larger."""
    return -(-size // BASE64_LINE_BYTES) * BASE64_LINE_CHARS + PART_HEADERS_BYTES
