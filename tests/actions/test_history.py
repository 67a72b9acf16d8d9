"""Who changed which field of an action, and when: on the action's page, for OPCC staff."""

import datetime

import pytest
from django.test import RequestFactory
from simple_history.middleware import HistoryRequestMiddleware

from actions import services

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
    client.force_login(opcc_user)
    response = client.get(due_changed.get_absolute_url())
    assert [
        (change["record"].history_type, change["user"], change["fields"])
        for change in response.context["changes"]
    ] == [
        ("~", opcc_user, [("due_date", datetime.date(2017, 12, 31), datetime.date(2018, 1, 31))]),
        ("+", None, []),
    ]
    content = response.content.decode()
    assert "Changes to this action" in content
    assert f"<td>{opcc_user.get_full_name()}</td>" in content
    assert "<strong>due_date</strong>: “2017-12-31” → “2018-01-31”" in content


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
