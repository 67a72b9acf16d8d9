"""The page where OPCC staff who manage users map an identity provider's groups to roles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import accounts, roles
from signin.models import RoleMapping
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
URL = "/accounts/groups/"


@pytest.fixture
def with_providers(settings):
    settings.OIDC_PROVIDERS = {
        slug: {
            "label": label,
            "issuer": f"https://login.example/{slug}",
            "client_id": "id",
            "client_secret": "secret",
            "allowed_domains": ["opcc.example"],
            "groups_claim": "groups",
            "trust_email": True,
            "scopes": "openid email",
        }
        for slug, label in (("opcc", "OPCC Entra ID"), ("force", "Force Entra ID"))
    }


@pytest.fixture
def manager_client(client):
    manager = user_with_role(roles.OPCC_STAFF, username="manager@opcc.example")
    manager.user_permissions.add(accounts.manage_users_permission())
    client.force_login(manager)
    client.manager = manager
    return client


def test_mapping_a_group_to_a_role(manager_client, with_providers):
    response = manager_client.post(
        URL,
        {
            "provider": "force",
            "group": " 6f1d2c3b-chief-officers ",
            "role": roles.COMMISSIONER,
            "description": "Chief officer team",
        },
        follow=True,
    )
    mapping = RoleMapping.objects.get()
    assert (mapping.provider, mapping.group, mapping.role, mapping.created_by) == (
        "force",
        "6f1d2c3b-chief-officers",
        roles.COMMISSIONER,
        manager_client.manager,
    )
    assert "Members of 6f1d2c3b-chief-officers now sign in as Commissioner." in response.text
    assert "<td>Force Entra ID (force)</td>" in response.text


def test_a_group_mapped_already_is_refused_beside_the_field(manager_client, with_providers):
    RoleMapping.objects.create(provider="opcc", group="g1", role=roles.OPCC_STAFF)
    response = manager_client.post(
        URL, {"provider": "opcc", "group": "g1", "role": roles.COMMISSIONER}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"group": ["This group is already mapped to a role."]}
    assert RoleMapping.objects.count() == 1


def test_an_unknown_provider_or_role_is_refused_beside_the_field(manager_client, with_providers):
    response = manager_client.post(URL, {"provider": "evil", "group": "g1", "role": "Admin"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"provider", "role"}
    assert not RoleMapping.objects.exists()


def test_removing_a_mapping(manager_client, with_providers):
    mapping = RoleMapping.objects.create(provider="opcc", group="g1", role=roles.OPCC_STAFF)
    response = manager_client.post(f"{URL}{mapping.pk}/delete/", follow=True)
    assert not RoleMapping.objects.exists()
    assert "g1 no longer gives a role." in response.text
    assert manager_client.post(f"{URL}{mapping.pk}/delete/").status_code == 404


@pytest.mark.parametrize("role", [roles.OPCC_STAFF, roles.COMMISSIONER, roles.FORCE_OFFICER])
def test_only_opcc_staff_who_manage_users_map_groups(client, with_providers, role):
    """OPCC staff without the right to manage users included: mapping a group gives roles."""
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"provider": "opcc", "group": "g1", "role": roles.OPCC_STAFF})
    assert response.status_code == 403
    assert not RoleMapping.objects.exists()


def test_the_page_does_as_many_queries_for_many_mappings_as_for_one(manager_client, with_providers):
    RoleMapping.objects.create(
        provider="opcc", group="g0", role=roles.OPCC_STAFF, created_by=manager_client.manager
    )
    manager_client.get(URL)
    with CaptureQueriesContext(connection) as one:
        manager_client.get(URL)
    for n in range(1, 20):
        RoleMapping.objects.create(
            provider="force",
            group=f"g{n}",
            role=roles.FORCE_OFFICER,
            created_by=manager_client.manager,
        )
    with CaptureQueriesContext(connection) as many:
        page = manager_client.get(URL)
    assert page.text.count('<code class="text-break">g') == 20
    assert len(many) == len(one)


def test_with_no_provider_configured_nothing_can_be_mapped(manager_client, settings):
    settings.OIDC_PROVIDERS = {}
    page = manager_client.get(URL)
    assert "No identity provider is configured (OIDC_PROVIDERS)" in page.text
    assert "Map a group" not in page.text
    response = manager_client.post(
        URL, {"provider": "opcc", "group": "g1", "role": roles.OPCC_STAFF}, follow=True
    )
    assert "No identity provider is configured, so no group can be mapped." in response.text
    assert not RoleMapping.objects.exists()
