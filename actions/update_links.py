"""Owners without a login report from the email: a link to one action's update form.

The link is a random secret (only its SHA-256 digest is kept, so a copy of the database opens
nothing), for one person and one action, used once, expiring after ``UPDATE_LINK_DAYS`` and
revocable by the office. It signs nobody in: its page shows that action and its form, and
nothing else of the record.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status, UpdateLink
from actions.owners import login_of, owners_of
from actions.services import add_update, mark_complete


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue(action, person):
    """A new link for ``person`` to report on ``action``: the path with its secret, to be
    sent to them and shown to nobody else."""
    token = secrets.token_urlsafe(32)
    UpdateLink.objects.create(
        action=action,
        person=person,
        digest=_digest(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.UPDATE_LINK_DAYS),
    )
    return reverse("actions:update_by_link", args=[token])


def find(token):
    """The link ``token`` names, whatever its state, or None."""
    return (
        UpdateLink.objects.select_related("action__meeting", "person")
        .filter(digest=_digest(token))
        .first()
    )


@transaction.atomic
def report(link, *, text, on_date, complete):
    """The owner's update through ``link``, and their completion if they say so; the link is
    spent. Refused (ValueError) unless the link is still open."""
    link = UpdateLink.objects.select_for_update().select_related("action", "person").get(pk=link.pk)
    if link.state != "open":
        raise ValueError(link.state)
    action = link.action
    add_update(action, text=text, on_date=on_date, by=None, by_person=link.person)
    if complete and action.status == Status.OPEN:
        mark_complete(action, note=text, by=None, on_date=on_date, by_person=link.person)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return action


def revoke(link, *, by):
    UpdateLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )


def owners_without_login(action):
    """The people who answer for ``action`` and have no login to report with."""
    people, _ = owners_of(
        Action.objects.filter(pk=action.pk)
        .select_related("item")
        .prefetch_related(
            "owner_posts__holder__user", "owner_people__user", "owner_bodies__members__user"
        )
    )
    return [person for person, _actions in people if not login_of(person).is_authenticated]
