import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.exports import COLUMNS
from actions.services import add_update, mark_complete
from tests.factories import ActionFactory, ItemFactory, MeetingFactory

EXPECTED_OPEN = [
    [
        "2017/10-01",
        "Share the Athena brief",
        "DCC",
        "Monthly Assurance Meeting October 2017",
        "2",
        "By 31 December 2017",
        "10 November 2017: Drafted.",
        "Open",
    ],
    [
        "2017/10-03",
        "=SUM(A1) is not a formula",
        "DCC ME ALL",
        "Monthly Assurance Meeting October 2017",
        "5a/1",
        "November 2017 meeting",
        "",
        "Open",
    ],
]


@pytest.fixture
def log(action, october, item, dcc, acc, owner_user):
    add_update(action, text="Drafted.", on_date=datetime.date(2017, 11, 10), by=owner_user)
    completed = ActionFactory(item=item, reference="2017/10-02", text="Done one", owners=[dcc])
    mark_complete(completed, note="Done", by=owner_user)
    question = ItemFactory(
        meeting=october, number="1", parent=ItemFactory(meeting=october, number="5a")
    )
    ActionFactory(
        item=question,
        reference="2017/10-03",
        text="=SUM(A1) is not a formula",
        owners=[dcc, acc.holder],
        owned_by_all=True,
        due_meeting=datetime.date(2017, 11, 1),
    )


def _page_refs(client, query):
    return [a.reference for a in client.get(reverse("actions:log"), query).context["actions"]]


def test_the_csv_export_is_the_filtered_list(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("actions:export_csv"), {"status": "open"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="action-log-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [COLUMNS, *EXPECTED_OPEN]
    assert [row[0] for row in rows[1:]] == _page_refs(client, {"status": "open"})


def test_the_xlsx_export_is_the_filtered_list(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("actions:export_xlsx"), {"status": "open"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [COLUMNS, *EXPECTED_OPEN]
    assert sheet["B3"].data_type == "s"


def test_the_export_takes_every_page_not_just_the_first(client, item, opcc_user):
    ActionFactory.create_batch(51, item=item)
    client.force_login(opcc_user)
    rows = list(csv.reader(io.StringIO(client.get(reverse("actions:export_csv")).content.decode())))
    assert len(rows) == 52
    assert len(_page_refs(client, {})) == 50


def test_a_force_officer_exports_only_what_they_may_see(client, log, other_force_user, dcc):
    draft_item = ItemFactory(
        meeting=MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    )
    ActionFactory(item=draft_item, reference="2017/11-01", owners=[dcc])
    client.force_login(other_force_user)
    rows = list(csv.reader(io.StringIO(client.get(reverse("actions:export_csv")).content.decode())))
    assert [row[0] for row in rows[1:]] == ["2017/10-01", "2017/10-02", "2017/10-03"]
