"""The yearly report by theme, against a data set counted by hand.

Financial year 2017 (1 April 2017 to 31 March 2018), two series:

    Monthly, 16 May 2017 (agreed)
      A1  Victims   assured             x1 closed 15 June (30 days), x2 outstanding
      B1  Secure    partially assured
      R   Victims   not assured, RESTRICTED   x3 closed 26 May (10 days)
    Monthly, 19 September 2017 (agreed)
      A2  Victims   no statement        x4 withdrawn later, x5 closed 8 November (50 days)
      U   (no theme) not assessed
    Monthly, 23 January 2018 (draft: not counted, one meeting waiting)
      D   Victims   assured
    Monthly, 14 March 2017 (agreed, the year before: not counted)
      P   Victims   assured
    Audit, 11 October 2017 (agreed)
      S1  Secure    not assured

By hand, for OPCC staff, all series:
    Victims:  3 items (assured 1, not assured 1, none 1); 5 actions: closed 3 (10, 30, 50
              days: median 30), outstanding 1, withdrawn 1
    Secure:   2 items (partially 1, not assured 1); no actions
    No theme: 1 item (not assessed 1)
For the force: R and x3 are not there: Victims 2 items (assured 1, none 1), 4 actions,
closed 2 (30, 50: median 40), outstanding 1, withdrawn 1.
"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from actions.models import Action, Status
from actions.services import set_action_status
from judgements.models import AssuranceStatement
from judgements.services import record_assurance
from meetings.models import AgendaItem, Meeting, MinutesStatus
from meetings.services import set_minutes_status
from people import roles
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    SeriesFactory,
    meeting_with_owners,
    user_with_role,
)
from themes.kept_report import prepare_report_pdf
from themes.models import KeptReportPdf, Theme
from themes.report import Year, theme_report

pytestmark = pytest.mark.django_db

VICTIMS = "Putting Victims and Survivors First"
SECURE = "Building a More Secure West Mercia"


def _item(meeting, number, theme, level=None, restricted=False):
    item = ItemFactory(
        meeting=meeting,
        number=number,
        heading=f"Heading {number}",
        theme=theme,
        restricted=restricted,
        restriction_reason="Operationally sensitive" if restricted else "",
    )
    if level:
        record_assurance(item, level=level, narrative=f"Narrative {number}.")
    return item


def _closed(action, on_date):
    set_action_status(action, Status.CLOSED, by=None, reason="Done.", on_date=on_date)


@pytest.fixture
def year_data():
    victims = Theme.objects.create(name=VICTIMS, position=1)
    secure = Theme.objects.create(name=SECURE, position=2)
    monthly = SeriesFactory(name="Monthly Assurance Meeting")
    audit = SeriesFactory(name="Joint Audit Committee")

    may = MeetingFactory(series=monthly, date=datetime.date(2017, 5, 16))
    a1 = _item(may, "1", victims, "assured")
    x1 = ActionFactory(item=a1, reference="Ref-X1")
    x2 = ActionFactory(item=a1, reference="Ref-X2")
    _item(may, "2", secure, "partially_assured")
    r = _item(may, "3", victims, "not_assured", restricted=True)
    x3 = ActionFactory(item=r, reference="Ref-X3")
    set_minutes_status(may, MinutesStatus.AGREED, by=None)

    september = MeetingFactory(series=monthly, date=datetime.date(2017, 9, 19))
    a2 = _item(september, "1", victims)
    x4 = ActionFactory(item=a2, reference="X4")
    x5 = ActionFactory(item=a2, reference="X5")
    _item(september, "2", None, "not_assessed")
    set_minutes_status(september, MinutesStatus.AGREED, by=None)

    january = MeetingFactory(series=monthly, date=datetime.date(2018, 1, 23))
    _item(january, "1", victims, "assured")

    march = MeetingFactory(series=monthly, date=datetime.date(2017, 3, 14))
    _item(march, "1", victims, "assured")
    set_minutes_status(march, MinutesStatus.AGREED, by=None)

    october = MeetingFactory(series=audit, date=datetime.date(2017, 10, 11))
    _item(october, "1", secure, "not_assured")
    set_minutes_status(october, MinutesStatus.AGREED, by=None)

    _closed(x1, datetime.date(2017, 6, 15))
    _closed(x3, datetime.date(2017, 5, 26))
    _closed(x5, datetime.date(2017, 11, 8))
    set_action_status(x4, Status.WITHDRAWN, by=None, reason="Replaced.")
    # x2 was closed once and reopened: it is outstanding, and its closure does not count.
    _closed(x2, datetime.date(2017, 7, 1))
    set_action_status(x2, Status.OPEN, by=None, reason="Not done after all.")
    return {"monthly": monthly, "audit": audit, "may": may, "a1": a1}


def figures(report):
    """Each theme as (name, items, level counts, raised, closed, outstanding, withdrawn,
    median days)."""
    return [
        (
            theme.name,
            len(theme.items),
            {label: count for _, label, count in theme.level_counts if count},
            len(theme.actions),
            theme.closed,
            theme.outstanding,
            theme.withdrawn,
            theme.median_days_to_close,
        )
        for theme in [*report.themes, report.totals]
    ]


OPCC_FIGURES = [
    (VICTIMS, 3, {"Assured": 1, "Not assured": 1, "No statement recorded": 1}, 5, 3, 1, 1, 30),
    (SECURE, 2, {"Partially assured": 1, "Not assured": 1}, 0, 0, 0, 0, None),
    ("No theme", 1, {"Not assessed": 1}, 0, 0, 0, 0, None),
    (
        "All themes",
        6,
        {
            "Assured": 1,
            "Partially assured": 1,
            "Not assured": 2,
            "Not assessed": 1,
            "No statement recorded": 1,
        },
        5,
        3,
        1,
        1,
        30,
    ),
]
FORCE_FIGURES = [
    (VICTIMS, 2, {"Assured": 1, "No statement recorded": 1}, 4, 2, 1, 1, 40),
    (SECURE, 2, {"Partially assured": 1, "Not assured": 1}, 0, 0, 0, 0, None),
    ("No theme", 1, {"Not assessed": 1}, 0, 0, 0, 0, None),
    (
        "All themes",
        5,
        {
            "Assured": 1,
            "Partially assured": 1,
            "Not assured": 1,
            "Not assessed": 1,
            "No statement recorded": 1,
        },
        4,
        2,
        1,
        1,
        40,
    ),
]


def test_the_years_figures_are_those_counted_by_hand(year_data):
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    report = theme_report(staff, Year(2017))
    assert figures(report) == OPCC_FIGURES
    assert [m.date.isoformat() for m in report.meetings] == [
        "2017-05-16",
        "2017-09-19",
        "2017-10-11",
    ]
    assert report.waiting == 1
    victims = report.themes[0]
    assert [
        (item.meeting.date.isoformat(), item.number, item.level_label) for item in victims.items
    ] == [
        ("2017-05-16", "1", "Assured"),
        ("2017-05-16", "3", "Not assured"),
        ("2017-09-19", "1", "No statement recorded"),
    ]
    assert [(o.action.reference, o.outcome, o.days_to_close) for o in victims.actions] == [
        ("Ref-X1", "Closed", 30),
        ("Ref-X2", "Outstanding", None),
        ("Ref-X3", "Closed", 10),
        ("X4", "Withdrawn", None),
        ("X5", "Closed", 50),
    ]


def test_the_commissioner_counts_what_staff_count(year_data):
    pcc = user_with_role(roles.COMMISSIONER, username="pcc")
    assert figures(theme_report(pcc, Year(2017))) == OPCC_FIGURES


def test_the_force_counts_nothing_it_may_not_see(year_data):
    force = user_with_role(roles.FORCE_OFFICER, username="dcc", person=PersonFactory())
    report = theme_report(force, Year(2017))
    assert figures(report) == FORCE_FIGURES
    assert [item.number for item in report.themes[0].items] == ["1", "1"]


def test_one_series_counts_its_own_meetings(year_data):
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    report = theme_report(staff, Year(2017), series=year_data["audit"])
    assert figures(report) == [
        (SECURE, 1, {"Not assured": 1}, 0, 0, 0, 0, None),
        ("All themes", 1, {"Not assured": 1}, 0, 0, 0, 0, None),
    ]
    assert report.waiting == 0


def test_the_report_reads_the_minutes_as_agreed(year_data):
    """Rows changed behind the app's back after agreement do not change what the meeting
    reached; only the action's later history (its outcome) is read as it stands."""
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    before = figures(theme_report(staff, Year(2017)))
    a1 = year_data["a1"]
    AssuranceStatement.objects.filter(item=a1).update(level="not_assured")
    AgendaItem.objects.filter(pk=a1.pk).update(theme=None, heading="Rewritten")
    Theme.objects.filter(name=SECURE).update(name="A theme renamed later")
    assert figures(theme_report(staff, Year(2017))) == before


def test_the_page_pdf_and_workbook_show_the_same_figures(year_data):
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    page = client.get(reverse("themes:year", args=[2017]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 April 2017 to 31 March 2018" in text
    assert "1 meeting in this year has minutes not yet agreed" in text
    assert "Ref-X3: Closed, 26 May 2017 (10 days)" in text

    workbook = load_workbook(io.BytesIO(client.get(reverse("themes:xlsx", args=[2017])).content))
    assert workbook.sheetnames == ["By theme", "Items", "Actions"]
    rows = [list(row) for row in workbook["By theme"].iter_rows(values_only=True)]
    assert rows == [
        [
            "Theme",
            "Items",
            "Assured",
            "Partially assured",
            "Not assured",
            "Not assessed",
            "No statement recorded",
            "Actions raised",
            "Closed",
            "Outstanding",
            "Withdrawn",
            "Median days to close",
        ],
        [VICTIMS, 3, 1, 0, 1, 0, 1, 5, 3, 1, 1, 30],
        [SECURE, 2, 0, 1, 1, 0, 0, 0, 0, 0, 0, None],
        ["No theme", 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, None],
        ["All themes", 6, 1, 1, 2, 1, 1, 5, 3, 1, 1, 30],
    ]
    assert len(list(workbook["Items"].iter_rows())) == 1 + 6
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert [(row[1], row[5], row[7]) for row in actions[1:]] == [
        ("Ref-X1", "Closed", 30),
        ("Ref-X2", "Outstanding", None),
        ("Ref-X3", "Closed", 10),
        ("X4", "Withdrawn", None),
        ("X5", "Closed", 50),
    ]

    pdf = client.get(reverse("themes:pdf", args=[2017]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="Themes 2017-18.pdf"'


def test_the_force_gets_no_restricted_text_in_any_format(year_data):
    client = Client()
    client.force_login(user_with_role(roles.FORCE_OFFICER, username="dcc", person=PersonFactory()))
    page = client.get(reverse("themes:year", args=[2017])).content.decode()
    assert "Heading 3" not in page and "Ref-X3" not in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("themes:xlsx", args=[2017])).content))
    cells = {
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
    }
    assert "Heading 3" not in cells and "Ref-X3" not in cells
    assert list(workbook["By theme"].iter_rows(values_only=True))[1][:2] == (VICTIMS, 2)
    pdf = PdfReader(io.BytesIO(client.get(reverse("themes:pdf", args=[2017])).content))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Heading 1" in pdf_text
    assert "Heading 3" not in pdf_text and "Ref-X3" not in pdf_text


def test_the_overview_opens_the_latest_year_with_agreed_minutes(year_data):
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    response = client.get(reverse("themes:overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("themes:year", args=[2017])


def test_an_unknown_series_is_told_beside_the_field(year_data):
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    response = client.get(reverse("themes:year", args=[2017]), {"series": "999999"})
    assert response.status_code == 200
    assert "Choose a series from the list." in response.content.decode()


@pytest.mark.parametrize("year", [0, 1899, 2201, 99999])
def test_a_year_out_of_range_is_not_found(client, year):
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    assert client.get(reverse("themes:year", args=[year])).status_code == 404


def test_the_years_page_costs_the_same_queries_for_more_meetings(
    year_data, django_assert_max_num_queries
):
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    url = reverse("themes:year", args=[2017])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    victims = Theme.objects.get(name=VICTIMS)
    for day in (6, 13, 20):
        meeting = MeetingFactory(series=year_data["monthly"], date=datetime.date(2017, 12, day))
        item = _item(meeting, "1", victims, "assured")
        ActionFactory(item=item)
        set_minutes_status(meeting, MinutesStatus.AGREED, by=None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# The login's roles, the meetings, the count of those waiting, the latest versions, the
# outcomes of the actions and the themes, and the minutes agreed before versions were kept,
# built from the record as it stands (tests/meetings/test_minutes_owners.py's BUILD_QUERIES,
# and where they were agreed). Before the minutes read their owners for the whole meeting
# this grew by four or so queries for every owner such minutes name.
REPORT_QUERIES = 25


@pytest.mark.parametrize("actions", [2, 40])
def test_minutes_agreed_before_versions_were_kept_cost_the_same_queries_however_many_owners(
    actions, django_assert_num_queries
):
    meeting = meeting_with_owners(actions)
    # Agreed before versions were kept: no version, so the report builds them.
    Meeting.objects.filter(pk=meeting.pk).update(status=MinutesStatus.AGREED)
    victims = Theme.objects.create(name=VICTIMS, position=1)
    meeting.items.filter(number__in=["1", "2"]).update(theme=victims)
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    with django_assert_num_queries(REPORT_QUERIES):
        report = theme_report(staff, Year(2017))
    assert [len(theme.actions) for theme in report.themes] == [actions + 1]


def test_the_pdf_is_made_by_the_queue_never_in_the_request_and_kept_for_the_same_report(
    year_data, settings
):
    # A queue whose worker has not yet run anything.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = Client()
    client.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    url = reverse("themes:pdf", args=[2017])
    page = client.get(url)
    assert page.status_code == 202
    assert "It is being prepared." in page.content.decode()
    assert f'hx-get="{url}" hx-trigger="every 3s"' in page.content.decode()
    kept = KeptReportPdf.objects.get()
    assert (kept.status, kept.file.name) == ("preparing", "")

    prepare_report_pdf.call(kept.pk)
    pdf = client.get(url)
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    kept.refresh_from_db()
    assert kept.file.read() == pdf.content
    # Another reader of the same report is given the same file, made once.
    other = Client()
    other.force_login(user_with_role(roles.OPCC_STAFF, username="another"))
    assert other.get(url).content == pdf.content
    assert KeptReportPdf.objects.count() == 1
    # A report that has changed since is another PDF, made afresh.
    x2 = Action.objects.get(reference="Ref-X2")
    set_action_status(x2, Status.CLOSED, by=None, reason="Done.")
    assert client.get(url).status_code == 202
    assert KeptReportPdf.objects.filter(status="preparing").count() == 1
