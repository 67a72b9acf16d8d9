"""The October 2017 demo in the theme report, and the chart against its table."""

import re

import pytest
from django.urls import reverse

from people import roles
from tests.factories import user_with_role
from themes.chart import theme_chart
from themes.report import Year, theme_report

pytestmark = pytest.mark.django_db

VICTIMS = "Putting Victims and Survivors First"
SECURE = "Building a More Secure West Mercia"
REASSURING = "Reassuring West Mercia's Communities"


def test_octobers_questions_carry_their_themes_into_the_report(demo):
    """The 5a questions of October 2017, and the two items brought forward from July and
    September, under the plan's themes as the minutes head them; the minutes recorded no
    assurance statement, and the report says so rather than inventing one."""
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    report = theme_report(staff, Year(2017))
    october = [
        (theme.name, item.number, item.heading, item.level_label)
        for theme in report.themes
        for item in theme.items
        if item.meeting.date.isoformat() == "2017-10-31"
    ]
    assert october == [
        (VICTIMS, "5a/1", "DVPNs", "No statement recorded"),
        (VICTIMS, "5a/2", "Hate Crime Satisfaction", "No statement recorded"),
        (SECURE, "1.2", "Telford", "No statement recorded"),
        (SECURE, "5a/3", "Cyber Crime", "No statement recorded"),
        (SECURE, "5a/4", "Fraud", "No statement recorded"),
        (REASSURING, "1.1", "Professional Standards", "No statement recorded"),
        (REASSURING, "5a/5", "Visibility", "No statement recorded"),
    ]
    victims = report.themes[0]
    assert [(o.action.reference, o.outcome) for o in victims.actions] == [
        ("2017/10-07", "Outstanding"),
        ("2017/10-08", "Outstanding"),
    ]


def test_the_chart_has_a_square_for_every_item_in_its_table(demo, client):
    client.login(username="officer", password="assurance-demo")
    page = client.get(reverse("themes:year", args=[2017])).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    table = page[page.index('class="table table-sm chart-figures') :]
    table = table[: table.index("</table>")]
    squares = re.findall(r'<rect x="\d+" y="\d+" width="20"', svg)
    cells = re.findall(r"\d[\w./]*: No statement recorded", table)
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    report = theme_report(staff, Year(2017))
    assert len(squares) == len(cells) == len(report.totals.items) == 9
    chart = theme_chart(report)
    assert [band.name for band in chart.bands] == [VICTIMS, SECURE, REASSURING]
    assert [column.month for column in chart.columns] == ["25 Jul", "26 Sep", "31 Oct"]


def test_a_year_without_themed_items_has_no_chart_and_says_so(demo, client):
    client.login(username="officer", password="assurance-demo")
    page = client.get(reverse("themes:year", args=[2016])).content.decode()
    assert '<svg class="action-chart"' not in page
    assert "No item with a theme or an assurance statement came to an agreed meeting" in page


def test_a_year_of_many_series_is_shown_month_by_month_with_counts(db):
    """25 meetings in a year (five series) are too many columns: the chart and its table go
    month by month, and a cell of more than six items counts them by level."""
    import datetime

    from judgements.services import record_assurance
    from meetings.models import MinutesStatus
    from meetings.services import set_minutes_status
    from tests.factories import ItemFactory, MeetingFactory, SeriesFactory
    from themes.models import Theme

    theme = Theme.objects.create(name=VICTIMS)
    for n in range(5):
        series = SeriesFactory(name=f"Series {n}")
        for month in (4, 5, 6, 7, 8):
            meeting = MeetingFactory(series=series, date=datetime.date(2017, month, 10 + n))
            for number in ("1", "2") if month == 4 else ("1",):
                item = ItemFactory(meeting=meeting, number=number, theme=theme)
                record_assurance(
                    item, level="assured" if number == "1" else "not_assured", narrative=""
                )
            set_minutes_status(meeting, MinutesStatus.AGREED, by=None)
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    report = theme_report(staff, Year(2017))
    assert (len(report.meetings), report.by_month) == (25, True)
    assert [slot.long_label for slot in report.slots] == [
        "April 2017",
        "May 2017",
        "June 2017",
        "July 2017",
        "August 2017",
    ]
    victims = report.themes[0]
    assert victims.level_counts_in(report.slots[0]) == [("Assured", 5), ("Not assured", 5)]
    chart = theme_chart(report)
    # April: ten items, counted by level; May: five items, one square each.
    april = [s.letter for s in chart.squares if chart.columns[0].x <= s.x < chart.columns[1].x]
    may = [s.letter for s in chart.squares if chart.columns[1].x <= s.x < chart.columns[2].x]
    assert (april, may) == (["A5", "N5"], ["A"] * 5)
