import datetime
import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actions import latest
from actions.dashboard import (
    DASHBOARD_ROWS,
    chart_scale,
    closures_this_year,
    dashboard,
    monthly_chart,
)
from actions.models import Action
from actions.services import (
    add_update,
    change_due,
    change_owners,
    mark_complete,
    set_action_status,
)
from actions.views import DashboardView
from tests.factories import ActionFactory, FindingFactory, ItemFactory, MeetingFactory

TODAY = datetime.date(2017, 11, 22)


def test_the_dashboard_lists_what_comes_to_the_next_meeting_by_owner(
    action, item, dcc, acc, owner_user
):
    person = acc.holder
    shared = ActionFactory(
        item=item, reference="2017/10-02", owners=[acc, dcc], due_date=datetime.date(2017, 11, 1)
    )
    by_month = ActionFactory(
        item=item, reference="2017/10-03", owners=[person], due_meeting=datetime.date(2017, 11, 1)
    )
    ActionFactory(
        item=item, reference="2017/10-04", owners=[dcc], due_date=datetime.date(2017, 12, 1)
    )
    add_update(shared, text="Half done.", on_date=datetime.date(2017, 11, 15), by=owner_user)
    data = dashboard(TODAY)
    assert data["next_meeting"].date == datetime.date(2017, 11, 29)
    assert [(g.label, [a.reference for a in g.actions]) for g in data["groups"]] == [
        ("DCC – Amanda Blakeman", ["2017/10-02"]),
        ("ACC – Martin Evans", ["2017/10-02"]),
        ("Martin Evans (ME)", ["2017/10-03"]),
    ]
    first = data["groups"][0].actions[0]
    # Its latest update is filled in as the page is served (actions.latest).
    assert (first.overdue_days, latest.fill(latest.mark(first))) == (
        21,
        "15 November 2017: Half done.",
    )
    assert by_month.pk in [a.pk for a in data["due"]]
    assert action.pk not in [a.pk for a in data["due"]]


def test_overdue_actions_carry_a_text_label_as_well_as_colour(client, item, dcc, opcc_user):
    ActionFactory(
        item=item, owners=[dcc], due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(opcc_user)
    html = client.get("/dashboard/").content.decode()
    assert '<tr class="action-overdue">' in html
    assert '<span class="badge overdue-label">Overdue by 3 days</span>' in html


def test_counts_at_a_glance_and_per_owner(action, item, dcc, acc, owner_user, opcc_user):
    ActionFactory(item=item, owners=[acc], due_date=datetime.date(2017, 11, 1))
    awaiting = ActionFactory(item=item, owners=[dcc])
    mark_complete(awaiting, note="Done", by=owner_user)
    closed = ActionFactory(item=item, owners=[dcc])
    set_action_status(closed, "closed", by=opcc_user, on_date=datetime.date(2017, 3, 1))
    closed_last_year = ActionFactory(item=item, owners=[dcc])
    set_action_status(closed_last_year, "closed", by=opcc_user, on_date=datetime.date(2016, 12, 1))
    data = dashboard(TODAY)
    totals = data["totals"]
    assert (totals.open, totals.overdue, totals.awaiting, totals.closed_this_year) == (2, 1, 1, 1)
    assert [
        (r.label, r.open, r.overdue, r.awaiting, r.closed_this_year) for r in data["owner_counts"]
    ] == [
        ("DCC", 1, 0, 1, 1),
        ("ACC", 1, 1, 0, 0),
    ]


def test_the_chart_counts_open_at_each_month_end_and_closed_within_it(item, dcc, opcc_user):
    september = ItemFactory(
        meeting=MeetingFactory(date=datetime.date(2017, 9, 26), status="agreed")
    )
    short_lived = ActionFactory(item=september)
    set_action_status(short_lived, "closed", by=opcc_user, on_date=datetime.date(2017, 9, 30))
    closed_in_november = ActionFactory(item=item)
    set_action_status(
        closed_in_november, "closed", by=opcc_user, on_date=datetime.date(2017, 11, 20)
    )
    ActionFactory(item=item)
    reopened = ActionFactory(item=item)
    set_action_status(reopened, "closed", by=opcc_user, on_date=datetime.date(2017, 11, 2))
    set_action_status(
        reopened, "open", by=opcc_user, reason="Not done", on_date=datetime.date(2017, 12, 1)
    )
    withdrawn = ActionFactory(item=item)
    set_action_status(withdrawn, "withdrawn", by=opcc_user, on_date=datetime.date(2017, 10, 31))

    bars = monthly_chart(datetime.date(2017, 12, 15))
    quiet = [(datetime.date(2017, month, 1), 0, 0) for month in range(1, 9)]
    assert [(bar.month, bar.open, bar.closed) for bar in bars] == [
        *quiet,
        (datetime.date(2017, 9, 1), 0, 1),
        (datetime.date(2017, 10, 1), 3, 0),
        (datetime.date(2017, 11, 1), 1, 2),
        (datetime.date(2017, 12, 1), 2, 0),
    ]


def test_the_chart_is_inline_svg_with_its_figures_in_a_table(rf_dashboard):
    html = rf_dashboard.rendered_content
    assert '<svg class="action-chart"' in html
    assert "style=" not in html.split('id="main"')[1]
    assert (
        '<caption class="caption-top">Open and closed actions by month, last 12 months</caption>'
        in html
    )
    assert (
        '<tr><th scope="row">November 2017</th>'
        '<td class="text-end" data-label="Open at the end of the month">1</td>'
        '<td class="text-end" data-label="Closed in the month">0</td></tr>'
    ) in html


def test_today_can_be_given_to_the_dashboard_view(rf_dashboard):
    assert rf_dashboard.context_data["today"] == TODAY
    assert rf_dashboard.context_data["next_meeting"].date == datetime.date(2017, 11, 29)


@pytest.fixture
def rf_dashboard(action, opcc_user):
    request = RequestFactory().get("/dashboard/")
    request.user = opcc_user
    request.htmx = False
    response = DashboardView.as_view(today=TODAY)(request)
    response.render()
    return response


# The chart's axis.


@pytest.mark.parametrize(
    ("tallest", "values"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (5, [0, 1, 2, 3, 4, 5]),
        (6, [0, 2, 4, 6]),
        (11, [0, 5, 10, 15]),
        (26, [0, 10, 20, 30]),
        (101, [0, 50, 100, 150]),
    ],
)
def test_the_chart_axis_counts_in_round_steps_up_to_the_tallest_bar(tallest, values):
    assert chart_scale(tallest) == values


def test_the_chart_shows_its_axis_values_and_bars_against_them(rf_dashboard):
    context = rf_dashboard.context_data
    # One action open in October and November: the axis runs 0 to 1, the bar to the top.
    assert [(tick.value, tick.y) for tick in context["chart_ticks"]] == [(0, 180), (1, 20)]
    november = context["chart"][-2]
    assert (november.open, november.open_y, november.open_height) == (1, 20, 160)
    html = rf_dashboard.rendered_content
    assert (
        '<text x="34" y="20" dy="3" text-anchor="end" font-size="10" fill="#212529">1</text>'
        in (html)
    )


# Overdue, in words.


@pytest.mark.parametrize(
    ("days", "wording"),
    [
        (0, ""),
        (1, "overdue by 1 day"),
        (27, "overdue by 27 days"),
        (28, "overdue by 28 days"),
        (29, "overdue since December 2017"),
        (400, "overdue since December 2017"),
    ],
)
def test_overdue_is_worded_in_days_for_four_weeks_then_by_the_month_it_fell_due(days, wording):
    due = datetime.date(2017, 12, 20)
    action = ActionFactory.build(due_date=due, status="open")
    assert action.overdue_wording(due + datetime.timedelta(days=days)) == wording


def test_an_open_ended_action_is_never_overdue(item):
    action = ActionFactory(
        item=item,
        due_kind="open",
        due_wording="Until all cases have been closed",
        due_date=datetime.date(2017, 1, 1),
    )
    assert action.overdue_wording(datetime.date(2018, 6, 1)) == ""


@pytest.mark.parametrize("days", [27, 28, 29])
def test_the_dashboard_words_overdue_actions(client, item, dcc, opcc_user, days):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=days)
    ActionFactory(item=item, owners=[dcc], due_date=due)
    ActionFactory(
        item=item,
        owners=[dcc],
        due_kind="open",
        due_wording="Until all cases have been closed",
        due_date=today - datetime.timedelta(days=400),
    )
    client.force_login(opcc_user)
    html = client.get("/dashboard/").content.decode()
    badge = f"Overdue by {days} days" if days <= 28 else f"Overdue since {date_format(due, 'F Y')}"
    assert html.count('<span class="badge overdue-label">') == 1
    assert f'<span class="badge overdue-label">{badge}</span>' in html


# Decisions first.


def test_decisions_come_before_everything_else(client, action, owner_user, commissioner_user):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    html = client.get("/dashboard/").content.decode()
    headings = [
        "Decisions awaiting the Commissioner",
        "Actions marked complete, awaiting agreement of closure (1)",
        "Minutes awaiting agreement (0)",
        "Actions at a glance",
        'id="due-heading"',
        "Open and closed actions, last 12 months",
    ]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_minutes_of_past_meetings_not_yet_agreed_await_the_commissioner(
    client, commissioner_user, opcc_user
):
    today = timezone.localdate()
    draft = MeetingFactory(date=today - datetime.timedelta(days=40), status="draft")
    not_agreed = MeetingFactory(date=today - datetime.timedelta(days=10), status="not_agreed")
    MeetingFactory(date=today - datetime.timedelta(days=70), status="agreed")
    MeetingFactory(date=today - datetime.timedelta(days=100), status="published")
    MeetingFactory(date=today, status="draft")
    MeetingFactory(date=today + datetime.timedelta(days=30), status="draft")
    client.force_login(commissioner_user)
    response = client.get("/dashboard/")
    assert response.context["minutes_to_agree"] == [draft, not_agreed]
    html = response.content.decode()
    assert "Minutes awaiting agreement (2)" in html
    for meeting in (draft, not_agreed):
        assert (
            f'<a class="btn btn-sm btn-primary" href="/meetings/{meeting.pk}/agree/">'
            f"Agree the minutes of {meeting.title}</a>"
        ) in html
    assert ": not agreed: to be amended and recirculated." in html

    # OPCC staff see what awaits the Commissioner, but the agree page is not theirs.
    client.force_login(opcc_user)
    html = client.get("/dashboard/").content.decode()
    assert "Minutes awaiting agreement (2)" in html
    assert "/agree/" not in html
    assert html.count("The Commissioner agrees them.") == 2


def test_an_empty_selection_is_reported_at_the_top_of_the_form(
    client, action, owner_user, commissioner_user
):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    html = client.post(reverse("actions:review"), {"decision": "close"}).content.decode()
    assert "<title>Error: Dashboard · Holding to account</title>" in html
    form = html[html.index('<form method="post" action="/actions/review/"') :]
    # The summary is the form's first content, focused on load, and links to the first box.
    assert form.index('id="review-errors" tabindex="-1"') < form.index("<fieldset>")
    assert "data-focus-on-load" in form
    assert (
        f'<li><a class="alert-link" href="#review-{action.pk}">Tick at least one action.</a></li>'
    ) in form
    assert f'id="review-{action.pk}" aria-describedby="actions-error"' in form
    assert (
        '<p class="invalid-feedback d-block" id="actions-error">'
        '<span class="visually-hidden">Error: </span>Tick at least one action.</p>'
    ) in form


def test_no_error_summary_before_a_decision_is_sent(client, action, owner_user, commissioner_user):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    html = client.get("/dashboard/").content.decode()
    assert "review-errors" not in html
    assert "<title>Dashboard · Holding to account</title>" in html


def test_several_closures_are_agreed_at_once_from_the_dashboard(
    client, item, dcc, owner_user, commissioner_user
):
    first, second, third = (ActionFactory(item=item, owners=[dcc]) for _ in range(3))
    for each in (first, second, third):
        mark_complete(each, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    response = client.post(
        reverse("actions:review"), {"actions": [first.pk, third.pk], "decision": "close"}
    )
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    statuses = {
        a.pk: a.status for a in Action.objects.filter(pk__in=[first.pk, second.pk, third.pk])
    }
    assert statuses == {first.pk: "closed", second.pk: "awaiting_closure", third.pk: "closed"}


# Tiles.


def test_each_tile_links_to_a_list_of_exactly_what_it_counts(
    client, item, dcc, acc, owner_user, opcc_user, commissioner_user
):
    today = timezone.localdate()
    coming = MeetingFactory(date=today + datetime.timedelta(days=7), status="draft")
    ActionFactory(item=item, owners=[dcc], due_date=today - datetime.timedelta(days=3))
    ActionFactory(item=item, owners=[acc], due_date=today - datetime.timedelta(days=40))
    ActionFactory(item=item, owners=[acc], due_date=today + datetime.timedelta(days=3))
    ActionFactory(item=item, owners=[dcc], due_date=today + datetime.timedelta(days=60))
    ActionFactory(item=item, owners=[], due_kind="open", due_wording="When available")
    ActionFactory(item=item, owners=[], due_date=today - datetime.timedelta(days=1))
    closed_unowned = ActionFactory(item=item, owners=[])
    set_action_status(closed_unowned, "closed", by=opcc_user)
    for _ in range(2):
        mark_complete(ActionFactory(item=item, owners=[dcc]), note="Done", by=owner_user)
    set_action_status(ActionFactory(item=item, owners=[dcc]), "closed", by=opcc_user)

    client.force_login(commissioner_user)
    tiles = client.get("/dashboard/").context["tiles"]
    assert [(tile.count, tile.label) for tile in tiles] == [
        (8, "outstanding"),
        (3, "overdue"),
        (2, "to be allocated (no owner yet)"),
        (5, f"coming to the {coming.title} on {date_format(coming.date, 'j F Y')}"),
        (2, "awaiting agreement of closure"),
    ]
    log = reverse("actions:log")
    assert [tile.url for tile in tiles] == [
        f"{log}?status=outstanding",
        f"{log}?overdue=on",
        f"{log}?status=outstanding&unowned=on",
        f"{log}?comes_to={coming.date.isoformat()}",
        f"{log}?status=awaiting_closure",
    ]
    for tile in tiles:
        listed = client.get(tile.url).context["paginator"].count
        assert (tile.label, listed) == (tile.label, tile.count)


def test_a_tile_is_a_link_named_by_its_count(client, action, commissioner_user):
    client.force_login(commissioner_user)
    html = client.get("/dashboard/").content.decode()
    assert (
        '<a class="dashboard-tile" href="/actions/?status=outstanding">'
        '<span class="dashboard-tile-count">1</span> '
        '<span class="dashboard-tile-label">outstanding</span></a>'
    ) in html


def test_owner_tables_right_align_their_figures_under_scoped_headers(rf_dashboard):
    html = rf_dashboard.rendered_content
    table = html[html.index('<table class="table table-sm dashboard-stack owner-counts">') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="text-end">Open</th>' in table
    assert (
        '<tr><th scope="row">DCC</th><td class="text-end" data-label="Open">1</td>'
        '<td class="text-end" data-label="Overdue">0</td>'
        '<td class="text-end" data-label="Awaiting agreement">0</td>'
        '<td class="text-end" data-label="Closed in 2017">0</td></tr>'
    ) in table


# Queries.


def _busy(count, item, dcc, acc, owner_user, opcc_user, *, start=0):
    """``count`` of each thing the dashboard shows, each with owners, updates and a trail."""
    today = timezone.localdate()
    for n in range(count):
        open_action = ActionFactory(
            item=item, owners=[dcc, acc, acc.holder], due_date=today - datetime.timedelta(days=n)
        )
        add_update(open_action, text=f"Update {n}", on_date=today, by=owner_user)
        mark_complete(ActionFactory(item=item, owners=[dcc]), note="Done", by=owner_user)
        ActionFactory(item=item, owners=[])
        set_action_status(ActionFactory(item=item, owners=[acc]), "closed", by=opcc_user)
        MeetingFactory(date=today - datetime.timedelta(days=start + n + 1), status="draft")


def test_the_years_closures_stay_kept_through_a_new_due_and_follow_what_they_read(
    item, dcc, acc, opcc_user, django_assert_num_queries
):
    """Kept under the version of the status trail and the closed actions' history
    (actions.dashboard._closure_rows): after each change, what is kept is what the log says."""
    today = timezone.localdate()
    still_open = ActionFactory(item=item, owners=[dcc])
    closed = ActionFactory(item=item, owners=[dcc])
    set_action_status(closed, "closed", by=opcc_user, on_date=today)
    kept = closures_this_year(today)
    assert (kept["total"], kept["post"]) == (1, {dcc.pk: 1})
    # A new due for an action not closed: the closures are kept, read from the cache.
    change_due(still_open, by=opcc_user, due_kind="date", due_date=today)
    with django_assert_num_queries(1):  # their version
        assert closures_this_year(today) == kept

    def worked_out_whole():
        cache.clear()
        return closures_this_year(today)

    steps = [
        (lambda: change_owners(closed, by=opcc_user, owner_posts=[acc]), 1, {acc.pk: 1}),
        (
            lambda: set_action_status(still_open, "closed", by=opcc_user, on_date=today),
            2,
            {acc.pk: 1, dcc.pk: 1},
        ),
        (
            lambda: set_action_status(closed, "open", by=opcc_user, reason="Not done"),
            1,
            {dcc.pk: 1},
        ),
        (lambda: still_open.delete(), 0, {}),
    ]
    for step, total, by_post in steps:
        step()
        found = closures_this_year(today)
        assert (found["total"], found["post"]) == (total, by_post)
        assert found == worked_out_whole()


def test_the_dashboard_does_a_fixed_number_of_queries(
    client, item, dcc, acc, owner_user, opcc_user, commissioner_user, django_assert_num_queries
):
    client.force_login(commissioner_user)
    _busy(1, item, dcc, acc, owner_user, opcc_user)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        one = client.get("/dashboard/")
    _busy(30, item, dcc, acc, owner_user, opcc_user, start=1)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        many = client.get("/dashboard/")
    # The list shows its first DASHBOARD_ROWS; its heading counts them all.
    assert (len(one.context["awaiting"]), len(many.context["awaiting"])) == (1, DASHBOARD_ROWS)
    assert many.context["totals"].awaiting == 31
    # Nothing changed since: everything the dashboard shows is kept for the record's version.
    with django_assert_num_queries(KEPT_QUERIES):
        again = client.get("/dashboard/")
    assert _without_tokens(again) == _without_tokens(many)
    assert (len(one.context["minutes_to_agree"]), len(many.context["minutes_to_agree"])) == (1, 31)
    # An update changes only a row's latest update, filled in as the page is served: the page
    # stays kept, and shows it. A finding changes nothing it shows. A change of status works
    # the page out again.
    action = many.context["due"][0]
    add_update(action, text="Progress <b>made</b>", on_date=timezone.localdate(), by=owner_user)
    with django_assert_num_queries(KEPT_QUERIES):
        updated = client.get("/dashboard/")
    shown = f"{date_format(timezone.localdate(), 'j F Y')}: Progress &lt;b&gt;made&lt;/b&gt;"
    assert shown in updated.content.decode()
    # What a page worked out afresh shows.
    cache.clear()
    assert _without_tokens(client.get("/dashboard/")) == _without_tokens(updated)
    FindingFactory(item=item)
    with django_assert_num_queries(KEPT_QUERIES):
        assert _without_tokens(client.get("/dashboard/")) == _without_tokens(updated)
    # An item's heading is on the page, but not in what the trends read: they stay kept.
    item.heading = "Renamed"
    item.save()
    with django_assert_num_queries(DASHBOARD_QUERIES - TREND_QUERIES):
        client.get("/dashboard/")
    # A new due changes the counts by owner (what is overdue), not the months' changes, nor
    # the year's closures.
    change_due(action, by=owner_user, due_kind="date", due_date=timezone.localdate())
    with django_assert_num_queries(DASHBOARD_QUERIES - MONTHLY_CHANGES_QUERIES - CLOSURES_QUERIES):
        client.get("/dashboard/")
    mark_complete(action, note="Done", by=owner_user)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get("/dashboard/")


def _without_tokens(response):
    """The page with its CSRF tokens taken out: each response masks the token anew."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


# The session (1; saved at most once a minute: core.sessions), the login with its roles (1:
# signin.backends), the next meeting (2), the first actions coming (1) and how many there
# are (1), the first awaiting closure (1), what the rows of both share: their series,
# references repeated elsewhere and owners of each kind (5: actions.listing),
# the totals (2: outstanding, closed this year), the actions to be allocated (1), the minutes
# awaiting agreement (1), the counts by owner (7: outstanding and closed this year for posts,
# people and bodies, and the people's other initials), and the chart (4: the version of what
# the per-month changes read (1), those changes (2) and the closures in the last twelve
# months (1)), with the record's version (1) and
# the trends' (1), and the rows' latest updates, filled in as the page is served (1:
# actions.latest). The page reads without a transaction, so no savepoints.
DASHBOARD_QUERIES = 30
# The trends (the counts by owner and the chart, with the closures this year) are kept as
# HTML until their version moves, which an update or a finding does not move: the closures
# this year in all and by owner (4), the per-month changes and their version (3), the rest of
# the chart (1) and the owners counted (4).
TREND_QUERIES = 12
# The year's closures in all and by each kind of owner, which a change of due leaves be
# (actions.dashboard._closure_rows).
CLOSURES_QUERIES = 4
# The per-month changes, which a change of due leaves be (actions.dashboard._changes_rows).
MONTHLY_CHANGES_QUERIES = 2
# While nothing changes, the dashboard is kept, the whole page (core.record): the session (1),
# the login with its roles (1), the record's version (1) and, the first time after it was kept
# or an update added, the rows' latest updates (1). It reads without a transaction, so no
# savepoints.
KEPT_QUERIES = 4


def test_with_no_next_meeting_the_dashboard_says_where_the_outstanding_actions_are(
    client, opcc_user
):
    today = timezone.localdate()
    past = MeetingFactory(date=today - datetime.timedelta(days=40), status="agreed")
    for _ in range(2):
        ActionFactory(item=ItemFactory(meeting=past), due_date=today + datetime.timedelta(days=60))
    client.force_login(opcc_user)
    page = client.get("/dashboard/").text
    assert "No next meeting is set: actions due by today" in page
    assert "No outstanding actions come to this meeting." not in page
    assert (
        "<p>No outstanding action is due by today. The 2 outstanding are due later or have no "
        'date: <a href="/actions/?status=outstanding">see them in the action log</a>. Open the '
        "next meeting to see what comes to it.</p>"
    ) in page


def test_the_kept_owner_counts_follow_a_change_of_an_owners_name_or_status(
    client, item, dcc, acc, owner_user, opcc_user
):
    """The trends are kept under the version of what they read: an update leaves them be, a
    renamed person or a closure shows at once."""
    person = acc.holder
    ActionFactory(item=item, owners=[person], due_date=timezone.localdate())
    client.force_login(opcc_user)
    assert (
        f'<tr><th scope="row">{person.name} ({person.initials})</th>'
        in client.get("/dashboard/").content.decode()
    )
    person.name = "Martina Evans"
    person.save()
    html = client.get("/dashboard/").content.decode()
    assert f'<tr><th scope="row">Martina Evans ({person.initials})</th>' in html
    assert '<td class="text-end" data-label="Open">1</td>' in html
    set_action_status(Action.objects.get(owner_people=person), "closed", by=opcc_user)
    html = client.get("/dashboard/").content.decode()
    assert '<td class="text-end" data-label="Open">1</td>' not in html
    assert (
        f'<tr><th scope="row">Martina Evans ({person.initials})</th><td class="text-end"'
        ' data-label="Open">0</td>' in html
    )
