"""Comings and goings by the clock as well as by the item: "joined at 09:50", "left at 11:00
on urgent business", minuted in every rendering; nobody leaves before they join."""

import io

import docx
import pytest
from django.urls import reverse

from meetings.minutes import build_document
from meetings.models import Attendance
from people import roles
from tests.factories import (
    AttendanceFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
    user_with_role,
)
from tests.meetings.test_workspace import row_data, row_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    return client


@pytest.fixture
def meeting():
    meeting = MeetingFactory()
    for position, number in enumerate(["1", "2", "3"]):
        ItemFactory(meeting=meeting, number=number, heading=f"Heading {number}", position=position)
    return meeting


@pytest.fixture
def dcc(meeting):
    return AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(name="Jo Bloggs"),
        post=PostFactory(abbreviation="DCC"),
        capacity="Deputy Chief Constable (DCC)",
    )


def edit(client, attendance, **fields):
    data = {
        "person": attendance.person_id,
        "post": attendance.post_id or "",
        "capacity": attendance.capacity,
        "presence": attendance.presence,
        "version": attendance.version,
        **fields,
    }
    return client.post(reverse("meetings:attendance_edit", args=[attendance.pk]), data)


def item(meeting, number):
    return meeting.items.get(number=number)


def test_times_and_a_reason_for_leaving_are_minuted_on_screen_in_the_text_and_in_word(
    officer, meeting, dcc
):
    response = edit(
        officer,
        dcc,
        joined_at_time="09:50",
        joined_at_item=item(meeting, "2").pk,
        left_at_time="11:00",
        left_reason="on urgent business",
    )
    assert response.status_code == 302
    note = (
        "The DCC joined the meeting at 09:50 (item 2) and left the meeting at 11:00 "
        "on urgent business"
    )
    dcc.refresh_from_db()
    assert dcc.partial_note == note
    assert f"*{note}" in build_document(meeting).text_lines()
    screen = officer.get(meeting.get_absolute_url())
    assert f"*{note}" in screen.text
    word = officer.get(reverse("meetings:docx", args=[meeting.pk]))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert f"*{note}" in paragraphs


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"left_at_time": "11:00"}, "The DCC left the meeting at 11:00"),
        (
            {"left_after_item": "3", "left_at_time": "11:00"},
            "The DCC left the meeting at 11:00 (after item 3)",
        ),
        ({"joined_at_time": "10:15"}, "The DCC joined the meeting at 10:15"),
        (
            {"joined_at_item": "1", "left_after_item": "2", "left_reason": "for another meeting"},
            "The DCC joined the meeting at item 1 and left the meeting after item 2 "
            "for another meeting",
        ),
    ],
)
def test_each_way_of_minuting_a_coming_or_going_reads_as_minutes_do(
    officer, meeting, dcc, fields, expected
):
    for name in ("joined_at_item", "left_after_item"):
        if name in fields:
            fields[name] = item(meeting, fields[name]).pk
    assert edit(officer, dcc, **fields).status_code == 302
    dcc.refresh_from_db()
    assert dcc.partial_note == expected


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"joined_at_item": "3", "left_after_item": "1"},
            "left_after_item",
            "Leaving after item 1 comes before joining at item 3 on the agenda: check the items.",
        ),
        (
            {"joined_at_time": "10:30", "left_at_time": "10:00"},
            "left_at_time",
            "Leaving at 10:00 is not after joining at 10:30: check the times.",
        ),
        (
            {"left_reason": "on urgent business"},
            "left_reason",
            'They are minuted as leaving "on urgent business": say after which item or at '
            "what time they left, or clear the reason.",
        ),
        (
            {"left_at_time": "25:00"},
            "left_at_time",
            "Enter a valid time.",
        ),
    ],
)
def test_leaving_before_joining_is_refused_beside_the_field_and_nothing_is_lost(
    officer, meeting, dcc, fields, field, message
):
    for name in ("joined_at_item", "left_after_item"):
        if name in fields:
            fields[name] = item(meeting, fields[name]).pk
    response = edit(officer, dcc, capacity="Typed with the mistake", **fields)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert 'value="Typed with the mistake"' in response.text
    dcc.refresh_from_db()
    assert (dcc.capacity, dcc.partial_note) == ("Deputy Chief Constable (DCC)", "")


def test_apologies_with_a_time_of_leaving_are_refused(officer, meeting, dcc):
    response = edit(officer, dcc, presence="apologies", left_at_time="11:00")
    assert response.context["form"].errors == {
        "left_after_item": ["Someone who sent apologies cannot join or leave the meeting."]
    }


def test_the_record_row_refuses_leaving_before_joining_and_shows_the_times_kept(
    officer, meeting, dcc
):
    Attendance.objects.filter(pk=dcc.pk).update(
        joined_at_item=item(meeting, "3"), left_at_time="11:00", left_reason="on urgent business"
    )
    person = dcc.person
    response = officer.post(
        row_url(meeting, person),
        row_data(
            person, "present", version=1, joined=item(meeting, "3").pk, left=item(meeting, "1").pk
        ),
        HTTP_HX_REQUEST="true",
    )
    assert (
        "Jo Bloggs left after: Leaving after item 1 comes before joining at item 3 on the "
        "agenda: check the items."
    ) in response.text
    dcc.refresh_from_db()
    assert (dcc.left_after_item, dcc.version) == (None, 1)
    page = officer.get(meeting.get_record_url())
    assert '<span class="d-block small">at 11:00 on urgent business</span>' in page.text


def test_sending_apologies_after_all_clears_the_times_and_keeps_them_in_the_history(
    officer, meeting, dcc
):
    Attendance.objects.filter(pk=dcc.pk).update(joined_at_time="09:50", left_reason="")
    person = dcc.person
    response = officer.post(
        row_url(meeting, person), row_data(person, "apologies", version=1, reason="Unwell")
    )
    assert response.status_code == 302
    dcc.refresh_from_db()
    assert (dcc.presence, dcc.joined_at_time, dcc.partial_note) == ("apologies", None, "")
