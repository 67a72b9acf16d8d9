"""Pages cost what they show: keyset pages of the action log and My actions, the dashboard's
summaries worked out in the database, and bringing forward in a fixed number of queries."""

import datetime
import math
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.dashboard import dashboard, monthly_changes, monthly_chart
from actions.keyset import PAGE_ROWS
from actions.models import Action, ActionReview, DueKind
from actions.reviews import bring_forward
from actions.services import change_due, mark_complete, set_action_status
from meetings.models import AgendaItem, StandingSection
from meetings.services import open_meeting
from tests.factories import (
    ActionEventFactory,
    ActionFactory,
    BodyFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
)

D = datetime.date
NEXT = re.compile(r'href="\?([^"]*)" rel="next"')
PREVIOUS = re.compile(r'href="\?([^"]*)" rel="prev"')


def _references(response):
    return [action.reference for action in response.context["actions"]]


def _walk(client, url, query=""):
    """Every page from the first by its Next links, as a browser without JavaScript would:
    the references of each page, and the query string of each Next link."""
    pages, links = [], []
    while True:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        pages.append(_references(response))
        found = NEXT.search(response.content.decode())
        if not found:
            return pages, links
        query = unescape(found[1])
        links.append(query)


# The action log by keyset.


@pytest.fixture
def long_log(item, dcc, acc):
    """120 actions over three meetings, with dues (some none) and owners that vary."""
    meetings = [
        item.meeting,
        MeetingFactory(series=item.meeting.series, date=D(2017, 11, 29), status="agreed"),
        MeetingFactory(series=item.meeting.series, date=D(2017, 9, 26), status="agreed"),
    ]
    items = [item] + [ItemFactory(meeting=m, number="2", heading="Risks") for m in meetings[1:]]
    for n in range(120):
        ActionFactory(
            item=items[n % 3],
            reference=f"R{(n * 37) % 120:03d}",
            owners=[dcc if n % 2 else acc],
            due_date=None if n % 5 == 0 else D(2017, 12, 1) + datetime.timedelta(days=n % 7),
        )
    return Action.objects.all()


def _in_order(actions, key):
    return [a.reference for a in sorted(actions, key=key)]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("", lambda a: (a.meeting.date, a.pk)),
        ("-meeting", lambda a: (-a.meeting.date.toordinal(), -a.pk)),
        ("reference", lambda a: (a.reference, a.pk)),
        # Actions with no due come last, as the log has always sorted them.
        ("due", lambda a: (a.due_date is None, a.due_date or D.min, a.pk)),
        ("-due", lambda a: (a.due_date is not None, -(a.due_date or D.min).toordinal(), -a.pk)),
        ("-status", lambda a: (a.status, -a.pk)),
    ],
)
def test_the_log_pages_by_next_links_through_every_action_once_in_the_order_chosen(
    client, opcc_user, long_log, sort, key
):
    client.force_login(opcc_user)
    query = f"sort={sort}" if sort else ""
    pages, links = _walk(client, reverse("actions:log"), query)
    assert [len(page) for page in pages] == [PAGE_ROWS, PAGE_ROWS, 20]
    expected = _in_order(Action.objects.select_related("meeting"), key)
    if sort == "-status":
        # All open: the order is the id's, descending.
        expected = _in_order(Action.objects.select_related("meeting"), lambda a: -a.pk)
    assert sum(pages, []) == expected
    # The links keep the order chosen, and the last page is the last rows.
    assert all(link.startswith(query) for link in links)
    last = client.get(f"{reverse('actions:log')}?{query}&page=last")
    assert _references(last) == expected[-PAGE_ROWS:]


def test_previous_goes_back_a_page_and_first_and_last_have_no_link_beyond_them(
    client, opcc_user, long_log
):
    client.force_login(opcc_user)
    url = reverse("actions:log")
    first = client.get(url)
    second = client.get(f"{url}?{unescape(NEXT.search(first.content.decode())[1])}")
    back = client.get(f"{url}?{unescape(PREVIOUS.search(second.content.decode())[1])}")
    assert _references(back) == _references(first)
    assert PREVIOUS.search(first.content.decode()) is None
    last = client.get(f"{url}?page=last")
    assert NEXT.search(last.content.decode()) is None
    assert 'href="?page=last">Last</a>' in first.content.decode()
    assert f"{PAGE_ROWS} shown of 120" in first.content.decode()


def test_filters_are_kept_in_the_page_links(client, opcc_user, long_log, dcc):
    client.force_login(opcc_user)
    query = f"owner=post-{dcc.pk}&sort=reference"
    pages, links = _walk(client, reverse("actions:log"), query)
    owned = Action.objects.filter(owner_posts=dcc)
    assert sum(pages, []) == _in_order(owned, lambda a: (a.reference, a.pk))
    assert [len(page) for page in pages] == [PAGE_ROWS, 10]
    assert links[0].startswith(query + "&after=")


@pytest.mark.parametrize(
    "cursor", ["after=nonsense", "after=WzEsMl0", "before=%FF", "after=WyJ4IiwieSJd", "page=9"]
)
def test_a_cursor_that_cannot_be_read_shows_the_first_page(client, opcc_user, long_log, cursor):
    client.force_login(opcc_user)
    response = client.get(f"{reverse('actions:log')}?{cursor}")
    assert response.status_code == 200
    assert _references(response) == _references(client.get(reverse("actions:log")))


def _count(client, url):
    # The work of the page, not what it kept from the last request (actions.record).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("where", ["", "?page=last", "?sort=-due&page=last"])
def test_the_last_page_does_as_many_queries_as_the_first_whatever_the_length(
    client, opcc_user, item, dcc, where
):
    client.force_login(opcc_user)
    ActionFactory(item=item, owners=[dcc])
    one = _count(client, reverse("actions:log") + where)
    for _ in range(2 * PAGE_ROWS + 3):
        ActionFactory(item=item, owners=[dcc], due_date=D(2018, 1, 1))
    many = _count(client, reverse("actions:log") + where)
    first = _count(client, reverse("actions:log"))
    assert one == many == first


def test_my_actions_pages_open_first_then_awaiting_agreement(client, owner_user, item, dcc):
    awaiting = [ActionFactory(item=item, owners=[dcc]) for _ in range(3)]
    for action in awaiting:
        mark_complete(action, note="Done", by=owner_user)
    for n in range(PAGE_ROWS + 2):
        ActionFactory(item=item, owners=[dcc], due_date=D(2018, 1, 1 + n % 20))
    client.force_login(owner_user)
    pages, _ = _walk(client, reverse("actions:mine"))
    assert [len(page) for page in pages] == [PAGE_ROWS, 5]
    assert pages[1][-3:] == sorted(a.reference for a in awaiting)
    listed = dict(Action.objects.values_list("reference", "due_date"))
    due = [listed[ref] for ref in sum(pages, [])[: PAGE_ROWS + 2]]
    assert due == sorted(due)


# The dashboard's summaries, against counts made by hand.


@pytest.fixture
def owned(item, dcc, acc, owner_user, opcc_user):
    """Actions of posts, a person and a body, in every state."""
    person = PersonFactory(name="Sam Porter", initials="SP")
    body = BodyFactory(name="All attendees", label="ALL")
    made = {
        "dcc open overdue": ActionFactory(item=item, owners=[dcc], due_date=D(2017, 11, 1)),
        "dcc open": ActionFactory(item=item, owners=[dcc], due_date=D(2018, 3, 1)),
        "dcc and person open": ActionFactory(item=item, owners=[dcc, person]),
        "acc awaiting": ActionFactory(item=item, owners=[acc]),
        "acc closed this year": ActionFactory(item=item, owners=[acc]),
        "acc closed last year": ActionFactory(item=item, owners=[acc]),
        "body open overdue": ActionFactory(item=item, owners=[body], due_date=D(2017, 10, 1)),
        "person withdrawn": ActionFactory(item=item, owners=[person]),
        "unowned open": ActionFactory(item=item, owners=[]),
    }
    mark_complete(made["acc awaiting"], note="Done", by=owner_user)
    set_action_status(made["acc closed this year"], "closed", by=opcc_user, on_date=D(2017, 6, 1))
    set_action_status(made["acc closed last year"], "closed", by=opcc_user, on_date=D(2016, 12, 31))
    set_action_status(made["person withdrawn"], "withdrawn", by=opcc_user)
    return made


def test_the_counts_by_owner_and_status_are_those_counted_by_hand(owned):
    data = dashboard(D(2017, 11, 22))
    rows = [
        (r.label, r.open, r.overdue, r.awaiting, r.closed_this_year) for r in data["owner_counts"]
    ]
    assert rows == [
        ("DCC", 3, 1, 0, 0),
        ("ACC", 0, 0, 1, 1),
        ("Sam Porter (SP)", 1, 0, 0, 0),
        ("All attendees (ALL)", 1, 1, 0, 0),
    ]
    totals = data["totals"]
    assert (
        totals.outstanding,
        totals.open,
        totals.overdue,
        totals.awaiting,
        totals.closed_this_year,
    ) == (6, 5, 2, 1, 1)
    assert data["unowned"] == 1


def test_the_lists_show_their_first_rows_and_link_to_all_of_them(client, commissioner_user, item):
    for n in range(30):
        ActionFactory(item=item, reference=f"C{n:02d}", due_date=D(2017, 11, 1))
    client.force_login(commissioner_user)
    response = client.get("/dashboard/")
    assert len(response.context["due"]) == 25
    assert response.context["totals"].coming == 30
    html = response.content.decode()
    assert "The 25 due first, of 30." in html
    assert f'<a href="{response.context["due_url"]}">See all 30 actions coming' in html
    listed = client.get(response.context["due_url"]).context["paginator"].count
    assert listed == 30


def test_the_chart_months_are_those_counted_by_hand(item, opcc_user):
    """Raised in September, October and November; closed, reopened, withdrawn, and a status
    change dated before the action was raised (it counts from the raising)."""
    september = ItemFactory(meeting=MeetingFactory(date=D(2017, 9, 26), status="agreed"))
    november = ItemFactory(meeting=MeetingFactory(date=D(2017, 11, 29), status="agreed"))
    a = ActionFactory(item=september)  # open throughout
    b = ActionFactory(item=september)  # closed in October
    set_action_status(b, "closed", by=opcc_user, on_date=D(2017, 10, 5))
    c = ActionFactory(item=item)  # closed in October, reopened in December
    set_action_status(c, "closed", by=opcc_user, on_date=D(2017, 10, 31))
    set_action_status(c, "open", by=opcc_user, reason="Not done", on_date=D(2017, 12, 2))
    d = ActionFactory(item=november)  # closed on a date before its raising
    set_action_status(d, "closed", by=opcc_user, on_date=D(2017, 11, 1))
    e = ActionFactory(item=item)  # withdrawn in November
    set_action_status(e, "withdrawn", by=opcc_user, on_date=D(2017, 11, 15))
    ActionEventFactory(action=a, kind="update", on_date=D(2017, 10, 1), text="Going well")
    bars = monthly_chart(D(2017, 12, 15), months=4)
    assert [(bar.month, bar.open, bar.closed) for bar in bars] == [
        (D(2017, 9, 1), 2, 0),
        # a; b closed; c closed on the 31st; e raised.
        (D(2017, 10, 1), 2, 2),
        # a; e withdrawn; d raised in November but closed (dated the 1st).
        (D(2017, 11, 1), 1, 1),
        (D(2017, 12, 1), 2, 0),
    ]


# Bringing forward.


@pytest.fixture
def series_with_actions(item, dcc, opcc_user):
    series = item.meeting.series
    StandingSection.objects.create(
        series=series, number="1", heading="Actions brought forward", brings_forward=True
    )
    return series


def _bring_forward_queries(series, count, item, dcc, on):
    for _ in range(count):
        ActionFactory(item=item, owners=[dcc], due_date=D(2017, 11, 1))
    meeting = open_meeting(series, date=on)
    with CaptureQueriesContext(connection) as queries:
        brought = bring_forward(meeting)
    assert len(brought) == count
    return len(queries)


def _sqlite_extra_batches(count):
    """INSERTs that SQLite's limit on parameters splits off (PostgreSQL takes each in one)."""
    if connection.vendor != "sqlite":
        return 0
    extra = 0
    for model in (AgendaItem, AgendaItem.history.model, ActionReview, ActionReview.history.model):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        per_batch = connection.ops.bulk_batch_size(fields, [None] * count)
        extra += math.ceil(count / per_batch) - 1
    return extra


def test_bringing_forward_5_or_50_actions_takes_the_same_queries(series_with_actions, item, dcc):
    five = _bring_forward_queries(series_with_actions, 5, item, dcc, D(2017, 11, 29))
    Action.objects.update(status="closed")
    fifty = _bring_forward_queries(series_with_actions, 50, item, dcc, D(2017, 12, 20))
    print(f"bringing forward: {five} queries for 5 actions, {fifty} for 50")
    assert fifty == five + _sqlite_extra_batches(50)


def test_brought_forward_items_are_numbered_after_those_there_restricted_and_kept_in_history(
    series_with_actions, item, dcc, opcc_user
):
    secret = ItemFactory(
        meeting=item.meeting, number="3", restricted=True, restriction_reason="Sensitive"
    )
    plain = ActionFactory(item=item, owners=[dcc], due_date=D(2017, 11, 1))
    hidden = ActionFactory(item=secret, owners=[dcc], due_date=D(2017, 11, 1))
    awaited = ActionFactory(
        item=item, owners=[dcc], due_kind=DueKind.MEETING, due_wording="The next meeting"
    )
    meeting = open_meeting(series_with_actions, date=D(2017, 11, 29))
    section = meeting.items.get(number="1", parent=None)
    AgendaItem.objects.create(meeting=meeting, parent=section, number="1.1", position=0)
    reviews = bring_forward(meeting)
    got = [
        (r.action, r.item.number, r.item.position, r.item.withheld_reason, r.item.kind)
        for r in reviews
    ]
    assert got == [
        (plain, "1.2", 1, "", "brought_forward"),
        (hidden, "1.3", 2, "Sensitive", "brought_forward"),
        (awaited, "1.4", 3, "", "brought_forward"),
    ]
    awaited.refresh_from_db()
    assert awaited.due_at == meeting
    for review in reviews:
        assert review.history.count() == 1
        assert review.item.history.count() == 1
    # Run again, it adds nothing: each is already brought forward.
    assert bring_forward(meeting) == []


def test_the_health_check_answers_without_the_database_or_signing_in(client):
    """No database access is allowed in this test: any query would raise."""
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert client.post("/healthz").status_code == 405


def test_the_chart_follows_a_status_change_or_a_meeting_moved_at_once(item, opcc_user):
    action = ActionFactory(item=item)
    today = D(2017, 12, 15)
    assert [bar.open for bar in monthly_chart(today, months=3)] == [1, 1, 1]
    set_action_status(action, "closed", by=opcc_user, on_date=D(2017, 11, 3))
    assert [bar.open for bar in monthly_chart(today, months=3)] == [1, 0, 0]
    set_action_status(action, "open", by=opcc_user, reason="Not done", on_date=D(2017, 12, 1))
    meeting = item.meeting
    meeting.date = D(2017, 11, 2)
    meeting.save()
    # Raised in November now: not open at the end of October.
    assert [bar.open for bar in monthly_chart(today, months=3)] == [0, 0, 1]
    # A new due changes no month; an action raised, or deleted, changes them at once.
    change_due(action, by=opcc_user, due_kind="date", due_date=D(2018, 1, 31))
    assert [bar.open for bar in monthly_chart(today, months=3)] == [0, 0, 1]
    second = ActionFactory(item=item)
    assert [bar.open for bar in monthly_chart(today, months=3)] == [0, 1, 2]
    second.delete()
    assert [bar.open for bar in monthly_chart(today, months=3)] == [0, 0, 1]


def _changes_worked_out_whole():
    cache.clear()
    return monthly_changes()


def test_status_changes_are_taken_up_as_they_come_and_match_the_whole_log_read_again(
    item, opcc_user
):
    """The per-month changes kept, then taken up change by change (actions.dashboard
    ._status_changes), equal those worked out from the whole log after each of: a closure, a
    reopening, a change dated before the rest of its trail, a withdrawal, an action raised, a
    meeting moved and an action deleted."""
    september = ItemFactory(meeting=MeetingFactory(date=D(2017, 9, 26), status="agreed"))
    a, b = ActionFactory(item=september), ActionFactory(item=item)
    set_action_status(a, "closed", by=opcc_user, on_date=D(2017, 10, 5))
    monthly_changes()

    def move_the_meeting():
        item.meeting.date = D(2017, 11, 2)
        item.meeting.save()

    steps = [
        lambda: set_action_status(b, "closed", by=opcc_user, on_date=D(2017, 11, 3)),
        lambda: set_action_status(
            b, "open", by=opcc_user, reason="Not done", on_date=D(2017, 12, 1)
        ),
        # Dated before a's closure: a's trail is read again in its own order.
        lambda: set_action_status(a, "open", by=opcc_user, reason="Early", on_date=D(2017, 9, 30)),
        lambda: set_action_status(b, "withdrawn", by=opcc_user, on_date=D(2018, 1, 10)),
        lambda: ActionFactory(item=september),
        move_the_meeting,
        lambda: b.delete(),
    ]
    for step in steps:
        step()
        taken_up = monthly_changes()
        assert taken_up == _changes_worked_out_whole()


def test_a_status_change_reads_again_only_the_trail_of_the_action_it_changed(item, opcc_user):
    actions = [ActionFactory(item=item) for _ in range(3)]
    for action in actions:
        set_action_status(action, "closed", by=opcc_user, on_date=D(2017, 11, 3))
    monthly_changes()
    set_action_status(actions[1], "open", by=opcc_user, reason="Not done", on_date=D(2017, 12, 1))
    with CaptureQueriesContext(connection) as queries:
        taken_up = monthly_changes()
    # The marks of what it reads, then the action's trail as it was and as it is.
    assert len(queries) == 3
    assert all(re.search(r'U0\."id" > \d+ AND U0\."id" <= \d+', q["sql"]) for q in queries[1:])
    assert taken_up == _changes_worked_out_whole()
    with CaptureQueriesContext(connection) as queries:
        assert monthly_changes() == taken_up
    assert len(queries) == 1


@pytest.mark.parametrize("meeting", ["²", "٣", "99999999999999999999"])
def test_a_raised_at_choice_that_is_no_meeting_is_told_not_a_500(client, opcc_user, meeting):
    """Found by the fuzzer: "²" passes str.isdigit() but is no number for int() or the
    database."""
    client.force_login(opcc_user)
    response = client.get(reverse("actions:log"), {"meeting": meeting})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
