"""Importing a large action log: the time `import_actions` takes for a file of N rows.

Run with `python bench/importing.py` (10,000 rows) or `--rows 2000`, on PostgreSQL with
DATABASE_URL (a test database is made beside it and destroyed), else on SQLite in a
temporary folder. It loads the demo, writes a CSV in the export's columns with N actions
spread over the demo's meetings and items (owners, dues, a latest update and every status),
then times the import and counts what it wrote.
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def write_log(path, count):
    """A CSV of ``count`` rows the import accepts, over the demo's meetings and items."""
    from actions.exports import COLUMNS
    from actions.models import Status
    from meetings.models import AgendaItem
    from people.models import Post

    rng = random.Random(24)
    items = [
        item
        for item in AgendaItem.objects.select_related("meeting", "parent__parent")
        if item.meeting.series.reference_scheme != "typed"
    ]
    labels = {}
    for item in items:
        labels.setdefault((item.meeting_id, item.label), []).append(item)
    # An item whose number is unique at its meeting, as the import needs to find it.
    items = [item for item in items if len(labels[(item.meeting_id, item.label)]) == 1]
    posts = [post.abbreviation for post in Post.objects.all()]
    statuses = [Status.OPEN.label, Status.AWAITING_CLOSURE.label, Status.CLOSED.label]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            item = items[n % len(items)]
            writer.writerow(
                [
                    f"IMP/{n:05d}",
                    f"Review the response times of district {n} and report back",
                    " ".join(rng.sample(posts, rng.randint(0, 2))) or "TBA",
                    item.meeting.title,
                    item.label,
                    rng.choice(["By 31 October 2030", "November 2030 meeting", ""]),
                    rng.choice(["", "3 January 2024: Figures gathered."]),
                    rng.choice(statuses),
                ]
            )


def run(args):
    from django.core.management import call_command
    from django.db import connection

    from actions.models import Action, ActionEvent
    from demo.management.commands.load_demo import load_demo

    load_demo()
    path = Path(tempfile.mkdtemp()) / "log.csv"
    write_log(path, args.rows)
    before = (Action.objects.count(), Action.history.count(), ActionEvent.objects.count())
    start, cpu = time.perf_counter(), time.process_time()
    call_command("import_actions", str(path), stdout=io.StringIO())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = (Action.objects.count(), Action.history.count(), ActionEvent.objects.count())
    actions, history, events = (b - a for a, b in zip(before, after, strict=True))
    print(
        f"{connection.vendor}: {args.rows:,} rows imported in {seconds:.1f} s "
        f"({cpu:.1f} s CPU in this process, {seconds / args.rows * 1000:.2f} ms a row): "
        f"{actions:,} actions, {history:,} history rows, {events:,} trail events"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    from pages import with_test_database

    with_test_database(run, args)


if __name__ == "__main__":
    main()
