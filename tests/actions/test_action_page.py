"""An action's own page says what it is now: a closed action takes no update until reopened,
one closed and replaced links to its replacement (and back), and a due at the meeting in a
month reads as that month."""

import datetime
import re
from collections import Counter

import pytest
from django.urls import reverse

from actions.models import Status
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


def test_each_form_of_the_action_page_labels_its_own_inputs(client):
    """Issue 26: the update and the completion each have a date, and both were
    ``id_on_date``: "Date completed" pointed at the update's date, its own box unnamed."""
    client.force_login(user_with_role(roles.OPCC_STAFF))
    action = ActionFactory()
    html = client.get(action.get_absolute_url()).text
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    labels = dict(re.findall(r'<label\s+for="([^"]+)"[^>]*>\s*([^<]+?)\s*<', html))
    assert {target: text for target, text in labels.items() if "on_date" in target} == {
        "id_update_on_date": "Date of the update",
        "id_complete_on_date": "Date completed",
    }
    for target in labels:
        assert f'id="{target}"' in html, target
    assert re.search(r'<input type="text" name="on_date"[^>]*id="id_complete_on_date"', html)


def test_a_progress_update_left_empty_says_what_is_missing_and_links_to_it(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    action = ActionFactory()
    response = client.post(reverse("actions:add_update", args=[action.pk]), {"on_date": ""})
    summary = response.text.split('<div class="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        ("id_update_on_date", "Enter the date of the update."),
        ("id_update_text", "Enter the progress update."),
    ]
    assert 'id="id_update_text"' in response.text


def test_a_saved_update_is_confirmed_in_a_message_that_can_take_focus(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    action = ActionFactory()
    response = client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"on_date": "2017-11-10", "text": "Brief drafted."},
        follow=True,
    )
    # a11y.js focuses the message after a save, so that it is read out, not the page's top.
    messages = response.text.split('<div class="messages" role="status" tabindex="-1">')[1]
    assert " ".join(messages.split("</div>")[0].split()) == (
        f'<div class="alert alert-success">Update added to action {action.reference}.'
    )


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
def test_a_closed_or_withdrawn_action_offers_neither_update_nor_completion(client, status):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    page = client.get(ActionFactory(status=status).get_absolute_url())
    assert "update_form" not in page.context and "complete_form" not in page.context
    assert "Add a progress update" not in page.text and "Date completed" not in page.text
