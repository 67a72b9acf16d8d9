"""Limits on what the action forms accept: lengths and dates, each with its message."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from actions.forms import (
    ActionForm,
    CompleteForm,
    ReassignForm,
    ReopenForm,
    ReviewForm,
    ReviewOutcomeForm,
    UpdateForm,
)
from actions.models import ActionReview
from tests.factories import ActionFactory, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2017, 11, 10)


@pytest.mark.parametrize(
    ("form_class", "data", "field", "limit"),
    [
        (UpdateForm, {"on_date": "2017-11-10"}, "text", 10_000),
        (CompleteForm, {"on_date": "2017-11-10"}, "note", 10_000),
        (ReopenForm, {}, "reason", 2000),
        (ReviewForm, {"decision": "reopen"}, "reason", 2000),
    ],
)
def test_a_note_or_reason_over_its_limit_is_refused_with_the_counts(form_class, data, field, limit):
    assert form_class({**data, field: "x" * limit}).errors.get(field) is None
    form = form_class({**data, field: "x" * (limit + 1)})
    assert form.errors[field] == [
        f"Keep this to {limit:,} characters or fewer (it has {limit + 1:,})."
    ]
    assert f'maxlength="{limit}"' in str(form[field])


def test_line_breaks_count_once_as_the_browser_counts_them():
    # Browsers send each line break as \r\n, and count it as one against maxlength.
    assert UpdateForm({"on_date": "2017-11-10", "text": "x\r\n" * 5000}).is_valid()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "Enter a date from 2000 onwards."),
        ("1999-12-31", "Enter a date from 2000 onwards."),
        ("2000-01-01", None),
    ],
)
@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (UpdateForm, {"text": "Brief drafted."}),
        (CompleteForm, {"note": "Brief shared."}),
    ],
)
def test_an_update_or_completion_date_before_2000_is_refused(form_class, data, typed, message):
    form = form_class({**data, "on_date": typed})
    assert form.errors.get("on_date") == ([message] if message else None)


@pytest.fixture
def action(db):
    meeting = MeetingFactory(date=datetime.date(2017, 10, 31), status="agreed")
    return ActionFactory(item=ItemFactory(meeting=meeting), owners=[])


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("on_date", "1999-12-31", "Enter a date from 2000 onwards."),
        ("due_date", "1999-12-31", "Enter a date from 2000 onwards."),
        ("due_date", "2100-01-01", "Enter a date before 2100."),
        ("due_meeting", "1999-12", "Enter a date from 2000 onwards."),
    ],
)
def test_a_reassignment_date_or_due_outside_2000_to_2099_is_refused(action, field, typed, message):
    form = ReassignForm({"on_date": "2017-11-10", "reason": "R", field: typed}, action=action)
    assert form.errors[field] == [message]


@pytest.mark.parametrize(
    ("field", "typed"), [("due_date", "1999-12-31"), ("due_meeting", "1999-12")]
)
def test_an_action_due_before_2000_is_refused(action, field, typed):
    form = ActionForm({"text": "Share the brief", field: typed}, meeting=action.meeting)
    assert form.errors[field] == ["Enter a date from 2000 onwards."]


@pytest.mark.parametrize(
    ("field", "typed"), [("new_due_date", "1999-12-31"), ("new_due_meeting", "1999-12")]
)
def test_a_new_due_before_2000_is_refused(action, field, typed):
    later = ItemFactory(meeting=MeetingFactory(date=datetime.date(2017, 11, 29)))
    review = ActionReview.objects.create(item=later, action=action)
    form = ReviewOutcomeForm(
        {f"review-{review.pk}-outcome": "carried_forward", f"review-{review.pk}-{field}": typed},
        review=review,
        prefix=f"review-{review.pk}",
    )
    assert form.errors[field] == ["Enter a date from 2000 onwards."]


def test_an_update_too_long_and_dated_year_1_keeps_what_was_typed(client, opcc_user, action):
    text = "Brief drafted & shared.\r\n" + "x" * 10_000
    client.force_login(opcc_user)
    response = client.post(
        reverse("actions:add_update", args=[action.pk]), {"on_date": "0001-01-01", "text": text}
    )
    assert response.status_code == 200
    assert response.context["update_form"].errors == {
        "on_date": ["Enter a date from 2000 onwards."],
        "text": ["Keep this to 10,000 characters or fewer (it has 10,024)."],
    }
    page = response.content.decode()
    assert 'value="0001-01-01"' in page
    textarea = re.search(r'<textarea name="text"([^>]*)>\n(.*?)</textarea>', page, re.S)
    assert 'maxlength="10000"' in textarea[1]
    assert html.unescape(textarea[2]) == text
    assert action.events.count() == 0


def test_retired_people_and_posts_are_offered_as_owners_only_where_they_already_own(action):
    from tests.factories import PersonFactory, PostFactory

    retired = PersonFactory(name="Retired Officer", retired_on=datetime.date(2017, 1, 1))
    retired_post = PostFactory(abbreviation="ACO", retired_on=datetime.date(2017, 1, 1))
    current = PersonFactory(name="Current Officer")
    meeting = action.meeting
    raise_form = ActionForm(meeting=meeting)
    assert current in raise_form.fields["owner_people"].queryset
    assert retired not in raise_form.fields["owner_people"].queryset
    assert retired_post not in raise_form.fields["owner_posts"].queryset

    action.owner_people.add(retired)
    action.owner_posts.add(retired_post)
    reassign = ReassignForm(action=action)
    assert retired in reassign.fields["owner_people"].queryset
    assert retired_post in reassign.fields["owner_posts"].queryset
