"""Application hosts as production runs them, for the tests that need real processes:
gunicorn (and the task worker) on the test database, and a browser's cookies across them."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def host_environment(media_root, **extra):
    """The environment of a production process on the test database."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "assurance.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "SECRET_KEY": "multi-host-test-key",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(media_root),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EXPORT_BACKGROUND_ROWS": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_gunicorn(env, workers=1):
    """A gunicorn host on a free port, answering: (the process, its address).

    Its log goes to a file, not a pipe: a pipe nobody reads fills (64 KB: a thousand logged
    503s under load) and every worker then blocks writing its next line."""
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False) as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "assurance.wsgi", "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    server.log_path = Path(log.name)
    url = f"http://127.0.0.1:{port}"
    wait_for(server, url)
    return server, url


def log_tail(server, characters=2000):
    return server.log_path.read_text(errors="replace")[-characters:]


def stop_host(server):
    """Stop a host as its supervisor would: gracefully, then for good if a worker hangs, so
    that a test that failed says why rather than timing out here."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    server.log_path.unlink(missing_ok=True)


def wait_for(server, url):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {log_tail(server)}")
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=10)
            return
        except OSError:  # refused, reset or timed out while it starts
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within 60 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser's cookies, sent to whichever host it asks: the proxy's choice. Cookies
    are kept by hand because the application marks them Secure, as it must, and the test
    speaks plain HTTP to gunicorn, as nginx does."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, url, data=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read()

    def get(self, url):
        return self.request(url)

    def csrf_token(self, url):
        status, _, body = self.get(url)
        assert status == 200, (url, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()

    def post(self, url, fields, files=None, form_page=None):
        fields = {"csrfmiddlewaretoken": self.csrf_token(form_page or url), **fields}
        if not files:
            data = urllib.parse.urlencode(fields).encode()
            return self.request(url, data, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            url, data, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def sign_in(self, host, username, password):
        return self.post(f"{host}/accounts/login/", {"username": username, "password": password})
