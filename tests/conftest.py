import io

import pytest
from django.core.management import call_command

from meetings import roles
from tests.factories import user_with_role


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
