import pytest
from django.urls import reverse

from meetings.models import AgendaItem, MeetingSeries
from tests.factories import ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_item(demo):
    meeting = MeetingFactory(series=MeetingSeries.objects.get(), status="draft")
    return ItemFactory(meeting=meeting, number="2", heading="Risks")


def test_an_edit_is_recorded_with_who_and_what_changed(client, draft_item):
    client.login(username="officer", password="assurance-demo")
    client.post(
        reverse("meetings:item_edit", args=[draft_item.pk]),
        {
            "number": "2",
            "heading": "Operational risks",
            "label_findings": "on",
            "nil_return": "",
            "version": 1,
        },
    )
    record = AgendaItem.history.filter(id=draft_item.pk).latest("history_date")
    assert (record.heading, record.history_type, record.history_user.username) == (
        "Operational risks",
        "~",
        "officer",
    )
    response = client.get(reverse("meetings:history", args=[draft_item.meeting_id]))
    [change] = [c for c in response.context["changes"] if c["record"].history_type == "~"]
    assert change["fields"] == [("Heading", "Risks", "Operational risks")]
    assert change["user"].username == "officer"


def test_a_deleted_finding_stays_in_the_history(client, draft_item):
    client.login(username="officer", password="assurance-demo")
    client.post(reverse("meetings:finding_add", args=[draft_item.pk]), {"text": "Said once"})
    finding = draft_item.findings.get()
    client.post(reverse("meetings:finding_delete", args=[finding.pk]))
    assert list(
        draft_item.findings.model.history.filter(id=finding.pk)
        .order_by("history_date")
        .values_list("history_type", "text", "history_user__username")
    ) == [("+", "Said once", "officer"), ("-", "Said once", "officer")]


@pytest.mark.parametrize("username", ["commissioner", "dcc"])
def test_only_opcc_staff_read_the_changes(client, draft_item, username):
    client.login(username=username, password="assurance-demo")
    assert client.get(reverse("meetings:history", args=[draft_item.meeting_id])).status_code == 403
