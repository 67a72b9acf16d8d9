"""Raising actions while recording a meeting, and deciding the actions brought forward."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionReview, Status
from actions.services import close_reviews, decide_review, raise_action
from actions.templatetags import action_tags
from meetings.models import Meeting, MeetingSeries
from people.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


@pytest.fixture
def november(officer):
    october = Meeting.objects.get(date="2017-10-31")
    officer.post(
        reverse("meetings:create", args=[MeetingSeries.objects.get().pk]),
        {
            "date": "2017-11-29",
            "chair_1": october.ordered_chairs()[0].pk,
            "minute_taker": october.minute_taker_id,
        },
    )
    return Meeting.objects.get(date="2017-11-29")


def action_data(item, **overrides):
    data = {
        "text": "Share the winter visibility plan",
        "owner_posts": [Post.objects.get(abbreviation="DCC").pk],
        "due_date": "2018-01-31",
        "due_wording": "By end January 2018",
    }
    data.update(overrides)
    return {f"action-{item.pk}-{key}": value for key, value in data.items()}


def test_an_action_raised_with_htmx_gets_the_next_reference_and_shows_in_place(officer, november):
    item = november.items.get(number="2", parent=None)
    response = officer.post(
        reverse("actions:raise", args=[item.pk]), action_data(item), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "actions/_item_actions.html"
    action = item.actions.get()
    assert (
        action.reference,
        action.owner_display,
        action.due_date,
        action.due_wording,
        action.status,
    ) == ("2017/11-01", "DCC", datetime.date(2018, 1, 31), "By end January 2018", "open")
    assert "2017/11-01</a> Share the winter visibility plan By end January 2018" in response.text
    assert list(action.events.values_list("kind", "by__username")) == [("created", "officer")]


def test_an_action_raised_in_place_updates_the_items_counts_and_is_announced(officer, november):
    item = november.items.get(number="2", parent=None)
    response = officer.post(
        reverse("actions:raise", args=[item.pk]), action_data(item), headers={"HX-Request": "true"}
    )
    assert (
        f'<span id="item-{item.pk}-state" hx-swap-oob="innerHTML">0 findings, 1 action</span>'
    ) in response.text
    assert (
        f'<span class="item-state" id="nav-item-{item.pk}-state" hx-swap-oob="true">'
        '<span class="visually-hidden">: </span>0 findings, 1 action</span>'
    ) in response.text
    assert (
        '<div id="workspace-status" hx-swap-oob="innerHTML">'
        "Action 2017/11-01 raised at item 2.</div>"
    ) in response.text


def test_without_javascript_raising_an_action_returns_to_the_item(officer, november):
    item = november.items.get(number="2", parent=None)
    assert officer.get(reverse("actions:raise", args=[item.pk])).status_code == 200
    response = officer.post(reverse("actions:raise", args=[item.pk]), action_data(item))
    assert response["Location"] == reverse("meetings:record", args=[november.pk]) + (
        f"#item-{item.pk}"
    )
    assert item.actions.count() == 1


def test_the_raise_form_in_place_shows_the_reader_no_template_comment(officer, november):
    item = november.items.get(number="2", parent=None)
    response = officer.get(reverse("actions:raise", args=[item.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="add-action-{item.pk}">Raise the action<' in response.text
    assert "{#" not in response.text
    assert "share an id" not in response.text


def test_no_template_comment_spans_lines():
    """Django ends a {# comment #} at the end of its line: one that goes on prints itself."""
    root = Path(settings.BASE_DIR) / "templates"
    templates = sorted(root.rglob("*.html"))
    assert len(templates) > 50
    unclosed = [
        f"{path.relative_to(root)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert unclosed == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"due_date": "2017-11-01"},
            "due_date",
            "The due date is before the meeting the action arose at (29 November 2017).",
        ),
        (
            {"due_meeting": "2017-11"},
            "due_meeting",
            "The action must come back to a later meeting than this one.",
        ),
        ({"owner_posts": ["999999"]}, "owner_posts", None),
        ({"text": ""}, "text", "Write the action."),
        (
            {"text": "x" * 2001},
            "text",
            "Keep this to 2,000 characters or fewer (it has 2,001).",
        ),
        (
            {"due_date": "31/31/2017"},
            "due_date",
            "The month must be between 1 and 12, and the day comes first. "
            "For example, 15/01/2018 or 15 January 2018.",
        ),
    ],
)
def test_bad_action_input_gets_a_message_beside_the_field_and_keeps_the_text(
    officer, november, overrides, field, message
):
    item = november.items.get(number="2", parent=None)
    response = officer.post(
        reverse("actions:raise", args=[item.pk]),
        action_data(item, **overrides),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    errors = response.context["action_form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    else:
        assert errors[field] == [
            "Select a valid choice. 999999 is not one of the available choices."
        ]
    if field != "text":
        assert "Share the winter visibility plan</textarea>" in response.text
    assert item.actions.count() == 0


def test_an_action_raised_at_a_brought_forward_item_follows_from_the_old_one(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-08")
    officer.post(reverse("actions:raise", args=[review.item.pk]), action_data(review.item))
    new = review.item.actions.get()
    assert new.follows_from == review.action


def test_raising_an_action_clears_an_explicit_no_actions(officer, november):
    item = november.items.get(number="2", parent=None)
    item.nil_return = "no_actions"
    item.save()
    officer.post(reverse("actions:raise", args=[item.pk]), action_data(item))
    item.refresh_from_db()
    assert item.nil_return == ""


def decide(client, review, **data):
    return client.post(
        reverse("actions:review_outcome", args=[review.pk]),
        {f"review-{review.pk}-{key}": value for key, value in data.items()},
    )


def test_agreeing_an_action_closed_at_the_meeting(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-05")
    response = decide(officer, review, outcome="closed", update="Brief shared on 20 November.")
    assert response.status_code == 302
    review.refresh_from_db()
    action = review.action
    action.refresh_from_db()
    assert (review.outcome, action.status) == ("closed", "closed")
    assert list(action.events.values_list("kind", "on_date", "text")) == [
        (
            "created",
            datetime.date(2017, 10, 31),
            "Raised at the Monthly Assurance Meeting October 2017 meeting, item 2.",
        ),
        ("update", datetime.date(2017, 11, 29), "Brief shared on 20 November."),
        (
            "status",
            datetime.date(2017, 11, 29),
            "Agreed complete and closed at the Monthly Assurance Meeting November 2017 meeting.",
        ),
    ]


def test_carrying_an_action_forward_keeps_it_open_with_a_new_due(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-08")
    decide(
        officer,
        review,
        outcome="carried_forward",
        new_due_meeting="2018-01",
        new_due_wording="January HTA",
    )
    action = Action.objects.get(pk=review.action_id)
    assert (action.status, action.due_meeting, action.due_wording) == (
        "open",
        datetime.date(2018, 1, 1),
        "January HTA",
    )
    assert action.events.last().text == (
        "Due changed from “in advance of November’s HTA” to “January HTA”. "
        "Carried forward at the Monthly Assurance Meeting November 2017 meeting."
    )


def test_carrying_forward_needs_a_later_due(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-08")
    response = decide(officer, review, outcome="carried_forward", new_due_date="2017-11-01")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_due_date": ["The new due date must be after this meeting."]
    }
    response = decide(officer, review, outcome="carried_forward")
    assert response.context["form"].errors == {
        "new_due_date": ["Give the new due date or meeting."]
    }
    assert Action.objects.get(pk=review.action_id).status == "open"


def test_replacing_needs_a_new_action_one_raised_at_the_item_will_do(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-08")
    response = decide(officer, review, outcome="replaced")
    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["Write the new action that replaces it."]}
    officer.post(reverse("actions:raise", args=[review.item.pk]), action_data(review.item))
    decide(officer, review, outcome="replaced")
    old = Action.objects.get(pk=review.action_id)
    assert old.status == "closed"
    assert old.events.last().text == (
        "Closed at the Monthly Assurance Meeting November 2017 meeting and replaced by 2017/11-01."
    )


def test_several_actions_are_agreed_closed_in_one_step(officer, november):
    reviews = ActionReview.objects.filter(
        item__meeting=november, action__reference__in=["2017/10-02", "2017/10-03"]
    )
    response = officer.post(
        reverse("actions:bulk_close", args=[november.pk]),
        {"reviews": [review.pk for review in reviews]},
    )
    assert response.status_code == 302
    assert sorted(
        Action.objects.filter(status=Status.CLOSED, meeting__date="2017-10-31").values_list(
            "reference", flat=True
        )
    ) == ["2017/10-02", "2017/10-03"]
    assert set(ActionReview.objects.filter(pk__in=reviews).values_list("outcome", flat=True)) == {
        "closed"
    }


def test_a_shared_note_is_minuted_for_each_action_closed_together_unless_it_had_its_own(
    officer, november
):
    reviews = {
        review.action.reference: review
        for review in ActionReview.objects.filter(
            item__meeting=november, action__reference__in=["2017/10-02", "2017/10-03"]
        ).select_related("action")
    }
    ActionReview.objects.filter(pk=reviews["2017/10-03"].pk).update(update="Report received.")
    response = officer.post(
        reverse("actions:bulk_close", args=[november.pk]),
        {
            "reviews": [review.pk for review in reviews.values()],
            "note": "The DCC confirmed each was done.",
        },
    )
    assert response.status_code == 302
    assert dict(
        ActionReview.objects.filter(pk__in=[r.pk for r in reviews.values()]).values_list(
            "action__reference", "update"
        )
    ) == {"2017/10-02": "The DCC confirmed each was done.", "2017/10-03": "Report received."}


def test_bulk_close_with_nothing_ticked_says_so_and_keeps_the_note(officer, november):
    response = officer.post(
        reverse("actions:bulk_close", args=[november.pk]), {"note": "All done, said the DCC."}
    )
    assert response.status_code == 200
    assert '<li><a href="#id_reviews_0">Tick at least one action to close.</a></li>' in (
        response.text
    )
    assert ">All done, said the DCC.</textarea>" in response.text


def test_past_a_few_the_record_page_links_to_a_page_that_closes_them_all(
    officer, november, monkeypatch
):
    """A meeting that brings forward hundreds agrees them closed on a page of their own: the
    record page holds a link, not a checkbox and the text of each."""
    monkeypatch.setattr(action_tags, "BULK_CLOSE_IN_PLACE", 2)
    pending = ActionReview.objects.filter(item__meeting=november, outcome="pending")
    assert pending.count() == 6
    record = officer.get(reverse("meetings:record", args=[november.pk])).text
    url = reverse("actions:bulk_close", args=[november.pk])
    assert f'<a href="{url}">Agree several actions brought forward closed at once</a> (6 with' in (
        record
    )
    assert 'name="reviews"' not in record
    page = officer.get(url).text
    assert page.count('name="reviews"') == 6
    response = officer.post(url, {"reviews": [review.pk for review in pending]})
    assert response.status_code == 302
    assert not pending.all().exists()
    assert set(
        ActionReview.objects.filter(item__meeting=november).values_list("outcome", flat=True)
    ) == {"closed"}


def test_closing_at_november_removes_it_from_december(officer, november):
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-07")
    decide(officer, review, outcome="closed")
    officer.post(
        reverse("meetings:create", args=[november.series_id]),
        {"date": "2017-12-20"},
    )
    december = Meeting.objects.get(date="2017-12-20")
    assert list(
        ActionReview.objects.filter(item__meeting=december)
        .order_by("item__position")
        .values_list("action__reference", flat=True)
    ) == ["2017/10-02", "2017/10-03", "2017/10-04", "2017/10-05", "2017/10-08"]


@pytest.mark.parametrize("username", ["commissioner", "dcc"])
def test_only_opcc_staff_raise_edit_and_decide_actions(client, november, username):
    client.logout()
    client.login(username=username, password="assurance-demo")
    item = november.items.get(number="2", parent=None)
    review = ActionReview.objects.filter(item__meeting=november).first()
    action = review.action
    assert client.post(reverse("actions:raise", args=[item.pk]), action_data(item)).status_code == (
        403
    )
    assert client.get(reverse("actions:edit", args=[action.pk])).status_code == 403
    assert decide(client, review, outcome="closed").status_code == 403
    assert (
        client.post(
            reverse("actions:bulk_close", args=[november.pk]), {"reviews": [review.pk]}
        ).status_code
        == 403
    )
    assert item.actions.count() == 0
    assert Action.objects.get(pk=action.pk).status == "open"


def test_an_action_of_agreed_minutes_is_not_edited_but_reassigned(officer, demo):
    action = Action.objects.get(reference="2017/10-06")
    acc = Post.objects.get(abbreviation="ACC")
    response = officer.post(
        reverse("actions:edit", args=[action.pk]),
        {"owner_posts": [acc.pk], "due_wording": "By end February 2018", "version": action.version},
    )
    assert response.status_code == 302
    assert list(get_messages(response.wsgi_request))[0].message == (
        "The minutes of Monthly Assurance Meeting October 2017 are agreed: reopen them to "
        "correct this action, or reassign it."
    )
    response = officer.post(
        reverse("actions:reassign", args=[action.pk]),
        {
            "on_date": "2017-11-14",
            "reason": "The DCC asked the ACC to lead.",
            "owner_posts": [acc.pk],
            "due_date": "2018-02-28",
            "due_wording": "By end February 2018",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner_display, action.due_display) == ("ACC", "By end February 2018")
    # What October minuted stays as minuted.
    assert (action.raised_owners, action.raised_due_display) == ("DCC", "By end January 2018")
    assert list(
        action.events.filter(kind__in=["due", "owners"]).values_list("kind", "on_date", "text")
    ) == [
        (
            "owners",
            datetime.date(2017, 11, 14),
            "Owners changed from DCC to ACC. Reassigned: The DCC asked the ACC to lead.",
        ),
        (
            "due",
            datetime.date(2017, 11, 14),
            "Due changed from “By end January 2018” to “By end February 2018”. "
            "Reassigned: The DCC asked the ACC to lead.",
        ),
    ]


def test_a_reassignment_needs_a_reason_and_a_date_not_in_the_future(officer, demo):
    action = Action.objects.get(reference="2017/10-06")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = officer.post(
        reverse("actions:reassign", args=[action.pk]),
        {
            "on_date": tomorrow.isoformat(),
            "reason": "",
            "owner_posts": [Post.objects.get(abbreviation="ACC").pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "on_date": ["The date of the change cannot be in the future."],
        "reason": ["Say why the action is reassigned."],
    }
    assert action.events.exclude(kind="created").count() == 0


def test_a_stale_action_edit_is_refused(officer, november):
    action = raise_action(
        item=november.items.get(number="4"),
        text="Circulate the plan.",
        owner_posts=[Post.objects.get(abbreviation="DCC")],
    )
    url = reverse("actions:edit", args=[action.pk])
    data = {
        "text": action.text,
        "owner_posts": [Post.objects.get(abbreviation="DCC").pk],
        "version": action.version,
    }
    assert officer.post(url, {**data, "due_wording": "First"}).status_code == 302
    response = officer.post(url, {**data, "due_wording": "Second"})
    assert response.context["form"].non_field_errors()[0].startswith("Someone else saved this")
    action.refresh_from_db()
    assert (action.due_wording, action.raised_due_wording) == ("First", "First")


def _closing_record(reviews):
    """What closing ``reviews`` wrote: each review as decided, its action, the trail added
    and the history rows, for comparing two ways of closing."""
    record = []
    for review in ActionReview.objects.filter(pk__in=reviews).order_by("pk"):
        action = review.action
        record.append(
            (
                {
                    name: getattr(review, name)
                    for name in [
                        "outcome",
                        "update",
                        "owners_before",
                        "status_before",
                        "completion_claimed_on",
                        "new_due_kind",
                        "new_due_date",
                        "new_due_meeting",
                        "new_due_wording",
                        "new_due_series_id",
                        "new_due_at_id",
                        "owners_after",
                        "decided_by_id",
                        "version",
                    ]
                },
                (action.status, action.version),
                list(
                    action.events.filter(meeting=review.item.meeting).values_list(
                        "kind", "text", "from_status", "to_status", "by_id", "on_date"
                    )
                ),
                action.history.count(),
                review.history.count(),
                review.history.first().history_user_id,
            )
        )
    return record


def test_closing_several_at_once_records_what_deciding_each_does(officer, november, opcc_user):
    """The bulk close writes in a few queries what decide_review writes one by one: the same
    reviews, statuses, trail and history."""
    pending = list(ActionReview.objects.filter(item__meeting=november, outcome="pending"))
    ActionReview.objects.filter(pk=pending[0].pk).update(update="Report received.")
    pks = [review.pk for review in pending]
    note = "The DCC confirmed each was done."

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            for review in ActionReview.objects.filter(pk__in=pks):
                decide_review(review, by=opcc_user, outcome="closed", update=review.update or note)
            one_by_one = _closing_record(pks)
            raise Undo
    except Undo:
        pass
    assert set(ActionReview.objects.filter(pk__in=pks).values_list("outcome", flat=True)) == {
        "pending"
    }
    # Hundreds close in one request.
    counts = []
    for some in (pks[:2], pks):
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                close_reviews(ActionReview.objects.filter(pk__in=some), by=opcc_user, note=note)
                raise Undo
        except Undo:
            counts.append(len(queries))
    # Not twenty queries each, as one by one: at most an UPDATE for each set of values the
    # reviews share (so one more for each review added) and an INSERT for each kind of owner.
    assert counts[1] - counts[0] <= (len(pks) - 2) + 3
    close_reviews(ActionReview.objects.filter(pk__in=pks), by=opcc_user, note=note)
    assert _closing_record(pks) == one_by_one
    assert [row[0]["update"] for row in one_by_one].count(note) == 5
