"""Who changed which field of an action, and when: on the action's page, for OPCC staff."""

import datetime

import pytest
from django.test import RequestFactory
from simple_history.middleware import HistoryRequestMiddleware

from actions import services
from actions.models import Action
from core.history import field_label, readable

pytestmark = pytest.mark.django_db


def as_request_of(user, change):
    """Make ``change`` as a view does: inside HistoryRequestMiddleware, signed in as ``user``."""
    request = RequestFactory().post("/")
    request.user = user
    return HistoryRequestMiddleware(lambda request: change())(request)


@pytest.fixture
def due_changed(action, opcc_user):
    as_request_of(
        opcc_user,
        lambda: services.change_due(
            action, by=opcc_user, due_date=datetime.date(2018, 1, 31), reason="Carried forward."
        ),
    )
    return action


def test_opcc_staff_see_who_changed_the_due_date_on_the_action_page(client, due_changed, opcc_user):
    """In the words of the forms, not the code's: "Due date", "31 January 2018"."""
    client.force_login(opcc_user)
    response = client.get(due_changed.get_absolute_url())
    assert [
        (change["record"].history_type, change["user"], change["fields"])
        for change in response.context["changes"]
    ] == [
        ("~", opcc_user, [("Due date", "31 December 2017", "31 January 2018")]),
        ("+", None, []),
    ]
    content = response.content.decode()
    assert "Changes to this action" in content
    assert f"<td>{opcc_user.get_full_name()}</td>" in content
    assert "<strong>Due date</strong>: “31 December 2017” → “31 January 2018”" in content


@pytest.mark.parametrize("who", ["owner_user", "commissioner_user"])
def test_only_opcc_staff_see_the_changes_to_an_action(client, due_changed, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(due_changed.get_absolute_url())
    assert response.status_code == 200
    assert "changes" not in response.context
    assert "Changes to this action" not in response.content.decode()


def test_a_change_made_outside_a_request_still_records_who(action, opcc_user):
    services.change_due(action, by=opcc_user, due_date=datetime.date(2018, 2, 28))
    record = action.history.latest("history_date")
    assert (record.due_date, record.history_user) == (datetime.date(2018, 2, 28), opcc_user)


def test_a_change_reads_in_words_whatever_the_kind_of_field(action):
    related = {}
    meeting = action.meeting
    assert [
        (field_label(Action, name), readable(Action, name, value, related))
        for name, value in [
            ("due_at_id", meeting.pk),
            ("due_at", meeting.pk),
            ("status", "awaiting_closure"),
            ("due_date", datetime.date(2018, 1, 31)),
            ("due_at", 10**9),
        ]
    ] == [
        ("Due at", meeting.title),
        ("Due at", meeting.title),
        ("Status", "Completed, awaiting agreement"),
        ("Due date", "31 January 2018"),
        ("Due at", "(deleted, #1000000000)"),
    ]
