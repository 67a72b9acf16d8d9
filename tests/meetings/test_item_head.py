"""An item's heading and "nothing to record" saved in place on the record page, and the
item's counts in its heading and the navigator following every save made in place."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.forms import STALE_MESSAGE
from meetings.models import Meeting, MinutesStatus
from people import roles
from tests.factories import ActionFactory, FindingFactory, ItemFactory, user_with_role

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def officer(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    return client


@pytest.fixture
def item():
    return ItemFactory(number="2", heading="Athena")


def head_url(item):
    return reverse("meetings:item_head", args=[item.pk])


def post_head(client, item, *, htmx=True, heading="Athena", nil_return="", version=1):
    data = {"heading": heading, "nil_return": nil_return, "version": version}
    return client.post(head_url(item), data, headers=HTMX if htmx else {})


def test_the_record_page_offers_each_item_its_heading_in_place(officer, item):
    page = officer.get(reverse("meetings:record", args=[item.meeting_id])).text
    assert (
        f'<input type="text" name="heading" value="Athena" maxlength="300" '
        f'class="form-control form-control-sm" required id="item-{item.pk}-head-heading">'
    ) in page
    assert f'<label class="form-label small mb-0" for="item-{item.pk}-head-nil_return">' in page
    assert '<option value="" selected>Not said</option>' in page
    assert f'<input type="hidden" name="version" value="1" id="item-{item.pk}-head-version">' in (
        page
    )


def test_a_nil_return_and_a_heading_saved_in_place_swap_the_item_and_the_navigator(officer, item):
    FindingFactory(item=item)
    response = post_head(officer, item, heading="Athena and Niche", nil_return="no_items_raised")
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.heading, item.nil_return, item.version) == (
        "Athena and Niche",
        "no_items_raised",
        2,
    )
    text = response.text
    # The form again, at the version saved, so that the next save is not refused as stale.
    assert f'<form id="item-{item.pk}-head-form"' in text
    assert f'name="version" value="2" id="item-{item.pk}-head-version">' in text
    assert f'<span id="item-{item.pk}-title" hx-swap-oob="innerHTML">2 Athena and Niche</span>' in (
        text
    )
    assert (
        f'<span id="item-{item.pk}-state" hx-swap-oob="innerHTML">1 finding, 0 actions</span>'
    ) in text
    assert (
        f'<span id="nav-item-{item.pk}-title" hx-swap-oob="true">2 Athena and Niche</span>'
        f'<span class="item-state" id="nav-item-{item.pk}-state" hx-swap-oob="true">'
        '<span class="visually-hidden">: </span>1 finding, 0 actions</span>'
    ) in text
    assert (
        f'<p id="item-{item.pk}-nil" hx-swap-oob="innerHTML"><em>No items were raised.</em></p>'
    ) in text
    assert (
        '<div id="workspace-status" hx-swap-oob="innerHTML">'
        "Item 2 saved: 2 Athena and Niche. No items were raised.</div>"
    ) in text


def test_a_stale_copy_is_refused_in_place_and_keeps_what_was_typed(officer, item):
    response = post_head(officer, item, heading="Typed late", version=0)
    assert response.status_code == 200
    assert response.context["head_form"].non_field_errors() == [STALE_MESSAGE]
    assert 'value="Typed late"' in response.text
    assert "hx-swap-oob" not in response.text
    item.refresh_from_db()
    assert (item.heading, item.version) == ("Athena", 1)


def test_an_empty_heading_says_what_is_missing_beside_the_field(officer, item):
    response = post_head(officer, item, heading="")
    assert response.status_code == 200
    assert response.context["head_form"].errors == {"heading": ["Enter the item's heading."]}
    assert (
        f'aria-invalid="true" aria-describedby="item-{item.pk}-head-heading-error" autofocus'
    ) in response.text
    assert Meeting.objects.get(pk=item.meeting_id).items.get().heading == "Athena"


def test_no_actions_arising_is_refused_beside_actions_arising(officer, item):
    ActionFactory(item=item)
    response = post_head(officer, item, nil_return="no_actions")
    assert response.context["head_form"].errors == {
        "nil_return": ["This item has actions arising, so it cannot also say there were none."]
    }
    item.refresh_from_db()
    assert item.nil_return == ""


def test_agreed_minutes_refuse_the_change_unswapped(officer, item):
    Meeting.objects.filter(pk=item.meeting_id).update(status=MinutesStatus.AGREED)
    response = post_head(officer, item, heading="Too late")
    assert (response.status_code, response["HX-Reswap"]) == (409, "none")
    item.refresh_from_db()
    assert item.heading == "Athena"


def test_without_javascript_the_record_page_reloads_at_the_item(officer, item):
    response = post_head(officer, item, htmx=False, nil_return="no_items_raised")
    assert response["Location"] == item.meeting.get_record_url(item)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Item 2 saved: 2 Athena. No items were raised."
    ]


def test_without_javascript_an_error_is_a_page_with_the_error_summary(officer, item):
    response = post_head(officer, item, htmx=False, heading="")
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/item_head_form.html"
    assert '<h2 id="error-summary-title">There is a problem</h2>' in response.text
    assert f'href="#item-{item.pk}-head-heading">Enter the item' in response.text


def test_a_finding_added_in_place_updates_the_counts_and_is_announced(officer, item):
    response = officer.post(
        reverse("meetings:finding_add", args=[item.pk]), {"text": "Stable."}, headers=HTMX
    )
    assert (
        f'<span id="item-{item.pk}-state" hx-swap-oob="innerHTML">1 finding, 0 actions</span>'
    ) in response.text
    assert (
        '<div id="workspace-status" hx-swap-oob="innerHTML">Finding added to item 2.</div>'
    ) in response.text


def test_a_finding_moved_or_removed_in_place_is_announced(officer, item):
    first, second = FindingFactory(item=item, position=0), FindingFactory(item=item, position=1)
    response = officer.post(
        reverse("meetings:finding_move", args=[second.pk]), {"direction": "up"}, headers=HTMX
    )
    assert (
        '<div id="workspace-status" hx-swap-oob="innerHTML">'
        "Finding moved up: it is now finding 1 of item 2.</div>"
    ) in response.text
    response = officer.post(reverse("meetings:finding_delete", args=[first.pk]), headers=HTMX)
    assert (
        f'<span id="item-{item.pk}-state" hx-swap-oob="innerHTML">1 finding, 0 actions</span>'
    ) in response.text
    assert (
        '<div id="workspace-status" hx-swap-oob="innerHTML">Finding removed from item 2.</div>'
    ) in response.text
