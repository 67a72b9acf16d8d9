"""Two factors for a login with a password: a six-digit code from an authenticator app (TOTP,
django-otp) and ten recovery codes, each good once.

Failed codes count with failed passwords (django-axes, per login and address): five of
either, together, and the login is locked out from that address for the cool-off time.
"""

import base64
import io
import logging

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import roles
from people.accounts import has_two_factor

log = logging.getLogger(__name__)

APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODES = 10


def required_for(user):
    """Whether the deployment requires ``user`` to give a second factor after the password."""
    return settings.REQUIRE_TWO_FACTOR and (
        roles.is_opcc_staff(user) or roles.is_commissioner(user)
    )


def pending_device(user):
    """The authenticator being set up, made afresh if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def secret(device):
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(device):
    """The key as a QR code: an SVG data: URI (the CSP allows data: images, not inline SVG
    styles)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def normalise(code):
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


@transaction.atomic
def confirm(user, device, code):
    """Turn two factors on if ``code`` is the app's current one; the recovery codes, or None."""
    if device.confirmed or device.user_id != user.pk:
        return None
    if not device.verify_token(normalise(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.info("Two factors turned on for %s", user)
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user):
    """Ten new recovery codes; any earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


class Throttled(Exception):
    """A wrong code was given moments ago: django-otp makes each next try wait longer
    (one second, two, four...). The code was not checked."""


def verify(user, code):
    """The device that ``code`` is good for (a recovery code is used up), or None.

    Raises Throttled if the code cannot be checked yet."""
    code = normalise(code)
    if not code:
        return None
    if code.isdigit():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    if not device.verify_is_allowed()[0]:
        raise Throttled
    return device if device.verify_token(code) else None


@transaction.atomic
def remove(user, *, by):
    """Turn two factors off: the app and the recovery codes stop working."""
    had = has_two_factor(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if had:
        log.info("Two factors turned off for %s by %s", user, by)
    return had
