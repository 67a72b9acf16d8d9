"""Each signed-in request's login, read with its roles in one statement (signin.backends)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import accounts, roles
from signin.backends import PasswordBackend
from signin.oidc import OrganisationBackend
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _fresh_roles(user):
    """What ``roles._groups`` answers for ``user`` read through the ORM, nothing primed."""
    return roles._groups(type(user).objects.get(pk=user.pk))


def _manager():
    user = user_with_role(roles.OPCC_STAFF, username="manager")
    user.user_permissions.add(accounts.manage_users_permission())
    return user


def _two_roles():
    user = user_with_role(roles.COMMISSIONER, username="both")
    user.groups.add(Group.objects.get_or_create(name=roles.FORCE_OFFICER)[0])
    return user


@pytest.mark.parametrize(
    "make",
    [
        _manager,
        _two_roles,
        lambda: user_with_role(roles.FORCE_OFFICER, username="force"),
        lambda: UserFactory(username="nobody"),
    ],
)
def test_the_login_comes_with_the_roles_it_holds_in_one_query(make):
    user = make()
    with CaptureQueriesContext(connection) as queries:
        loaded = PasswordBackend().get_user(user.pk)
        answers = (
            roles.is_opcc_staff(loaded),
            roles.is_commissioner(loaded),
            roles.is_force_officer(loaded),
            roles.can_manage_users(loaded),
        )
    assert len(queries) == 1
    assert loaded._role_names == _fresh_roles(user)
    assert answers == (
        roles.is_opcc_staff(user),
        roles.is_commissioner(user),
        roles.is_force_officer(user),
        roles.can_manage_users(user),
    )
    fields = [field.attname for field in type(user)._meta.concrete_fields]
    assert [getattr(loaded, name) for name in fields] == [getattr(user, name) for name in fields]
    assert loaded._state.adding is False


def test_the_roles_named_are_exactly_those_held():
    assert _fresh_roles(_manager()) == {roles.OPCC_STAFF, roles.MANAGE_USERS_CODENAME}
    assert _fresh_roles(_two_roles()) == {roles.COMMISSIONER, roles.FORCE_OFFICER}
    assert PasswordBackend().get_user(UserFactory(username="nobody").pk)._role_names == set()


def test_no_such_login_is_no_one():
    assert PasswordBackend().get_user(987654) is None
    assert OrganisationBackend().get_user(987654) is None


def test_a_deactivated_login_is_signed_out_of_a_password_session():
    user = user_with_role(roles.OPCC_STAFF)
    user.is_active = False
    user.save()
    assert PasswordBackend().get_user(user.pk) is None


def test_a_role_given_since_the_last_request_is_read_on_the_next(client):
    user = UserFactory(username="newcomer")
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 403
    user.groups.add(Group.objects.get_or_create(name=roles.COMMISSIONER)[0])
    assert roles.is_commissioner(PasswordBackend().get_user(user.pk))
