"""The shared form fields: free text as the minutes store it."""

import datetime
import html
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from actions.forms import ActionForm
from core.forms import PlainTextField
from meetings.forms.minutes import AgendaItemForm, AgreeMinutesForm, MeetingForm, ReopenMinutesForm

# Word's Shift+Enter (\x0b), a page break (\x0c), Windows and old Mac line ends, an escape
# sequence, NUL, a unit separator and U+FFFE: what a paste from Word or a careless tool brings.
PASTED = "One\x0bTwo\x0cThree\r\nFour\rFive\x1b[0m\x00\x1f\ufffe\tend"


def test_a_text_area_keeps_line_breaks_and_tabs_and_drops_what_xml_cannot_hold():
    field = PlainTextField(widget=forms.Textarea)
    assert field.clean(PASTED) == "One\nTwo\nThree\nFour\nFive[0m\tend"


def test_a_one_line_field_turns_line_breaks_into_spaces():
    assert PlainTextField().clean(PASTED) == "One Two Three Four Five[0m\tend"


def test_text_that_was_only_control_characters_is_empty_and_so_required():
    field = PlainTextField(error_messages={"required": "Write something."})
    with pytest.raises(forms.ValidationError) as error:
        field.clean("\x0b\x00\x01")
    assert error.value.messages == ["Write something."]


def forms_modules():
    """Every module of ours that defines forms: each app's ``forms`` module, or each module
    of its ``forms`` package."""
    for app in apps.get_app_configs():
        if Path(app.path).parent != settings.BASE_DIR:
            continue
        try:
            forms_module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        if hasattr(forms_module, "__path__"):
            for info in pkgutil.iter_modules(forms_module.__path__):
                yield importlib.import_module(f"{app.name}.forms.{info.name}")
        else:
            yield forms_module


def form_classes():
    for module in forms_modules():
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                yield f"{module.__name__}.{name}", value


# Typed but never stored as text: what is searched for, and the codes of two factors.
NOT_STORED = {
    "search.forms.SearchForm.q",
    "signin.forms.CodeForm.code",
    "signin.forms.SetupForm.code",
}


def test_every_text_field_of_every_form_is_a_plain_text_field():
    text_fields = {
        f"{form_name}.{name}": type(field).__name__
        for form_name, form_class in form_classes()
        for name, field in form_class.base_fields.items()
        # A one-time token is a UUID and an address an email address, each checked as one.
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField | forms.EmailField)
        and f"{form_name}.{name}" not in NOT_STORED
    }
    assert text_fields == dict.fromkeys(text_fields, "PlainTextField")
    # Spot checks that the list above is the forms' text fields: model and declared fields.
    assert {
        "meetings.forms.minutes.MeetingForm.venue",
        "meetings.forms.minutes.AttendanceForm.capacity",
        "meetings.forms.minutes.AttendanceForm.new_person_name",
        "meetings.forms.minutes.AgendaItemForm.heading",
        "meetings.forms.minutes.AgendaItemForm.background",
        "meetings.forms.minutes.FindingForm.text",
        "actions.forms.UpdateForm.text",
        "actions.forms.CompleteForm.note",
        "actions.forms.ActionForm.due_wording",
        "actions.forms.ReviewOutcomeForm.update",
        "people.forms.directory.PersonForm.name",
        "people.forms.bodies.BodyForm.name",
        "judgements.forms.DecisionForm.text",
    } <= set(text_fields)


def test_the_reason_for_correcting_agreed_minutes_is_a_plain_text_field(db):
    from tests.factories import MeetingFactory

    form = ActionForm(meeting=MeetingFactory(), correcting=True)
    assert type(form.fields["reason"]) is PlainTextField


@pytest.fixture
def meeting(db):
    from tests.factories import MeetingFactory

    return MeetingFactory(date=datetime.date(2017, 11, 29))


@pytest.mark.parametrize("field", ["background", "question"])
def test_an_items_background_or_question_over_20000_characters_is_refused(meeting, field):
    data = {"number": "7", "heading": "Telford", "nil_return": ""}
    assert AgendaItemForm({**data, field: "x" * 20_000}, meeting=meeting).is_valid()
    form = AgendaItemForm({**data, field: "x" * 20_001}, meeting=meeting)
    assert form.errors == {field: ["Keep this to 20,000 characters or fewer (it has 20,001)."]}
    assert 'maxlength="20000"' in str(form[field])


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (ReopenMinutesForm, {}),
        (AgreeMinutesForm, {"decision": "not_agreed"}),
    ],
)
def test_a_reason_about_the_minutes_over_2000_characters_is_refused_once(meeting, form_class, data):
    kwargs = {"meeting": meeting, "problems": []} if form_class is AgreeMinutesForm else {}
    form = form_class({**data, "reason": "x" * 2001}, **kwargs)
    assert form.errors == {"reason": ["Keep this to 2,000 characters or fewer (it has 2,001)."]}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date", "0001-01-01", "Enter a date from 2000 onwards."),
        ("date", "1999-12-31", "Enter a date from 2000 onwards."),
        ("date", "2100-01-01", "Enter a date before 2100."),
        ("next_meeting_date", "1999-12-31", "Enter a date from 2000 onwards."),
        ("next_meeting_date", "2100-01-01", "Enter a date before 2100."),
    ],
)
def test_a_meeting_date_outside_2000_to_2099_is_refused(meeting, field, typed, message):
    data = {"date": "2017-11-29", "version": meeting.version, field: typed}
    form = MeetingForm(data, instance=meeting, series=meeting.series)
    assert form.errors[field] == [message]


def test_the_earliest_and_latest_plausible_dates_are_accepted(meeting):
    data = {"date": "2000-01-01", "next_meeting_date": "2099-12-31", "version": meeting.version}
    assert MeetingForm(data, instance=meeting, series=meeting.series).errors == {}


def test_an_item_too_long_keeps_what_was_typed_on_the_page(client, opcc_user, meeting):
    background = "Shared with the PCC <b>in confidence</b>.\r\n" + "x" * 20_000
    client.force_login(opcc_user)
    response = client.post(
        reverse("meetings:item_add", args=[meeting.pk]),
        {"number": "7", "heading": "Telford", "background": background, "question": "Why?"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "background": ["Keep this to 20,000 characters or fewer (it has 20,042)."]
    }
    page = response.content.decode()
    textarea = re.search(r'<textarea name="background"([^>]*)>\n(.*?)</textarea>', page, re.S)
    assert 'maxlength="20000"' in textarea[1]
    assert html.unescape(textarea[2]) == background
    assert 'value="Telford"' in page
    assert meeting.items.count() == 0


def test_the_taken_after_and_place_choices_name_an_item_numbered_aob_once(meeting):
    """Issue 26: an item numbered AOB headed "AOB:" was offered as "AOB AOB:"."""
    from tests.factories import ItemFactory

    five = ItemFactory(meeting=meeting, number="5a", heading="DELIVERY:")
    aob = ItemFactory(meeting=meeting, number="AOB", heading="AOB:")
    form = AgendaItemForm(meeting=meeting)
    offered = dict(form.fields["taken_after"].choices)
    assert [offered[five.pk], offered[aob.pk]] == ["5a DELIVERY:", "AOB:"]
    places = dict(form.fields["place"].choices)
    assert [places[str(five.pk)], places[str(aob.pk)]] == [
        "Before item 5a DELIVERY:",
        "Before item AOB:",
    ]
