"""A real SMTP server on 127.0.0.1, started by a test: the ``smtp`` fixture (registered in
tests/conftest.py) gives its inbox, with Django's SMTP backend pointed at it."""

import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


class Inbox:
    """What the server received: each message parsed, with the envelope's recipients."""

    def __init__(self):
        self.messages = []
        self.raw = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.raw.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def raw_to(self, address):
        """The bytes of each message to ``address`` as the server received them."""
        return [content for rcpts, content in self.raw if address in rcpts]

    def to(self, address):
        return [message for rcpts, message in self.messages if address in rcpts]

    def recipients(self):
        return sorted(address for rcpts, _ in self.messages for address in rcpts)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(caplog):
    """Django's SMTP backend sending to an aiosmtpd server this test started."""
    # aiosmtpd narrates every command at INFO.
    caplog.set_level(logging.WARNING, logger="mail.log")
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
        ):
            yield inbox
    finally:
        controller.stop()


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


BASE = "http://testserver"
