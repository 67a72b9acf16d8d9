import io
import os

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from hypothesis import settings

from people import roles
from tests.factories import user_with_role

# Property-based tests at full strength in CI (CI=true, which .ci/run sets and CI services
# set), and a quick look in the local loop. HYPOTHESIS_PROFILE=ci runs the full set locally.
settings.register_profile("ci", max_examples=20)
settings.register_profile("dev", max_examples=3)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_run(tmp_path_factory):
    """Files the tests store go to a folder of this run (of this worker's, under
    pytest-xdist), not to one folder in /tmp that every run and worker would share: two
    workers would otherwise store, read back and delete files of the same names."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with nothing kept: what one test kept (a page's content under the
    record's version) must not be what another reads, should their databases look alike."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def demo(db, settings):
    """The October 2017 minutes and the three demo logins, as `make run` loads them."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def opcc_user(db):
    return user_with_role(roles.OPCC_STAFF)


@pytest.fixture
def commissioner_user(db):
    return user_with_role(roles.COMMISSIONER)


@pytest.fixture
def force_user(db):
    return user_with_role(roles.FORCE_OFFICER)


# A real SMTP server for the tests that send email (tests/mail.py).
from tests.mail import smtp  # noqa: E402, F401
