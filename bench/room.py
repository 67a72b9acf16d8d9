"""The meeting room's screen under viewers: what each costs, and whether they slow the officer.

Run with `make bench-room` (or `python bench/room.py --viewers 20 --seconds 30`). It builds a
throwaway database (SQLite in a temporary file, or the PostgreSQL database `--database` names,
dropped and created afresh), loads the October 2017 demo and opens November's meeting, starts
gunicorn as the README runs it (2 sync workers, production settings), and the officer opens
item 2 for the room. Then, for ``--seconds`` each:

1. the officer adds a finding once a second through the record page's form, alone;
2. the same with ``--viewers`` screens, each asking the room's screen every 1.5 s with the ETag
   of what it shows (as room.js does), each signed in on its own;
3. the viewers alone, nothing written.

It prints the officer's save latency in 1 and 2 (median and 95th percentile), the viewers'
requests per minute, their answers (200 or 304) and latency, and the server's CPU time per
viewer request (the gunicorn workers' user and system time over the requests they served).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from writers import BIN, ROOT, Browser, demo_database, free_port, manage, wait_for  # noqa: E402

PASSWORD = "assurance-demo"
POLL_SECONDS = 1.5
OPEN_NOVEMBER = """
import datetime
from actions.reviews import bring_forward
from meetings import services
from meetings.models import Meeting
october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
november = services.open_meeting(
    october.series, date=datetime.date(2017, 11, 29), chairs=october.ordered_chairs(),
    minute_taker=october.minute_taker,
)
bring_forward(november)
print(november.pk, november.items.get(number="2", parent=None).pk)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=20, help="screens asking (default 20)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL (dropped and created afresh); default: SQLite in a temporary file",
    )
    args = parser.parse_args()
    env = demo_database(args.database)
    meeting, item = manage(env, "shell", "--no-imports", "-c", OPEN_NOVEMBER).split()
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "assurance.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--timeout", "30", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        run(args, port, server.pid, meeting, item)
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_cpu_seconds(master):
    """User and system CPU of gunicorn's worker processes (the master's children)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentiles(latencies):
    if not latencies:
        return "none"
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    return f"median {statistics.median(latencies):.0f} ms, 95th percentile {p95:.0f} ms"


def officer_writes(officer, item, stop, latencies):
    n = 0
    while not stop.wait(1.0):
        began = time.perf_counter()
        status, _ = officer.request(
            "POST",
            f"/meetings/items/{item}/findings/add/",
            {"text": f"Finding {n}.", "csrfmiddlewaretoken": officer.cookies["csrftoken"]},
        )
        if status != 302:
            raise SystemExit(f"the officer's finding was answered {status}")
        latencies.append((time.perf_counter() - began) * 1000)
        n += 1


def viewer_asks(viewer, meeting, stop, answers, latencies, lock):
    etag = ""
    url = f"/room/meetings/{meeting}/now/?view=force"
    # As room.js does: each screen asks at its own moment, 0.8 to 1.2 times the interval.
    stop.wait(random.uniform(0, POLL_SECONDS))
    while not stop.is_set():
        began = time.perf_counter()
        status, _body = viewer.request("GET", url, headers={"If-None-Match": etag})
        with lock:
            answers[status] = answers.get(status, 0) + 1
            latencies.append((time.perf_counter() - began) * 1000)
        etag = viewer.response_headers.get("ETag", etag)
        stop.wait(POLL_SECONDS * random.uniform(0.8, 1.2))


def phase(args, server, meeting, item, officer, viewers):
    stop = threading.Event()
    saves, answers, views, lock = [], {}, [], threading.Lock()
    threads = []
    if officer is not None:
        threads.append(threading.Thread(target=officer_writes, args=(officer, item, stop, saves)))
    for viewer in viewers:
        threads.append(
            threading.Thread(target=viewer_asks, args=(viewer, meeting, stop, answers, views, lock))
        )
    cpu = worker_cpu_seconds(server)
    began = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return saves, answers, views, worker_cpu_seconds(server) - cpu, elapsed


def run(args, port, server, meeting, item):
    officer = Browser(port)
    officer.sign_in("officer", PASSWORD)
    status, _ = officer.request(
        "POST",
        f"/room/meetings/{meeting}/follow/",
        {"item": item, "csrfmiddlewaretoken": officer.cookies["csrftoken"]},
    )
    assert status == 204, f"following item 2 answered {status}"
    viewers = []
    for _ in range(args.viewers):
        screen = Browser(port)
        screen.sign_in("commissioner", PASSWORD)
        viewers.append(screen)

    alone, _, _, _, _ = phase(args, server, meeting, item, officer, [])
    watched, answers, views, cpu, elapsed = phase(args, server, meeting, item, officer, viewers)
    _, idle_answers, idle_views, idle_cpu, idle_elapsed = phase(
        args, server, meeting, item, None, viewers
    )
    print(f"officer's saves alone: {len(alone)}, {percentiles(alone)}")
    print(f"officer's saves with {args.viewers} screens: {len(watched)}, {percentiles(watched)}")
    per_minute = sum(answers.values()) / elapsed * 60
    print(
        f"screens while the officer writes: {per_minute:.0f} requests a minute "
        f"({per_minute / args.viewers:.0f} a screen), answers {dict(sorted(answers.items()))}, "
        f"{percentiles(views)}; server CPU {cpu / max(sum(answers.values()), 1) * 1000:.1f} ms "
        "a request (the officer's saves included)"
    )
    idle = sum(idle_answers.values())
    print(
        f"screens alone: {idle / idle_elapsed * 60:.0f} requests a minute, answers "
        f"{dict(sorted(idle_answers.items()))}, {percentiles(idle_views)}; server CPU "
        f"{idle_cpu / max(idle, 1) * 1000:.1f} ms a request"
    )
    bad = {k: v for k, v in {**answers, **idle_answers}.items() if k not in (200, 304)}
    if bad:
        raise SystemExit(f"screens were answered {bad}")


if __name__ == "__main__":
    main()
