import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionEvent, Status
from actions.services import mark_complete
from people import roles
from tests.factories import ActionFactory, ItemFactory, MeetingFactory, user_with_role

PAGES = ["dashboard", "actions:log", "actions:mine", "actions:calendar"]


@pytest.fixture
def draft_action(dcc):
    """An action of the DCC's raised at minutes still in draft."""
    item = ItemFactory(meeting=MeetingFactory(date=datetime.date(2017, 11, 29), status="draft"))
    return ActionFactory(
        item=item, reference="2017/11-01", text="Draft-minutes action", owners=[dcc]
    )


@pytest.mark.parametrize("name", PAGES + ["kept:action_log_csv", "kept:action_log_xlsx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_visitors_are_sent_to_sign_in_from_an_action(client, action):
    response = client.get(action.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [(roles.COMMISSIONER, 200), (roles.OPCC_STAFF, 200), (roles.FORCE_OFFICER, 403)],
)
def test_only_the_commissioner_and_opcc_staff_see_the_dashboard(client, db, role, expected):
    client.force_login(user_with_role(role))
    assert client.get(reverse("dashboard")).status_code == expected


@pytest.mark.parametrize("role", roles.ALL_ROLES)
@pytest.mark.parametrize("name", ["actions:log", "actions:mine", "actions:calendar"])
def test_every_role_reads_the_log_its_own_actions_and_its_calendar(client, db, role, name):
    client.force_login(user_with_role(role))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.COMMISSIONER, "dashboard"),
        (roles.OPCC_STAFF, "dashboard"),
        (roles.FORCE_OFFICER, "actions:mine"),
    ],
)
def test_home_is_the_dashboard_or_my_actions_by_role(client, db, role, expected):
    client.force_login(user_with_role(role))
    assert client.get("/")["Location"] == reverse(expected)


def test_force_officers_see_in_the_log_only_agreed_minutes_and_their_own(
    client, action, draft_action, other_force_user, owner_user, opcc_user
):
    client.force_login(other_force_user)
    assert list(client.get(reverse("actions:log")).context["actions"]) == [action]
    client.force_login(owner_user)
    assert list(client.get(reverse("actions:log")).context["actions"]) == [action, draft_action]
    client.force_login(opcc_user)
    assert list(client.get(reverse("actions:log")).context["actions"]) == [action, draft_action]


def test_an_action_hidden_from_a_force_officer_is_404(client, draft_action, other_force_user):
    client.force_login(other_force_user)
    assert client.get(draft_action.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("actions:add_update", args=[draft_action.pk]),
        {"on_date": "2017-11-01", "text": "x"},
    )
    assert response.status_code == 404


def test_my_actions_lists_open_first_then_awaiting_agreement(
    client, action, item, dcc, acc, owner_user
):
    person = dcc.holder
    awaiting = ActionFactory(
        item=item, reference="2017/10-02", owners=[person], status="awaiting_closure"
    )
    later = ActionFactory(item=item, reference="2017/10-03", owners=[dcc], due_date=None)
    ActionFactory(item=item, reference="2017/10-04", owners=[dcc], status="closed")
    ActionFactory(item=item, reference="2017/10-05", owners=[acc])
    client.force_login(owner_user)
    response = client.get(reverse("actions:mine"))
    assert list(response.context["actions"]) == [action, later, awaiting]


def test_owner_can_add_a_dated_update(client, action, owner_user):
    client.force_login(owner_user)
    response = client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"on_date": "2017-11-10", "text": "Brief drafted."},
        follow=True,
    )
    assert response.redirect_chain == [(action.get_absolute_url(), 302)]
    assert list(action.events.values_list("kind", "on_date", "text", "by")) == [
        ("update", datetime.date(2017, 11, 10), "Brief drafted.", owner_user.pk)
    ]
    assert [str(m) for m in response.context["messages"]] == ["Update added to action 2017/10-01."]


def test_the_update_form_offers_today_and_refuses_a_future_date_beside_the_field(
    client, action, owner_user
):
    client.force_login(owner_user)
    page = client.get(action.get_absolute_url())
    assert page.context["update_form"]["on_date"].value() == timezone.localdate()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"on_date": tomorrow.isoformat(), "text": "Typed text kept"},
    )
    assert response.status_code == 200
    assert response.context["update_form"].errors == {
        "on_date": ["The date of an update cannot be in the future."]
    }
    assert "Typed text kept" in response.content.decode()
    assert action.events.count() == 0


def test_owner_can_mark_action_complete(client, action, owner_user):
    client.force_login(owner_user)
    response = client.post(
        reverse("actions:complete", args=[action.pk]),
        {"note": "Brief shared.", "on_date": "2017-11-20"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.AWAITING_CLOSURE
    assert list(action.events.values_list("text", "on_date")) == [
        ("Brief shared.", datetime.date(2017, 11, 20))
    ]


def test_a_completion_cannot_be_dated_in_the_future(client, action, owner_user):
    client.force_login(owner_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("actions:complete", args=[action.pk]),
        {"note": "Typed note kept", "on_date": tomorrow.isoformat()},
    )
    assert response.context["complete_form"].errors == {
        "on_date": ["The date of completion cannot be in the future."]
    }
    assert "Typed note kept" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Status.OPEN


def test_marking_complete_without_a_note_shows_the_error_beside_the_field(
    client, action, owner_user
):
    client.force_login(owner_user)
    response = client.post(
        reverse("actions:complete", args=[action.pk]), {"note": "", "on_date": "2017-11-20"}
    )
    assert response.status_code == 200
    assert response.context["complete_form"].errors == {
        "note": ["Say what was done to complete the action."]
    }
    action.refresh_from_db()
    assert action.status == Status.OPEN


def test_owner_cannot_close_own_action(client, action, owner_user):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(owner_user)
    assert client.post(reverse("actions:close", args=[action.pk])).status_code == 403
    assert (
        client.post(
            reverse("actions:review"), {"actions": [action.pk], "decision": "close"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("actions:reopen", args=[action.pk]), {"reason": "x"}).status_code == 403
    )
    action.refresh_from_db()
    assert action.status == Status.AWAITING_CLOSURE


def test_a_force_officer_who_does_not_own_a_visible_action_gets_403(
    client, action, other_force_user
):
    client.force_login(other_force_user)
    update = client.post(
        reverse("actions:add_update", args=[action.pk]), {"on_date": "2017-11-01", "text": "x"}
    )
    complete = client.post(reverse("actions:complete", args=[action.pk]), {"note": "x"})
    assert (update.status_code, complete.status_code) == (403, 403)
    assert action.events.count() == 0


def test_the_commissioner_agrees_closure_of_several_actions_at_once(
    client, action, item, dcc, owner_user, commissioner_user
):
    second = ActionFactory(item=item, reference="2017/10-02", owners=[dcc])
    untouched = ActionFactory(item=item, reference="2017/10-03", owners=[dcc])
    for each in (action, second, untouched):
        mark_complete(each, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    response = client.post(
        reverse("actions:review"),
        {"actions": [action.pk, second.pk], "decision": "close"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert dict(Action.objects.values_list("reference", "status")) == {
        "2017/10-01": "closed",
        "2017/10-02": "closed",
        "2017/10-03": "awaiting_closure",
    }
    assert [str(m) for m in response.context["messages"]] == [
        "Closure agreed: 2017/10-01, 2017/10-02."
    ]
    assert list(response.context["awaiting"]) == [untouched]


def test_reopening_from_the_dashboard_needs_a_reason_shown_beside_the_field(
    client, action, owner_user, commissioner_user
):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    response = client.post(
        reverse("actions:review"), {"actions": [action.pk], "decision": "reopen"}
    )
    assert response.status_code == 200
    assert response.context["review_form"].errors == {
        "reason": ["Say why the actions are being reopened."]
    }
    html = response.content.decode()
    assert f'id="review-{action.pk}" checked' in html
    assert "Say why the actions are being reopened." in html
    action.refresh_from_db()
    assert action.status == Status.AWAITING_CLOSURE

    client.post(
        reverse("actions:review"),
        {"actions": [action.pk], "decision": "reopen", "reason": "No evidence yet."},
    )
    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert action.events.last().text == "No evidence yet."


def test_reviewing_with_nothing_ticked_says_so(client, action, owner_user, commissioner_user):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(commissioner_user)
    response = client.post(reverse("actions:review"), {"decision": "close"})
    assert response.status_code == 200
    assert response.context["review_form"].errors == {"actions": ["Tick at least one action."]}


def test_opcc_staff_close_and_reopen_a_single_action(client, action, owner_user, opcc_user):
    mark_complete(action, note="Done", by=owner_user)
    client.force_login(opcc_user)
    client.post(reverse("actions:close", args=[action.pk]))
    action.refresh_from_db()
    assert action.status == Status.CLOSED
    empty = client.post(reverse("actions:reopen", args=[action.pk]), {"reason": ""})
    assert empty.context["reopen_form"].errors == {
        "reason": ["Say why the action is being reopened."]
    }
    client.post(reverse("actions:reopen", args=[action.pk]), {"reason": "New evidence."})
    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert list(action.events.values_list("to_status", flat=True)) == [
        "awaiting_closure",
        "closed",
        "open",
    ]


def test_the_trail_shows_every_update_and_change_with_who(client, action, owner_user, opcc_user):
    client.force_login(owner_user)
    client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"on_date": "2017-11-10", "text": "Drafted."},
    )
    client.post(
        reverse("actions:complete", args=[action.pk]), {"note": "Shared.", "on_date": "2017-11-08"}
    )
    client.force_login(opcc_user)
    response = client.get(action.get_absolute_url())
    # In the order things happened, not the order they were typed.
    assert [(e.kind, e.text, e.by, e.on_date) for e in response.context["events"]] == [
        (ActionEvent.Kind.STATUS, "Shared.", owner_user, datetime.date(2017, 11, 8)),
        (ActionEvent.Kind.UPDATE, "Drafted.", owner_user, datetime.date(2017, 11, 10)),
    ]
    assert "Open to Completed, awaiting agreement" in response.content.decode()


def test_the_log_filters_searches_and_sorts(client, action, item, dcc, acc, opcc_user):
    overdue = ActionFactory(
        item=item,
        reference="2017/10-02",
        text="Telford plan",
        owners=[acc],
        due_date=datetime.date(2017, 1, 1),
    )
    closed = ActionFactory(item=item, reference="2017/10-03", owners=[dcc], status="closed")
    action.due_date = timezone.localdate() + datetime.timedelta(days=30)
    action.save()
    client.force_login(opcc_user)

    def refs(**query):
        response = client.get(reverse("actions:log"), query)
        return [a.reference for a in response.context["actions"]]

    assert refs(status="closed") == [closed.reference]
    assert refs(owner=f"post-{acc.pk}") == [overdue.reference]
    assert refs(q="telford") == [overdue.reference]
    assert refs(q="10-03") == [closed.reference]
    assert refs(overdue="on") == [overdue.reference]
    assert refs(due_from="2017-01-02") == [action.reference]
    assert refs(due_from="2016-12-01", due_to="2017-01-01") == [overdue.reference]
    assert refs(sort="-reference") == ["2017/10-03", "2017/10-02", "2017/10-01"]
    assert refs(sort="due", due_from="2000-01-01") == ["2017/10-02", "2017/10-01"]


def test_the_log_answers_htmx_with_just_the_results(client, action, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("actions:log"), {"q": "Athena"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="action-log-results">')
    assert "<html" not in html
    assert "2017/10-01" in html


def test_a_bad_filter_value_shows_an_error_not_a_500(client, action, opcc_user):
    client.force_login(opcc_user)
    response = client.get(reverse("actions:log"), {"due_from": "not a date", "status": "nope"})
    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"due_from", "status"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner", 302), ("opcc", 302), ("commissioner", 403), ("other", 403)],
)
def test_owners_and_opcc_staff_record_updates_and_others_get_403(
    client, action, owner_user, opcc_user, commissioner_user, other_force_user, who, expected
):
    users = {
        "owner": owner_user,
        "opcc": opcc_user,
        "commissioner": commissioner_user,
        "other": other_force_user,
    }
    client.force_login(users[who])
    response = client.post(
        reverse("actions:add_update", args=[action.pk]), {"on_date": "2017-11-01", "text": "x"}
    )
    assert response.status_code == expected
    assert action.events.count() == (1 if expected == 302 else 0)


def test_an_update_pasted_from_word_is_stored_with_plain_line_breaks(client, action, owner_user):
    client.force_login(owner_user)
    client.post(
        reverse("actions:add_update", args=[action.pk]),
        {"on_date": "2017-11-10", "text": "Brief drafted.\x0bShared with the PCC.\x0c\x07"},
    )
    assert list(action.events.values_list("text", flat=True)) == [
        "Brief drafted.\nShared with the PCC."
    ]
