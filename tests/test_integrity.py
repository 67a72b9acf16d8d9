"""Nothing typed is lost or saved twice: stale saves of findings and attendance are refused,
a form posted twice creates once (also four at once on PostgreSQL), items brought forward
are deleted only with a word on what goes with them, and rules live in their services."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionEvent, ActionReview, Status
from actions.reviews import bring_forward
from actions.services import decide_review
from meetings.models import AgendaItem, Attendance, Finding, Meeting, MeetingSeries
from meetings.services import open_meeting
from people.models import Person, Post

TOKEN = "0b7e6f0e-3c1a-4c33-9a55-6f0f3a1d2b10"


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


@pytest.fixture
def november(demo):
    october = Meeting.objects.get(date="2017-10-31")
    meeting = open_meeting(
        october.series,
        date=datetime.date(2017, 11, 29),
        chairs=october.ordered_chairs(),
        venue="Hindlip",
    )
    bring_forward(meeting)
    return meeting


def flash(response):
    return [m.message for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_stale_finding_edit_is_refused_and_the_typed_text_kept(officer, november):
    item = november.items.get(number="2", parent=None)
    finding = Finding.objects.create(item=item, text="First wording")
    url = reverse("meetings:finding_edit", args=[finding.pk])
    assert officer.post(url, {"text": "Second wording", "version": 1}).status_code == 302
    response = officer.post(url, {"text": "Third wording, typed on a stale page", "version": 1})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith("Someone else saved this")
    assert "Third wording, typed on a stale page" in response.text
    finding.refresh_from_db()
    assert (finding.text, finding.version) == ("Second wording", 2)


@pytest.mark.django_db
def test_a_stale_attendance_edit_is_refused(officer, november):
    attendance = Attendance.objects.create(
        meeting=november, person=Person.objects.get(initials="AB"), capacity="DCC"
    )
    url = reverse("meetings:attendance_edit", args=[attendance.pk])
    data = {"person": attendance.person_id, "presence": "present", "version": 1}
    assert officer.post(url, {**data, "capacity": "Deputy Chief Constable"}).status_code == 302
    response = officer.post(url, {**data, "capacity": "Typed on a stale page"})
    assert response.context["form"].non_field_errors()[0].startswith("Someone else saved this")
    attendance.refresh_from_db()
    assert attendance.capacity == "Deputy Chief Constable"


@pytest.mark.django_db
def test_a_finding_posted_twice_is_added_once_with_or_without_htmx(officer, november):
    item = november.items.get(number="2", parent=None)
    url = reverse("meetings:finding_add", args=[item.pk])
    data = {"text": "Athena went live", "submission": TOKEN}
    assert officer.post(url, data).status_code == 302
    repeat = officer.post(url, data)
    assert flash(repeat)[-1] == "That was already saved; it has not been saved twice."
    again = officer.post(url, data, headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert list(item.findings.values_list("text", flat=True)) == ["Athena went live"]


@pytest.mark.django_db
def test_an_action_raised_twice_is_raised_once(officer, november):
    item = november.items.get(number="2", parent=None)
    url = reverse("actions:raise", args=[item.pk])
    prefix = f"action-{item.pk}"
    data = {
        f"{prefix}-text": "Share the Athena brief",
        f"{prefix}-owner_posts": [Post.objects.get(abbreviation="DCC").pk],
        f"{prefix}-submission": TOKEN,
    }
    assert officer.post(url, data, headers={"HX-Request": "true"}).status_code == 200
    assert officer.post(url, data, headers={"HX-Request": "true"}).status_code == 200
    assert officer.post(url, data).status_code == 302
    assert list(item.actions.values_list("reference", flat=True)) == ["2017/11-01"]


@pytest.mark.django_db
def test_an_update_added_twice_is_added_once(client, demo):
    client.login(username="dcc", password="assurance-demo")
    action = Action.objects.get(reference="2017/10-06")
    url = reverse("actions:add_update", args=[action.pk])
    data = {"on_date": "2017-11-10", "text": "Drafted.", "submission": TOKEN}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert list(action.events.filter(kind="update").values_list("text", flat=True)) == ["Drafted."]


@pytest.mark.django_db
def test_an_item_and_an_attendance_added_twice_are_added_once(officer, november):
    item_url = reverse("meetings:item_add", args=[november.pk])
    item = {"number": "7", "heading": "Stop and search", "submission": TOKEN}
    officer.post(item_url, item)
    officer.post(item_url, item)
    assert november.items.filter(heading="Stop and search").count() == 1
    attendance_url = reverse("meetings:attendance_add", args=[november.pk])
    present = {
        "person": Person.objects.get(initials="AB").pk,
        "presence": "present",
        "submission": "1b7e6f0e-3c1a-4c33-9a55-6f0f3a1d2b10",
    }
    officer.post(attendance_url, present)
    repeat = officer.post(attendance_url, present)
    assert flash(repeat)[-1] == "That was already saved; it has not been saved twice."
    assert november.attendances.count() == 1


@pytest.mark.django_db
def test_a_meeting_opened_twice_is_opened_once(officer):
    series = MeetingSeries.objects.get()
    url = reverse("meetings:create", args=[series.pk])
    october = Meeting.objects.get(date="2017-10-31")
    data = {"date": "2017-11-29", "chair_1": october.ordered_chairs()[0].pk, "submission": TOKEN}
    first = officer.post(url, data)
    second = officer.post(url, data)
    november = Meeting.objects.get(date="2017-11-29")
    assert (first["Location"], second["Location"]) == (
        november.get_record_url(),
        november.get_record_url(),
    )
    assert series.meetings.filter(date="2017-11-29").count() == 1


@pytest.mark.django_db
def test_an_item_added_without_a_version_is_added(officer, november):
    response = officer.post(
        reverse("meetings:item_add", args=[november.pk]),
        {"number": "7", "heading": "Stop and search", "version": ""},
    )
    assert response.status_code == 302
    assert november.items.get(number="7").version == 1


@pytest.mark.django_db
def test_an_undecided_item_brought_forward_is_deleted_saying_what_goes_with_it(officer, november):
    review = ActionReview.objects.select_related("item", "action").get(
        item__meeting=november, action__reference="2017/10-02"
    )
    url = reverse("meetings:item_delete", args=[review.item_id])
    assert "Action 2017/10-02 is then no longer brought forward to this meeting" in (
        officer.get(url).text
    )
    response = officer.post(url)
    assert flash(response)[-1] == (
        f"Item {review.item.number} deleted. Action 2017/10-02 is no longer brought forward "
        "to this meeting; it stays open in the action log."
    )
    action = review.action
    assert (ActionReview.objects.filter(pk=review.pk).exists(), action.status) == (
        False,
        Status.OPEN,
    )
    page = officer.get(action.get_absolute_url())
    assert page.status_code == 200
    assert [change["label"] for change in page.context["changes"]][:2] == [
        "Action review of something since deleted",
        "Action review of something since deleted",
    ]


@pytest.mark.django_db
def test_an_item_brought_forward_whose_outcome_is_recorded_is_not_deleted(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-02")
    decide_review(review, by=None, outcome="closed")
    response = officer.post(reverse("meetings:item_delete", args=[review.item_id]))
    assert response.status_code == 409
    assert response.context["blockers"] == [
        "the meeting's decision on action 2017/10-02 is recorded under it"
    ]
    assert AgendaItem.objects.filter(pk=review.item_id).exists()


@pytest.mark.django_db
def test_an_action_not_marked_complete_cannot_be_agreed_closed_by_a_post(client, demo):
    client.login(username="commissioner", password="assurance-demo")
    action = Action.objects.get(reference="2017/10-06")
    response = client.post(reverse("actions:close", args=[action.pk]))
    assert flash(response) == [
        "Action 2017/10-06 has not been marked complete by its owner: close it at a meeting, "
        "where its review is minuted."
    ]
    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert not action.events.filter(kind=ActionEvent.Kind.STATUS).exists()


@pytest.mark.django_db
def test_a_change_to_agreed_minutes_is_refused_with_a_message_on_the_minutes(officer, demo):
    october = Meeting.objects.get(date="2017-10-31")
    item = october.items.get(number="2", parent=None)
    response = officer.post(reverse("meetings:finding_add", args=[item.pk]), {"text": "Late"})
    assert (response.status_code, response["Location"]) == (302, october.get_absolute_url())
    agreed = timezone.localtime(october.status_events.get(to_status="agreed").at)
    assert flash(response) == [
        "The minutes are agreed and locked. They were agreed on "
        f"{agreed:%-d %B %Y at %H:%M}; reopen them, saying why, to make a correction.",
        "What you typed, not saved: Late",
    ]
    assert not item.findings.filter(text="Late").exists()


def post_in_parallel(requests):
    """Each request from its own thread and database connection, all let go at once."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, client, url, data):
        barrier.wait()
        try:
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


@pytest.mark.django_db(transaction=True)
def test_four_parallel_posts_of_one_finding_add_it_once_on_postgresql(demo):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: there is no race to test")
    october = Meeting.objects.get(date="2017-10-31")
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = november.items.get(number="2", parent=None)
    clients = []
    for _ in range(4):
        client = Client()
        client.login(username="officer", password="assurance-demo")
        clients.append(client)
    url = reverse("meetings:finding_add", args=[item.pk])
    responses = post_in_parallel(
        [(c, url, {"text": "Athena went live", "submission": TOKEN}) for c in clients]
    )
    assert sorted(r.status_code for r in responses) == [302, 302, 302, 302]
    assert item.findings.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_the_same_meeting_at_once_get_one_meeting_and_no_error(demo):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: there is no race to test")
    series = MeetingSeries.objects.get()
    clients = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.login(username="officer", password="assurance-demo")
        clients.append(client)
    url = reverse("meetings:create", args=[series.pk])
    responses = post_in_parallel([(c, url, {"date": "2017-11-29"}) for c in clients])
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert refused.context["form"].errors["date"] == [
        "There is already a Monthly Assurance Meeting on 29 November 2017."
    ]
    assert series.meetings.filter(date="2017-11-29").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_raising_actions_at_once_in_one_series_get_distinct_references(demo):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: there is no race to test")
    october = Meeting.objects.get(date="2017-10-31")
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = november.items.get(number="2", parent=None)
    clients = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.login(username="officer", password="assurance-demo")
        clients.append(client)
    url = reverse("actions:raise", args=[item.pk])
    responses = post_in_parallel(
        [
            (client, url, {f"action-{item.pk}-text": f"Action by officer {n}"})
            for n, client in enumerate(clients)
        ]
    )
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert sorted(item.actions.values_list("reference", flat=True)) == [
        "2017/11-01",
        "2017/11-02",
    ]
