import csv
import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from actions.exports import COLUMNS
from actions.models import Action, ActionEvent
from actions.services import add_update, mark_complete
from tests.actions.test_exports import EXPECTED_OPEN, FORMULAS
from tests.factories import ActionFactory, BodyFactory, ItemFactory

GOOD = EXPECTED_OPEN[0]


def _write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([COLUMNS, *rows])
    return path


def _import(path, *args):
    out = io.StringIO()
    call_command("import_actions", str(path), *args, stdout=out)
    return out.getvalue().splitlines()


def _export_and_empty_the_log(client, tmp_path):
    """The CSV export as the signed-in client downloads it, saved; then no actions."""
    exported = client.get(reverse("kept:action_log_csv")).getvalue()
    path = tmp_path / "export.csv"
    path.write_bytes(exported)
    ActionEvent.objects.all().delete()
    Action.objects.all().delete()
    return path, exported


@pytest.fixture
def meetings(item, dcc, acc):
    """The October meeting with items 2 and 5a/1, the DCC and ACC posts, and no actions."""
    ItemFactory(
        meeting=item.meeting, number="1", parent=ItemFactory(meeting=item.meeting, number="5a")
    )
    return item.meeting


def test_a_dry_run_reports_each_row_and_creates_nothing(tmp_path, meetings):
    rows = [
        GOOD,
        [
            "2017/10-02",
            "Plan",
            "DCC XYZ",
            "Monthly Assurance Meeting October 2017",
            "2",
            "",
            "",
            "Open",
        ],
        ["2017/10-03", "Plan", "ACC", "Monthly Assurance Meeting May 2017", "2", "", "", "Open"],
        [
            "2017/10-04",
            "Plan",
            "ACC",
            "Monthly Assurance Meeting October 2017",
            "9",
            "",
            "",
            "Open",
        ],
        [
            "2017/10-05",
            "Plan",
            "ACC ME",
            "Monthly Assurance Meeting October 2017",
            "5a/1",
            "",
            "",
            "Closed",
        ],
    ]
    report = _import(_write_csv(tmp_path / "log.csv", rows), "--dry-run")
    assert report == [
        "Row 2: would create 2017/10-01 at the Monthly Assurance Meeting October 2017, item 2.",
        "Row 3: rejected: unknown owner “XYZ”.",
        "Row 4: rejected: unknown meeting “Monthly Assurance Meeting May 2017”.",
        "Row 5: rejected: the Monthly Assurance Meeting October 2017 has no item 9.",
        "Row 6: would create 2017/10-05 at the Monthly Assurance Meeting October 2017, item 5a/1.",
        "3 of 5 rows rejected: nothing was created.",
    ]
    assert Action.objects.count() == 0


def test_a_bad_row_makes_the_real_run_create_nothing(tmp_path, meetings):
    bad = [
        *GOOD[:1],
        "Plan",
        "DCC",
        "Monthly Assurance Meeting October 2017",
        "2",
        "",
        "",
        "Nearly done",
    ]
    bad[0] = "2017/10-02"
    path = _write_csv(tmp_path / "log.csv", [GOOD, bad])
    with pytest.raises(CommandError, match="1 of 2 rows rejected: nothing was created."):
        _import(path)
    assert (Action.objects.count(), ActionEvent.objects.count()) == (0, 0)


def test_a_reference_already_in_use_is_rejected(tmp_path, action, meetings):
    report = _import(_write_csv(tmp_path / "log.csv", [GOOD]), "--dry-run")
    assert report[0] == (
        "Row 2: rejected: reference 2017/10-01 is already in use in the Monthly Assurance Meeting."
    )


def test_an_export_imports_again_into_an_empty_log(
    client, tmp_path, meetings, dcc, acc, owner_user, opcc_user
):
    october = meetings
    first = ActionFactory(
        item=october.items.get(number="2"),
        reference="2017/10-07",
        text="Brief",
        owners=[dcc],
        due_date=datetime.date(2017, 12, 31),
    )
    add_update(first, text="Drafted.", on_date=datetime.date(2017, 11, 10), by=owner_user)
    done = ActionFactory(
        item=october.items.get(number="1"),
        reference="2017/10-03",
        text="Figures",
        owners=[acc, acc.holder, BodyFactory(label="ALL", name="All attendees")],
        due_meeting=datetime.date(2017, 11, 1),
    )
    mark_complete(done, note="Shared.", by=owner_user)
    ActionFactory(
        item=october.items.get(number="2"),
        reference="2017/10-09",
        text="As minuted",
        due_wording="By end January 2018",
    )
    client.force_login(opcc_user)
    path, exported = _export_and_empty_the_log(client, tmp_path)

    assert _import(path)[-1] == "Created 3 actions."
    assert client.get(reverse("kept:action_log_csv")).getvalue() == exported
    imported = Action.objects.get(reference="2017/10-03")
    assert (imported.due_meeting, imported.status) == (
        datetime.date(2017, 11, 1),
        "awaiting_closure",
    )


def test_an_xlsx_log_imports(tmp_path, meetings):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append(GOOD)
    workbook.save(tmp_path / "log.xlsx")
    assert _import(tmp_path / "log.xlsx")[-1] == "Created 1 action."
    action = Action.objects.get()
    assert (action.reference, action.due_date, action.item.number) == (
        "2017/10-01",
        datetime.date(2017, 12, 31),
        "2",
    )
    assert list(action.events.values_list("kind", "on_date", "text")) == [
        (
            "created",
            datetime.date(2017, 10, 31),
            "Raised at the Monthly Assurance Meeting October 2017 meeting, item 2.",
        ),
        ("update", datetime.date(2017, 11, 10), "Drafted."),
    ]


def test_wrong_columns_are_refused(tmp_path, db):
    path = tmp_path / "log.csv"
    path.write_text("Ref,Text\n1,2\n")
    with pytest.raises(CommandError, match="The columns must be, in order: Reference, Action"):
        _import(path)


def test_an_export_with_formulas_imports_as_the_text_that_was_minuted(
    client, tmp_path, meetings, dcc, opcc_user
):
    texts = [*FORMULAS, "'Quoted as minuted"]
    for number, text in enumerate(texts, start=1):
        ActionFactory(
            item=meetings.items.get(number="2"),
            reference=f"2017/10-{number:02d}",
            text=text,
            owners=[dcc],
            due_wording=text,
        )
    client.force_login(opcc_user)
    path, exported = _export_and_empty_the_log(client, tmp_path)

    assert _import(path)[-1] == "Created 7 actions."
    assert list(Action.objects.order_by("reference").values_list("text", "due_wording")) == [
        (text, text) for text in texts
    ]
    assert client.get(reverse("kept:action_log_csv")).getvalue() == exported


# Hostile and damaged files, built here and kept small: each must be refused with a message
# that says what is wrong, and nothing imported.


def _workbook(path, rows=(GOOD,), sheet_xml=None, extra=None):
    """An .xlsx of ``rows``; ``sheet_xml`` rewrites the sheet's XML and ``extra`` adds a part
    (name, chunk, times) written chunk by chunk, so that a large part costs no memory."""
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for part in source.infolist():
            data = source.read(part)
            if sheet_xml and part.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml(data.decode()).encode()
            target.writestr(part, data)
        if extra:
            name, chunk, times = extra
            with target.open(name, "w", force_zip64=True) as handle:
                for _ in range(times):
                    handle.write(chunk)
    return path


def _refused(path, message):
    with pytest.raises(CommandError) as refusal:
        _import(path)
    assert str(refusal.value) == message
    assert Action.objects.count() == 0


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path, meetings):
    path = _workbook(tmp_path / "log.xlsx", extra=("xl/media/image1.png", bytes(2**20), 60))
    assert path.stat().st_size < 100_000
    _refused(
        path,
        "The workbook would unpack to 60 MB; an action log to import is at most 50 MB unpacked.",
    )


def test_a_workbook_compressed_far_more_than_any_spreadsheet_is_refused(tmp_path, meetings):
    path = _workbook(tmp_path / "log.xlsx", extra=("xl/media/image1.png", bytes(2**20), 5))
    with pytest.raises(CommandError, match=r"^The workbook is compressed \d+ to 1, more than any"):
        _import(path)
    assert Action.objects.count() == 0


def _claiming_every_cell(xml, far_row=""):
    """The sheet's XML saying it fills every row and column Excel allows, with ``far_row``
    at its end."""
    xml = xml.replace('<dimension ref="A1:H2"/>', '<dimension ref="A1:XFD1048576"/>')
    return xml.replace("</sheetData>", far_row + "</sheetData>")


def _peak_memory(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_sheet_claiming_every_row_and_column_imports_only_what_it_holds(tmp_path, meetings):
    path = _workbook(tmp_path / "log.xlsx", sheet_xml=_claiming_every_cell)
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    report = []
    assert _peak_memory(lambda: report.extend(_import(path))) < 20 * 2**20
    assert report[-1] == "Created 1 action."


def test_a_crafted_sheet_of_a_million_blank_rows_is_refused_in_little_memory(tmp_path, meetings):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = _workbook(tmp_path / "log.xlsx", sheet_xml=lambda xml: _claiming_every_cell(xml, far))
    assert path.stat().st_size < 10_000

    def refused():
        _refused(path, "The file has more than 20000 rows.")

    assert _peak_memory(refused) < 20 * 2**20


def test_a_csv_longer_than_any_action_log_is_refused(tmp_path, meetings):
    path = _write_csv(tmp_path / "log.csv", [GOOD] * 20_000)
    _refused(path, "The file has more than 20000 rows.")


def test_a_file_larger_than_any_action_log_is_refused(tmp_path, meetings):
    path = tmp_path / "log.csv"
    path.write_bytes(b"x" * (11 * 2**20))
    _refused(path, "The file is 11.0 MB; an action log to import is at most 10 MB.")


def _zip_without_a_workbook(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "Not a workbook")


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            lambda path: path.write_bytes(b"PK\x03\x04 damaged"),
            "The file is not an Excel workbook (.xlsx): File is not a zip file.",
        ),
        (
            lambda path: path.write_text("Reference,Action\n"),
            "The file is not an Excel workbook (.xlsx): File is not a zip file.",
        ),
        (
            _zip_without_a_workbook,
            'The workbook cannot be read: KeyError: "There is no item named '
            "'[Content_Types].xml' in the archive\".",
        ),
    ],
    ids=["damaged", "text", "no workbook inside"],
)
def test_a_file_that_is_not_a_workbook_gets_a_message(tmp_path, meetings, write, message):
    path = tmp_path / "log.xlsx"
    write(path)
    _refused(path, message)


def test_a_workbook_cut_short_gets_a_message(tmp_path, meetings):
    whole = _workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "log.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _refused(path, "The file is not an Excel workbook (.xlsx): File is not a zip file.")


def test_a_csv_that_is_not_utf_8_gets_a_message(tmp_path, meetings):
    path = tmp_path / "log.csv"
    with path.open("w", newline="", encoding="latin-1") as handle:
        csv.writer(handle).writerows([COLUMNS, [*GOOD[:1], "Café plan", *GOOD[2:]]])
    _refused(path, "The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”.")


def test_a_csv_field_longer_than_a_csv_allows_gets_a_message(tmp_path, meetings):
    path = _write_csv(tmp_path / "log.csv", [[*GOOD[:1], "x" * 200_000, *GOOD[2:]]])
    _refused(path, "Line 2 of the file: field larger than field limit (131072).")


def test_rows_with_control_characters_or_over_long_cells_are_rejected_by_number(tmp_path, meetings):
    def good(number, **changes):
        row = [f"2017/10-{number:02d}", *GOOD[1:]]
        for column, value in changes.items():
            row[COLUMNS.index(column)] = value
        return row

    rows = [
        good(1),
        good(2, Action="Brief\x00the board"),
        good(3, Owner="DCC\x0bACC"),
        good(4, Reference="2017/10-" + "4" * 13),
        good(5, Due="By " + "x" * 198),
        good(6, Due="By " + "x" * 197),
    ]
    path = _write_csv(tmp_path / "log.csv", rows)
    assert _import(path, "--dry-run") == [
        "Row 2: would create 2017/10-01 at the Monthly Assurance Meeting October 2017, item 2.",
        "Row 3: rejected: the Action column holds a control character (U+0000).",
        "Row 4: rejected: the Owner column holds a control character (U+000B).",
        "Row 5: rejected: the Reference column is longer than 20 characters.",
        "Row 6: rejected: the Due column is longer than 200 characters.",
        "Row 7: would create 2017/10-06 at the Monthly Assurance Meeting October 2017, item 2.",
        "4 of 6 rows rejected: nothing was created.",
    ]
    _refused(path, "4 of 6 rows rejected: nothing was created.")


def test_an_owner_minuted_under_initials_since_changed_is_found(tmp_path, meetings):
    from people.models import PersonAlias
    from tests.factories import PersonFactory

    jackie = PersonFactory(name="Jackie Irvin", initials="JIR")
    PersonAlias.objects.create(person=jackie, initials="JI", used_until=datetime.date(2018, 3, 31))
    row = [*GOOD[:2], "DCC JI", *GOOD[3:]]
    _import(_write_csv(tmp_path / "log.csv", [row]))
    action = Action.objects.get(reference=GOOD[0])
    assert list(action.owner_people.all()) == [jackie]
    assert action.owner_display == "DCC JIR"


def _rows(first, count):
    """``count`` rows like GOOD at item 2, the references numbered from ``first``, every
    other one closed."""
    return [
        [f"2017/10-{n:02d}", *GOOD[1:7], "Closed" if n % 2 else "Open"]
        for n in range(first, first + count)
    ]


def _queries_to_import(path):
    with CaptureQueriesContext(connection) as queries:
        _import(path)
    return len(queries)


def test_an_import_writes_in_as_many_queries_for_twenty_rows_as_for_two(tmp_path, meetings):
    two = _queries_to_import(_write_csv(tmp_path / "two.csv", _rows(10, 2)))
    twenty = _queries_to_import(_write_csv(tmp_path / "twenty.csv", _rows(20, 20)))

    assert twenty == two
    assert Action.objects.count() == 22


def test_an_import_in_bulk_records_what_raising_each_action_recorded(tmp_path, meetings, dcc):
    ActionFactory(item=meetings.items.get(number="2"), reference="2017/10-01")
    _import(_write_csv(tmp_path / "log.csv", _rows(10, 2)))

    open_one, closed = Action.objects.filter(reference__in=["2017/10-10", "2017/10-11"])
    assert [(a.position, a.status, a.version) for a in (open_one, closed)] == [
        (1, "open", 1),
        (2, "closed", 2),
    ]
    assert (closed.raised_owners, list(closed.owner_posts.all())) == ("DCC", [dcc])
    assert (closed.raised_due_date, closed.due_date) == (datetime.date(2017, 12, 31),) * 2
    assert [
        (event.kind, event.on_date, event.text, event.from_status, event.to_status)
        for event in closed.events.all()
    ] == [
        (
            "created",
            meetings.date,
            "Raised at the Monthly Assurance Meeting October 2017 meeting, item 2.",
            "",
            "open",
        ),
        ("update", datetime.date(2017, 11, 10), "Drafted.", "", ""),
        ("status", timezone.localdate(), "Imported from an existing action log.", "open", "closed"),
    ]
    assert [(h.history_type, h.status, h.history_change_reason) for h in closed.history.all()] == [
        ("+", "closed", "Imported from an existing action log.")
    ]
