"""An action's own page says what it is now: a closed action takes no update until reopened,
one closed and replaced links to its replacement (and back), and a due at the meeting in a
month reads as that month."""

import datetime

import pytest
from django.urls import reverse

from people import roles
from tests.factories import ActionFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_closed_action_offers_no_update_and_refuses_one_posted_from_an_old_page(client):
    officer = user_with_role(roles.OPCC_STAFF)
    client.force_login(officer)
    action = ActionFactory(status="closed", reference="2017/10-04")
    page = client.get(action.get_absolute_url())
    assert "Add a progress update" not in page.text
    assert "Reopen" in page.text
    response = client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"text": "Typed on a page opened before it closed", "on_date": "2017-11-01"},
    )
    assert response.status_code == 200
    assert response.context["update_form"].non_field_errors() == [
        "Action 2017/10-04 is closed: reopen it to add an update."
    ]
    assert "Typed on a page opened before it closed" in response.text
    assert action.events.count() == 0


def test_an_action_closed_and_replaced_links_to_its_replacement_and_back(client):
    client.force_login(user_with_role(roles.COMMISSIONER))
    old = ActionFactory(status="closed", reference="2017/10-02")
    new = ActionFactory(reference="2017/11-01", follows_from=old)
    page = client.get(old.get_absolute_url()).text
    assert (
        f'<dt class="col-sm-3">Replaced by</dt><dd class="col-sm-9">'
        f'<a href="{new.get_absolute_url()}">2017/11-01</a></dd>'
    ) in page
    back = client.get(new.get_absolute_url()).text
    assert f'<a href="{old.get_absolute_url()}">2017/10-02</a>' in back


def test_a_due_at_the_meeting_in_a_month_reads_as_the_month_not_its_last_day(client):
    client.force_login(user_with_role(roles.COMMISSIONER))
    action = ActionFactory(
        due_kind="month",
        due_meeting=datetime.date(2017, 11, 1),
        due_wording="At the November meeting",
    )
    page = client.get(action.get_absolute_url()).text
    assert 'At the November meeting <span class="small">(November 2017)</span>' in page
    assert "30 November 2017" not in page
