"""Exports of a large action log: time per row and peak memory growth, at two sizes.

Run with `python bench/exports.py` (10,000 and 100,000 actions) or `--actions 5000 50000`,
on PostgreSQL with DATABASE_URL (a test database is made beside it and destroyed), else on
SQLite in a temporary folder. Each size runs in a process of its own, so that one size's
memory is not another's. For each size it builds the log (bench/pages.py's ``build``),
then, as the Commissioner, downloads every action as CSV and as XLSX through the views
(streamed, ``EXPORT_BACKGROUND_ROWS`` raised above the size) and prepares each in the
background as the task queue would (``kept.exports.prepare``), reading the answer as a
browser does, a chunk at a time. Peak memory growth is the process's resident memory at its
highest while exporting less what it was before, sampled every 5 ms; time per row is the
export's time over the rows written.

The figures of 27 November 2026 on PostgreSQL 15 are in the module's history (git log).
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The highest resident memory seen while the block runs, less what it was before."""

    def __enter__(self):
        self.before = self.peak = rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss())

    @property
    def growth_mb(self):
        return (self.peak - self.before) / 1024 / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        from pages import with_test_database

        with_test_database(run, args)
        return
    results = []
    for count in args.actions:
        out = subprocess.run(
            [sys.executable, __file__, "--one", "--actions", str(count)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        print(out, end="", flush=True)
        results.append(
            {
                line.split()[0]: (float(line.split()[-3]), float(line.split()[-2]))
                for line in out.splitlines()
                if line.endswith(" µs/row") and not line.startswith("export")
            }
        )
    if len(results) == 2:
        small, large = args.actions
        print(f"\ntime per row at {large:,} over that at {small:,} (elapsed, this process's CPU):")
        for name, (wall, cpu) in results[0].items():
            wall_ratio, cpu_ratio = results[1][name][0] / wall, results[1][name][1] / cpu
            print(f"  {name:<22} {wall_ratio:.2f}x {cpu_ratio:>6.2f}x")


def drain(response):
    """Read the answer as a client does, a chunk at a time, keeping none of it."""
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def run(args):
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client, override_settings
    from pages import build

    from kept.exports import prepare
    from kept.models import KeptExport
    from meetings.models import Meeting
    from meetings.services import freeze_minutes

    (count,) = args.actions
    start = time.perf_counter()
    total = build(count)
    print(f"{connection.vendor}: {total:,} actions built in {time.perf_counter() - start:.0f} s")
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum keeps them on a live database: without them
        # it takes the freshly loaded tables for empty and scans the whole of each owners'
        # table for every chunk's prefetch, so that the time per row grows with the log.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.login(username="commissioner", password="assurance-demo")
    user = client.session["_auth_user_id"]
    print(
        f"{'export':<22} {'rows':>8} {'seconds':>8} {'MiB out':>8} {'peak +MiB':>10} "
        f"{'µs/row':>8} {'CPU µs/row':>10}"
    )

    def report(name, seconds, size, memory, cpu):
        per_row = seconds / total * 1e6
        cpu_per_row = cpu / total * 1e6
        print(
            f"{name:<22} {total:>8,} {seconds:>8.1f} {size / 2**20:>8.1f} "
            f"{memory.growth_mb:>10.1f} {per_row:>8.1f} {cpu_per_row:>10.1f} µs/row"
        )

    with override_settings(EXPORT_BACKGROUND_ROWS=10**9):
        # Warm up: the first request of a process loads templates, modules and caches.
        for kind in ("csv", "xlsx"):
            drain(client.get(f"/kept/exports/action-log.{kind}?q=no-such-action"))
        for kind in ("csv", "xlsx"):
            with PeakMemory() as memory:
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(f"/kept/exports/action-log.{kind}")
                assert response.status_code == 200, response.status_code
                size = drain(response)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            report(f"stream-{kind}", seconds, size, memory, cpu)
    for kind in ("csv", "xlsx"):
        export = KeptExport.objects.create(user_id=user, kind=kind, query=QueryDict().urlencode())
        with PeakMemory() as memory:
            start, cpu = time.perf_counter(), time.process_time()
            prepare(export.pk)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        export.refresh_from_db()
        assert export.rows == total, (export.rows, total)
        report(f"background-{kind}", seconds, export.file.size, memory, cpu)
        export.file.delete()
    latest = Meeting.objects.filter(status="agreed").order_by("-date").first()
    # The benchmark's meetings are made agreed, without the version agreeing freezes.
    if not latest.versions.exists():
        freeze_minutes(latest)
    for attempt in ("first (made, kept)", "again (kept)"):
        start = time.perf_counter()
        response = client.get(f"/meetings/{latest.pk}/minutes.pdf")
        assert response.status_code == 200, response.status_code
        print(
            f"minutes PDF, latest meeting, {attempt}: {(time.perf_counter() - start) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
