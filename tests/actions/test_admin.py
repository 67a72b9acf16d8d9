"""Actions are closed, never deleted: the admin deletes neither an action nor its trail."""

import pytest
from django.contrib import admin
from django.urls import reverse

from actions.admin import ActionAdmin, ActionEventInline
from actions.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_request(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    return request


def test_the_admin_may_delete_no_action_nor_any_line_of_a_trail(admin_request, action):
    actions = ActionAdmin(Action, admin.site)
    trail = ActionEventInline(Action, admin.site)
    assert (
        actions.has_delete_permission(admin_request),
        actions.has_delete_permission(admin_request, action),
        trail.has_delete_permission(admin_request, action),
        "delete_selected" in actions.get_actions(admin_request),
    ) == (False, False, False, False)


def test_the_admin_refuses_to_delete_an_action(admin_client, action):
    response = admin_client.post(
        reverse("admin:actions_action_delete", args=[action.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert list(Action.objects.all()) == [action]


def test_the_admin_neither_changes_a_status_nor_edits_the_trail(admin_request, action):
    actions = ActionAdmin(Action, admin.site)
    trail = ActionEventInline(Action, admin.site)
    assert actions.get_readonly_fields(admin_request, action) == [
        "status",
        "version",
        "raised_owners",
        "raised_due_date",
        "raised_due_meeting",
        "raised_due_wording",
        "reference",
    ]
    assert actions.get_readonly_fields(admin_request) == [
        "status",
        "version",
        "raised_owners",
        "raised_due_date",
        "raised_due_meeting",
        "raised_due_wording",
    ]
    assert (
        trail.has_add_permission(admin_request, action),
        trail.has_change_permission(admin_request, action),
    ) == (False, False)
