"""What every email the service sends of its own accord carries in its headers."""

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
