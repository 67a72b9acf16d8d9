"""The admin cannot change or delete agreed or published minutes, nor anything in them."""

import pytest
from django.contrib import admin
from django.urls import reverse

from meetings.admin import (
    AgendaItemAdmin,
    AttendanceInline,
    FindingAdmin,
    FindingInline,
    MeetingAdmin,
)
from meetings.models import AgendaItem, Finding, Meeting
from tests.factories import (
    AttendanceFactory,
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_request(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    return request


def permissions(admin_request, status):
    """What the admin allows on minutes of ``status``: change, delete, and add to inlines."""
    meeting = MeetingFactory(status=status)
    AttendanceFactory(meeting=meeting)
    finding = FindingFactory(item=ItemFactory(meeting=meeting))
    item = finding.item
    meetings = MeetingAdmin(Meeting, admin.site)
    items = AgendaItemAdmin(AgendaItem, admin.site)
    findings = FindingAdmin(Finding, admin.site)
    attendance_inline = AttendanceInline(Meeting, admin.site)
    finding_inline = FindingInline(AgendaItem, admin.site)
    return {
        "change meeting": meetings.has_change_permission(admin_request, meeting),
        "delete meeting": meetings.has_delete_permission(admin_request, meeting),
        "change item": items.has_change_permission(admin_request, item),
        "delete item": items.has_delete_permission(admin_request, item),
        "change finding": findings.has_change_permission(admin_request, finding),
        "delete finding": findings.has_delete_permission(admin_request, finding),
        "add finding to item": finding_inline.has_add_permission(admin_request, item),
        "change findings of item": finding_inline.has_change_permission(admin_request, item),
        "delete findings of item": finding_inline.has_delete_permission(admin_request, item),
        "add attendance": attendance_inline.has_add_permission(admin_request, meeting),
        "change attendance": attendance_inline.has_change_permission(admin_request, meeting),
        "delete attendance": attendance_inline.has_delete_permission(admin_request, meeting),
    }


@pytest.mark.parametrize("status", ["agreed", "published"])
def test_agreed_or_published_minutes_and_their_contents_are_locked_in_the_admin(
    admin_request, status
):
    allowed = permissions(admin_request, status)
    assert allowed == dict.fromkeys(allowed, False)


def test_draft_minutes_and_their_contents_can_still_be_edited_in_the_admin(admin_request):
    allowed = permissions(admin_request, "draft")
    assert allowed == dict.fromkeys(allowed, True)


def test_the_admin_refuses_to_delete_agreed_minutes(admin_client):
    meeting = MeetingFactory(status="agreed")
    response = admin_client.post(
        reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert list(Meeting.objects.all()) == [meeting]


def test_the_admin_bulk_delete_deletes_nothing_when_agreed_minutes_are_among_those_chosen(
    admin_client,
):
    draft, published = MeetingFactory(status="draft"), MeetingFactory(status="published")
    admin_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
    )
    assert set(Meeting.objects.all()) == {draft, published}


def test_the_admin_shows_agreed_minutes_read_only_and_refuses_a_change(admin_client):
    meeting = MeetingFactory(status="agreed", venue="Hindlip")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    response = admin_client.get(url)
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
    response = admin_client.post(url, {"venue": "Elsewhere", "status": "draft"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.status) == ("Hindlip", "agreed")


def test_the_admin_page_of_agreed_minutes_offers_no_change_to_their_chairs_or_attendance(
    admin_client,
):
    attendance = AttendanceFactory(meeting=MeetingFactory(status="agreed"))
    response = admin_client.get(
        reverse("admin:meetings_meeting_change", args=[attendance.meeting_id])
    )
    formsets = response.context["inline_admin_formsets"]
    assert [
        (
            formset.opts.model.__name__,
            formset.has_add_permission,
            formset.has_change_permission,
            formset.has_delete_permission,
        )
        for formset in formsets
    ] == [("MeetingChair", False, False, False), ("Attendance", False, False, False)]


def test_the_admin_does_not_change_a_posts_holder_behind_its_history(admin_client):
    holder, other = PersonFactory(), PersonFactory()
    post = PostFactory(holder=holder)
    admin_client.post(
        reverse("admin:people_post_change", args=[post.pk]),
        {
            "abbreviation": post.abbreviation,
            "title": post.title,
            "organisation": "force",
            "seniority": 1,
            "holder": other.pk,
            "version": post.version,
        },
    )
    post.refresh_from_db()
    assert (post.holder, post.seniority) == (holder, 1)
