"""The meeting room's screen: what the officer has open, as typed, for the room and for the
force's attendees on their own devices; and the actions the chair agreed as shown."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, ActionEvent
from actions.services import raise_action
from meetings import services as meeting_services
from meetings.models import Attendance, Finding, Meeting
from meetings.services import minutes_document
from people import roles
from people.models import Person, Post
from tests.factories import ItemFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


@pytest.fixture
def november(demo):
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    return meeting_services.open_meeting(
        october.series,
        date=datetime.date(2017, 11, 29),
        chairs=october.ordered_chairs(),
        minute_taker=october.minute_taker,
    )


def nightjar(meeting):
    """A restricted item, with a finding, that the force may not see."""
    secret = ItemFactory(
        meeting=meeting,
        number="8",
        heading="Operation Nightjar",
        position=meeting_services.next_position(meeting),
        restricted=True,
        restriction_reason="Live investigation",
    )
    Finding.objects.create(item=secret, text="Two suspects identified.", position=1)
    return secret


def _follow(officer, meeting, item):
    response = officer.post(reverse("room:follow", args=[meeting.pk]), {"item": item.pk})
    assert response.status_code == 204


def _screen(client, meeting, view="full", etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("room:content", args=[meeting.pk]), {"view": view}, headers=headers)


def test_the_screen_shows_the_item_the_officer_opened_and_keeps_up_with_what_is_typed(
    officer, november
):
    item = november.items.get(number="2", parent=None)
    assert "The item under discussion shows here" in _screen(officer, november).text
    _follow(officer, november, item)
    first = _screen(officer, november)
    assert first.status_code == 200
    assert f'<h2 id="room-item-{item.pk}">{item.numbered_title}</h2>' in first.text
    # Nothing changed: a 304 without a body.
    again = _screen(officer, november, etag=first["ETag"])
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])

    Finding.objects.create(item=item, text="Athena goes live in March.", position=1)
    action = raise_action(
        item=item,
        text="Brief the PCC on the Athena go-live.",
        owner_posts=[Post.objects.get(abbreviation="DCC")],
        due_kind="date",
        due_date=datetime.date(2018, 1, 31),
        due_wording="By end January 2018",
    )
    changed = _screen(officer, november, etag=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "<li>Athena goes live in March.</li>" in changed.text
    assert '<p class="room-action-text">Brief the PCC on the Athena go-live.</p>' in changed.text
    assert "<dt>Owners</dt><dd>DCC</dd>" in changed.text
    assert "<dt>Due</dt><dd>By end January 2018</dd>" in changed.text
    assert f"<dt>Reference</dt><dd>{action.reference}</dd>" in changed.text

    # The officer moves on: the screen follows.
    other = november.items.get(number="3", parent=None)
    _follow(officer, november, other)
    moved = _screen(officer, november, etag=changed["ETag"])
    assert moved.status_code == 200
    assert f'id="room-item-{other.pk}"' in moved.text
    assert "Athena" not in moved.text


def test_asking_whether_anything_changed_costs_a_few_queries_however_large_the_meeting(
    officer, november
):
    item = november.items.get(number="2", parent=None)
    _follow(officer, november, item)
    etag = _screen(officer, november)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert _screen(officer, november, etag=etag).status_code == 304
    # The session, the login with its roles, the meeting, the open item and the record's
    # version: no transaction, nothing rendered.
    assert len(queries) == 5


def test_a_restricted_item_never_reaches_the_view_as_the_force_sees_it(officer, november):
    secret = nightjar(november)
    raise_action(item=secret, text="Brief the PCC on Nightjar privately.")
    _follow(officer, november, secret)
    full = _screen(officer, november, "full").text
    assert "Operation Nightjar" in full and "Two suspects identified." in full
    force = _screen(officer, november, "force").text
    assert f'<h2 id="room-item-{secret.pk}">Item 8</h2>' in force
    assert "<p>This item is not shown in this view.</p>" in force
    for text in ("Nightjar", "suspects", "Live investigation"):
        assert text not in force
    # The page opened for the room says the same.
    page = officer.get(reverse("room:show", args=[november.pk]), {"view": "force"}).text
    assert "Nightjar" not in page and "as the force sees it" in page


def test_the_force_sees_only_its_version_and_only_at_a_meeting_it_attends(officer, november):
    secret = nightjar(november)
    _follow(officer, november, secret)
    # The DCC attends, recorded present; a force officer who does not is a stranger here.
    dcc = Person.objects.get(user__username="dcc")
    Attendance.objects.create(meeting=november, person=dcc, presence="present")
    client = Client()
    client.force_login(dcc.user)
    # Asking for the full version gets the force's.
    shown = _screen(client, november, "full").text
    assert "Nightjar" not in shown and "This item is not shown in this view." in shown
    stranger = Client()
    stranger.force_login(user_with_role(roles.FORCE_OFFICER, username="not-there"))
    assert _screen(stranger, november).status_code == 404


def test_the_officer_says_where_they_are_only_within_the_meeting(officer, november):
    url = reverse("room:follow", args=[november.pk])
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    elsewhere = october.items.first()
    for sent in ({"item": elsewhere.pk}, {"item": "2; DROP"}, {}):
        response = officer.post(url, sent)
        assert (response.status_code, response.content) == (400, b"No such item in this meeting.")


def test_the_chair_agrees_an_items_actions_as_shown_once_each_on_their_trails(officer, november):
    item = november.items.get(number="4", parent=None)
    first = raise_action(item=item, text="Share the plan.", owner_posts=[_post("DCC")])
    second = raise_action(item=item, text="Report on recruitment.", owner_posts=[_post("CC")])
    url = reverse("actions:agree_in_room", args=[item.pk])
    response = officer.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.count("Agreed in the room</span>") == 2
    assert "agree_in_room" not in response.text and "agreed-in-room/" not in response.text
    trail = ActionEvent.objects.filter(kind="agreed_room").order_by("action__position")
    assert [(e.action_id, e.text) for e in trail] == [
        (first.pk, "Agreed in the room as shown: “Share the plan.”, owned by DCC."),
        (second.pk, "Agreed in the room as shown: “Report on recruitment.”, owned by CC."),
    ]
    # Once: pressed again, nothing more is recorded.
    again = officer.post(url, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "The actions at item 4 were already agreed."
    ]
    assert ActionEvent.objects.filter(kind="agreed_room").count() == 2
    # The draft minutes say so, and the screen too.
    doc = minutes_document(Meeting.objects.get(pk=november.pk))
    lines = [
        line for row in doc.rows for b in row.blocks if b.kind == "actions" for line in b.items
    ]
    assert [(line.reference, line.agreed_in_room) for line in lines] == [
        (first.reference, True),
        (second.reference, True),
    ]
    minutes = officer.get(november.get_absolute_url()).text
    assert minutes.count("Agreed in the room as shown.") == 2
    _follow(officer, november, item)
    assert _screen(officer, november).text.count("Agreed in the room at ") == 2


def test_changing_what_the_room_agreed_asks_for_a_reason_and_keeps_it(officer, november):
    item = november.items.get(number="4", parent=None)
    action = raise_action(item=item, text="Share the plan.", owner_posts=[_post("DCC")])
    officer.post(reverse("actions:agree_in_room", args=[item.pk]))
    action.refresh_from_db()
    url = reverse("actions:edit", args=[action.pk])
    data = {"text": "Share the plan with the panel.", "owner_posts": [_post("DCC").pk]}
    refused = officer.post(url, {**data, "version": action.version})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == [
        "Say why the action changes: the meeting agreed its wording and owners as shown in the "
        "room."
    ]
    assert "Share the plan with the panel." in refused.text  # what was typed is kept
    assert Action.objects.get(pk=action.pk).text == "Share the plan."
    # A due changed alone needs no reason: the room agreed the wording and the owners.
    saved = officer.post(
        url, {**data, "text": action.text, "due_wording": "By Christmas", "version": action.version}
    )
    assert saved.status_code == 302
    action.refresh_from_db()
    saved = officer.post(
        url,
        {
            **data,
            "due_wording": "By Christmas",
            "reason": "The chair added the panel.",
            "version": action.version,
        },
    )
    assert saved.status_code == 302
    action.refresh_from_db()
    assert action.text == "Share the plan with the panel."
    assert action.events.filter(kind="text").order_by("-pk").first().text == (
        "Wording changed from “Share the plan.” to “Share the plan with the panel.”. "
        "Changed after the room agreed it: The chair added the panel."
    )


def _post(abbreviation):
    return Post.objects.get(abbreviation=abbreviation)


def test_an_attendee_finds_the_room_on_the_meetings_page_while_the_minutes_are_written(
    november,
):
    dcc = Person.objects.get(user__username="dcc")
    client = Client()
    client.force_login(dcc.user)
    link = f'<a href="{reverse("room:show", args=[november.pk])}">Follow it as the room'
    assert link not in client.get(reverse("meetings:list")).text
    Attendance.objects.create(meeting=november, person=dcc, presence="present")
    assert link in client.get(reverse("meetings:list")).text
    # Once agreed the minutes are theirs to read, and the room has gone home.
    meeting_services.set_minutes_status(november, "agreed", by=None)
    assert link not in client.get(reverse("meetings:list")).text
