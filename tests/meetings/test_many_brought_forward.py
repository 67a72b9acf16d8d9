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
    assert many_queries == few_queries
    assert [len(found) for found in _cards_and_lines(many_page)] == [
        3,
        ActionReview.objects.filter(item__meeting=many).count() - 3,
    ]
