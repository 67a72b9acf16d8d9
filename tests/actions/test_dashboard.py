import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from actions.dashboard import dashboard, monthly_chart
from actions.services import add_update, mark_complete, set_action_status
from actions.views import DashboardView
from tests.factories import ActionFactory, ItemFactory, MeetingFactory

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
    assert (first.overdue_days, first.latest_update) == (21, "15 November 2017: Half done.")
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
    assert "<caption>Open and closed actions by month, last 12 months</caption>" in html
    assert '<tr><th scope="row">November 2017</th><td>1</td><td>0</td></tr>' in html


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
