"""Logins and roles given in the app: invitations, roles, deactivation, password reset."""

import io
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from actions.models import CalendarFeed
from people import accounts, roles
from people.models import LoginEvent, Person
from tests.factories import PersonFactory, user_with_role
from tests.test_failing_parts import closed_port

pytestmark = pytest.mark.django_db

User = get_user_model()
LINK = re.compile(r"https?://[^\s]+/accounts/reset/[^\s]+/")


def make_manager(username="manager", name="Mary Manager"):
    user = user_with_role(roles.OPCC_STAFF, username=username, person=PersonFactory(name=name))
    user.user_permissions.add(accounts.manage_users_permission())
    return User.objects.get(pk=user.pk)


@pytest.fixture
def manager(db):
    return make_manager()


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def invite(client, **data):
    form = {"role": roles.FORCE_OFFICER, "organisation": "force", **data}
    return client.post(reverse("logins:invite"), form)


def link_in(message):
    return LINK.search(message.body).group(0)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def choose_password(client, link, password="A long new password 42"):
    """Follow an emailed link and choose a password; return the final page."""
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"], "the link should work"
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


# Who may manage users


def test_can_manage_users_needs_opcc_staff_with_the_permission(manager):
    plain_opcc = user_with_role(roles.OPCC_STAFF, username="plain")
    commissioner = user_with_role(roles.COMMISSIONER, username="pcc")
    commissioner.user_permissions.add(accounts.manage_users_permission())
    commissioner = User.objects.get(pk=commissioner.pk)
    assert roles.can_manage_users(manager) is True
    assert roles.can_manage_users(plain_opcc) is False
    assert roles.can_manage_users(commissioner) is False
    manager.is_active = False
    assert roles.can_manage_users(manager) is False


def test_roles_and_the_permission_come_in_one_query(manager):
    fresh = User.objects.get(pk=manager.pk)
    with CaptureQueriesContext(connection) as queries:
        assert roles.role_of(fresh) == roles.OPCC_STAFF
        assert roles.can_manage_users(fresh) is True
        assert roles.sees_all_minutes(fresh) is True
    assert len(queries) == 1


def test_the_nav_links_to_logins_only_for_those_who_manage_users(manager_client):
    assert b'href="/logins/">Logins</a>' in manager_client.get(reverse("meetings:list")).content
    other = Client()
    other.force_login(user_with_role(roles.OPCC_STAFF, username="plain"))
    assert b'href="/logins/"' not in other.get(reverse("meetings:list")).content


# The list of logins and who can do what


def test_the_list_shows_each_login_with_person_role_and_status(manager_client, manager):
    force = user_with_role(
        roles.FORCE_OFFICER, username="dcc@force.example", person=PersonFactory(name="Dee Sea")
    )
    force.is_active = False
    force.save()
    response = manager_client.get(reverse("logins:list"))
    rows = [
        (r["login"].username, r["role"], r["manages_users"], r["login"].is_active)
        for r in response.context["rows"]
    ]
    assert rows == [
        ("manager", roles.OPCC_STAFF, True, True),
        ("dcc@force.example", roles.FORCE_OFFICER, False, False),
    ]
    assert "Deactivated" in response.text
    assert "Dee Sea" in response.text


def test_the_list_filters_by_role_and_status(manager_client, manager):
    user_with_role(roles.COMMISSIONER, username="pcc")
    user_with_role(roles.FORCE_OFFICER, username="dcc")
    User.objects.create(username="nobody")

    def names(**query):
        response = manager_client.get(reverse("logins:list"), query)
        return [row["login"].username for row in response.context["rows"]]

    assert names(role=roles.COMMISSIONER) == ["pcc"]
    assert names(role="none") == ["nobody"]
    assert names(role=roles.OPCC_STAFF, status="inactive") == []
    assert names(role="not a role") == names()


def test_the_list_does_as_many_queries_for_many_logins_as_for_one(manager_client, manager):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(reverse("logins:list")).status_code == 200
        return len(queries)

    one = count()
    for n in range(30):
        role = roles.ALL_ROLES[n % 3]
        user = user_with_role(role, username=f"user{n}", person=PersonFactory())
        if role == roles.OPCC_STAFF and n % 2:
            user.user_permissions.add(accounts.manage_users_permission())
    assert count() == one


def test_who_can_do_what_lists_each_role_in_the_words_of_roles_py(manager_client, manager):
    user_with_role(roles.FORCE_OFFICER, username="dcc")
    response = manager_client.get(reverse("logins:roles"))
    assert [(role, may, count) for role, may, count in response.context["roles"]] == [
        (roles.OPCC_STAFF, roles.ROLE_DESCRIPTIONS[roles.OPCC_STAFF], 1),
        (roles.COMMISSIONER, roles.ROLE_DESCRIPTIONS[roles.COMMISSIONER], 0),
        (roles.FORCE_OFFICER, roles.ROLE_DESCRIPTIONS[roles.FORCE_OFFICER], 1),
    ]
    assert response.context["managers"] == 1
    for sentence in roles.ROLE_DESCRIPTIONS[roles.COMMISSIONER]:
        assert escape(sentence) in response.text


# Invitations


def test_an_invitation_emails_a_link_that_sets_the_password(manager_client, manager):
    person = PersonFactory(name="Amanda Blakeman", initials="AB", email="")
    response = invite(manager_client, person=person.pk, email=" Amanda.Blakeman@Force.example ")
    user = User.objects.get(username="amanda.blakeman@force.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("logins:detail", args=[user.pk])
    person.refresh_from_db()
    assert person.user == user
    assert person.email == "amanda.blakeman@force.example"
    assert (user.first_name, user.last_name, user.email) == (
        "Amanda",
        "Blakeman",
        "amanda.blakeman@force.example",
    )
    assert not user.has_usable_password()
    assert [g.name for g in user.groups.all()] == [roles.FORCE_OFFICER]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amanda.blakeman@force.example"]
    assert message.subject == "Your login to the holding to account tracker"
    assert "Mary Manager has given you a login" in message.body
    assert "as Force officer" in message.body

    visitor = Client()
    done = choose_password(visitor, link_in(message))
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Password saved" in done.text
    # The address in capitals signs in as well.
    signed_in = sign_in(visitor, "Amanda.Blakeman@force.example", "A long new password 42")
    assert signed_in.status_code == 302
    assert visitor.get(reverse("actions:mine")).context["user"] == user
    # The link worked once.
    assert Client().get(link_in(message), follow=True).context["validlink"] is False
    assert list(user.login_events.values_list("kind", "by")) == [
        ("password_set", None),
        ("invited", manager.pk),
        ("role_changed", manager.pk),
        ("created", manager.pk),
    ]


def test_an_invitation_for_someone_new_adds_them_to_the_directory(manager_client):
    response = invite(
        manager_client,
        name="Sam Newcomer",
        initials="SN",
        organisation="opcc",
        job_title="Policy Officer",
        email="sam@opcc.example",
        role=roles.OPCC_STAFF,
        manage_users="on",
    )
    assert response.status_code == 302
    person = Person.objects.get(initials="SN")
    assert (person.name, person.organisation, person.job_title, person.email) == (
        "Sam Newcomer",
        "opcc",
        "Policy Officer",
        "sam@opcc.example",
    )
    assert roles.can_manage_users(User.objects.get(pk=person.user_id)) is True
    assert mail.outbox[0].to == ["sam@opcc.example"]


def test_an_email_already_used_by_a_login_is_refused_beside_the_field(manager_client):
    taken = user_with_role(
        roles.COMMISSIONER, username="pcc@opcc.example", person=PersonFactory(name="John Campion")
    )
    taken.email = "pcc@opcc.example"
    taken.save()
    response = invite(manager_client, name="Someone Else", initials="SE", email="PCC@opcc.example")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "email": ["This email address is already used by the login of John Campion."]
    }
    # What was typed is still there.
    assert form["name"].value() == "Someone Else"
    assert not Person.objects.filter(initials="SE").exists()
    assert mail.outbox == []


def test_an_invitation_needs_a_person_or_a_new_name_and_initials(manager_client):
    response = invite(manager_client, email="x@example.org")
    assert response.context["form"].errors == {
        "name": ["Enter the new person's name, or choose someone from the directory."],
        "initials": ["Enter the new person's initials, or choose someone from the directory."],
    }


def test_an_invitation_refuses_initials_someone_has_and_manage_users_outside_opcc(
    manager_client,
):
    PersonFactory(initials="JI")
    response = invite(
        manager_client,
        name="Jo Ink",
        initials="ji",
        email="jo@example.org",
        role=roles.COMMISSIONER,
        manage_users="on",
    )
    errors = response.context["form"].errors
    assert errors["initials"][0].startswith("Someone in the directory already has these initials")
    assert errors["manage_users"] == [
        "Only OPCC staff can manage users: choose OPCC staff, or untick this."
    ]
    assert User.objects.filter(username="jo@example.org").exists() is False


def test_an_invitation_to_a_person_uses_their_directory_email(manager_client):
    person = PersonFactory(name="Kay Email", email="kay@force.example")
    invite(manager_client, person=person.pk, email="")
    assert User.objects.get(person=person).username == "kay@force.example"
    other = PersonFactory(name="Lee Other", email="lee@force.example")
    response = invite(manager_client, person=other.pk, email="lee@elsewhere.example")
    assert response.context["form"].errors == {
        "email": [
            "The directory has lee@force.example for Lee Other: invite them at that address, "
            "or leave this empty."
        ]
    }


def test_sending_the_invitation_again_voids_the_first_link(manager_client):
    invite(manager_client, name="Ray Send", initials="RS", email="ray@example.org")
    user = User.objects.get(username="ray@example.org")
    first = link_in(mail.outbox[0])
    response = manager_client.post(reverse("logins:resend", args=[user.pk]), follow=True)
    assert "A new invitation was emailed to ray@example.org" in response.text
    assert len(mail.outbox) == 2
    assert Client().get(first, follow=True).context["validlink"] is False
    choose_password(Client(), link_in(mail.outbox[1]))
    # Once they have a password, there is nothing to invite them to.
    response = manager_client.post(reverse("logins:resend", args=[user.pk]), follow=True)
    assert "has chosen a password already" in response.text
    assert len(mail.outbox) == 2


def test_posting_the_invitation_twice_invites_once(manager_client):
    data = {"name": "Dub Post", "initials": "DP", "email": "dub@example.org"}
    data["submission"] = "6a1f8a9e-2a7d-4f49-9d8e-7a1b0c2d3e4f"
    invite(manager_client, **data)
    second = invite(manager_client, **data)
    assert second.status_code == 302
    assert User.objects.filter(username="dub@example.org").count() == 1
    assert len(mail.outbox) == 1


# Roles


def test_changing_a_role_leaves_exactly_one_and_records_it(manager_client, manager):
    user = user_with_role(roles.OPCC_STAFF, username="staff")
    user.user_permissions.add(accounts.manage_users_permission())
    user.groups.add(Group.objects.get_or_create(name=roles.COMMISSIONER)[0])
    response = manager_client.post(
        reverse("logins:role", args=[user.pk]), {"role": roles.FORCE_OFFICER}
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert [g.name for g in user.groups.all()] == [roles.FORCE_OFFICER]
    assert roles.holds_manage_users(user) is False
    assert list(user.login_events.values_list("kind", "detail", "by")) == [
        ("manage_users_withdrawn", "", manager.pk),
        ("role_changed", "From OPCC staff to Force officer.", manager.pk),
    ]
    page = manager_client.get(reverse("logins:detail", args=[user.pk]))
    assert "From OPCC staff to Force officer." in page.text
    assert "Mary Manager" in page.text


def test_granting_manage_users(manager_client):
    user = user_with_role(roles.OPCC_STAFF, username="staff")
    manager_client.post(
        reverse("logins:role", args=[user.pk]), {"role": roles.OPCC_STAFF, "manage_users": "on"}
    )
    user = User.objects.get(pk=user.pk)
    assert roles.can_manage_users(user) is True
    assert [e.kind for e in user.login_events.all()] == ["manage_users_granted"]


def test_manage_users_is_refused_for_another_role(manager_client):
    user = user_with_role(roles.COMMISSIONER, username="pcc")
    response = manager_client.post(
        reverse("logins:role", args=[user.pk]),
        {"role": roles.COMMISSIONER, "manage_users": "on"},
    )
    assert response.status_code == 200
    assert response.context["role_form"].errors == {
        "manage_users": ["Only OPCC staff can manage users: choose OPCC staff, or untick this."]
    }
    assert roles.holds_manage_users(User.objects.get(pk=user.pk)) is False


def test_opcc_staff_without_the_permission_cannot_give_roles(manager):
    plain = Client()
    plain.force_login(user_with_role(roles.OPCC_STAFF, username="plain"))
    response = plain.post(reverse("logins:role", args=[manager.pk]), {"role": roles.FORCE_OFFICER})
    assert response.status_code == 403
    assert roles.role_of(User.objects.get(pk=manager.pk)) == roles.OPCC_STAFF


# The last user manager


def test_the_last_manager_cannot_withdraw_their_own_permission(manager_client, manager):
    response = manager_client.post(
        reverse("logins:role", args=[manager.pk]), {"role": roles.OPCC_STAFF}
    )
    assert response.status_code == 200
    assert response.context["role_form"].non_field_errors() == [
        accounts.LAST_MANAGER.format(name="Mary Manager")
    ]
    response = manager_client.post(
        reverse("logins:role", args=[manager.pk]), {"role": roles.COMMISSIONER}
    )
    assert response.status_code == 200
    assert roles.can_manage_users(User.objects.get(pk=manager.pk)) is True
    assert LoginEvent.objects.count() == 0


def test_the_last_manager_cannot_deactivate_themselves(manager_client, manager):
    response = manager_client.post(reverse("logins:deactivate", args=[manager.pk]), follow=True)
    assert response.status_code == 200
    assert accounts.LAST_MANAGER.format(name="Mary Manager") in response.text
    assert User.objects.get(pk=manager.pk).is_active is True


def test_with_a_second_manager_one_can_step_down(manager_client, manager):
    make_manager("second", "Sue Second")
    response = manager_client.post(
        reverse("logins:role", args=[manager.pk]), {"role": roles.OPCC_STAFF}
    )
    assert response.status_code == 302
    assert roles.can_manage_users(User.objects.get(pk=manager.pk)) is False
    # And is now refused the pages.
    assert manager_client.get(reverse("logins:list")).status_code == 403


# Deactivation


def test_deactivation_stops_sign_in_sessions_and_the_calendar_feed(manager_client, manager):
    person = PersonFactory(name="Lee Ver")
    user = user_with_role(roles.FORCE_OFFICER, username="leaver", person=person)
    feed = CalendarFeed.objects.create(user=user)
    assert Client().get(feed.get_absolute_url()).status_code == 200
    signed_in = Client()
    assert sign_in(signed_in, "leaver", "password").status_code == 302
    also_signed_in = Client()
    also_signed_in.force_login(user)
    assert signed_in.get(reverse("actions:mine")).status_code == 200
    bystander = Client()
    bystander.force_login(manager)

    response = manager_client.post(reverse("logins:deactivate", args=[user.pk]), follow=True)
    assert "Lee Ver can no longer sign in" in response.text

    user.refresh_from_db()
    assert user.is_active is False
    for client in (signed_in, also_signed_in):
        response = client.get(reverse("actions:mine"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={reverse('actions:mine')}"
    # Every session of theirs is gone; others' stay.
    assert [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()] == [
        str(manager.pk),
        str(manager.pk),
    ]
    refused = sign_in(Client(), "leaver", "password")
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()
    assert Client().get(feed.get_absolute_url()).status_code == 404
    event = user.login_events.get()
    assert (event.kind, event.by) == ("deactivated", manager)
    assert bystander.get(reverse("logins:list")).status_code == 200


def test_reactivation_restores_sign_in_and_the_feed(manager_client):
    user = user_with_role(roles.FORCE_OFFICER, username="returner")
    feed = CalendarFeed.objects.create(user=user)
    accounts.deactivate_login(user, None)
    response = manager_client.post(reverse("logins:reactivate", args=[user.pk]), follow=True)
    assert "can sign in again" in response.text
    assert sign_in(Client(), "returner", "password").status_code == 302
    assert Client().get(feed.get_absolute_url()).status_code == 200
    assert [e.kind for e in user.login_events.all()] == ["reactivated", "deactivated"]


def test_deactivating_twice_is_a_message_not_an_error(manager_client):
    user = user_with_role(roles.FORCE_OFFICER, username="gone")
    accounts.deactivate_login(user, None)
    response = manager_client.post(reverse("logins:deactivate", args=[user.pk]), follow=True)
    assert "already deactivated" in response.text


def test_a_deactivated_login_gets_no_invitation(manager_client):
    invite(manager_client, name="Ina Ctive", initials="IC", email="ina@example.org")
    user = User.objects.get(username="ina@example.org")
    accounts.deactivate_login(user, None)
    response = manager_client.post(reverse("logins:resend", args=[user.pk]), follow=True)
    assert "is deactivated: reactivate it first" in response.text
    assert len(mail.outbox) == 1


# Password reset, for everyone


def test_password_reset_end_to_end(client):
    user = user_with_role(roles.COMMISSIONER, username="pcc@opcc.example")
    user.email = "pcc@opcc.example"
    user.save()
    page = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}">Forgotten your password?' in page.text
    response = client.post(reverse("password_reset"), {"email": "PCC@opcc.example"})
    assert response["Location"] == reverse("password_reset_done")
    message = mail.outbox[0]
    assert message.to == ["pcc@opcc.example"]
    assert message.subject == "Choose a new password for the holding to account tracker"
    assert "Someone asked for a new password for the login pcc@opcc.example" in message.body
    assert "expires after 3 days" in message.body
    choose_password(Client(), link_in(message), "Another long password 7")
    assert sign_in(Client(), "pcc@opcc.example", "Another long password 7").status_code == 302
    assert sign_in(Client(), "pcc@opcc.example", "password").status_code == 200


def test_password_reset_does_not_say_whether_an_address_is_known(client):
    gone = user_with_role(roles.FORCE_OFFICER, username="gone")
    gone.email = "gone@force.example"
    gone.is_active = False
    gone.save()
    for email in ("nobody@example.org", "gone@force.example"):
        response = client.post(reverse("password_reset"), {"email": email})
        assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_with_the_mail_server_down_a_reset_says_the_same_and_can_be_asked_for_again(
    client, smtp, settings, caplog
):
    """SMTP refusing: the page answers as it always does (never saying whether an address is
    known, nor failing), the office's log says the email was not sent, and nothing is lost:
    asked for again once the server is back, the link comes."""
    user = user_with_role(roles.COMMISSIONER, username="pcc@opcc.example")
    user.email = "pcc@opcc.example"
    user.save()
    working = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()
    with caplog.at_level(logging.ERROR, logger="people.forms.logins"):
        response = client.post(reverse("password_reset"), {"email": "pcc@opcc.example"})
    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    assert smtp.to("pcc@opcc.example") == []
    assert [record.getMessage() for record in caplog.records] == [
        f"The password reset email to login {urlsafe_base64_encode(force_bytes(user.pk))} "
        "was not sent."
    ]
    settings.EMAIL_PORT = working
    response = client.post(reverse("password_reset"), {"email": "pcc@opcc.example"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = smtp.to("pcc@opcc.example")
    assert message["Subject"] == "Choose a new password for the holding to account tracker"


def test_an_invited_person_whose_link_lapsed_can_ask_for_a_new_one(manager_client):
    invite(manager_client, name="Lap Sed", initials="LS", email="lapsed@example.org")
    Client().post(reverse("password_reset"), {"email": "lapsed@example.org"})
    assert [m.to for m in mail.outbox] == [["lapsed@example.org"], ["lapsed@example.org"]]
    choose_password(Client(), link_in(mail.outbox[1]))
    assert sign_in(Client(), "lapsed@example.org", "A long new password 42").status_code == 302


def test_a_new_password_lifts_a_lockout_for_failed_sign_ins(settings):
    user = user_with_role(roles.OPCC_STAFF, username="locked@opcc.example")
    user.email = "locked@opcc.example"
    user.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "Locked@opcc.example", "wrong")
    # Any way of writing the address in capitals is the same locked login.
    locked = sign_in(client, "LOCKED@OPCC.EXAMPLE", "password")
    assert locked.status_code == 429
    client.post(reverse("password_reset"), {"email": "locked@opcc.example"})
    choose_password(Client(), link_in(mail.outbox[0]), "A brand new password 9")
    assert sign_in(client, "locked@opcc.example", "A brand new password 9").status_code == 302


# The first login of a new installation


def test_create_first_login_makes_a_user_manager_with_a_link(db):
    out = io.StringIO()
    call_command(
        "create_first_login",
        email="Jackie.Irvin@OPCC.example",
        name="Jackie Irvin",
        initials="JI",
        site_url="https://assurance.opcc.example/",
        stdout=out,
    )
    user = User.objects.get(username="jackie.irvin@opcc.example")
    assert roles.role_of(user) == roles.OPCC_STAFF
    assert roles.can_manage_users(user) is True
    assert user.is_superuser is False
    assert user.person.initials == "JI"
    link = re.search(r"https://assurance\.opcc\.example(/accounts/reset/\S+/)", out.getvalue())
    client = Client()
    choose_password(client, link.group(1))
    assert sign_in(client, "jackie.irvin@opcc.example", "A long new password 42").status_code == 302
    assert client.get(reverse("logins:list")).status_code == 200
    assert client.get(reverse("logins:invite")).status_code == 200


def test_create_first_login_again_prints_a_new_link_until_the_password_is_chosen(db):
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command(
            "create_first_login",
            email="first@opcc.example",
            name="Fay First",
            initials="FF",
            stdout=out,
        )
        outputs.append(LINK.search(out.getvalue()).group(0))
    assert User.objects.filter(username="first@opcc.example").count() == 1
    assert Client().get(outputs[0], follow=True).status_code == 404
    choose_password(Client(), outputs[1])
    with pytest.raises(CommandError, match="Someone can already give logins"):
        call_command(
            "create_first_login",
            email="first@opcc.example",
            name="Fay First",
            initials="FF",
            stdout=io.StringIO(),
        )


def test_create_first_login_refuses_when_someone_manages_users(manager):
    with pytest.raises(CommandError, match="Someone can already give logins \\(manager\\)"):
        call_command(
            "create_first_login",
            email="a@b.example",
            name="A B",
            initials="AB",
            stdout=io.StringIO(),
        )
    call_command(
        "create_first_login",
        email="a@b.example",
        name="A B",
        initials="AB",
        force=True,
        stdout=io.StringIO(),
    )
    assert roles.can_manage_users(User.objects.get(username="a@b.example")) is True


def test_create_first_login_refuses_a_taken_email_or_someone_elses_initials(db):
    PersonFactory(name="Jackie Irvin", initials="JI")
    with pytest.raises(CommandError, match="The initials JI are Jackie Irvin's"):
        call_command(
            "create_first_login",
            email="x@y.example",
            name="Xavier Young",
            initials="JI",
            stdout=io.StringIO(),
        )
    # The person already in the directory is given the login.
    call_command(
        "create_first_login",
        email="ji@y.example",
        name="jackie irvin",
        initials="JI",
        stdout=io.StringIO(),
    )
    assert Person.objects.get(initials="JI").user.username == "ji@y.example"
    user_with_role(roles.FORCE_OFFICER, username="taken@y.example")
    with pytest.raises(CommandError, match="taken@y.example is already the login of taken@"):
        call_command(
            "create_first_login",
            email="Taken@y.example",
            name="T Aken",
            initials="TA",
            force=True,
            stdout=io.StringIO(),
        )


def test_the_demo_policy_officer_gives_logins(demo):
    assert roles.can_manage_users(User.objects.get(username="officer")) is True
    assert roles.can_manage_users(User.objects.get(username="commissioner")) is False
    assert User.objects.filter(is_superuser=True).exists() is False
