"""Concurrent writers against a live server: do parallel requests that write fail?

Run with `make bench-writers` (or `python bench/writers.py --writers 4 --requests 50`). It
builds a throwaway database (SQLite in a temporary file, or the PostgreSQL database that
`--database` names, dropped and created afresh), loads the October 2017 demo, starts gunicorn
on 127.0.0.1 with one worker per writer and the production settings (DEBUG off), signs each
writer in as the DCC, and has them all post progress updates to the DCC's actions at once.
It reports the answers, the server errors among them (there must be none) and the latency.
"""

import argparse
import collections
import datetime
import html
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4, help="parallel writers (default 4)")
    parser.add_argument("--requests", type=int, default=50, help="writes per writer")
    parser.add_argument("--seconds", type=float, default=120, help="stop writing after this")
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL to use, e.g. postgres://postgres@127.0.0.1:5432/assurance_bench"
        " (dropped and created afresh); default: SQLite in a temporary file",
    )
    args = parser.parse_args()

    env = demo_database(args.database)
    actions = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from actions.models import Action; from django.contrib.auth.models import User; "
        "print(*Action.objects.owned_by_user(User.objects.get(username='dcc'))"
        ".outstanding().values_list('pk', flat=True))",
    ).split()

    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "assurance.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(args.writers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        run(args, port, actions, vendor="PostgreSQL" if args.database else "SQLite")
    finally:
        server.terminate()
        server.wait(timeout=30)


def demo_database(database=None):
    """The environment of the production settings (DEBUG off) on a throwaway database holding
    the October 2017 demo: ``database``, a PostgreSQL URL dropped and created afresh, or SQLite
    in a temporary file."""
    if database:
        fresh_postgresql(database)
        url = database
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "assurance.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # No collectstatic for a benchmark: templates name the files as they are.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "ERROR",
        # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    # load_demo refuses to run with DEBUG off, as in production.
    manage({**env, "DEBUG": "true"}, "load_demo")
    return env


def fresh_postgresql(url):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    try:
        # DROP and CREATE DATABASE refuse to run inside a transaction.
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds} s")


class Browser:
    """One signed-in person: cookies kept by hand, so that the production settings' secure
    cookies travel over plain HTTP on 127.0.0.1 (the request says nginx saw HTTPS)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method, path, fields=None, headers=None):
        """(status, body); the answer's headers are left in ``response_headers``."""
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
            self.response_headers = dict(response.headers)
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, content
        finally:
            connection.close()

    def add_update(self, pk, text):
        """A progress update on action ``pk``, dated today, through the action page's form:
        the answer's status (302 when saved)."""
        status, _ = self.request(
            "POST",
            f"/actions/{pk}/update/",
            {
                "on_date": datetime.date.today().isoformat(),
                "text": text,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        return status

    def add_finding(self, item, text):
        """A finding on agenda item ``item`` of a meeting being minuted, through the record
        page's form as it posts without JavaScript: the answer's status (302 when saved)."""
        status, _ = self.request(
            "POST",
            f"/meetings/items/{item}/findings/add/",
            {"text": text, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )
        return status

    def sign_in(self, username, password):
        status, page = self.request("GET", "/accounts/login/")
        token = html.unescape(TOKEN.search(page)[1])
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        assert status == 302, f"signing in answered {status}"


def run(args, port, actions, vendor):
    browsers = [Browser(port) for _ in range(args.writers)]
    for browser in browsers:
        browser.sign_in("dcc", "assurance-demo")
    statuses, latencies, lock = collections.Counter(), [], threading.Lock()
    deadline = time.monotonic() + args.seconds
    start = threading.Barrier(args.writers)

    def write(number, browser):
        start.wait()
        for n in range(args.requests):
            if time.monotonic() > deadline:
                return
            pk = actions[(number + n) % len(actions)]
            began = time.perf_counter()
            try:
                status = browser.add_update(pk, f"Writer {number}, update {n}.")
            except OSError as error:
                status = type(error).__name__
            with lock:
                statuses[status] += 1
                latencies.append((time.perf_counter() - began) * 1000)

    threads = [
        threading.Thread(target=write, args=(number, browser))
        for number, browser in enumerate(browsers)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    errors = sum(count for status, count in statuses.items() if not isinstance(status, int))
    errors += sum(
        count for status, count in statuses.items() if isinstance(status, int) and status >= 500
    )
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    answers = " ".join(f"{status}×{count}" for status, count in sorted(statuses.items(), key=str))
    print(
        f"{vendor}: {args.writers} writers, {len(latencies)} writes in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s): {answers}; 5xx or failed: {errors}; "
        f"median {statistics.median(latencies):.0f} ms, 95th percentile {p95:.0f} ms"
    )
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
