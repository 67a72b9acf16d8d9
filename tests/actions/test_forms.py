"""Limits on what the action forms accept: lengths and dates, each with its message."""

import datetime
import html
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field as render_crispy_field
from crispy_forms.utils import render_crispy_form as render_crispy
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
from tests.factories import (
    ActionFactory,
    BodyFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
)

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


def radios(page, name):
    """Each radio of ``name`` on ``page``: its value and the wrappers it reveals."""
    return {
        value: controls.split()
        for value, controls in re.findall(
            rf'name="{name}" value="([^"]*)"[^>]*data-aria-controls="([^"]*)"', page
        )
    }


def test_each_kind_of_due_names_the_fields_it_reveals_and_they_are_on_the_page(action):
    """Issue 26: the form shows only the chosen kind's fields. Each radio names the
    wrappers of its kind's fields for the script that hides the others; the wrappers exist."""
    form = ActionForm(meeting=action.meeting, prefix="action-7")
    page = render_crispy(form)
    wrapper = "div_id_action-7-due_"
    assert radios(page, "action-7-due_kind") == {
        "": [],
        "date": [f"{wrapper}date", f"{wrapper}wording"],
        "month": [f"{wrapper}meeting", f"{wrapper}series", f"{wrapper}wording"],
        "meeting": [f"{wrapper}series", f"{wrapper}at", f"{wrapper}wording"],
        "open": [f"{wrapper}wording"],
    }
    for part in ["date", "meeting", "series", "at", "wording"]:
        assert f'id="{wrapper}{part}"' in page


def test_a_new_due_of_a_carried_forward_action_reveals_its_own_fields(action):
    review = ActionReview.objects.create(item=ItemFactory(meeting=MeetingFactory()), action=action)
    form = ReviewOutcomeForm(review=review, prefix="review-3")
    page = "".join(render_crispy_field(form[name]) for name in ["new_due_kind", "new_due_date"])
    assert radios(page, "review-3-new_due_kind")["date"] == [
        "div_id_review-3-new_due_date",
        "div_id_review-3-new_due_wording",
    ]
    assert 'id="div_id_review-3-new_due_date"' in page


def test_owned_by_bodies_is_left_off_the_form_while_there_are_no_bodies(action):
    """Issue 26: an empty "Owned by bodies" group, a legend with nothing under it."""
    page = render_crispy(ActionForm(meeting=action.meeting))
    assert "Owned by bodies" not in page
    assert 'name="owner_bodies"' not in page
    form = ActionForm({"text": "Report back"}, meeting=action.meeting)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["owner_bodies"]) == []

    body = BodyFactory(name="Chief officers", label="Officers")
    page = render_crispy(ActionForm(meeting=action.meeting))
    assert re.search(r"<legend[^>]*>\s*Owned by bodies\s*</legend>", page)
    assert re.findall(r'<input type="checkbox"[^>]*name="owner_bodies" value="(\d+)"', page) == [
        str(body.pk)
    ]


def test_people_owners_are_checkboxes_with_the_names_and_values_of_the_select(action):
    """Issue 26: no Ctrl-click multiple select; the same field name and values, so that the
    server reads them as before. The script adds the filter box (browser tests)."""
    jackie = PersonFactory(name="Jackie Irvin", initials="JI")
    page = render_crispy(ActionForm(meeting=action.meeting))
    assert "<select" not in re.search(r'id="div_id_owner_people".*?</fieldset>', page, re.S)[0]
    assert re.search(
        rf'<input type="checkbox"[^>]*name="owner_people" value="{jackie.pk}"'
        r'[^>]*data-filter-choices="people"',
        page,
    )
    form = ActionForm({"text": "Report back", "owner_people": [jackie.pk]}, meeting=action.meeting)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["owner_people"]) == [jackie]
