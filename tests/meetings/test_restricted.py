"""Restricted items: withheld, with their reason, from the public version and the force."""

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Meeting
from meetings.services import set_minutes_status

pytestmark = pytest.mark.django_db

REASON = "Operationally sensitive: live inquest"


@pytest.fixture
def restricted(demo):
    """Item 2 of the agreed October minutes restricted, as a correction: reopened, changed
    and agreed again (agreed minutes show what was frozen when they were agreed)."""
    october = Meeting.objects.get(date="2017-10-31")
    set_minutes_status(october, "draft", by=None, reason="Item 2 is operationally sensitive.")
    item = AgendaItem.objects.get(meeting=october, number="2", parent=None)
    item.restricted = True
    item.restriction_reason = REASON
    item.save()
    set_minutes_status(october, "agreed", by=None)
    return item


def minutes(client, username, query=""):
    client.login(username=username, password="assurance-demo")
    meeting = Meeting.objects.get(date="2017-10-31")
    return client.get(meeting.get_absolute_url() + query)


def test_the_force_sees_that_an_item_was_withheld_and_why(client, restricted):
    response = minutes(client, "dcc")
    assert (
        "This item is withheld from this version of the minutes. Reason: "
        "Operationally sensitive: live inquest"
    ) in response.text
    assert "Nuneaton firearms incident" not in response.text
    assert "The Athena update brief" not in response.text
    assert [line.reference for line in response.context["doc"].summary] == [
        "2017/10-01",
        "2017/10-02",
        "2017/10-03",
        "2017/10-04",
        "2017/10-06",
        "2017/10-07",
        "2017/10-08",
    ]


def test_the_commissioner_sees_the_full_item_marked_restricted(client, restricted):
    response = minutes(client, "commissioner")
    assert "Nuneaton firearms incident" in response.text
    assert (
        '<p class="restricted-note">Restricted: left out of the public version. '
        f"Reason: {REASON}</p>" in response.text
    )


def test_the_opcc_can_see_the_public_version(client, restricted):
    response = minutes(client, "officer", "?version=public")
    assert "Nuneaton firearms incident" not in response.text
    assert "<strong>Public version</strong>" in response.text


def test_the_forces_word_document_leaves_the_item_out(client, restricted):
    from tests.meetings.test_documents import docx_text

    client.login(username="dcc", password="assurance-demo")
    response = client.get(reverse("meetings:docx", args=[restricted.meeting_id]))
    text = docx_text(response.content)
    assert "Nuneaton" not in text
    assert f"Reason: {REASON}" in text


def test_restricting_needs_a_reason(client, demo):
    from tests.factories import ItemFactory, MeetingFactory

    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="9")
    client.login(username="officer", password="assurance-demo")
    response = client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        {"number": "9", "heading": "Covert", "restricted": "on", "nil_return": "", "version": 1},
    )
    assert response.context["form"].errors == {
        "restriction_reason": [
            "Say why the item is withheld: the published minutes show the reason."
        ]
    }


def test_actions_of_a_restricted_item_are_hidden_from_other_force_officers(client, restricted):
    from actions.models import Action
    from people import roles
    from tests.factories import PersonFactory, user_with_role

    other = user_with_role(roles.FORCE_OFFICER, "other_officer", person=PersonFactory())
    assert not Action.objects.visible_to(other).filter(item=restricted).exists()
    client.force_login(other)
    athena = Action.objects.get(reference="2017/10-05")
    assert client.get(athena.get_absolute_url()).status_code == 404
    # The DCC owns it, so still sees it and can act on it.
    client.login(username="dcc", password="assurance-demo")
    assert client.get(athena.get_absolute_url()).status_code == 200


def test_everything_under_a_restricted_item_is_withheld_with_it(demo):
    from meetings.minutes import minutes_rows

    meeting = Meeting.objects.get(date="2017-10-31")
    AgendaItem.objects.filter(meeting=meeting, number="5a").update(
        restricted=True, restriction_reason="Draft performance data"
    )
    rows = minutes_rows(meeting, public=True)
    assert [(row.item.label, row.withheld) for row in rows if row.item.label.startswith("5")] == [
        ("5", False),
        ("5a", True),
        ("5b", False),
        ("5c", False),
    ]
