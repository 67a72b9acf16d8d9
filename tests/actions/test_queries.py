"""Each list page does the same number of queries for 1 row as for 50."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.services import add_update, mark_complete
from tests.factories import ActionFactory

PAGES = [
    ("dashboard", "opcc"),
    ("actions:log", "opcc"),
    ("actions:log", "owner"),
    ("actions:mine", "owner"),
]


def _make(count, item, dcc, acc, owner_user):
    """``count`` open actions and ``count`` awaiting agreement, each with owners and an update."""
    for n in range(count):
        due = timezone.localdate() - datetime.timedelta(days=n)
        open_action = ActionFactory(item=item, owners=[dcc, acc, acc.holder], due_date=due)
        add_update(
            open_action, text=f"Update {n}", on_date=datetime.date(2017, 11, 1), by=owner_user
        )
        mark_complete(ActionFactory(item=item, owners=[dcc]), note="Done", by=owner_user)


def _count(client, name):
    # Nothing kept (actions.record, actions.filters.filter_bar): the page worked out whole.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "who"), PAGES)
def test_a_list_page_does_as_many_queries_for_50_rows_as_for_1(
    client, item, dcc, acc, owner_user, opcc_user, name, who
):
    client.force_login(opcc_user if who == "opcc" else owner_user)
    _make(1, item, dcc, acc, owner_user)
    one = _count(client, name)
    _make(49, item, dcc, acc, owner_user)
    fifty = _count(client, name)
    print(f"{name} as {who}: {one} queries for 1 row, {fifty} for 50")
    assert one == fifty
