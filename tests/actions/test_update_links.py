"""Owners without a login report from the email: a link to one action's update form, used
once, expiring, revocable, recorded on the trail as theirs, and never a way into anything
else."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions import update_links
from actions.models import ActionEvent, Status, UpdateLink
from actions.reminders import send_reminders
from people import roles
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2017, 11, 20)


@pytest.fixture
def owner():
    return PersonFactory(name="Dr Rhiannon Lloyd", initials="RL", email="rl@example.org")


@pytest.fixture
def action(owner):
    meeting = MeetingFactory(status="agreed", title="Monthly Assurance Meeting October 2017")
    return ActionFactory(
        item=ItemFactory(meeting=meeting),
        text="Report the custody inspection's findings",
        owners=[owner],
        due_date=TODAY + datetime.timedelta(days=3),
    )


def link_path(body):
    return re.search(r"https?://[^/\s]+(/actions/u/[^/\s]+/)", body)[1]


def test_a_reminder_to_an_owner_without_a_login_carries_a_link_that_reports_once(
    client, action, owner
):
    send_reminders(TODAY)
    [email] = mail.outbox
    assert "Report progress: http" in email.body
    path = link_path(email.body)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not UpdateLink.objects.filter(digest=token).exists()  # only a digest is kept

    page = client.get(path)
    assert page.status_code == 200
    assert "Report the custody inspection&#x27;s findings" in page.text
    response = client.post(
        path,
        {"on_date": "20/11/2017", "text": "Findings sent to the OPCC.", "complete": "on"},
    )
    assert response.status_code == 200
    assert "Thank you: your update is on the action" in response.text
    action.refresh_from_db()
    assert action.status == Status.AWAITING_CLOSURE
    assert list(action.events.filter(by_person=owner).values_list("kind", "text", "on_date")) == [
        (ActionEvent.Kind.UPDATE, "Findings sent to the OPCC.", TODAY),
        (ActionEvent.Kind.STATUS, "Findings sent to the OPCC.", TODAY),
    ]
    # Once only, and nobody was signed in by it.
    again = client.post(path, {"on_date": "20/11/2017", "text": "Again"})
    assert again.status_code == 410
    assert "This link has been used" in again.text
    assert "_auth_user_id" not in client.session
    for elsewhere in [
        action.get_absolute_url(),
        reverse("actions:log"),
        reverse("actions:add_update", args=[action.pk]),
    ]:
        assert client.get(elsewhere).status_code == 302, elsewhere


def test_a_link_for_one_action_opens_no_other(client, action, owner):
    other = ActionFactory(item=action.item, text="Another action", owners=[owner])
    path = update_links.issue(action, owner)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert "Another action" not in client.get(path).text
    assert client.get(reverse("actions:update_by_link", args=[token + "x"])).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 302


def test_an_expired_or_withdrawn_link_works_no_more(client, action, owner):
    officer = user_with_role(roles.OPCC_STAFF, username="jackie")
    expired = update_links.issue(action, owner)
    UpdateLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(expired).status_code == 410
    assert "This link has expired" in client.get(expired).text

    withdrawn = update_links.issue(action, owner)
    client.force_login(officer)
    link = UpdateLink.objects.get(expires_at__gt=timezone.now())
    response = client.post(reverse("actions:revoke_update_link", args=[link.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The link sent to Dr Rhiannon Lloyd no longer works."
    ]
    client.logout()
    refused = client.post(withdrawn, {"on_date": "20/11/2017", "text": "Too late"})
    assert (refused.status_code, action.events.filter(text="Too late").exists()) == (410, False)
    assert "withdrawn by the Office" in refused.text


def test_the_office_emails_a_link_and_sees_what_became_of_it(client, action, owner):
    client.force_login(user_with_role(roles.OPCC_STAFF, username="jackie"))
    page = client.get(action.get_absolute_url()).text
    assert "Email Dr Rhiannon Lloyd a link to report" in page
    client.post(reverse("actions:send_update_link", args=[action.pk]), {"person": owner.pk})
    [email] = mail.outbox
    assert email.to == ["rl@example.org"]
    assert email.subject == f"Progress on action {action.reference}"
    assert "The link works once, for this action only, and expires in 14 days." in email.body
    page = client.get(action.get_absolute_url()).text
    assert "Open until" in page and "Withdraw" in page


def test_a_link_is_sent_only_to_an_owner_without_a_login(client, action):
    with_login = user_with_role(roles.FORCE_OFFICER, username="dcc", person=PersonFactory())
    action.owner_people.add(with_login.person)
    client.force_login(user_with_role(roles.OPCC_STAFF, username="jackie"))
    response = client.post(
        reverse("actions:send_update_link", args=[action.pk]),
        {"person": with_login.person.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Choose an owner of this action who has no login."
    ]
    assert mail.outbox == []


def test_the_link_page_is_never_cached_nor_sent_on_as_a_referrer(client, action, owner):
    response = client.get(update_links.issue(action, owner))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_a_reminder_gives_links_only_to_the_owner_without_a_login(action, owner):
    # Two owners of one action: one with a login, who signs in, and one without.
    colleague = user_with_role(roles.FORCE_OFFICER, username="dcc", person=PersonFactory())
    colleague.person.email = "dcc@example.org"
    colleague.person.save()
    action.owner_people.add(colleague.person)
    send_reminders(TODAY)
    bodies = {email.to[0]: email.body for email in mail.outbox}
    assert "Report progress: http" in bodies["rl@example.org"]
    assert "Report progress" not in bodies["dcc@example.org"]
    assert 'Add updates under "My actions"' in bodies["dcc@example.org"]
    assert UpdateLink.objects.get().person == owner


def test_a_reminder_links_each_action_and_is_marked_automatic_in_the_sites_domain(
    action, owner, settings
):
    """Checked by the standard library's strict parser, as a strict relay would read it."""
    import email.parser
    import email.policy

    settings.SITE_URL = "https://assurance.opcc.example"
    colleague = user_with_role(roles.FORCE_OFFICER, username="dcc", person=PersonFactory())
    colleague.person.email = "dcc@example.org"
    colleague.person.save()
    action.owner_people.add(colleague.person)
    send_reminders(TODAY)
    bodies = {sent.to[0]: sent.body for sent in mail.outbox}
    assert (
        f"  Open: https://assurance.opcc.example/actions/{action.pk}/\n"
        in (bodies["dcc@example.org"])
    )
    for sent in mail.outbox:
        parsed = email.parser.BytesParser(policy=email.policy.strict).parsebytes(
            sent.message().as_bytes()
        )
        assert parsed.defects == []
        assert parsed["Auto-Submitted"] == "auto-generated"
        assert parsed["Message-ID"].endswith("@assurance.opcc.example>")


@pytest.mark.parametrize(("status", "said"), [("closed", "closed"), ("withdrawn", "withdrawn")])
def test_a_link_to_an_action_closed_since_offers_no_update(client, action, owner, status, said):
    path = update_links.issue(action, owner)
    action.status = status
    action.save()
    page = client.get(path)
    assert page.status_code == 200
    assert (
        f'<p role="status">Action {action.reference} is {said}: it needs no further update. '
        "If there is more to say, tell the Office"
    ) in page.text
    assert "<form" not in page.text
    client.post(path, {"on_date": "20/11/2017", "text": "Posted from the old page"})
    assert not action.events.filter(text="Posted from the old page").exists()


def test_a_link_to_an_action_marked_complete_asks_for_the_update_alone(client, action, owner):
    action.status = Status.AWAITING_CLOSURE
    action.save()
    page = client.get(update_links.issue(action, owner))
    assert 'name="text"' in page.text
    assert "This action is complete" not in page.text
