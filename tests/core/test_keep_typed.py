"""Nothing typed is lost, on the server's side: a signed-out or refused save is answered so that
the page keeps what was typed, the session is kept alive on request, and the page learns which
forms were saved (static/js/keep-typed.js does the rest; tests/browser/test_keep_typed.py)."""

import datetime
import json
import re
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.keep_typed import SAVED_KEY
from meetings import services
from meetings.models import Finding
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def item(db):
    return ItemFactory()


@pytest.fixture
def officer(client, opcc_user):
    client.force_login(opcc_user)
    return client


def flash(response):
    return [message.message for message in get_messages(response.wsgi_request)]


def script_data(response):
    """The data attributes of keep-typed.js's script element on a page."""
    tag = re.search(r'<script src="[^"]*keep-typed\.js"[^>]*>', response.content.decode())
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0)))


def test_an_htmx_save_after_the_session_ended_gets_a_401_that_htmx_does_not_swap(client, item):
    response = client.post(
        reverse("meetings:finding_add", args=[item.pk]), {"text": "Typed"}, **HTMX
    )
    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert response["X-Sign-In"] == reverse("login")
    assert response.content.decode() == "You were signed out. Sign in again, then save."
    assert not Finding.objects.exists()


def test_an_ordinary_save_after_the_session_ended_signs_in_back_to_the_page_it_came_from(
    client, item
):
    # A browser's Referer carries no #fragment.
    record = reverse("meetings:record", args=[item.meeting_id])
    response = client.post(
        reverse("meetings:finding_add", args=[item.pk]),
        {"text": "Typed"},
        HTTP_REFERER=f"http://testserver{record}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(record)}"


def test_a_referer_from_another_site_is_not_the_page_to_come_back_to(client, item):
    add = reverse("meetings:finding_add", args=[item.pk])
    response = client.post(add, {"text": "Typed"}, HTTP_REFERER="https://evil.example/x")
    assert response["Location"] == f"{reverse('login')}?next={quote(add)}"


def test_a_page_asked_for_after_the_session_ended_signs_in_back_to_it(client, item):
    url = reverse("meetings:record", args=[item.meeting_id])
    response = client.get(url)
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


def agree(meeting, by):
    services.set_minutes_status(meeting, "agreed", by=by)
    return timezone.localtime(meeting.status_events.get(to_status="agreed").at)


def test_an_htmx_save_to_minutes_agreed_meanwhile_gets_the_reason_unswapped(
    officer, item, commissioner_user
):
    agreed = agree(item.meeting, commissioner_user)
    response = officer.post(
        reverse("meetings:finding_add", args=[item.pk]), {"text": "Typed"}, **HTMX
    )
    assert response.status_code == 409
    assert response["HX-Reswap"] == "none"
    assert response.content.decode() == (
        f"The minutes are agreed and locked. They were agreed on {agreed:%-d %B %Y at %H:%M} "
        f"by {commissioner_user.get_full_name()}; reopen them, saying why, to make a correction."
    )
    assert not Finding.objects.exists()


def test_an_ordinary_save_to_agreed_minutes_shows_what_was_typed_back(
    officer, item, commissioner_user
):
    agreed = agree(item.meeting, commissioner_user)
    response = officer.post(
        reverse("meetings:finding_add", args=[item.pk]),
        {
            "text": "The force is\nto report back.",
            "submission": "8c3c2d6e-1f0a-4f7e-9a55-3c1b8c2f8a11",
            "_typed": "text",
        },
    )
    assert (response.status_code, response["Location"]) == (
        302,
        item.meeting.get_absolute_url(),
    )
    assert flash(response) == [
        f"The minutes are agreed and locked. They were agreed on {agreed:%-d %B %Y at %H:%M} "
        f"by {commissioner_user.get_full_name()}; reopen them, saying why, to make a correction.",
        "What you typed, not saved: The force is\nto report back.",
    ]
    # Refused, so the page keeps its draft: the form is not among those saved.
    assert SAVED_KEY not in officer.session


def test_without_script_every_field_but_the_bookkeeping_is_shown_back(
    officer, item, commissioner_user
):
    agree(item.meeting, commissioner_user)
    response = officer.post(
        reverse("meetings:finding_add", args=[item.pk]),
        {"text": "Typed", "version": "3", "submission": "", "direction": "up", "other": " "},
    )
    assert flash(response)[1:] == ["What you typed, not saved: Typed"]


def test_a_lock_found_on_a_page_asked_for_is_a_message_and_no_typing(
    officer, item, commissioner_user
):
    agree(item.meeting, commissioner_user)
    finding = Finding.objects.create(item=item, text="Minuted", position=0)
    response = officer.get(reverse("meetings:finding_edit", args=[finding.pk]))
    assert response.status_code == 302
    assert len(flash(response)) == 1


def test_a_saved_form_is_named_to_the_next_page_once(officer, item):
    add = reverse("meetings:finding_add", args=[item.pk])
    response = officer.post(add, {"text": "Saved"})
    assert response.status_code == 302
    page = officer.get(response["Location"])
    assert json.loads(script_data(page)["saved"].replace("&quot;", '"')) == [add]
    again = officer.get(response["Location"])
    assert script_data(again)["saved"] == "[]"


def test_the_script_is_told_the_idle_limit_and_the_warning(officer, item, settings, opcc_user):
    settings.SESSION_COOKIE_AGE = 600
    settings.SESSION_WARNING_SECONDS = 60
    data = script_data(officer.get(reverse("meetings:record", args=[item.meeting_id])))
    assert data == {
        "user": str(opcc_user.pk),
        "saved": "[]",
        "session-seconds": "600",
        "warn-seconds": "60",
        "keep-alive": reverse("keep_alive"),
        "sign-in": reverse("login"),
    }


def test_the_sign_in_page_tells_the_script_of_no_one(client):
    data = script_data(client.get(reverse("login")))
    assert (data["user"], data["session-seconds"]) == ("", "")


@pytest.mark.parametrize("method", ["get", "post"])
def test_keep_alive_keeps_the_session_for_another_idle_period(officer, method):
    session = Session.objects.get()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    response = getattr(officer, method)(reverse("keep_alive"))
    assert response.status_code == 204
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert response["X-CSRFToken"]
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + datetime.timedelta(hours=1, minutes=59)


def test_keep_alive_after_the_session_ended_is_a_401_and_no_sign_in_page():
    response = Client().get(reverse("keep_alive"))
    assert (response.status_code, response.content) == (401, b"")
