"""The recording workspace: the attendance table of the people expected, saved row by row,
the item navigator, unique names, and the record page's queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.forms import STALE_MESSAGE
from meetings.models import Attendance, UsualAttendee
from people import roles
from tests.factories import (
    AttendanceFactory,
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    return client


@pytest.fixture
def meeting():
    meeting = MeetingFactory()
    for position, name in enumerate(["Amanda Blakeman", "Martin Evans"]):
        UsualAttendee.objects.create(
            series=meeting.series,
            person=PersonFactory(name=name),
            capacity=f"Capacity {position}",
            position=position,
        )
    return meeting


def row_url(meeting, person):
    return reverse("meetings:attendance_row", args=[meeting.pk, person.pk])


def row_data(person, presence, version="", reason="", joined="", left=""):
    prefix = f"person-{person.pk}"
    return {
        f"{prefix}-presence": presence,
        f"{prefix}-reason": reason,
        f"{prefix}-joined_at_item": joined,
        f"{prefix}-left_after_item": left,
        f"{prefix}-version": version,
    }


def attendance(meeting):
    return list(
        meeting.attendances.order_by("position").values_list(
            "person__name", "capacity", "presence", "reason", "left_after_item__number", "version"
        )
    )


def test_the_table_lists_the_usual_attendees_then_everyone_else_recorded(officer, meeting):
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Guest Speaker"), position=5)
    response = officer.get(reverse("meetings:record", args=[meeting.pk]))
    rows = response.context["attendance_rows"]
    assert [(row.person.name, row.capacity, row.attendance is not None) for row in rows] == [
        ("Amanda Blakeman", "Capacity 0", False),
        ("Martin Evans", "Capacity 1", False),
        ("Guest Speaker", "Deputy Chief Constable (DCC)", True),
    ]
    assert [row.form["presence"].value() for row in rows] == ["absent", "absent", "present"]


def test_a_row_saved_with_htmx_records_the_person_and_returns_the_new_version(officer, meeting):
    amanda = meeting.series.usual_attendees.get(position=0).person
    item = ItemFactory(meeting=meeting, number="1.2")
    response = officer.post(
        row_url(meeting, amanda), row_data(amanda, "present", left=item.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert attendance(meeting) == [("Amanda Blakeman", "Capacity 0", "present", "", "1.2", 1)]
    assert f'id="attendance-{amanda.pk}-form-version"' in response.text
    assert 'value="1" hx-swap-oob="true"' in response.text
    assert "Amanda Blakeman: present, saved." in response.text

    response = officer.post(
        row_url(meeting, amanda),
        row_data(amanda, "apologies", version=1, reason="Leave"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert attendance(meeting) == [("Amanda Blakeman", "Capacity 0", "apologies", "Leave", None, 2)]
    assert "Amanda Blakeman: apologies (Leave), saved." in response.text


def test_absent_takes_the_person_off_the_minutes_and_keeps_the_history(officer, meeting):
    amanda = meeting.series.usual_attendees.get(position=0).person
    officer.post(row_url(meeting, amanda), row_data(amanda, "present"))
    response = officer.post(row_url(meeting, amanda), row_data(amanda, "absent", version=1))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:record", args=[meeting.pk]) + (
        f"#attendance-{amanda.pk}"
    )
    assert attendance(meeting) == []
    assert list(
        Attendance.history.filter(person=amanda)
        .order_by("history_id")
        .values_list("history_type", flat=True)
    ) == ["+", "-"]


def test_a_stale_row_is_refused_and_what_was_chosen_is_shown_back(officer, meeting):
    amanda = meeting.series.usual_attendees.get(position=0).person
    officer.post(row_url(meeting, amanda), row_data(amanda, "present"))
    response = officer.post(
        row_url(meeting, amanda),
        row_data(amanda, "apologies", version="", reason="On leave"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#attendance-{amanda.pk}"
    assert STALE_MESSAGE in response.text
    assert 'value="On leave"' in response.text
    assert attendance(meeting) == [("Amanda Blakeman", "Capacity 0", "present", "", None, 1)]


def test_someone_with_apologies_cannot_leave_part_way_and_the_message_is_beside_the_row(
    officer, meeting
):
    amanda = meeting.series.usual_attendees.get(position=0).person
    item = ItemFactory(meeting=meeting, number="2")
    response = officer.post(row_url(meeting, amanda), row_data(amanda, "apologies", left=item.pk))
    assert response.status_code == 200
    assert "Only someone present can join or leave the meeting part-way." in response.text
    assert 'aria-invalid="true"' in response.text
    assert attendance(meeting) == []


def test_a_person_not_expected_has_no_row_to_save(officer, meeting):
    stranger = PersonFactory()
    response = officer.post(row_url(meeting, stranger), row_data(stranger, "present"))
    assert response.status_code == 404
    assert attendance(meeting) == []


def test_agreed_minutes_refuse_an_attendance_row(officer, meeting):
    meeting.status = "agreed"
    meeting.save()
    amanda = meeting.series.usual_attendees.get(position=0).person
    response = officer.post(row_url(meeting, amanda), row_data(amanda, "present"))
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert attendance(meeting) == []


def test_the_navigator_names_each_item_with_its_state(officer, meeting):
    five = ItemFactory(meeting=meeting, number="5", heading="Holding to account", position=0)
    five_a = ItemFactory(meeting=meeting, parent=five, number="5a", heading="Plan", position=0)
    question = ItemFactory(meeting=meeting, parent=five_a, number="1", heading="Q", position=0)
    FindingFactory(item=question)
    FindingFactory(item=question)
    response = officer.get(reverse("meetings:record", args=[meeting.pk]))
    navigator = re.search(r'<nav class="item-navigator".*?</nav>', response.text, re.S)[0]
    links = [
        re.sub(r"<[^>]+>", "", link).strip()
        for link in re.findall(r"<a [^>]*>(.*?)</a>", navigator, re.S)
    ]
    assert links == [
        "Attendance 0 present, 0 apologies",
        "5 Holding to account",
        "5a Plan",
        "5a/1 Q: 2 findings, 0 actions",
    ]


def test_an_item_headed_with_its_number_says_it_once_on_the_record_page(officer, meeting):
    aob = ItemFactory(meeting=meeting, number="AOB", heading="AOB:")
    five = ItemFactory(meeting=meeting, number="5", heading="Holding to account")
    page = officer.get(reverse("meetings:record", args=[meeting.pk])).text
    assert f'<span id="item-{aob.pk}-title">AOB:</span></h3>' in page
    assert f'<span id="item-{five.pk}-title">5 Holding to account</span></h3>' in page


def test_every_button_and_link_of_the_record_page_is_named_apart(officer, meeting):
    one = ItemFactory(meeting=meeting, number="1", heading="Outstanding", position=0)
    five = ItemFactory(meeting=meeting, number="5", heading="Plan", position=1)
    ItemFactory(meeting=meeting, parent=five, number="1", heading="Question one", position=0)
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Guest Speaker"))
    assert one
    text = officer.get(reverse("meetings:record", args=[meeting.pk])).text
    names = [
        " ".join(re.sub(r"<[^>]+>", "", name).split())
        for name in re.findall(r"<(?:button|a) [^>]*>(.*?)</(?:button|a)>", text, re.S)
    ]
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert repeated == []
    assert "Delete item 1" in names and "Delete item 5/1" in names


# The session, the login with its roles, the meeting with its people, its chairs, the ids of
# the items shown and then those items with their findings, declarations, actions, decisions
# and reviews (read by the items' ids: meetings.minutes._reviews), the items in agenda order
# (the window of those brought forward: meetings.workspace), attendance, usual attendees, the
# bulk-close form, the decision forms' people and the add form's people and posts: the same
# for one item as for ten.
QUERIES = 21


def test_the_record_page_queries_do_not_grow_with_items(officer, meeting):
    url = reverse("meetings:record", args=[meeting.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url).status_code == 200
        return len(captured)

    ItemFactory(meeting=meeting)
    one = queries()
    for _ in range(9):
        FindingFactory(item=ItemFactory(meeting=meeting))
    AttendanceFactory(meeting=meeting)
    assert (one, queries()) == (QUERIES, QUERIES)


def test_the_record_page_names_the_minute_taker_in_the_capacity_minuted(officer):
    meeting = MeetingFactory(
        minute_taker=PersonFactory(name="Jackie Irvin"),
        minute_taker_capacity="Policy Officer, OPCC",
    )
    page = officer.get(reverse("meetings:record", args=[meeting.pk])).text
    assert " · Minutes: Jackie Irvin, Policy Officer, OPCC</p>" in page
