"""Review cards: the outcome of an action brought forward, recorded in its card on the
record page, changed until the minutes are agreed, and close-and-replace in one step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, ActionEvent, ActionReview, Status
from actions.services import decide_review, mark_complete, raise_action
from meetings.models import Meeting, MinutesStatus
from meetings.services import MinutesLocked, minutes_document, set_minutes_status
from people import roles
from people.models import Post
from tests.factories import user_with_role
from tests.meetings.test_record import open_next

pytestmark = pytest.mark.django_db

NOVEMBER = "Monthly Assurance Meeting November 2017"


@pytest.fixture
def november(demo):
    return open_next(Meeting.objects.get(date="2017-10-31"), datetime.date(2017, 11, 29))


@pytest.fixture
def officer_user(demo):
    return user_with_role(roles.OPCC_STAFF, username="cards-officer")


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


def review_of(meeting, reference):
    return ActionReview.objects.select_related("item__meeting").get(
        item__meeting=meeting, action__reference=reference
    )


def trail(action, since):
    """The lines the review added to the action's trail: (kind, text)."""
    return list(
        ActionEvent.objects.filter(action=action, pk__gt=since)
        .order_by("pk")
        .values_list("kind", "text")
    )


def last_event_pk():
    return ActionEvent.objects.order_by("-pk").values_list("pk", flat=True).first()


def carry(review, by, **extra):
    return decide_review(
        review,
        by=by,
        outcome="carried_forward",
        new_due_kind="month",
        new_due_meeting=datetime.date(2018, 1, 1),
        new_due_wording="January HTA",
        **extra,
    )


REPLACEMENT = {
    "text": "Publish the Telford plan on the website",
    "owner_posts": (),
    "owner_people": (),
    "owner_bodies": (),
    "due_kind": "date",
    "due_date": datetime.date(2018, 2, 28),
    "due_wording": "",
}


def test_carried_forward_then_agreed_closed_puts_the_due_back_and_closes(november, officer_user):
    review = review_of(november, "2017/10-08")
    action = review.action
    carry(review, officer_user, update="Draft nearly ready.")
    since = last_event_pk()
    decide_review(review, by=officer_user, outcome="closed", update="Draft nearly ready.")
    action.refresh_from_db()
    review.refresh_from_db()
    assert (action.status, action.due_kind, action.due_meeting, action.due_wording) == (
        "closed",
        "month",
        datetime.date(2017, 11, 1),
        "in advance of November’s HTA",
    )
    changed = f"Outcome changed from carried forward to agreed closed at the {NOVEMBER} meeting."
    assert trail(action, since) == [
        ("outcome", changed),
        (
            "due",
            "Due changed from “January HTA” to “in advance of November’s HTA”. " + changed,
        ),
        ("status", f"Agreed complete and closed at the {NOVEMBER} meeting. {changed}"),
    ]
    assert review.outcome_sentences() == ["Agreed closed."]
    assert [h.outcome for h in review.history.order_by("history_id")] == [
        "pending",
        "carried_forward",
        "closed",
    ]


def test_agreed_closed_then_carried_forward_reopens_with_the_new_due(november, officer_user):
    review = review_of(november, "2017/10-02")
    decide_review(review, by=officer_user, outcome="closed")
    since = last_event_pk()
    carry(review, officer_user)
    action = Action.objects.get(pk=review.action_id)
    assert (action.status, action.due_wording) == ("open", "January HTA")
    changed = f"Outcome changed from agreed closed to carried forward at the {NOVEMBER} meeting."
    assert trail(action, since) == [
        ("outcome", changed),
        (
            "due",
            f"Due changed from “Not set” to “January HTA”. Carried forward at the {NOVEMBER} "
            "meeting.",
        ),
        ("status", f"Reopened: {changed} Carried forward."),
    ]


def test_new_owners_of_a_carried_forward_go_back_when_the_outcome_changes(november, officer_user):
    review = review_of(november, "2017/10-02")
    acc = Post.objects.get(abbreviation="ACC")
    carry(review, officer_user, new_owner_posts=[acc])
    assert Action.objects.get(pk=review.action_id).owner_display == "ACC"
    decide_review(review, by=officer_user, outcome="closed")
    action = Action.objects.get(pk=review.action_id)
    review.refresh_from_db()
    assert (action.owner_display, review.owners_before, review.owners_after) == (
        "DCC",
        "DCC",
        "DCC",
    )


def test_a_claim_of_completion_survives_a_change_of_outcome(november, officer_user):
    review = review_of(november, "2017/10-05")
    mark_complete(
        review.action, note="Brief shared.", by=officer_user, on_date=datetime.date(2017, 11, 20)
    )
    carry(review, officer_user)
    decide_review(review, by=officer_user, outcome="closed")
    carry(review, officer_user)
    review.refresh_from_db()
    assert review.status_before == Status.AWAITING_CLOSURE
    assert review.outcome_sentences() == [
        "Marked complete by its owner on 20 November 2017 but not agreed complete.",
        "Carried forward to the January 2018 meeting (“January HTA”).",
    ]


def test_carried_forward_then_closed_and_replaced_raises_the_new_action(november, officer_user):
    review = review_of(november, "2017/10-03")
    carry(review, officer_user)
    decide_review(review, by=officer_user, outcome="replaced", replacement=REPLACEMENT)
    new = review.item.actions.get()
    old = Action.objects.get(pk=review.action_id)
    assert (new.follows_from, new.raised_owners, new.status) == (old, "TBA", "open")
    assert (old.status, old.due_display) == ("closed", "")
    review.refresh_from_db()
    assert review.outcome_sentences([new]) == [
        f"Closed and replaced by action {new.reference} (TBA), due 28 February 2018."
    ]


def test_closed_and_replaced_then_agreed_closed_needs_the_replacement_withdrawn(
    november, officer_user
):
    review = review_of(november, "2017/10-03")
    decide_review(review, by=officer_user, outcome="replaced", replacement=REPLACEMENT)
    new = review.item.actions.get()
    with pytest.raises(ValidationError) as refused:
        decide_review(review, by=officer_user, outcome="closed")
    assert refused.value.message_dict == {
        "withdraw_replacements": [
            f"2017/10-03 was closed and replaced by {new.reference}. To change the outcome, "
            f"tick the box to withdraw {new.reference} (kept in the action log as "
            "withdrawn), or keep the outcome."
        ]
    }
    since = last_event_pk()
    decide_review(review, by=officer_user, outcome="closed", withdraw_replacements=True)
    new.refresh_from_db()
    assert new.status == Status.WITHDRAWN
    changed = (
        f"Outcome changed from closed and replaced to agreed closed at the {NOVEMBER} meeting."
    )
    assert trail(new, since) == [
        ("status", f"Withdrawn: {changed} It no longer replaces 2017/10-03."),
    ]
    assert trail(review.action, since) == [("outcome", changed)]
    assert Action.objects.get(pk=review.action_id).status == Status.CLOSED
    row = next(r for r in minutes_document(november).rows if r.anchor == f"item-{review.item_id}")
    assert [block.text for block in row.blocks if block.kind == "para"][-1] == "Agreed closed."
    assert all(block.kind != "actions" for block in row.blocks)
    assert new.reference not in [line.reference for line in minutes_document(november).summary]


def test_closed_and_replaced_then_carried_forward_withdraws_and_reopens(november, officer_user):
    review = review_of(november, "2017/10-03")
    decide_review(review, by=officer_user, outcome="replaced", replacement=REPLACEMENT)
    carry(review, officer_user, withdraw_replacements=True)
    action = Action.objects.get(pk=review.action_id)
    assert (action.status, action.due_wording) == ("open", "January HTA")
    assert review.item.actions.get().status == Status.WITHDRAWN


def test_an_outcome_typed_on_a_stale_card_is_refused(november, officer_user):
    review = review_of(november, "2017/10-02")
    version = review.version
    decide_review(review, by=officer_user, outcome="closed", version=version)
    with pytest.raises(ValidationError) as refused:
        carry(review, officer_user, version=version)
    assert refused.value.code == "stale"
    assert Action.objects.get(pk=review.action_id).status == Status.CLOSED


def test_outcomes_are_fixed_once_the_minutes_are_agreed(november, officer_user):
    review = review_of(november, "2017/10-02")
    decide_review(review, by=officer_user, outcome="closed")
    set_minutes_status(november, MinutesStatus.AGREED, by=officer_user)
    with pytest.raises(MinutesLocked):
        carry(review, officer_user)
    assert ActionReview.objects.get(pk=review.pk).outcome == "closed"


def test_a_replacement_that_fails_leaves_nothing_behind(november, officer_user):
    review = review_of(november, "2017/10-03")
    with pytest.raises(ValidationError):
        decide_review(
            review,
            by=officer_user,
            outcome="replaced",
            replacement={**REPLACEMENT, "due_kind": "open", "due_date": None},
        )
    assert review.item.actions.count() == 0
    assert ActionReview.objects.get(pk=review.pk).outcome == "pending"


# The card on the record page and on its own page.


def card_url(review):
    return reverse("actions:review_outcome", args=[review.pk])


def post_card(client, review, htmx=False, **data):
    prefix = f"review-{review.pk}"
    fields = {(key if key == "mode" else f"{prefix}-{key}"): value for key, value in data.items()}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(card_url(review), fields, headers=headers)


def test_agreed_closed_without_javascript_goes_back_to_the_card(officer, november):
    review = review_of(november, "2017/10-02")
    response = post_card(officer, review, outcome="closed", update="Done.", version=1)
    record = reverse("meetings:record", args=[november.pk])
    assert response["Location"] == f"{record}#review-{review.pk}"
    page = officer.get(record).text
    assert f'id="review-{review.pk}"' in page
    assert "Outcome: <strong>Agreed closed.</strong>" in page
    assert "Outcome for 2017/10-02 recorded: agreed complete and closed." in page


def test_choosing_closed_and_replaced_shows_the_new_action_fields_keeping_the_update(
    officer, november
):
    review = review_of(november, "2017/10-03")
    response = post_card(officer, review, htmx=True, mode="replaced", update="Plan slipped.")
    assert response.status_code == 200
    assert response.context["mode"] == "replaced"
    assert "Plan slipped.</textarea>" in response.text
    assert f'name="review-{review.pk}-text"' in response.text
    assert "<html" not in response.text


def test_close_and_replace_in_the_card_with_errors_beside_the_fields_then_saved(officer, november):
    review = review_of(november, "2017/10-03")
    typed = {"update": "Plan slipped.", "text": "Publish the plan", "due_kind": "open"}
    response = post_card(officer, review, outcome="replaced", version=1, **typed)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "due_wording": [
            "Say how the minutes word an open-ended due, for example “until all cases have "
            "been closed”."
        ]
    }
    assert "Publish the plan</textarea>" in response.text
    assert "Plan slipped.</textarea>" in response.text
    assert officer.get(card_url(review)).status_code == 200  # reloading: the card again
    response = post_card(
        officer,
        review,
        htmx=True,
        outcome="replaced",
        version=1,
        **typed,
        due_wording="until it is published",
    )
    assert response.status_code == 200
    new = review.item.actions.get()
    assert (new.text, new.due_wording, new.follows_from_id) == (
        "Publish the plan",
        "until it is published",
        review.action_id,
    )
    assert f'<p id="review-{review.pk}-live" hx-swap-oob="innerHTML">' in response.text
    assert "Outcome for 2017/10-03 recorded: closed and replaced by a new action." in (
        response.text
    )
    assert response.context["mode"] == "decided"


def test_an_outcome_recorded_in_its_card_updates_the_items_state_in_the_navigator(
    officer, november
):
    review = review_of(november, "2017/10-04")
    item = review.item
    response = post_card(officer, review, htmx=True, outcome="closed", version=1)
    assert (
        f'<span id="item-{item.pk}-state" hx-swap-oob="innerHTML">'
        "outcome decided, 0 findings, 0 actions</span>"
    ) in response.text
    assert (
        f'<span class="item-state" id="nav-item-{item.pk}-state" hx-swap-oob="true">'
        '<span class="visually-hidden">: </span>outcome decided, 0 findings, 0 actions</span>'
    ) in response.text
    # The card's own live region says what was recorded: said once, not twice.
    assert 'id="workspace-status"' not in response.text
    # Only choosing which fields to show changes nothing there.
    response = post_card(officer, review, htmx=True, mode="carried_forward")
    assert 'hx-swap-oob="true"' not in response.text


def test_change_outcome_from_the_card_asks_to_withdraw_the_replacement(officer, november):
    review = review_of(november, "2017/10-03")
    post_card(officer, review, outcome="replaced", version=1, text="Publish the plan")
    response = officer.get(card_url(review) + "?mode=choose")
    assert response.context["asks_withdrawal"] is True
    response = post_card(officer, review, outcome="closed", version=2)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["withdraw_replacements"]
    response = post_card(officer, review, outcome="closed", version=2, withdraw_replacements="on")
    assert response.status_code == 302
    assert review.item.actions.get().status == Status.WITHDRAWN


@pytest.mark.parametrize("mode", ["", "?mode=choose", "?mode=carried_forward", "?mode=replaced"])
def test_every_card_page_loads(officer, november, mode):
    review = review_of(november, "2017/10-03")
    assert officer.get(card_url(review) + mode).status_code == 200
    decide_review(review, by=None, outcome="closed")
    assert officer.get(card_url(review) + mode).status_code == 200


def test_a_card_of_agreed_minutes_goes_to_the_minutes(officer, november):
    review = review_of(november, "2017/10-02")
    set_minutes_status(november, MinutesStatus.AGREED, by=None)
    assert officer.get(card_url(review))["Location"] == november.get_absolute_url()
    response = post_card(officer, review, htmx=True, outcome="closed")
    assert (response.status_code, response["HX-Redirect"]) == (204, november.get_absolute_url())
    assert ActionReview.objects.get(pk=review.pk).outcome == "pending"


def test_record_page_queries_are_the_same_for_one_card_and_ten(officer, demo):
    october = Meeting.objects.get(date="2017-10-31")
    item = october.items.get(number="2", parent=None)
    for n in range(4):
        raise_action(
            item=item,
            text=f"Extra action {n}",
            reference=f"2017/10-9{n}",
            owner_posts=[Post.objects.get(abbreviation="DCC")],
            due_date=datetime.date(2017, 11, 15),
            imported=True,
        )
    november = open_next(october, datetime.date(2017, 11, 29))
    reviews = ActionReview.objects.filter(item__meeting=november)
    assert reviews.count() == 10
    decide_review(review_of(november, "2017/10-02"), by=None, outcome="closed")
    carry(review_of(november, "2017/10-03"), None)
    decide_review(
        review_of(november, "2017/10-04"), by=None, outcome="replaced", replacement=REPLACEMENT
    )
    url = reverse("meetings:record", args=[november.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url).status_code == 200
        return len(captured)

    ten = queries()
    reviews.exclude(action__reference="2017/10-08").delete()
    assert ActionReview.objects.filter(item__meeting=november).count() == 1
    assert (ten, queries()) == (QUERIES, QUERIES)


# Attendance, the ids of the items shown and then the items, findings, declarations,
# assurance statements, decisions, actions, reviews, then the reviews' actions by id
# (meetings.minutes._reviews) and their trails, and the items in agenda order (the window of
# those brought forward: meetings.workspace): whatever the cards.
QUERIES = 27
