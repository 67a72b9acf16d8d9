"""The policy officer's journey: open a meeting, record attendance, items and findings."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, ActionReview, Status
from meetings import services
from meetings.models import AgendaItem, Attendance, Finding, Meeting, MeetingSeries, MinutesEvent
from people import roles
from people.models import Person
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


def october():
    return Meeting.objects.get(date="2017-10-31")


def open_november(client):
    series = MeetingSeries.objects.get()
    response = client.post(
        reverse("meetings:create", args=[series.pk]),
        {
            "date": "2017-11-29",
            "start_time": "10:30",
            "venue": "Meeting Room 1.38 – Hindlip",
            "chair_1": october().ordered_chairs()[0].pk,
            "minute_taker": october().minute_taker_id,
            "minute_taker_capacity": "Policy Officer, OPCC",
        },
    )
    november = Meeting.objects.get(date="2017-11-29")
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:record", args=[november.pk])
    return november


def test_new_meeting_proposes_the_date_venue_and_people_recorded_last_time(officer):
    series = MeetingSeries.objects.get()
    form = officer.get(reverse("meetings:create", args=[series.pk])).context["form"]
    assert form.initial == {
        "date": datetime.date(2017, 11, 29),
        "start_time": datetime.time(10, 30),
        "venue": "Meeting Room 1.38 – Hindlip",
        "minute_taker": series.default_minute_taker,
        "minute_taker_capacity": "Policy Officer, OPCC",
    }
    assert [form[name].initial for name in ("chair_1", "chair_2", "chair_3")] == [
        Person.objects.get(initials="JC").pk,
        None,
        None,
    ]


def test_a_new_meeting_has_the_standing_agenda_and_every_due_action_brought_forward(officer):
    november = open_november(officer)
    top = list(
        november.items.filter(parent=None).order_by("position").values_list("number", "heading")
    )
    assert top == [
        ("1", "OUTSTANDING MATTERS / ITEMS BROUGHT FORWARD"),
        ("2", "OPERATIONAL AND REPUTATIONAL OPPORTUNITIES AND RISKS"),
        ("3", "CHIEF OFFICER MEETING / EXECUTIVE BOARD – UPDATE"),
        ("4", "CC / DCC ITEM"),
        ("5", "HOLDING TO ACCOUNT"),
        ("AOB", "AOB:"),
        ("6", "DATE OF NEXT MEETING"),
    ]
    assert list(
        november.items.filter(parent__number="5").order_by("position").values_list("number")
    ) == [("5a",), ("5b",), ("5c",)]
    brought = ActionReview.objects.filter(item__meeting=november).order_by("item__position")
    # Due by 29 November (10-08), or with no due set (10-02 to 10-05, 10-07); 10-01 is due
    # in December and 10-06 in January, and the July and September actions are closed.
    assert [(r.item.number, r.action.reference, r.outcome) for r in brought] == [
        ("1.1", "2017/10-02", "pending"),
        ("1.2", "2017/10-03", "pending"),
        ("1.3", "2017/10-04", "pending"),
        ("1.4", "2017/10-05", "pending"),
        ("1.5", "2017/10-07", "pending"),
        ("1.6", "2017/10-08", "pending"),
    ]
    hate_crime = brought.get(action__reference="2017/10-08").item
    # Named after the action, not the item that raised it (which other actions share).
    assert (hate_crime.kind, hate_crime.title) == (
        "brought_forward",
        "Putting Victims and Survivors First – Action 2017/10-08: Draft plan to be shared with "
        "PCC’s office in advance of November’s HTA after which PCC in discussion with CC to "
        "determine whether it needs to come back to a HTA",
    )


def test_an_action_awaiting_agreement_is_brought_forward_whatever_its_due_date(officer):
    Action.objects.filter(reference="2017/10-06").update(status=Status.AWAITING_CLOSURE)
    november = open_november(officer)
    assert "2017/10-06" in list(
        ActionReview.objects.filter(item__meeting=november).values_list(
            "action__reference", flat=True
        )
    )


def test_the_record_page_quotes_each_action_brought_forward(officer):
    november = open_november(officer)
    page = officer.get(reverse("meetings:record", args=[november.pk])).text
    assert (
        "Action arising from the October 2017 meeting (2017/10-08, now DCC, due in advance of"
        in page
    )
    assert "Draft plan to be shared with PCC’s office in advance of November’s HTA" in page


def test_a_second_meeting_on_the_same_date_is_refused_beside_the_field(officer):
    series = MeetingSeries.objects.get()
    response = officer.post(
        reverse("meetings:create", args=[series.pk]),
        {"date": "2017-10-31", "venue": "Somewhere typed", "next_meeting_date": "2017-10-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "date": ["There is already a Monthly Assurance Meeting on 31 October 2017."],
    }
    assert 'value="Somewhere typed"' in response.text
    response = officer.post(
        reverse("meetings:create", args=[series.pk]),
        {"date": "2017-12-20", "next_meeting_date": "2017-12-01"},
    )
    assert response.context["form"].errors == {
        "next_meeting_date": ["The next meeting must come after this one."],
    }
    assert Meeting.objects.count() == 3


@pytest.mark.parametrize("role", [roles.COMMISSIONER, roles.FORCE_OFFICER])
def test_only_opcc_staff_record_minutes(client, demo, role):
    client.force_login(user_with_role(role))
    series = MeetingSeries.objects.get()
    draft = MeetingFactory(series=series, date=datetime.date(2017, 12, 20))
    item = ItemFactory(meeting=draft)
    for url in [
        reverse("meetings:create", args=[series.pk]),
        reverse("meetings:record", args=[draft.pk]),
        reverse("meetings:edit", args=[draft.pk]),
        reverse("meetings:item_add", args=[draft.pk]),
        reverse("meetings:item_edit", args=[item.pk]),
        reverse("meetings:attendance_add", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("meetings:finding_add", args=[item.pk]), {"text": "No"})
    assert response.status_code == 403
    assert Finding.objects.filter(item=item).count() == 0


def test_items_get_the_next_free_number_of_their_section(db):
    meeting = MeetingFactory()
    assert services.suggest_number(meeting) == "1"
    one = ItemFactory(meeting=meeting, number="1")
    assert services.suggest_number(meeting, one) == "1.1"
    ItemFactory(meeting=meeting, parent=one, number="1.1")
    ItemFactory(meeting=meeting, parent=one, number="1.2")
    assert services.suggest_number(meeting, one) == "1.3"
    five = ItemFactory(meeting=meeting, number="5")
    ItemFactory(meeting=meeting, parent=five, number="5a")
    ItemFactory(meeting=meeting, parent=five, number="5b")
    assert services.suggest_number(meeting, five) == "5c"
    assert services.suggest_number(meeting) == "6"


def test_officer_adds_a_sub_item_with_the_suggested_number(officer):
    november = open_november(officer)
    five_a = november.items.get(number="5a")
    url = reverse("meetings:item_add", args=[november.pk]) + f"?parent={five_a.pk}"
    assert officer.get(url).context["form"].initial == {"number": "1"}
    response = officer.post(
        url,
        {
            "number": "1",
            "heading": "Call handling",
            "question": "Is 101 answered in time?",
            "nil_return": "",
            "parent": five_a.pk,
        },
    )
    item = november.items.get(parent=five_a, number="1")
    assert response["Location"] == reverse("meetings:record", args=[november.pk]) + (
        f"#item-{item.pk}"
    )
    assert (item.heading, item.question, item.position) == (
        "Call handling",
        "Is 101 answered in time?",
        0,
    )


def test_a_duplicate_item_number_is_refused_and_the_text_kept(officer):
    november = open_november(officer)
    response = officer.post(
        reverse("meetings:item_add", args=[november.pk]),
        {"number": "4", "heading": "Typed during the meeting", "nil_return": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": ["There is already an item 4 at the top level of this meeting."]
    }
    assert 'value="Typed during the meeting"' in response.text


def test_a_heading_that_is_too_long_is_refused_beside_the_field(officer):
    november = open_november(officer)
    response = officer.post(
        reverse("meetings:item_add", args=[november.pk]),
        {"number": "7", "heading": "x" * 301, "nil_return": ""},
    )
    assert response.context["form"].errors == {
        "heading": ["Keep this to 300 characters or fewer (it has 301)."]
    }


def test_the_later_of_two_edits_from_the_same_version_is_refused(officer):
    november = open_november(officer)
    item = november.items.get(number="2")
    url = reverse("meetings:item_edit", args=[item.pk])
    base = {"number": "2", "nil_return": "", "version": item.version}
    first = officer.post(url, {**base, "heading": "First officer's heading"})
    assert first.status_code == 302
    second = officer.post(url, {**base, "heading": "Second officer's heading"})
    assert second.status_code == 200
    assert (
        second.context["form"]
        .non_field_errors()[0]
        .startswith("Someone else saved this since you opened it")
    )
    assert "Second officer&#x27;s heading" in second.text
    item.refresh_from_db()
    assert (item.heading, item.version) == ("First officer's heading", 2)


def test_the_later_of_two_edits_of_meeting_details_is_refused(officer):
    november = open_november(officer)
    url = reverse("meetings:edit", args=[november.pk])
    base = {"date": "2017-11-29", "version": november.version}
    assert officer.post(url, {**base, "venue": "Room A"}).status_code == 302
    second = officer.post(url, {**base, "venue": "Room B"})
    assert second.context["form"].non_field_errors()[0].startswith("Someone else saved this")
    november.refresh_from_db()
    assert november.venue == "Room A"


def test_adding_a_finding_with_htmx_returns_the_updated_list(officer):
    november = open_november(officer)
    item = november.items.get(number="2")
    url = reverse("meetings:finding_add", args=[item.pk])
    response = officer.post(url, {"text": "Athena is stable."}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/_item_findings.html"
    assert '<span class="finding-text">Athena is stable.</span>' in response.text
    officer.post(url, {"text": "Second."}, headers={"HX-Request": "true"})
    assert list(item.findings.values_list("text", "position")) == [
        ("Athena is stable.", 0),
        ("Second.", 1),
    ]


def test_adding_a_finding_without_javascript_reloads_the_record_page(officer):
    november = open_november(officer)
    item = november.items.get(number="2")
    response = officer.post(reverse("meetings:finding_add", args=[item.pk]), {"text": "Plain."})
    assert response["Location"] == reverse("meetings:record", args=[november.pk]) + (
        f"#item-{item.pk}"
    )
    assert list(item.findings.values_list("text", flat=True)) == ["Plain."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write the finding before adding it."),
        ("x" * 4001, "Keep this to 4,000 characters or fewer (it has 4,001)."),
    ],
)
def test_a_bad_finding_gets_a_message_beside_the_field(officer, text, message):
    november = open_november(officer)
    item = november.items.get(number="2")
    response = officer.post(
        reverse("meetings:finding_add", args=[item.pk]),
        {"text": text},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="finding-{item.pk}-error">{message}</div>' in response.text
    assert item.findings.count() == 0


def test_findings_move_up_and_down(officer):
    november = open_november(officer)
    item = november.items.get(number="2")
    first, second = (
        Finding.objects.create(item=item, text=t, position=i) for i, t in enumerate("AB")
    )
    officer.post(reverse("meetings:finding_move", args=[second.pk]), {"direction": "up"})
    assert list(item.findings.order_by("position").values_list("text", flat=True)) == ["B", "A"]


def test_an_item_with_actions_arising_cannot_be_deleted(officer):
    item = ItemFactory(meeting=MeetingFactory(date=datetime.date(2018, 1, 30)))
    ActionFactory(item=item)
    response = officer.post(reverse("meetings:item_delete", args=[item.pk]))
    assert response.status_code == 409
    assert "it has actions arising, which stay in the action log" in response.text
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_an_item_without_actions_is_deleted_after_confirmation(officer):
    item = ItemFactory(meeting=MeetingFactory(date=datetime.date(2018, 1, 30)))
    assert officer.get(reverse("meetings:item_delete", args=[item.pk])).status_code == 200
    officer.post(reverse("meetings:item_delete", args=[item.pk]))
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_agreed_minutes_are_locked(officer):
    item = october().items.get(number="2", parent=None)
    response = officer.post(reverse("meetings:finding_add", args=[item.pk]), {"text": "Late"})
    assert response["Location"] == october().get_absolute_url()
    assert item.findings.count() == 4
    page = officer.get(response["Location"]).text
    assert "The minutes are agreed and locked." in page


def test_attendance_takes_the_capacity_from_the_post(officer):
    november = open_november(officer)
    dcc = Meeting.objects.get(date="2017-10-31").attendances.get(post__abbreviation="DCC")
    officer.post(
        reverse("meetings:attendance_add", args=[november.pk]),
        {"person": dcc.person_id, "post": dcc.post_id, "presence": "present"},
    )
    assert list(november.attendances.values_list("person__name", "capacity")) == [
        ("Amanda Blakeman", "Deputy Chief Constable (DCC)")
    ]


def test_a_new_person_can_be_added_on_the_spot(officer):
    november = open_november(officer)
    officer.post(
        reverse("meetings:attendance_add", args=[november.pk]),
        {
            "new_person_name": "Sam Visitor",
            "new_person_initials": "SV",
            "new_person_organisation": "opcc",
            "capacity": "Head of Commissioning",
            "presence": "apologies",
            "reason": "Leave",
        },
    )
    attendance = november.attendances.get()
    assert (attendance.person.name, attendance.person.initials, attendance.presence) == (
        "Sam Visitor",
        "SV",
        "apologies",
    )


def test_attendance_errors_are_shown_beside_the_fields(officer):
    november = open_november(officer)
    person = PersonFactory()
    Attendance.objects.create(meeting=november, person=person, capacity="X")
    item = november.items.get(number="2")
    response = officer.post(
        reverse("meetings:attendance_add", args=[november.pk]),
        {"person": person.pk, "presence": "apologies", "left_after_item": item.pk},
    )
    assert response.context["form"].errors == {
        "person": [f"{person} is already in the attendance for this meeting."],
        "capacity": ["Give the capacity they attended in, or a post."],
        "left_after_item": ["Someone who sent apologies cannot join or leave the meeting."],
    }
    response = officer.post(
        reverse("meetings:attendance_add", args=[november.pk]), {"presence": "present"}
    )
    assert response.context["form"].errors["person"] == [
        "Choose who attended, or add a new person."
    ]
    response = officer.post(
        reverse("meetings:attendance_add", args=[november.pk]),
        {"person": "999999", "presence": "present"},
    )
    assert response.context["form"].errors["person"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_the_commissioner_agrees_then_publishes_the_minutes(client, demo):
    november = MeetingFactory(series=MeetingSeries.objects.get(), date=datetime.date(2017, 11, 29))
    client.login(username="commissioner", password="assurance-demo")
    # Nothing is recorded in this meeting: agreeing it asks for confirmation.
    client.post(
        reverse("meetings:agree", args=[november.pk]), {"decision": "agreed", "confirm": "on"}
    )
    client.post(reverse("meetings:publish", args=[november.pk]))
    november.refresh_from_db()
    assert november.status == "published"
    assert list(november.status_events.values_list("from_status", "to_status", "by__username")) == [
        ("draft", "agreed", "commissioner"),
        ("agreed", "published", "commissioner"),
    ]


@pytest.mark.parametrize("username", ["officer", "dcc"])
def test_only_the_commissioner_agrees_minutes(client, demo, username):
    november = MeetingFactory(series=MeetingSeries.objects.get(), date=datetime.date(2017, 11, 29))
    client.login(username=username, password="assurance-demo")
    response = client.post(reverse("meetings:agree", args=[november.pk]))
    assert response.status_code == 404 if username == "dcc" else 403
    november.refresh_from_db()
    assert november.status == "draft"


def test_reopening_agreed_minutes_needs_a_reason_and_is_recorded(officer):
    meeting = october()
    response = officer.post(reverse("meetings:reopen", args=[meeting.pk]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["reopen_form"].errors == {
        "reason": ["Say why the agreed minutes are being reopened."]
    }
    officer.post(reverse("meetings:reopen", args=[meeting.pk]), {"reason": "Typo in item 4"})
    meeting.refresh_from_db()
    assert meeting.status == "draft"
    event = MinutesEvent.objects.filter(meeting=meeting).latest("at", "pk")
    assert (event.from_status, event.to_status, event.reason, event.by.username) == (
        "agreed",
        "draft",
        "Typo in item 4",
        "officer",
    )


def test_force_officers_cannot_reopen_minutes(client, demo):
    client.login(username="dcc", password="assurance-demo")
    response = client.post(reverse("meetings:reopen", args=[october().pk]), {"reason": "Mine"})
    assert response.status_code == 403
    assert october().status == "agreed"


def test_moving_items_swaps_their_positions(db):
    meeting = MeetingFactory()
    a, b, c = (ItemFactory(meeting=meeting, number=n, position=i) for i, n in enumerate("123"))
    assert services.move(c, "up", meeting.items.filter(parent=None).order_by("position"))
    assert list(meeting.items.order_by("position").values_list("number", flat=True)) == [
        "1",
        "3",
        "2",
    ]
    a.refresh_from_db()
    assert not services.move(a, "up", meeting.items.filter(parent=None).order_by("position"))


def test_a_person_attends_in_the_post_they_hold_unless_told_otherwise(officer):
    november = open_november(officer)
    amanda = october().attendances.get(post__abbreviation="DCC").person
    officer.post(
        reverse("meetings:attendance_add", args=[november.pk]),
        {"person": amanda.pk, "presence": "present"},
    )
    assert list(november.attendances.values_list("post__abbreviation", "capacity")) == [
        ("DCC", "Deputy Chief Constable (DCC)")
    ]


def test_record_page_queries_do_not_grow_with_actions_brought_forward(officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    november = open_november(officer)
    url = reverse("meetings:record", args=[november.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url).status_code == 200
        return len(captured)

    queries()  # the first page after the meeting was opened notes the form saved
    many = queries()  # six actions brought forward
    ActionReview.objects.filter(item__meeting=november).exclude(
        action__reference="2017/10-02"
    ).delete()
    assert queries() == many


def test_a_finding_pasted_from_word_is_stored_with_plain_line_breaks(officer):
    november = open_november(officer)
    item = november.items.get(number="2")
    officer.post(
        reverse("meetings:finding_add", args=[item.pk]),
        {"text": "Athena is stable.\x0bThe audit\x01 follows.\r\nNext month."},
    )
    assert list(item.findings.values_list("text", flat=True)) == [
        "Athena is stable.\nThe audit follows.\nNext month."
    ]
    response = officer.get(reverse("meetings:docx", args=[november.pk]))
    assert response.status_code == 200
