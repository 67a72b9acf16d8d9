"""How the busiest pages scale: time and queries with a large action log.

Run with `make bench` (or `python bench/pages.py --actions 5000`). It builds a throwaway
database of its own (SQLite in a temporary file, or a test database beside DATABASE_URL's),
never the real one, loads the October 2017 demo, adds many meetings and actions, then times
each page as the Commissioner and the DCC see it.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000, help="actions to add (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    args = parser.parse_args()

    with_test_database(run, args)


def with_test_database(run, args):
    """``run(args)`` in a test database made for it (SQLite in a temporary folder unless
    DATABASE_URL names one), destroyed afterwards."""
    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", "No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assurance.test_settings")
    os.environ["DEBUG"] = "true"
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(count):
    from django.db import transaction

    from actions.management.commands.load_demo import load_demo
    from actions.models import Action, ActionEvent
    from meetings.models import AgendaItem, Meeting, MeetingSeries, Post

    load_demo()
    series = MeetingSeries.objects.get()
    posts = list(Post.objects.all())
    per_meeting = 25
    with transaction.atomic():
        for m in range(count // per_meeting):
            date = datetime.date(2018, 1, 15) + datetime.timedelta(days=30 * m)
            meeting = Meeting.objects.create(series=series, date=date, status="agreed")
            item = AgendaItem.objects.create(meeting=meeting, number="2", heading="Risks")
            actions = Action.objects.bulk_create(
                Action(
                    reference=f"B{m:04d}-{n:02d}",
                    text=f"Benchmark action {n} of meeting {m}",
                    meeting=meeting,
                    series=series,
                    item=item,
                    due_date=date + datetime.timedelta(days=60),
                    status=["open", "open", "awaiting_closure", "closed"][n % 4],
                )
                for n in range(per_meeting)
            )
            for n, action in enumerate(actions):
                action.owner_posts.add(posts[n % len(posts)])
            ActionEvent.objects.bulk_create(
                ActionEvent(action=a, kind="update", on_date=date, text="Progress") for a in actions
            )
    return Action.objects.count()


def timed(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, len(queries), len(response.content)


def run(args):
    from django.db import connection
    from django.test import Client

    from meetings.models import Meeting

    start = time.perf_counter()
    total = build(args.actions)
    print(f"{connection.vendor}: {total} actions built in {time.perf_counter() - start:.1f} s")
    october = Meeting.objects.get(date="2017-10-31")
    pages = [
        ("commissioner", "/dashboard/"),
        ("commissioner", "/actions/"),
        ("commissioner", "/actions/?status=open&sort=-due"),
        ("commissioner", "/actions/export.csv?status=open"),
        ("commissioner", "/actions/export.xlsx?status=open"),
        ("commissioner", october.get_absolute_url()),
        ("commissioner", f"/meetings/{october.pk}/minutes.docx"),
        ("dcc", "/actions/mine/"),
        ("officer", "/meetings/"),
    ]
    print(f"{'user':<13} {'page':<40} {'median ms':>10} {'queries':>8} {'KiB':>8}")
    for username, url in pages:
        client = Client()
        client.login(username=username, password="assurance-demo")
        ms, queries, size = timed(client, url, args.repeat)
        print(f"{username:<13} {url:<40} {ms:>10.1f} {queries:>8} {size / 1024:>8.1f}")


if __name__ == "__main__":
    main()
