"""The action log's exports stream a chunk of rows at a time, and the largest are prepared in
the background and kept for the person who asked: the same files as before, whatever the
size, and never a row the asker may not see."""

import csv
import datetime
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from actions import exports
from actions.models import Action
from actions.services import add_update
from kept.models import ExportStatus, KeptExport
from tests.factories import ActionFactory, BodyFactory, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def csv_as_before(actions):
    """The CSV as the export made it, whole in memory, before it streamed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exports.LOG_COLUMNS)
    writer.writerows(
        [exports.neutralised(exports.csv_text(c)) for c in exports.row(a)] for a in actions
    )
    return out.getvalue()


def xlsx_as_before(actions):
    """The workbook as the export made it, cell by cell in memory, before write-only mode."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action log"
    sheet.append(exports.LOG_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, action in enumerate(actions, start=2):
        *texts, due_on = exports.row(action)
        for column, value in enumerate(texts, start=1):
            cell = sheet.cell(row=number, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
        sheet.cell(row=number, column=len(texts) + 1, value=due_on)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", exports.LOG_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_facts(content):
    """Everything a reader of the workbook sees: each cell's value, type and boldness, the
    frozen heading and the column widths."""
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [
        [(cell.value, cell.data_type, bool(cell.font.b)) for cell in row]
        for row in sheet.iter_rows()
    ]
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
    return sheet.title, cells, sheet.freeze_panes, widths


@pytest.fixture
def log(action, october, item, dcc, acc, owner_user):
    """Actions with every kind of cell: an update, a formula, an apostrophe, a control
    character, a body, a sub-item, and a restricted one the force may not see."""
    add_update(
        action, text="=cmd|' /C calc'!A0", on_date=datetime.date(2017, 11, 10), by=owner_user
    )
    question = ItemFactory(
        meeting=october, number="1", parent=ItemFactory(meeting=october, number="5a")
    )
    ActionFactory(
        item=question,
        reference="2017/10-02",
        text="'Quoted\x0b as minuted",
        owners=[dcc, acc.holder, BodyFactory(label="ALL", name="All attendees")],
        due_wording="+In the new year",
    )
    ActionFactory(item=item, reference="2017/10-03", text="Unowned", owners=[])
    secret = ItemFactory(
        meeting=october, number="8", restricted=True, restriction_reason="Operationally sensitive"
    )
    ActionFactory(item=secret, reference="2017/10-04", text="Covert review", owners=[acc])


def listed(user=None):
    actions = Action.objects.all() if user is None else Action.objects.visible_to(user)
    return actions.for_listing().order_by("meeting__date", "meeting", "pk")


def test_the_csv_streams_and_is_byte_for_byte_what_it_was(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_csv"))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue()
    # The byte order mark first, for Excel to read UTF-8 as UTF-8 ("PCC’s", not "PCCâ€™s").
    assert content == b"\xef\xbb\xbf" + csv_as_before(listed()).encode()
    text = content.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))] == [
        "Reference",
        "2017/10-01",
        "2017/10-02",
        "2017/10-03",
        "2017/10-04",
    ]


def test_the_xlsx_streams_from_a_write_only_workbook_that_reads_as_it_did(client, log, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_xlsx"))
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="action-log-')
    content = response.getvalue()
    assert int(response["Content-Length"]) == len(content)
    assert sheet_facts(content) == sheet_facts(xlsx_as_before(listed()))
    _, cells, _, _ = sheet_facts(content)
    assert cells[1][6] == ("10 November 2017: =cmd|' /C calc'!A0", "s", False)
    assert cells[2][1] == ("'Quoted as minuted", "s", False)


def test_rows_fetched_a_few_at_a_time_are_the_rows_fetched_at_once(log, monkeypatch):
    whole = exports.as_csv(listed())
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    assert exports.as_csv(listed()) == whole
    assert whole == csv_as_before(listed())


def test_the_csv_is_sent_in_chunks_of_lines(log):
    chunks = list(
        exports.csv_chunks(exports.LOG_COLUMNS, exports.rows(listed()), lines_per_chunk=2)
    )
    assert [chunk.count(b"\r\n") for chunk in chunks] == [2, 2, 1]


def test_a_force_officer_streams_no_restricted_row(client, log, owner_user):
    client.force_login(owner_user)
    text = client.get(reverse("kept:action_log_csv")).getvalue().decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == [
        "2017/10-01",
        "2017/10-02",
        "2017/10-03",
    ]
    sheet = load_workbook(io.BytesIO(client.get(reverse("kept:action_log_xlsx")).getvalue())).active
    assert [cell.value for cell in sheet["A"]][1:] == ["2017/10-01", "2017/10-02", "2017/10-03"]


# Larger than this, an export is prepared in the background (tests: three rows or more).
@pytest.fixture
def small_threshold(settings):
    settings.EXPORT_BACKGROUND_ROWS = 2


def test_a_large_export_is_prepared_in_the_background_and_kept_for_who_asked(
    client, log, opcc_user, small_threshold
):
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_csv"), {"status": "open", "page": "2"})
    export = KeptExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kept:export", args=[export.pk])
    # The default queue runs the task at once, in this process.
    assert (export.user, export.kind, export.query, export.status, export.rows) == (
        opcc_user,
        "csv",
        "status=open",
        ExportStatus.READY,
        4,
    )
    assert export.file.name.startswith("kept/exports/action-log-")
    page = client.get(response["Location"])
    assert "It is ready: 4 actions." in page.text
    assert reverse("kept:download", args=[export.pk]) in page.text
    assert "hx-trigger" not in page.text
    download = client.get(reverse("kept:download", args=[export.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="action-log-')
    open_actions = listed().filter(status="open")
    assert download.getvalue().decode("utf-8-sig") == csv_as_before(open_actions)


def test_asking_again_finds_the_export_already_asked_for(client, log, opcc_user, small_threshold):
    client.force_login(opcc_user)
    first = client.get(reverse("kept:action_log_xlsx"))
    again = client.get(reverse("kept:action_log_xlsx"))
    assert first["Location"] == again["Location"]
    assert KeptExport.objects.count() == 1
    client.get(reverse("kept:action_log_csv"))
    assert sorted(KeptExport.objects.values_list("kind", flat=True)) == ["csv", "xlsx"]


def test_a_kept_xlsx_reads_as_the_streamed_one(client, log, opcc_user, small_threshold):
    client.force_login(opcc_user)
    client.get(reverse("kept:action_log_xlsx"))
    export = KeptExport.objects.get()
    kept = client.get(reverse("kept:download", args=[export.pk]))
    assert kept["Content-Type"] == exports.XLSX_TYPE
    assert sheet_facts(kept.getvalue()) == sheet_facts(xlsx_as_before(listed()))


def test_only_the_person_who_asked_may_see_or_download_a_kept_export(
    client, log, opcc_user, commissioner_user, small_threshold
):
    client.force_login(opcc_user)
    client.get(reverse("kept:action_log_csv"))
    export = KeptExport.objects.get()
    client.force_login(commissioner_user)
    assert client.get(reverse("kept:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("kept:download", args=[export.pk])).status_code == 404


def test_a_force_officers_kept_export_holds_no_restricted_row(
    client, log, owner_user, small_threshold
):
    draft = MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    ActionFactory(item=ItemFactory(meeting=draft), reference="2017/11-01", owners=[])
    client.force_login(owner_user)
    client.get(reverse("kept:action_log_csv"))
    export = KeptExport.objects.get()
    text = client.get(reverse("kept:download", args=[export.pk])).getvalue().decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == [
        "2017/10-01",
        "2017/10-02",
        "2017/10-03",
    ]
    assert export.rows == 3


def test_while_the_worker_has_not_run_the_page_says_so_and_checks_again(
    client, log, opcc_user, small_threshold, settings
):
    # A queue whose worker has not yet run anything.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(opcc_user)
    response = client.get(reverse("kept:action_log_csv"), follow=True)
    export = KeptExport.objects.get()
    assert export.status == ExportStatus.PREPARING
    assert "It is being prepared." in response.text
    assert f'hx-get="{reverse("kept:export", args=[export.pk])}"' in response.text
    assert 'hx-trigger="every 3s"' in response.text
    assert client.get(reverse("kept:download", args=[export.pk])).status_code == 404
    partial = client.get(reverse("kept:export", args=[export.pk]), headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="export-status" role="status"')
    assert "<html" not in partial.text
    from kept.tasks import prepare_export

    prepare_export.call(str(export.pk))
    ready = client.get(reverse("kept:export", args=[export.pk]), headers={"HX-Request": "true"})
    assert "It is ready: 4 actions." in ready.text
    assert "hx-trigger" not in ready.text


def test_a_kept_export_deleted_from_the_storage_is_gone_not_an_error(
    client, log, opcc_user, small_threshold
):
    client.force_login(opcc_user)
    client.get(reverse("kept:action_log_csv"))
    export = KeptExport.objects.get()
    export.file.storage.delete(export.file.name)
    response = client.get(reverse("kept:download", args=[export.pk]))
    assert response.status_code == 410
    assert "Its file is no longer kept." in response.text
