"""The shared form fields: free text as the minutes store it."""

import inspect

import pytest
from django import forms

import actions.forms
import meetings.forms
from meetings.forms import PlainTextField

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


def form_classes():
    for module in (meetings.forms, actions.forms):
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                yield f"{module.__name__}.{name}", value


def test_every_text_field_of_every_form_is_a_plain_text_field():
    text_fields = {
        f"{form_name}.{name}": type(field).__name__
        for form_name, form_class in form_classes()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)
    }
    assert text_fields == dict.fromkeys(text_fields, "PlainTextField")
    # Spot checks that the list above is the forms' text fields: model and declared fields.
    assert {
        "meetings.forms.MeetingForm.venue",
        "meetings.forms.AttendanceForm.capacity",
        "meetings.forms.AttendanceForm.new_person_name",
        "meetings.forms.AgendaItemForm.heading",
        "meetings.forms.AgendaItemForm.background",
        "meetings.forms.FindingForm.text",
        "actions.forms.UpdateForm.text",
        "actions.forms.CompleteForm.note",
        "actions.forms.ActionForm.due_wording",
        "actions.forms.ReviewOutcomeForm.update",
    } <= set(text_fields)


def test_the_reason_for_correcting_agreed_minutes_is_a_plain_text_field(db):
    from tests.factories import MeetingFactory

    form = actions.forms.ActionForm(meeting=MeetingFactory(), correcting=True)
    assert type(form.fields["reason"]) is PlainTextField
