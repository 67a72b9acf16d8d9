"""Alters the ID token in a token response, after the provider signed it, when the tests ask
(the flag file exists, JSON): its "claims" and "header" replace those in the token, the
signature stays."""

import base64
import json
from pathlib import Path

from django.conf import settings


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tamper(id_token, changes):
    header, payload, signature = id_token.split(".")
    claims = json.loads(_unb64(payload))
    claims.update(changes.get("claims", {}))
    if "header" in changes:
        header = _b64(json.dumps(changes["header"]).encode())
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


class TamperMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        flag = Path(settings.TAMPER_FLAG)
        if request.path.endswith("/token/") and response.status_code == 200 and flag.exists():
            body = json.loads(response.content)
            body["id_token"] = tamper(body["id_token"], json.loads(flag.read_text()))
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
            flag.unlink()
        return response
