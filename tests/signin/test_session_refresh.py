"""A session's idle expiry moves on with use, written at most once a minute
(core.sessions), and always by the keep-alive the pages call before it runs out."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from people import roles
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE = datetime.timedelta(hours=2)


def at(seconds):
    return START + datetime.timedelta(seconds=seconds)


def expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_the_expiry_moves_on_at_most_once_a_minute_and_always_by_keep_alive():
    user = user_with_role(roles.OPCC_STAFF)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": "password"}
        )
        assert response.status_code == 302
        assert expiry(client) == START + IDLE
        # The first page after a form was saved writes the session anyway (core.keep_typed).
        clock.shift(10)
        assert client.get("/meetings/").status_code == 200
        assert expiry(client) == at(10) + IDLE
        clock.shift(40)
        assert client.get("/meetings/").status_code == 200
        assert expiry(client) == at(10) + IDLE  # not written again within the minute
        clock.shift(25)
        assert client.get("/meetings/").status_code == 200
        assert expiry(client) == at(75) + IDLE
        clock.shift(5)
        assert client.get("/accounts/keep-alive/").status_code == 204
        assert expiry(client) == at(80) + IDLE
        # Idle past the expiry: signed out, whatever the minute's grace.
        clock.shift(IDLE.total_seconds() + 1)
        assert client.get("/accounts/keep-alive/").status_code == 401


def test_no_one_signed_in_writes_no_session():
    before = Session.objects.count()
    assert Client().get("/accounts/login/").status_code == 200
    assert Client().get("/public/").status_code == 200
    assert Session.objects.count() == before


def test_a_public_page_leaves_a_signed_in_session_unread():
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF))
    response = client.get("/public/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
