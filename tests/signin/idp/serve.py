"""Run the test identity provider: python -m tests.signin.idp.serve PORT

Its database (IDP_DB), key (IDP_RSA_KEY) and one confidential client (IDP_CLIENT_ID,
IDP_CLIENT_SECRET, IDP_REDIRECT_URIS) come from the environment."""

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.signin.idp.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIServer, run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402


def main():
    port = int(sys.argv[1])
    call_command("migrate", verbosity=0)
    get_application_model().objects.create(
        name="Holding to account",
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=os.environ["IDP_REDIRECT_URIS"],
        post_logout_redirect_uris=os.environ["IDP_POST_LOGOUT_REDIRECT_URIS"],
        algorithm="RS256",
        skip_authorization=True,
    )
    print("ready", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main()
