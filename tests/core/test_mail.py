"""What an attached file adds to an email, as a relay counts it (core.mail.size_as_sent)."""

import os

import pytest
from django.core.mail import EmailMessage

from core.mail import PART_HEADERS_BYTES, size_as_sent


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
