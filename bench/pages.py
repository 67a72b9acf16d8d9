"""How the busiest pages scale: time, queries, memory and requests/s with a large action log.

Run with `make bench` (or `python bench/pages.py --sizes 1000,10000,100000`). For each size it
builds a throwaway database of its own (SQLite in a temporary file, or a test database beside
DATABASE_URL's), never the real one: the October 2017 demo, then monthly meetings over ten
years (120 per series, one series per thousand actions: an OPCC with several series, or a
host for several offices), each raising about eight actions, of which ``--open-fraction`` are
open, 1% awaiting agreement of closure and the rest closed, each with an update and its
status trail. It then:

- times each page as the Commissioner and the DCC see it (median of ``--repeat``) and counts
  its queries: as asked for again while the record is unchanged ("ms"; the busiest pages
  keep their content for each version of what they read, actions/record.py), as the first
  request after a change (a progress update recorded before each: "cold"; the pages fill
  in their rows' latest updates as they are served, actions/latest.py), as the first after
  an action's due date changed ("due": what every page of actions reads, so worked out
  afresh), and with the cache emptied as well ("empty": Redis restarted or lost);
- runs each export in a fresh process and measures its peak memory growth (the resident
  set's high-water mark, reset before the request, less the resident set before it) while
  reading the whole response;
- brings forward every action due at a new meeting of the demo series and opens its record
  page (both rolled back);
- starts gunicorn (2 sync workers) on the same database and drives each page with concurrent
  signed-in clients, after one request each to warm it, printing its requests/s as a ratio
  to /healthz served by the same processes in the same run.

``--json FILE`` writes the figures as a list of {"page", "size", "ms", "queries",
"rps_ratio", "peak_mb", "ms_cold", "queries_cold", "ms_after_due_change",
"queries_after_due_change", "ms_empty_cache"} objects, one per page
and size asked for (the demo's own ten actions come on top of it).
"""

import argparse
import collections
import datetime
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
# bench/ itself is on the path (the script's folder), after the project: bench/search.py must
# not hide the search app.

PASSWORD = "assurance-demo"
MEETINGS_PER_SERIES = 120
ACTIONS_PER_SERIES = 1000
FIRST_MONTH = datetime.date(2016, 12, 15)
# The pages the issue measures, by the names the JSON gives them; (user, url) is filled in
# once the database is built.
PAGES = ["dashboard", "action_log_last_page", "my_actions", "minutes_latest"]
EXPORTS = ["export_csv", "export_xlsx"]
# Measured beside them, for the table only.
EXTRA = ["action_log_first_page", "minutes_pdf", "signed_in_trivial"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="numbers of actions, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument("--actions", type=int, help="one size only (the old option)")
    parser.add_argument(
        "--open-fraction", type=float, default=0.05, help="share of actions open (default 0.05)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page")
    parser.add_argument("--json", help="write the figures to this file as JSON")
    parser.add_argument(
        "--load-seconds", type=float, default=5, help="seconds of load per page (0: no load run)"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients in the load")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="also a load of four readers with one writer posting once a second (mixed_reads)",
    )
    parser.add_argument("--export-probe", nargs=2, metavar=("USER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_probe:
        export_probe(*args.export_probe)
        return
    args.sizes = [args.actions] if args.actions else [int(s) for s in args.sizes.split(",")]
    with_test_database(run, args)


def setup_django():
    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", "No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assurance.test_settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()


def with_test_database(run, args):
    """``run(args)`` in a test database made for it (SQLite in a temporary folder unless
    DATABASE_URL names one), destroyed afterwards."""
    folder = tempfile.mkdtemp()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    setup_django()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file, not memory: the export probes and gunicorn open it too.
        connection.settings_dict["TEST"]["NAME"] = f"{folder}/test_bench.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def database_url():
    """DATABASE_URL naming the test database the benchmark made, for other processes."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def build(count, open_fraction=0.05):
    """The demo, then ``count`` actions over 120 monthly meetings per series, in bulk."""
    from django.db import connection, transaction

    from actions.models import Action, ActionEvent, Status
    from demo.management.commands.load_demo import load_demo
    from meetings.models import AgendaItem, Meeting, MeetingSeries
    from meetings.services import freeze_minutes
    from people.models import Post

    load_demo()
    demo = MeetingSeries.objects.get()
    posts = list(Post.objects.all())
    rng = random.Random(15)
    series_count = max(1, round(count / ACTIONS_PER_SERIES))
    batch = 2000 if connection.vendor == "postgresql" else None
    with transaction.atomic():
        series = [demo] + MeetingSeries.objects.bulk_create(
            MeetingSeries(name=f"Benchmark series {n}", short_name=f"BS{n}")
            for n in range(1, series_count)
        )
        dates = [_months_after(FIRST_MONTH, m) for m in range(MEETINGS_PER_SERIES)]
        meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    series=s,
                    date=date,
                    title=f"{s.name} {date.isoformat()}",
                    status="agreed",
                )
                for s in series
                for date in dates
            ),
            batch_size=batch,
        )
        items = AgendaItem.objects.bulk_create(
            (AgendaItem(meeting=m, number="2", heading="Risks") for m in meetings),
            batch_size=batch,
        )
        slots = len(meetings)
        actions = []
        for n in range(count):
            index = n % slots
            meeting, item = meetings[index], items[index]
            chance = rng.random()
            status = (
                Status.OPEN
                if chance < open_fraction
                else Status.AWAITING_CLOSURE
                if chance < open_fraction + 0.01
                else Status.CLOSED
            )
            actions.append(
                Action(
                    reference=f"B{index:05d}-{n // slots:03d}",
                    text=f"Benchmark action {n} of {meeting.title}",
                    meeting=meeting,
                    series_id=meeting.series_id,
                    item=item,
                    due_date=meeting.date + datetime.timedelta(days=60),
                    status=status,
                )
            )
        actions = Action.objects.bulk_create(actions, batch_size=batch)
        Action.owner_posts.through.objects.bulk_create(
            (
                Action.owner_posts.through(action_id=a.pk, post_id=posts[n % len(posts)].pk)
                for n, a in enumerate(actions)
                # One in twenty left to be allocated (TBA).
                if n % 20
            ),
            batch_size=batch,
        )
        ActionEvent.objects.bulk_create(
            _events(actions, ActionEvent, Status), batch_size=batch or 5000
        )
        latest = demo.meetings.order_by("-date").first()
        freeze_minutes(latest)
    if connection.vendor == "postgresql":
        # What autovacuum does a while after a load: without the tables' statistics the
        # planner takes every table for nearly empty and picks nested loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Action.objects.count()


def _events(actions, ActionEvent, Status):
    for action in actions:
        raised = action.meeting.date
        yield ActionEvent(
            action=action, kind="update", on_date=raised + datetime.timedelta(days=14), text="Ok"
        )
        if action.status == Status.OPEN:
            continue
        yield ActionEvent(
            action=action,
            kind="status",
            on_date=raised + datetime.timedelta(days=20),
            from_status=Status.OPEN,
            to_status=Status.AWAITING_CLOSURE,
            text="Done",
        )
        if action.status == Status.CLOSED:
            yield ActionEvent(
                action=action,
                kind="status",
                on_date=raised + datetime.timedelta(days=30),
                from_status=Status.AWAITING_CLOSURE,
                to_status=Status.CLOSED,
            )


def _months_after(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def timed(client, url, repeat, cold=None):
    """The median of ``repeat`` requests, with the queries and size of the last. ``cold`` is
    what comes before each: "change", a progress update recorded, as the busiest pages keep
    their content for each version of the record (actions.record), so the first request
    after a change; "due", an action's due date changed, which every page of actions reads,
    so the page worked out afresh; "empty", the cache emptied besides (Redis restarted or
    lost)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        if cold == "due":
            _move_a_due_date()
        elif cold:
            _change_the_record()
        if cold == "empty":
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            size = sum(len(chunk) for chunk in _body(response))
            timings.append(time.perf_counter() - start)
        assert response.status_code in (200, 204), (url, response.status_code)
    return statistics.median(timings) * 1000, len(queries), size


def _change_the_record():
    """A progress update on the first open action, as its owner would add one."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actions import services
    from actions.models import Action, Status

    action = Action.objects.filter(status=Status.OPEN).order_by("pk").first()
    services.add_update(
        action,
        text="Benchmark progress update.",
        on_date=timezone.localdate(),
        by=get_user_model().objects.get(username="officer"),
    )


def _move_a_due_date():
    """The first open action's due date a day later, or back, as an officer would change it:
    what the pages of actions are kept under moves with it, where an update leaves it be."""
    from django.contrib.auth import get_user_model

    from actions import services
    from actions.models import Action, DueKind, Status

    action = Action.objects.filter(status=Status.OPEN).order_by("pk").first()
    day = action.due_date or datetime.date(2017, 11, 29)
    step = datetime.timedelta(days=-1 if day.day % 2 else 1)
    services.change_due(
        action,
        by=get_user_model().objects.get(username="officer"),
        reason="Benchmark.",
        due_kind=DueKind.DATE,
        due_date=day + step,
    )


def _body(response):
    if getattr(response, "streaming", False):
        return response.streaming_content
    return [response.content]


def page_urls():
    from meetings.models import Meeting, MeetingSeries

    demo = MeetingSeries.objects.order_by("pk").first()
    latest = Meeting.objects.filter(series=demo).order_by("-date").first()
    return {
        "dashboard": ("commissioner", "/dashboard/"),
        "action_log_first_page": ("commissioner", "/actions/"),
        "action_log_last_page": ("commissioner", "/actions/?page=last"),
        "my_actions": ("dcc", "/actions/mine/"),
        "minutes_latest": ("commissioner", latest.get_absolute_url()),
        "minutes_pdf": ("commissioner", f"/meetings/{latest.pk}/minutes.pdf"),
        "export_csv": ("commissioner", "/kept/exports/action-log.csv"),
        "export_xlsx": ("commissioner", "/kept/exports/action-log.xlsx"),
        # Signed in, reading nothing but the session and the user: what any page pays.
        "signed_in_trivial": ("commissioner", "/accounts/keep-alive/"),
    }


def export_probe(username, url):
    """In a process of its own: one export, read to its end, with the peak memory growth."""
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    # Warm up (imports, templates, the session) on an export of nothing.
    warm = client.get(url + "?q=no-such-action-anywhere")
    sum(len(chunk) for chunk in _body(warm))
    clear = Path("/proc/self/clear_refs")
    try:
        clear.write_text("5")  # resets the high-water mark to the resident set now
        reset = True
    except OSError:
        reset = False
    before = _status_kib("VmRSS")
    high_before = _status_kib("VmHWM")
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in _body(response))
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    high = _status_kib("VmHWM")
    peak = high - before if reset or high > high_before else 0
    print(json.dumps({"ms": ms, "queries": len(queries), "bytes": size, "peak_mb": peak / 1024}))


def _status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def measure_export(username, url):
    result = subprocess.run(
        [sys.executable, __file__, "--export-probe", username, url],
        cwd=ROOT,
        # The streamed download at every size: above EXPORT_BACKGROUND_ROWS the app hands the
        # export to the task queue instead (bench/exports.py measures that path).
        env={**os.environ, "DATABASE_URL": database_url(), "EXPORT_BACKGROUND_ROWS": str(10**9)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode:
        raise SystemExit(f"the export probe of {url} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# One action in this many of the log, open in other series, is due at the demo series' next
# meeting: the record page at 100k actions has hundreds of cards, as a long-lived log can.
BROUGHT_PER_ACTIONS = 200


def bring_forward_figures(repeat=1, size=0):
    """A new meeting of the demo series today, with ``size // BROUGHT_PER_ACTIONS`` open
    actions of other series due at it besides the demo's own: how long bringing forward
    takes, in how many queries, and its record page, first and again; rolled back."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from actions.models import Action, DueKind, Status
    from actions.reviews import bring_forward
    from meetings.models import MeetingSeries, StandingSection
    from meetings.services import open_meeting

    demo = MeetingSeries.objects.order_by("pk").first()
    figures = {}

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            if not StandingSection.objects.filter(series=demo, brings_forward=True).exists():
                StandingSection.objects.create(
                    series=demo, number="1", heading="Actions", brings_forward=True
                )
            others = (
                Action.objects.filter(status=Status.OPEN)
                .exclude(series=demo)
                .order_by("pk")
                .values_list("pk", flat=True)[: size // BROUGHT_PER_ACTIONS]
            )
            Action.objects.filter(pk__in=list(others)).update(
                due_kind=DueKind.MEETING, due_at=None, due_series=demo, due_date=None
            )
            meeting = open_meeting(demo, date=timezone.localdate(), title="Benchmark meeting")
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                brought = bring_forward(meeting)
                figures["bring_forward"] = (
                    (time.perf_counter() - start) * 1000,
                    len(queries),
                    len(brought),
                )
            client = Client()
            client.login(username="officer", password=PASSWORD)
            cold_ms, _, _ = timed(client, meeting.get_record_url(), 1, cold="change")
            ms, count, page_bytes = timed(client, meeting.get_record_url(), repeat)
            figures["record_page"] = (ms, count, page_bytes, cold_ms)
            raise Rollback
    except Rollback:
        pass
    return figures


# The load run.


def _gunicorn(port, env=None):
    """gunicorn (2 sync workers) as the README runs it, on the benchmark's database."""
    return subprocess.Popen(
        [BIN / "gunicorn", "assurance.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT,
        env=env or _server_env(),
    )


def _server_env():
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        # The production configuration with the test suite's fast password hashing, which
        # the benchmark's users were made with.
        "DJANGO_SETTINGS_MODULE": "assurance.test_settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore:No directory at",
    }


def load_run(args, pages):
    """Each page's requests/s under gunicorn (2 sync workers), and /healthz's, in one run."""
    from writers import Browser, free_port, wait_for

    port = free_port()
    server = _gunicorn(port)
    try:
        wait_for(port)
        browsers = {}
        for username in {user for user, _ in pages.values()}:
            browsers[username] = []
            for _ in range(args.clients):
                browser = Browser(port)
                browser.sign_in(username, PASSWORD)
                browsers[username].append(browser)
        trivial = _rate(browsers["commissioner"], "/healthz", args.load_seconds)
        rates = {
            name: _rate(browsers[user], url, args.load_seconds)
            for name, (user, url) in pages.items()
        }
        trivial = (trivial + _rate(browsers["commissioner"], "/healthz", args.load_seconds)) / 2
        return trivial, rates
    finally:
        server.terminate()
        server.wait(timeout=60)


# The mixed load: four readers rotating over the busiest pages, one writer through the app's
# own forms once a second: in turn a progress update on one of the DCC's open actions, and a
# finding on a meeting being minuted.
MIXED_READS = ["dashboard", "action_log_last_page", "my_actions", "minutes_latest"]
WRITE_EVERY_SECONDS = 1.0


def mixed_run(args, pages):
    """Reads/s and their 95th percentile while one person writes, each as a ratio to
    /healthz's served by the same gunicorn in the same run."""
    from writers import Browser, free_port, wait_for

    port = free_port()
    server = _gunicorn(port)
    try:
        wait_for(port)
        users = {pages[name][0] for name in MIXED_READS}
        readers = []
        for _ in range(4):
            signed_in = {}
            for username in users:
                signed_in[username] = Browser(port)
                signed_in[username].sign_in(username, PASSWORD)
            readers.append(signed_in)

        def healthz(reader):
            return lambda n: reader["commissioner"].request("GET", "/healthz")[0]

        def rotation(reader, number):
            def read(n):
                username, url = pages[MIXED_READS[(number + n) % len(MIXED_READS)]]
                return reader[username].request("GET", url)[0]

            return read

        health = _timed_load([healthz(reader) for reader in readers], args.load_seconds)
        item = _item_being_minuted()
        officer = Browser(port)
        officer.sign_in("officer", PASSWORD)
        writer = Browser(port)
        writer.sign_in("dcc", PASSWORD)
        _, mine = writer.request("GET", "/actions/mine/")
        targets = sorted(set(re.findall(r'href="/actions/(\d+)/"', mine)))[:20]
        if not targets:
            raise SystemExit("the DCC has no outstanding action to write to")
        stop = threading.Event()
        writes = collections.Counter()

        def write():
            n = 0
            while not stop.wait(WRITE_EVERY_SECONDS):
                if n % 2:
                    status = officer.add_finding(item, f"Mixed load, finding {n}.")
                else:
                    status = writer.add_update(targets[n // 2 % len(targets)], f"Update {n}.")
                writes[status] += 1
                n += 1

        thread = threading.Thread(target=write)
        thread.start()
        try:
            reads = _timed_load(
                [rotation(reader, number) for number, reader in enumerate(readers)],
                args.load_seconds,
            )
        finally:
            stop.set()
            thread.join()
        if set(writes) - {302}:
            raise SystemExit(f"the writer was answered {dict(writes)}")
        return {
            "rps_ratio": round(reads["rps"] / health["rps"], 3),
            "p95_ratio": round(reads["p95"] / health["p95"], 1),
            "rps": round(reads["rps"], 1),
            "p95_ms": round(reads["p95"], 1),
            "healthz_rps": round(health["rps"], 1),
            "healthz_p95_ms": round(health["p95"], 1),
            "writes": sum(writes.values()),
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def _item_being_minuted():
    """The first item of a meeting of the demo series opened today, for the writer's findings:
    committed, as gunicorn's workers read it."""
    from django.utils import timezone

    from meetings.models import AgendaItem, Meeting, MeetingSeries
    from meetings.services import open_meeting

    demo = MeetingSeries.objects.order_by("pk").first()
    title = "Mixed load meeting"
    # Opened once: a second load on the same database minutes into the same meeting.
    meeting = Meeting.objects.filter(title=title).first() or open_meeting(
        demo, date=timezone.localdate(), title=title
    )
    item = meeting.items.order_by("pk").first()
    return (item or AgendaItem.objects.create(meeting=meeting, number="1", heading="Risks")).pk


def _timed_load(requests, seconds):
    """Requests/s and the 95th percentile in ms, one thread for each of ``requests`` (each
    makes its n-th request and gives the status), every answer 200 or 204."""
    latencies, failures, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def drive(request):
        n = 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            status = request(n)
            with lock:
                if status in (200, 204):
                    latencies.append((time.perf_counter() - began) * 1000)
                else:
                    failures.append(status)
            n += 1

    start = time.monotonic()
    threads = [threading.Thread(target=drive, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"answered {sorted(set(failures))} under load")
    return {
        "rps": len(latencies) / (time.monotonic() - start),
        "p95": statistics.quantiles(latencies, n=20)[-1],
    }


def _rate(browsers, url, seconds):
    """Requests/s with one thread per signed-in browser, for ``seconds``, after
    one request each, not counted: a process's first request for a page works out what it
    keeps (actions.record), which the table's "cold" column measures on its own."""
    # At once, so that every worker process gets one.
    warming = [threading.Thread(target=b.request, args=("GET", url)) for b in browsers]
    for thread in warming:
        thread.start()
    for thread in warming:
        thread.join()
    requests = [lambda n, browser=browser: browser.request("GET", url)[0] for browser in browsers]
    return _timed_load(requests, seconds)["rps"]


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    results = []
    for number, size in enumerate(args.sizes):
        if number:
            call_command("flush", interactive=False, verbosity=0)
        start = time.perf_counter()
        total = build(size, args.open_fraction)
        print(
            f"\n{connection.vendor}: {total} actions ({args.open_fraction:.0%} open) built in"
            f" {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        # What lives on is frozen out of the cyclic collector's full collections, as each
        # gunicorn worker does after loading (assurance/wsgi.py): left in, a collection walked
        # the benchmark's own objects in the middle of a page (50-130 ms of a record page).
        gc.collect()
        gc.freeze()
        pages = page_urls()
        rows = {}
        for name in [*PAGES, *EXTRA]:
            username, url = pages[name]
            client = Client()
            client.login(username=username, password=PASSWORD)
            cold_ms, cold_queries, _ = timed(client, url, args.repeat, cold="change")
            due_ms, due_queries, _ = timed(client, url, args.repeat, cold="due")
            empty_ms, empty_queries, _ = timed(client, url, args.repeat, cold="empty")
            ms, queries, size_bytes = timed(client, url, args.repeat)
            rows[name] = {
                "ms": ms,
                "queries": queries,
                "kib": size_bytes / 1024,
                "ms_cold": cold_ms,
                "queries_cold": cold_queries,
                "ms_after_due_change": due_ms,
                "queries_after_due_change": due_queries,
                "ms_empty_cache": empty_ms,
                "queries_empty_cache": empty_queries,
            }
        for name in EXPORTS:
            username, url = pages[name]
            probe = measure_export(username, url)
            rows[name] = {
                "ms": probe["ms"],
                "queries": probe["queries"],
                "kib": probe["bytes"] / 1024,
                "peak_mb": probe["peak_mb"],
            }
        figures = bring_forward_figures(args.repeat, size)
        ms, queries, brought = figures["bring_forward"]
        rows["bring_forward"] = {"ms": ms, "queries": queries, "brought": brought}
        ms, queries, page_bytes, cold_ms = figures["record_page"]
        rows["record_page"] = {
            "ms": ms,
            "queries": queries,
            "kib": page_bytes / 1024,
            "ms_cold": cold_ms,
            "brought": brought,
        }
        if args.load_seconds:
            trivial, rates = load_run(
                args, {name: pages[name] for name in [*PAGES, "action_log_first_page"]}
            )
            rows["healthz"] = {"rps": trivial}
            for name, rate in rates.items():
                rows[name]["rps"] = rate
                rows[name]["rps_ratio"] = rate / trivial
        if args.mixed:
            rows["mixed_reads"] = mixed_run(args, pages)
        print_table(size, rows)
        for name, row in rows.items():
            if name == "mixed_reads":
                results.append({"page": name, "size": size, **row})
            elif name in ("signed_in_trivial", "record_page"):
                results.append(
                    {
                        "page": name,
                        "size": size,
                        "ms": round(row["ms"], 1),
                        "ms_cold": _rounded(row.get("ms_cold"), 1),
                        "ms_empty_cache": _rounded(row.get("ms_empty_cache"), 1),
                        "queries": row["queries"],
                        "kb": round(row["kib"], 1),
                    }
                )
            elif name in PAGES or name in EXPORTS:
                results.append(
                    {
                        "page": name,
                        "size": size,
                        "ms": round(row["ms"], 1),
                        "queries": row["queries"],
                        "ms_cold": _rounded(row.get("ms_cold"), 1),
                        "queries_cold": row.get("queries_cold"),
                        "ms_after_due_change": _rounded(row.get("ms_after_due_change"), 1),
                        "queries_after_due_change": row.get("queries_after_due_change"),
                        "ms_empty_cache": _rounded(row.get("ms_empty_cache"), 1),
                        "queries_empty_cache": row.get("queries_empty_cache"),
                        "rps_ratio": _rounded(row.get("rps_ratio"), 3),
                        "peak_mb": _rounded(row.get("peak_mb"), 1),
                    }
                )
    print_summary(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nWritten to {args.json}")


def _rounded(value, digits):
    return None if value is None else round(value, digits)


def print_table(size, rows):
    print(
        f"{'page':<24} {'ms':>10} {'queries':>8} {'cold ms':>8} {'cold q':>7} {'due ms':>7}"
        f" {'due q':>6} {'empty':>7}"
        f" {'KiB':>9}"
        f" {'peak MB':>8} {'req/s':>7} {'vs /healthz':>11}"
    )
    for name, row in rows.items():
        ms = f"{row['ms']:.1f}" if "ms" in row else ""
        queries = str(row.get("queries", ""))
        cold = f"{row['ms_cold']:.1f}" if "ms_cold" in row else ""
        cold_queries = str(row.get("queries_cold", ""))
        due = f"{row['ms_after_due_change']:.1f}" if "ms_after_due_change" in row else ""
        due_queries = str(row.get("queries_after_due_change", ""))
        empty = f"{row['ms_empty_cache']:.1f}" if "ms_empty_cache" in row else ""
        kib = f"{row['kib']:.1f}" if "kib" in row else ""
        peak = f"{row['peak_mb']:.1f}" if "peak_mb" in row else ""
        rps = f"{row['rps']:.1f}" if "rps" in row else ""
        ratio = f"{row['rps_ratio']:.0%}" if "rps_ratio" in row else ""
        note = f"  ({row['brought']} brought forward)" if "brought" in row else ""
        print(
            f"{name:<24} {ms:>10} {queries:>8} {cold:>8} {cold_queries:>7} {due:>7}"
            f" {due_queries:>6} {empty:>7}"
            f" {kib:>9} {peak:>8}"
            f" {rps:>7} {ratio:>11}{note}",
            flush=True,
        )


def print_summary(results):
    """The issue's targets, against the smallest and largest sizes measured."""
    sizes = sorted({r["size"] for r in results})
    if len(sizes) < 2:
        return
    small, large = sizes[0], sizes[-1]
    by = {(r["page"], r["size"]): r for r in results}
    print(f"\nTargets, {large} against {small} actions:")
    for page in PAGES + EXPORTS:
        first, last = by.get((page, small)), by.get((page, large))
        if not (first and last):
            continue
        line = f"  {page:<22} time {last['ms'] / first['ms']:.2f}x (target 1.5x)"
        if last.get("ms_cold"):
            line += f", first after a change {last['ms_cold'] / first['ms_cold']:.2f}x"
        if page in EXPORTS:
            per_row = (last["ms"] / large) / (by[(page, sizes[-2])]["ms"] / sizes[-2])
            line += f", per row {per_row:.2f}x of {sizes[-2]} (target 1.2x)"
            line += f", peak {last['peak_mb']:.1f} MB (target < 100)"
        elif last["rps_ratio"] is not None:
            line += (
                f", {first['rps_ratio']:.0%} and {last['rps_ratio']:.0%} of /healthz (target 25%)"
            )
        print(line)


if __name__ == "__main__":
    main()
