"""node's oidc-provider, a certified OpenID Provider none of us wrote, on 127.0.0.1 for the
interoperability tests of sign-in (provider.mjs says what it offers). `make test` installs it
from npm (`make interop-deps`); without node or the package these tests are skipped, saying
which."""

import json
import os
import re
import selectors
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from signin import providers

HERE = Path(__file__).resolve().parent
CLIENT_ID = "holding-to-account"
CLIENT_SECRET = "interop-client-secret-0123456789"
# Where the app, under Django's test client, asks to be sent back to.
REDIRECT_URI = "http://testserver/accounts/oidc/callback/"
POST_LOGOUT_REDIRECT_URI = "http://testserver/accounts/login/"
LOGOUT_FORM = re.compile(
    r'<form id="op.logoutForm" method="post" action="([^"]+)">'
    r'<input type="hidden" name="xsrf" value="([^"]+)"/>'
)


def why_not_installed():
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed: the sign-in interoperability tests need node and npm"
    if not (HERE / "node_modules" / "oidc-provider" / "package.json").exists():
        return (
            "node's oidc-provider is not installed: `make interop-deps` installs it from npm "
            "into tests/signin/interop/node_modules"
        )
    return None


class NodeProvider:
    def __init__(self, url, issuers):
        self.url = url
        self.issuers = issuers

    def add_account(self, login, **claims):
        """A person at the provider, known by ``login``, with exactly these claims (and the
        subject the provider gives them)."""
        response = requests.post(
            f"{self.url}/test/accounts", json={"login": login, "claims": claims}, timeout=10
        )
        response.raise_for_status()
        return {"login": login, "sub": response.json()["sub"]}

    def sign_in(self, authorize_url, login, browser=None, cancel=False):
        """Be the browser at the provider: give ``login`` (or cancel) on its sign-in form if
        it asks, and come back with the redirect to the app's callback, unfollowed, since
        the app is Django's test client. ``browser`` keeps the provider's cookies between
        calls, as one browser would."""
        browser = browser or requests.Session()
        response = browser.get(authorize_url, allow_redirects=False, timeout=10)
        for _ in range(10):
            location = response.headers.get("Location", "")
            if location.startswith(REDIRECT_URI):
                return location
            if response.status_code == 200 and "/interaction/" in response.url:
                assert cancel or login, "The provider asked who is signing in"
                form = {"cancel": "1"} if cancel else {"login": login}
                response = browser.post(response.url, data=form, allow_redirects=False, timeout=10)
                continue
            assert response.status_code in (302, 303), (response.status_code, response.text)
            response = browser.get(
                urljoin(response.url, location), allow_redirects=False, timeout=10
            )
        raise AssertionError(f"The provider never sent the browser back: {response.url}")

    def end_session(self, url, browser):
        """Follow the app's sign-out to the provider and confirm there, as a person would;
        answers where the provider then sends the browser."""
        page = browser.get(url, allow_redirects=False, timeout=10)
        assert page.status_code == 200, (page.status_code, page.text)
        action, xsrf = LOGOUT_FORM.search(page.text).groups()
        response = browser.post(
            urljoin(page.url, action),
            data={"xsrf": xsrf, "logout": "yes"},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code in (302, 303), (response.status_code, response.text)
        return response.headers["Location"]


@pytest.fixture(scope="session")
def node_provider(tmp_path_factory):
    reason = why_not_installed()
    if reason:
        pytest.skip(reason)
    log_path = tmp_path_factory.mktemp("node-oidc") / "provider.log"
    env = {
        **os.environ,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": REDIRECT_URI,
        "POST_LOGOUT_REDIRECT_URI": POST_LOGOUT_REDIRECT_URI,
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            # It prints where it listens once it does (port 0: no race for a free port).
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                ready = selector.select(timeout=30)
            line = process.stdout.readline() if ready else ""
            if not line:
                raise RuntimeError(f"node oidc-provider did not start: {log_path.read_text()}")
            started = json.loads(line)
            yield NodeProvider(started["url"], started["issuers"])
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture
def interop_settings(settings, node_provider):
    """The app with two providers at node oidc-provider: "entra", an Entra ID-style tenant
    (claims in the ID token, no email_verified, so the deployment trusts its addresses, as
    the README says for Entra ID), and "plain", a provider in its default mode (claims at
    the userinfo endpoint, with email_verified)."""
    common = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_domains": ["opcc.example", "police.example"],
        "groups_claim": "groups",
        "scopes": "openid email profile",
    }
    settings.OIDC_PROVIDERS = {
        "entra": {
            **common,
            "label": "Entra ID",
            "issuer": node_provider.issuers["entra"],
            "trust_email": True,
        },
        "plain": {
            **common,
            "label": "Plain provider",
            "issuer": node_provider.issuers["userinfo"],
            "trust_email": False,
        },
    }
    providers.forget_discovery()
    yield settings
    providers.forget_discovery()
