"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests (tests/signin/idp):
django-oauth-toolkit, its own SQLite file, an RSA key made for the run. The app under test
reaches it over HTTP for discovery, the token and the keys, as it would Entra ID."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages

from people import roles
from signin import providers
from tests.factories import PersonFactory, user_with_role

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "holding-to-account"
CLIENT_SECRET = "test-client-secret-0123456789"
REDIRECT_URI = "http://testserver/accounts/oidc/callback/"
POST_LOGOUT_REDIRECT_URI = "http://testserver/accounts/login/"


def known_person(email, role=roles.FORCE_OFFICER):
    """A login here, for a person in the directory with the same address."""
    user = user_with_role(role, username=email)
    user.email = email
    user.save(update_fields=["email"])
    PersonFactory(name="Dana Clarke", email=email, user=user)
    return user


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class IdentityProvider:
    def __init__(self, url, tamper_flag):
        self.url = url
        self.issuer = f"{url}/o"
        self.tamper_flag = tamper_flag
        self.count = 0

    def add_user(
        self,
        email,
        *,
        groups=(),
        username=None,
        password="idp-password-1",
        id_token_claims=None,
        userinfo_claims=None,
    ):
        """A user at the provider; ``id_token_claims`` and ``userinfo_claims`` change what
        it says of them in each place (None removes a claim)."""
        self.count += 1
        username = username or f"user{self.count}-{email}"
        response = requests.post(
            f"{self.url}/test/users/",
            json={
                "username": username,
                "email": email,
                "password": password,
                "groups": groups,
                "id_token_claims": id_token_claims or {},
                "userinfo_claims": userinfo_claims or {},
            },
            timeout=10,
        )
        response.raise_for_status()
        return {"username": username, "password": password, "sub": response.json()["sub"]}

    def tamper_next_id_token(self, claims=None, header=None):
        """Alter the next ID token after the provider signed it."""
        changes = {"claims": claims or {}}
        if header is not None:
            changes["header"] = header
        Path(self.tamper_flag).write_text(json.dumps(changes))

    def sign_in(self, authorize_url, account):
        """Be the browser at the provider: sign in there, and come back with the redirect
        to the app's callback (not followed: the app is Django's test client)."""
        browser = requests.Session()
        response = browser.get(authorize_url, allow_redirects=True, timeout=10)
        assert response.url.startswith(f"{self.url}/accounts/login/"), response.url
        response = browser.post(
            response.url,
            data={
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "next": parse_qs(urlsplit(response.url).query)["next"][0],
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text
        response = browser.get(
            self.url + response.headers["Location"], allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("idp")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    env = {
        **os.environ,
        "IDP_DB": str(folder / "idp.sqlite3"),
        "IDP_RSA_KEY": pem,
        "IDP_TAMPER_FLAG": str(folder / "tamper"),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URIS": REDIRECT_URI,
        "IDP_POST_LOGOUT_REDIRECT_URIS": POST_LOGOUT_REDIRECT_URI,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    with open(folder / "idp.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.signin.idp.serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for(url, process, folder / "idp.log")
            yield IdentityProvider(url, str(folder / "tamper"))
        finally:
            process.terminate()
            process.wait(10)


def _wait_for(url, process, log_path):
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"The test identity provider did not start: {log_path.read_text()}")
        time.sleep(0.2)


@pytest.fixture
def oidc_settings(settings, identity_provider):
    """The app configured with the test provider as "test" (and the demo domain allowed)."""
    settings.OIDC_PROVIDERS = {
        "test": {
            "label": "Test Entra ID",
            "issuer": identity_provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "allowed_domains": ["opcc.example", "police.example"],
            "groups_claim": "groups",
            "trust_email": False,
            "scopes": "openid email profile",
        }
    }
    providers.forget_discovery()
    yield settings
    providers.forget_discovery()
