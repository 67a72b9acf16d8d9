"""How every form in the product behaves, whichever room it is in.

A form that creates something is once-only (a double click creates one row); a form that
edits carries the version it was opened at and refuses a stale save; free text is stored as
plain text every rendering can read; dates are typed the British way and read strictly.
"""

import datetime
import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.utils.formats import date_format

from core.dates import DATE_HINT, DateError, parse_date
from core.models import Submission
from core.text import plain_text

STALE_MESSAGE = (
    "Someone else saved this since you opened it, so your changes were not saved. "
    "What you typed is still below: open the page again in a new tab to see their version, "
    "then apply your changes to it."
)


ALREADY_SAVED = "That was already saved; it has not been saved twice."


class OnceOnlyForm(forms.Form):
    """A form that creates something carries a one-time token, so that posting it twice
    creates it once (see ``first_submission``)."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def repeats_a_submission(self):
        """Whether this form's token was used already: a repeat is then answered as the first
        was, not with the errors the first one's row now causes ("already a meeting")."""
        try:
            token = uuid.UUID(str(self.data.get(self.add_prefix("submission"))))
        except ValueError:
            return False
        return Submission.objects.filter(token=token).exists()


def first_submission(form, user):
    """Claim the form's token: True the first time, False for a repeat of the same form.

    The unique token makes parallel repeats wait for the first and then fail, on PostgreSQL
    as on SQLite, so no repeat creates a second row. A form posted without a token (not
    from our pages) is not deduplicated.
    """
    token = form.cleaned_data.get("submission")
    if token is None:
        return True
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=user if user.is_authenticated else None)
    except IntegrityError:
        return False
    return True


class LengthLimit(MaxLengthValidator):
    """Django's limit on length, in words a minute-taker reads and with the counts grouped."""

    message = "Keep this to %(limit)s characters or fewer (it has %(count)s)."

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit": f"{self.limit_value:,}", "count": f"{len(value):,}"},
            )


class PlainTextField(forms.CharField):
    """Free text as the minutes store it: see ``core.text.plain_text``.

    Text pasted from Word brings control characters that no one sees but that break the Word
    minutes and the Excel log, so they go before anything is stored or counted; line breaks
    stay, except in a one-line input, where they become spaces as a browser shows them.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            LengthLimit(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_text(value)
            if not isinstance(self.widget, forms.Textarea):
                value = value.replace("\n", " ")
        return super().to_python(value)


def plain_text_formfield(model_field, **kwargs):
    """A ModelForm's ``Meta.formfield_callback``: the model's text fields as PlainTextField."""
    if type(model_field) in (models.CharField, models.TextField) and not model_field.choices:
        kwargs.setdefault("form_class", PlainTextField)
    if type(model_field) is models.DateField:
        kwargs.setdefault("form_class", BritishDateField)
        kwargs.setdefault("widget", DateInput)
    return model_field.formfield(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """Refuses a save made from a stale copy, so that the earlier save is never silently lost.

    Forms carry the version they were opened at; the row is locked while it is compared.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The version travels with the form; a missing one is stale, never a database error.
        self.fields["version"].widget = forms.HiddenInput()
        self.fields["version"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("version") != current:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def save(self, commit=True):
        # A new row starts at 1 whatever the form carried.
        self.instance.version = self.cleaned_data["version"] + 1 if self.instance.pk else 1
        return super().save(commit)


# Police and Crime Commissioners date from November 2012, so nothing this office minutes,
# updates or makes due comes earlier: 2000 leaves room for a predecessor police authority's
# records and refuses a year mistyped as 0017 or 1017. A date after 2099 is a typing mistake
# too, and 31 December 9999 (or 1 January of year 1) leaves no room for the sums done with
# dates (the day after an all-day meeting in the calendar feed): a 500, not an error.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def validate_plausible_date(value):
    if value < EARLIEST_DATE:
        raise ValidationError("Enter a date from 2000 onwards.", code="min_value")
    if value > LATEST_DATE:
        raise ValidationError("Enter a date before 2100.", code="max_value")


class CrispyMixin:
    """Forms render with crispy-forms; the template supplies the <form> and the buttons."""

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        return helper


class RevealRadioSelect(forms.RadioSelect):
    """Radios that each reveal the fields of their choice (GOV.UK's conditional reveal).

    ``reveals`` maps a choice to the names of the fields it needs, named as the radios' own
    field is (same prefix). Each radio names the wrappers of its fields in
    ``data-aria-controls``; ``static/js/app.js`` then hides the fields of the choices not
    taken. Without script every field shows, and the form's ``clean`` ignores the others.
    """

    def __init__(self, *, own_name, reveals, attrs=None):
        super().__init__(attrs)
        self.own_name = own_name
        self.reveals = reveals

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        base_id = (attrs or {}).get("id", "")
        if base_id.endswith(self.own_name):
            stem = base_id[: -len(self.own_name)]
            # crispy-forms wraps each field in "div_" and the field's id.
            wrappers = [f"div_{stem}{field}" for field in self.reveals.get(value, ())]
            option["attrs"]["data-aria-controls"] = " ".join(wrappers)
        return option


class FilteredCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A long list of checkboxes with a text box above that shows only the choices matching
    what is typed (``static/js/app.js``), instead of a multiple <select> that needs
    Ctrl-click and that a screen reader reads poorly. The field's name and values are those of
    the <select>, so the server reads it the same. Without script every box shows."""

    def __init__(self, *, noun, attrs=None):
        super().__init__({"data-filter-choices": noun, **(attrs or {})})


class CheckboxesUnlessNone(forms.CheckboxSelectMultiple):
    """Checkboxes that leave the page when there is nothing to tick: a legend over nothing
    ("Owned by bodies" before any body is set up) is a group a screen reader announces with
    nothing in it. The field is still read, as none ticked. Whether there are choices is
    asked only when the form is drawn, so that a form built and not shown costs no query."""

    @property
    def is_hidden(self):
        return not any(True for _choice in self.choices)

    def render(self, name, value, attrs=None, renderer=None):
        if self.is_hidden:
            return forms.MultipleHiddenInput().render(name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)


class DateInput(forms.TextInput):
    """A date typed as text and shown as "15 January 2018" (see ``core.dates``).

    Not a browser date picker: it shows the browser's locale's order, which silently turns a
    British "15012018" typed in an American-English browser into 1 December 2018, and its
    value cannot be read back the British way.
    """

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return date_format(value, "j F Y")
        return super().format_value(value)


class BritishDateField(forms.DateField):
    """A date read strictly the British way: see ``core.dates.parse_date``."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = DATE_HINT
        elif DATE_HINT not in str(self.help_text):
            self.help_text = f"{self.help_text} {DATE_HINT}"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(value)
        except DateError as error:
            raise ValidationError(str(error), code="invalid") from None


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id beyond the database's 64-bit integers as an invalid choice.

    Django passes it on to the ``IN (...)`` query, where SQLite raises OverflowError: a 500
    for a tampered form instead of "Select a valid choice".
    """

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                out_of_range = not -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                continue  # Not a number: Django refuses it itself.
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)
