"""What an attached file adds to an email, as a relay counts it (core.mail.size_as_sent), and
the headers every automatic email carries."""

import email.parser
import email.policy
import os

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from core.mail import PART_HEADERS_BYTES, size_as_sent
from people import accounts, roles
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    user_with_role,
)


def sent_bytes(*attachments):
    message = EmailMessage("Agenda", "Dear Jo,", "a@opcc.example", ["b@force.example"])
    for name, content in attachments:
        message.attach(name, content, "application/octet-stream")
    return len(message.message().as_bytes(linesep="\r\n"))


@pytest.mark.parametrize("size", [1, 56, 57, 58, 4096, 800 * 1024, 3 * 1024 * 1024 + 1])
@pytest.mark.parametrize("name", ["Rural plan.docx", "Plan d’action – rural crime ✓.docx"])
def test_the_estimate_is_never_below_what_the_file_adds_and_at_most_a_part_header_above(size, name):
    added = sent_bytes(("pack.pdf", b"%PDF"), (name, os.urandom(size))) - sent_bytes(
        ("pack.pdf", b"%PDF")
    )
    assert added <= size_as_sent(size) <= added + PART_HEADERS_BYTES


def _strictly_read(sent):
    parsed = email.parser.BytesParser(policy=email.policy.strict).parsebytes(
        sent.message().as_bytes()
    )
    assert parsed.defects == []
    return parsed["Auto-Submitted"], parsed["Message-ID"].rsplit("@", 1)[1]


@pytest.mark.django_db
def test_the_emails_outside_circulation_and_reminders_say_they_are_automatic(client, settings):
    """An invitation, a password reset and an owner's update link: out-of-office replies
    must not answer them either (RFC 3834), and their Message-ID names our host."""
    settings.SITE_URL = "https://assurance.opcc.example"
    invited = get_user_model().objects.create_user("new@example.org", email="new@example.org")
    invited.set_unusable_password()
    invited.save()
    accounts.send_invitation(invited, by=None, base_url="https://assurance.opcc.example/")
    known = user_with_role(roles.OPCC_STAFF, username="jackie")
    known.email = "jackie@example.org"
    known.save()
    client.post(reverse("password_reset"), {"email": "jackie@example.org"})
    owner = PersonFactory(email="rl@example.org")
    action = ActionFactory(
        item=ItemFactory(meeting=MeetingFactory(status="agreed")), owners=[owner]
    )
    client.force_login(known)
    client.post(reverse("actions:send_update_link", args=[action.pk]), {"person": owner.pk})
    assert [sent.to for sent in mail.outbox] == [
        ["new@example.org"],
        ["jackie@example.org"],
        ["rl@example.org"],
    ]
    assert [_strictly_read(sent) for sent in mail.outbox] == [
        ("auto-generated", "assurance.opcc.example>")
    ] * 3
