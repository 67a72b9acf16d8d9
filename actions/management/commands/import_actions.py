"""Import an existing action log (the export's columns) from .xlsx or .csv, all or nothing."""

import csv
import datetime
import re
import zipfile
import zlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from actions.exports import COLUMNS, read_back, unqualified
from actions.models import DUE_FIELDS, Action, ActionEvent, Status
from actions.services import due_fields
from meetings.models import AgendaItem, Meeting, ReferenceScheme
from people.directory import person_for_initials
from people.models import TO_BE_ALLOCATED, Body, Post

DATE_FORMAT = "%d %B %Y"
BY_DATE = re.compile(r"^By (\d{1,2} \w+ \d{4})$")
AT_MEETING = re.compile(r"^(\w+ \d{4}) meeting$")
UPDATE = re.compile(r"^(\d{1,2} \w+ \d{4}): (.*)$", re.DOTALL)

# Far beyond any action log (the demo's is 14 rows, a large one a few thousand), and small
# enough that a hostile file cannot exhaust the server's memory.
MAX_FILE_BYTES = 10 * 2**20
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 50 * 2**20
# A spreadsheet's XML compresses perhaps 10 to 1; a zip bomb, 1000 to 1 or more.
MAX_RATIO = 100
# What openpyxl raises for a zip that is not a workbook, or a workbook with broken parts.
UNREADABLE_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    SyntaxError,
    EOFError,
    OSError,
)


class RowRejected(Exception):
    pass


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return str(value).strip()


def read_rows(path):
    """The header and the rows of the first sheet, every cell as text; a CommandError that
    says what is wrong with a file too large, damaged, or not what its name says."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CommandError(
            f"The file is {size / 2**20:.1f} MB; an action log to import is at most "
            f"{MAX_FILE_BYTES // 2**20} MB."
        )
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise CommandError("The file must be .xlsx or .csv.")
    rows = [row for row in rows if any(row)]
    if not rows:
        raise CommandError("The file is empty.")
    return rows[0], rows[1:]


def _at_most_max_rows(rows):
    """``rows`` as a list, refusing a sheet longer than any action log: a few bytes of a
    crafted sheet can stand for a million blank rows."""
    kept = []
    for row in rows:
        if len(kept) == MAX_ROWS:
            raise CommandError(f"The file has more than {MAX_ROWS} rows.")
        kept.append(row)
    return kept


def _check_archive(path):
    """Refuse an .xlsx whose parts would unpack to far more than any action log before
    openpyxl unpacks them: a zip bomb of a few KB can stand for gigabytes. Python's zipfile
    never unpacks a part beyond the size the archive declares, so the declared sizes hold."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as error:
        raise CommandError(f"The file is not an Excel workbook (.xlsx): {error}.") from error
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise CommandError(
            f"The workbook would unpack to {unpacked / 2**20:.0f} MB; an action log to import "
            f"is at most {MAX_UNPACKED_BYTES // 2**20} MB unpacked."
        )
    if unpacked > MAX_RATIO * max(packed, 1):
        raise CommandError(
            f"The workbook is compressed {unpacked // max(packed, 1)} to 1, more than any "
            "spreadsheet: it is not an action log."
        )


def _xlsx_rows(path):
    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The sheet's own record of its size can claim every row and column Excel
            # allows; the rows come as they are, and only the export's columns.
            sheet.reset_dimensions()
            cells = sheet.iter_rows(max_col=len(COLUMNS), values_only=True)
            return _at_most_max_rows([_cell(v) for v in row] for row in cells)
        finally:
            workbook.close()
    except UNREADABLE_XLSX as error:
        raise CommandError(
            f"The workbook cannot be read: {type(error).__name__}: {error}."
        ) from error


def _csv_rows(path):
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            # The CSV export marks text with a leading apostrophe (see exports.neutralised).
            return _at_most_max_rows([read_back(_cell(v)) for v in row] for row in reader)
    except UnicodeDecodeError as error:
        raise CommandError(
            "The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”."
        ) from error
    except csv.Error as error:
        raise CommandError(f"Line {reader.line_num} of the file: {error}.") from error


def _date(text):
    try:
        return datetime.datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


def parse_due(text):
    """The due column back into date, meeting month and wording; see Action.due_display."""
    due = {"due_date": None, "due_meeting": None, "due_wording": ""}
    parts = [part.strip() for part in text.split(";") if part.strip()]
    for part in parts:
        by_date, at_meeting = BY_DATE.match(part), AT_MEETING.match(part)
        if by_date and _date(by_date[1]):
            due["due_date"] = _date(by_date[1])
        elif at_meeting and _date(f"1 {at_meeting[1]}"):
            due["due_meeting"] = _date(f"1 {at_meeting[1]}")
        else:
            # Wording as minuted ("By end January 2018") is kept as it was written.
            return {"due_date": None, "due_meeting": None, "due_wording": text}
    return due


class Lookups:
    def __init__(self):
        self.meetings = {m.title: m for m in Meeting.objects.select_related("series")}
        self.posts = {p.abbreviation: p for p in Post.objects.all()}
        self._people = {}
        self.bodies = {b.label: b for b in Body.objects.all()}
        # References are unique within a series, or within a meeting where the officer
        # types them (reference_key).
        self.references = {
            reference_key(per_meeting, meeting_id, series_id, reference)
            for per_meeting, meeting_id, series_id, reference in Action.objects.values_list(
                "reference_per_meeting", "meeting_id", "series_id", "reference"
            )
        }
        self._items = {}

    def person(self, initials, on_date):
        """Whoever was minuted under ``initials`` then, also under initials since changed."""
        key = (initials, on_date)
        if key not in self._people:
            self._people[key] = person_for_initials(initials, on_date)
        return self._people[key]

    def items(self, meeting):
        if meeting.pk not in self._items:
            labels = {}
            for item in AgendaItem.objects.filter(meeting=meeting).select_related("parent__parent"):
                labels.setdefault(item.label, []).append(item)
            self._items[meeting.pk] = labels
        return self._items[meeting.pk]


def reference_key(per_meeting, meeting_id, series_id, reference):
    """Where a reference must be unique: its meeting, or its series."""
    return ("meeting", meeting_id, reference) if per_meeting else ("series", series_id, reference)


def typed(meeting):
    return meeting.series.reference_scheme == ReferenceScheme.TYPED


def row_reference_key(meeting, reference):
    return reference_key(typed(meeting), meeting.pk, meeting.series_id, reference)


def parse_row(row, lookups, seen):
    """One row as the keyword arguments of the action to create, or RowRejected(why)."""
    row = (row + [""] * len(COLUMNS))[: len(COLUMNS)]
    for column, value in zip(COLUMNS, row, strict=True):
        # NUL cannot be stored in PostgreSQL, and none of these in the XLSX export.
        control = ILLEGAL_CHARACTERS_RE.search(value)
        if control:
            raise RowRejected(
                f"the {column} column holds a control character (U+{ord(control[0]):04X})"
            )
    reference, text, owner, meeting_title, number, due, update, status = row
    if not reference:
        raise RowRejected("no reference")
    if not text:
        raise RowRejected("no action text")
    meeting = lookups.meetings.get(meeting_title)
    if meeting is None:
        raise RowRejected(f"unknown meeting “{meeting_title}”")
    # The export qualifies a reference that repeats ("Action 1 (12 January 2022)").
    reference = unqualified(reference, meeting)
    for column, value, field in [
        ("Reference", reference, "reference"),
        ("Due", due, "due_wording"),
    ]:
        limit = Action._meta.get_field(field).max_length
        if len(value) > limit:
            raise RowRejected(f"the {column} column is longer than {limit} characters")
    key = row_reference_key(meeting, reference)
    # Two look-ups, not one in the union of both: that union was built again for every row.
    if key in lookups.references or key in seen:
        where = "at the " + meeting.title if typed(meeting) else "in the " + meeting.series.name
        raise RowRejected(f"reference {reference} is already in use {where}")
    items = lookups.items(meeting).get(number, [])
    if not items:
        raise RowRejected(f"the {meeting_title} has no item {number or '(blank)'}")
    if len(items) > 1:
        raise RowRejected(f"item {number} of the {meeting_title} is ambiguous")
    owners = {"owner_posts": [], "owner_people": [], "owner_bodies": []}
    for token in owner.split():
        if token == TO_BE_ALLOCATED and owner.strip() == TO_BE_ALLOCATED:
            continue  # To be allocated: no owner yet.
        if token in lookups.bodies:
            owners["owner_bodies"].append(lookups.bodies[token])
        elif token == "ALL":
            # Logs from before bodies: ALL is the body of all attendees, made on import.
            owners["owner_bodies"].append(token)
        elif token in lookups.posts:
            owners["owner_posts"].append(lookups.posts[token])
        elif person := lookups.person(token, meeting.date):
            owners["owner_people"].append(person)
        else:
            raise RowRejected(f"unknown owner “{token}”")
    statuses = {s.label.lower(): s for s in Status} | {s.value: s for s in Status}
    if status.lower() not in statuses:
        raise RowRejected(f"unknown status “{status}”")
    latest = None
    if update:
        match = UPDATE.match(update)
        on_date = _date(match[1]) if match else None
        if on_date is None:
            raise RowRejected(
                "the latest update must start with its date, as in “31 October 2017: …”"
            )
        if on_date > timezone.localdate():
            raise RowRejected("the latest update is dated in the future")
        latest = (on_date, match[2])
    return {
        "reference": reference,
        "item": items[0],
        "text": text,
        "owners": owners,
        "due": parse_due(due),
        "latest": latest,
        "status": statuses[status.lower()],
    }


# Rows written to the database in one statement: large enough that 10,000 rows take a few
# dozen statements, small enough for SQLite's limit on a statement's parameters.
BATCH_SIZE = 500
IMPORTED = "Imported from an existing action log."


def _owner_display(owners):
    """The ACTION column of ``owners`` as ``Action.owner_display`` words it, in the order
    each kind of owner is listed (its Meta.ordering), without asking the database."""
    posts = sorted(owners["owner_posts"], key=lambda post: (post.seniority, post.abbreviation))
    people = sorted(owners["owner_people"], key=lambda person: person.name)
    bodies = sorted(owners["owner_bodies"], key=lambda body: body.label)
    labels = [post.abbreviation for post in posts]
    labels += [person.initials for person in people]
    labels += [body.label for body in bodies]
    return " ".join(labels) or TO_BE_ALLOCATED


def _action(parsed, position):
    """The unsaved action of a parsed row, as ``raise_action`` would have saved it, already in
    its final status: what the raising meeting minuted is what the log says now."""
    item = parsed["item"]
    meeting = item.meeting
    due = due_fields(own_series=meeting.series, after=meeting.date, **parsed["due"])
    action = Action(
        reference=parsed["reference"],
        reference_per_meeting=typed(meeting),
        text=parsed["text"],
        meeting=meeting,
        series=meeting.series,
        item=item,
        position=position,
        status=parsed["status"],
        # raise_action saves version 1; set_action_status bumps it once.
        version=1 if parsed["status"] == Status.OPEN else 2,
        raised_owners=_owner_display(parsed["owners"]),
        **due,
    )
    for name in DUE_FIELDS:
        setattr(action, f"raised_{name}", getattr(action, name))
    return action


def _trail(action, parsed, today):
    """The events ``raise_action``, ``add_update`` and ``set_action_status`` record, in the
    order they recorded them."""
    meeting = action.meeting
    events = [
        ActionEvent(
            action=action,
            kind=ActionEvent.Kind.CREATED,
            on_date=meeting.date,
            text=f"Raised at the {meeting.title} meeting, item {action.item.number}.",
            to_status=Status.OPEN,
            meeting=meeting,
        )
    ]
    if parsed["latest"]:
        on_date, text = parsed["latest"]
        events.append(
            ActionEvent(action=action, kind=ActionEvent.Kind.UPDATE, on_date=on_date, text=text)
        )
    if parsed["status"] != Status.OPEN:
        events.append(
            ActionEvent(
                action=action,
                kind=ActionEvent.Kind.STATUS,
                on_date=today,
                text=IMPORTED,
                from_status=Status.OPEN,
                to_status=parsed["status"],
            )
        )
    return events


def create_all(parsed):
    """Every parsed row's action with its owners, trail and history, a batch of rows to a
    statement: one row at a time, a log of 10,000 actions took most of an hour. The caller
    holds the transaction, so that an error leaves nothing behind.

    Each action gets one history row, its creation as imported (``raise_action`` and
    ``set_action_status`` wrote one for each save); a history row is what moves the record's
    version (``actions.record``), so the kept pages are made afresh."""
    if any(body == "ALL" for row in parsed for body in row["owners"]["owner_bodies"]):
        # Logs from before bodies: ALL is the body of all attendees, made on import.
        everyone = Body.objects.get_or_create(label="ALL", defaults={"name": "All attendees"})[0]
        for row in parsed:
            bodies = row["owners"]["owner_bodies"]
            row["owners"]["owner_bodies"] = [everyone if b == "ALL" else b for b in bodies]
    # After the item's actions already recorded, in the order of the file.
    positions = dict(
        Action.objects.filter(item__in={row["item"].pk for row in parsed})
        .order_by()
        .values_list("item")
        .annotate(Count("pk"))
    )
    actions = []
    for row in parsed:
        position = positions.get(row["item"].pk, 0)
        positions[row["item"].pk] = position + 1
        actions.append(_action(row, position))
    actions = bulk_create_with_history(
        actions, Action, batch_size=BATCH_SIZE, default_change_reason=IMPORTED
    )
    owners = {
        "owner_posts": ("post", Action.owner_posts.through),
        "owner_people": ("person", Action.owner_people.through),
        "owner_bodies": ("body", Action.owner_bodies.through),
    }
    for name, (field, through) in owners.items():
        through.objects.bulk_create(
            (
                through(action_id=action.pk, **{f"{field}_id": owner.pk})
                for action, row in zip(actions, parsed, strict=True)
                for owner in row["owners"][name]
            ),
            batch_size=BATCH_SIZE,
        )
    today = timezone.localdate()
    ActionEvent.objects.bulk_create(
        (
            event
            for action, row in zip(actions, parsed, strict=True)
            for event in _trail(action, row, today)
        ),
        batch_size=BATCH_SIZE,
    )
    return actions


class Command(BaseCommand):
    help = (
        "Import an action log (.xlsx or .csv) with the columns of the export: "
        + ", ".join(COLUMNS)
        + ". Creates every row or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; create nothing."
        )

    def handle(self, *args, file, dry_run=False, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        header, rows = read_rows(file)
        if [h.lower() for h in header[: len(COLUMNS)]] != [c.lower() for c in COLUMNS]:
            raise CommandError("The columns must be, in order: " + ", ".join(COLUMNS) + ".")
        lookups = Lookups()
        seen, parsed, rejected = set(), [], 0
        for number, row in enumerate(rows, start=2):
            try:
                result = parse_row(row, lookups, seen)
            except RowRejected as why:
                rejected += 1
                self.stdout.write(f"Row {number}: rejected: {why}.")
                continue
            seen.add(row_reference_key(result["item"].meeting, result["reference"]))
            parsed.append(result)
            verb = "would create" if dry_run else "will create"
            self.stdout.write(
                f"Row {number}: {verb} {result['reference']} at the "
                f"{result['item'].meeting.title}, item {row[4]}."
            )
        if rejected:
            message = f"{rejected} of {len(rows)} rows rejected: nothing was created."
            if dry_run:
                self.stdout.write(message)
                return
            raise CommandError(message)
        if dry_run:
            self.stdout.write(f"Dry run: {len(parsed)} actions would be created.")
            return
        with transaction.atomic():
            create_all(parsed)
        self.stdout.write(
            self.style.SUCCESS(f"Created {len(parsed)} action{'s' if len(parsed) != 1 else ''}.")
        )
