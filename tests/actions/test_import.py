import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from actions.exports import COLUMNS
from actions.models import Action, ActionEvent
from actions.services import add_update, mark_complete
from tests.actions.test_exports import EXPECTED_OPEN, FORMULAS
from tests.factories import ActionFactory, ItemFactory

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
    exported = client.get(reverse("actions:export_csv")).content
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
    assert report[0] == "Row 2: rejected: reference 2017/10-01 is already in use."


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
        owners=[acc, acc.holder],
        owned_by_all=True,
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
    assert client.get(reverse("actions:export_csv")).content == exported
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
    assert client.get(reverse("actions:export_csv")).content == exported
