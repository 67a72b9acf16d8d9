"""A record page with many actions brought forward costs what the officer looks at: past
``FULL_CARDS`` undecided, the rest show a line each and open on request."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionReview
from meetings import workspace
from meetings.models import Meeting
from people import roles
from people.models import Post
from tests.factories import ActionFactory, user_with_role
from tests.meetings.test_record import open_next

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo):
    client.force_login(user_with_role(roles.OPCC_STAFF, username="recorder"))
    return client


@pytest.fixture
def november(demo, monkeypatch):
    monkeypatch.setattr(workspace, "FULL_CARDS", 3)
    october = Meeting.objects.get(date="2017-10-31")
    return open_next(october, datetime.date(2017, 11, 29))


def _page(client, meeting, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(meeting.get_record_url() + query)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _cards_and_lines(page):
    cards = re.findall(r'<section id="review-(\d+)" class="review-card', page)
    lines = re.findall(r"Open item ([\d.]+) to record", page)
    return cards, lines


def test_past_the_full_cards_the_items_brought_forward_show_a_line_each(officer, november):
    reviews = list(ActionReview.objects.filter(item__meeting=november).order_by("item__position"))
    assert len(reviews) > 3
    page, _ = _page(officer, november)
    cards, lines = _cards_and_lines(page)
    assert cards == [str(review.pk) for review in reviews[:3]]
    assert lines == [review.item.label for review in reviews[3:]]

    # A line opens in full when asked for, by its link, the others staying lines.
    asked = reviews[5]
    assert f'href="?open={asked.item.pk}#item-{asked.item.pk}"' in page
    page, _ = _page(officer, november, f"?open={asked.item.pk}")
    cards, lines = _cards_and_lines(page)
    assert cards == [str(review.pk) for review in [*reviews[:3], asked]]
    assert asked.item.label not in lines and len(lines) == len(reviews) - 4


def test_the_page_reads_the_same_queries_for_many_more_actions_brought_forward(
    officer, demo, monkeypatch
):
    monkeypatch.setattr(workspace, "FULL_CARDS", 3)
    october = Meeting.objects.get(date="2017-10-31")
    item = october.items.filter(parent=None).order_by("position")[1]
    few = open_next(october, datetime.date(2017, 11, 29))
    _page(officer, few)
    dcc = Post.objects.get(abbreviation="DCC")
    for number in range(40):
        ActionFactory(item=item, owners=[dcc], text=f"Action brought forward {number}")
    many = open_next(october, datetime.date(2017, 11, 30))
    few_page, few_queries = _page(officer, few)
    many_page, many_queries = _page(officer, many)
    # No more: past BULK_CLOSE_IN_PLACE undecided, the bulk close is a link to its own page,
    # which reads how many rather than each.
    assert many_queries == few_queries - 1
    # The first BROUGHT_FORWARD_SHOWN: three cards and the rest lines.
    total = ActionReview.objects.filter(item__meeting=many).count()
    assert total > workspace.BROUGHT_FORWARD_SHOWN
    assert [len(found) for found in _cards_and_lines(many_page)] == [
        3,
        workspace.BROUGHT_FORWARD_SHOWN - 3,
    ]


def _items_shown(page):
    """The items brought forward the page shows, whole or as a line."""
    brought = {str(pk) for pk in ActionReview.objects.values_list("item_id", flat=True)}
    return [pk for pk in re.findall(r'<section id="item-(\d+)"', page) if pk in brought]


def test_the_page_shows_the_items_brought_forward_a_window_at_a_time(
    officer, november, monkeypatch
):
    """Hundreds brought forward cost the page what it shows: a window of them, and what comes
    before and after in a sentence each, with a link."""
    monkeypatch.setattr(workspace, "BROUGHT_FORWARD_SHOWN", 2)
    items = [
        review.item
        for review in ActionReview.objects.filter(item__meeting=november)
        .select_related("item")
        .order_by("item__position", "item__pk")
    ]
    assert len(items) == 6
    first, _ = _page(officer, november)
    assert _items_shown(first) == [str(item.pk) for item in items[:2]]
    assert (
        f"Items {items[2].label} to {items[5].label}: 4 more actions brought forward after these"
        in first
    )
    assert 'href="?brought=3#agenda">Show the next items brought forward</a>' in first
    assert "brought-forward-before" not in first

    middle, _ = _page(officer, november, "?brought=3")
    assert _items_shown(middle) == [str(item.pk) for item in items[2:4]]
    assert (
        f"Items {items[0].label} to {items[1].label}: 2 more actions brought forward before these"
        in middle
    )
    assert 'href="?brought=1#agenda">Show the earlier items brought forward</a>' in middle
    assert 'href="?brought=5#agenda">Show the next items brought forward</a>' in middle
    # The navigator says the same.
    assert middle.count("2 more brought forward") == 2

    # An item asked for by its link opens in the window that holds it.
    opened, _ = _page(officer, november, f"?open={items[5].pk}")
    assert _items_shown(opened) == [str(item.pk) for item in items[4:]]


def test_where_many_are_brought_forward_the_attendance_offers_the_agenda_items_not_each(
    officer, november, monkeypatch
):
    # Where few are (October 2017's), each is offered: the browser tests choose "1.2".
    monkeypatch.setattr(workspace, "BROUGHT_FORWARD_SHOWN", 2)
    brought = ActionReview.objects.filter(item__meeting=november).order_by("item__position")
    assert brought.count() > workspace.BROUGHT_FORWARD_SHOWN
    kept = brought[0].item
    attendance = november.attendances.get()
    attendance.joined_at_item = kept
    attendance.save()
    page, _ = _page(officer, november)
    joined = re.search(r'<select name="person-\d+-joined_at_item".*?</select>', page, re.S)[0]
    offered = re.findall(r'<option value="(\d+)"', joined)
    ordinary = november.items.exclude(kind="brought_forward")
    # Every agenda item, and the one action brought forward already recorded, chosen.
    assert set(offered) == {str(item.pk) for item in [*ordinary, kept]}
    assert f'<option value="{kept.pk}" selected>' in joined
