"""WCAG 2.2 AA that the server decides: the GOV.UK error summary, British dates read
strictly, and the error pages. The browser checks are in tests/browser/test_wcag.py."""

import datetime

import pytest
from django import forms
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.forms import MonthField
from core.dates import DateError, parse_date, parse_month
from core.forms import BritishDateField
from meetings.forms.minutes import MeetingForm
from meetings.models import Meeting
from people.models import Person
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "typed",
    ["15/01/2018", "15/1/2018", "15 January 2018", "15 Jan 2018", "15 jan. 2018", "2018-01-15"],
)
def test_a_british_date_is_read_as_typed(typed):
    assert parse_date(typed) == datetime.date(2018, 1, 15)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("15012018", "Separate the day, month and year."),
        ("1/13/2018", "The month must be between 1 and 12, and the day comes first."),
        ("15/01/18", "Enter the year in full, with 4 digits."),
        ("31/02/2018", "That day does not exist in that month."),
        ("15 Janvier 2018", "“janvier” is not a month."),
        ("next Tuesday", "Enter a date as day, month and year."),
    ],
)
def test_an_ambiguous_or_malformed_date_is_refused_never_guessed(typed, message):
    with pytest.raises(DateError) as refused:
        parse_date(typed)
    assert str(refused.value).startswith(message)
    assert "For example, 15/01/2018 or 15 January 2018." in str(refused.value)


@pytest.mark.parametrize("typed", ["January 2018", "Jan 2018", "01/2018", "1/2018", "2018-01"])
def test_a_month_is_read_as_typed(typed):
    assert parse_month(typed) == datetime.date(2018, 1, 1)
    assert MonthField().clean(typed) == datetime.date(2018, 1, 1)


def test_no_date_or_month_field_is_a_browser_picker():
    class Dates(forms.Form):
        day = BritishDateField()
        month = MonthField()

    html = str(
        Dates(initial={"day": datetime.date(2017, 10, 31), "month": datetime.date(2017, 11, 1)})
    )
    assert 'type="date"' not in html and 'type="month"' not in html
    assert 'value="31 October 2017"' in html
    assert 'value="November 2017"' in html


@pytest.mark.django_db
def test_the_meeting_form_reads_and_shows_dates_the_british_way(demo):
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    form = MeetingForm(instance=october, series=october.series)
    assert isinstance(form.fields["date"], BritishDateField)
    assert 'value="31 October 2017"' in str(form["date"])


@pytest.fixture
def officer(client, demo, settings):
    settings.DEBUG = False
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="officer"))
    return client


def test_a_date_typed_without_separators_is_refused_beside_the_field_and_in_the_summary(officer):
    person = PersonFactory(name="Rae Tiring")
    url = reverse("directory:person_retire", args=[person.pk])
    response = officer.post(url, {"on_date": "15012018"})
    assert response.status_code == 200
    html = response.content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Error: ")
    summary = html.split('<div class="error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in summary and "There is a problem" in summary
    assert '<a href="#id_on_date">Separate the day, month and year.' in summary
    assert 'value="15012018"' in html  # What was typed is kept, to correct.
    person.refresh_from_db()
    assert person.retired_on is None

    officer.post(url, {"on_date": "15 January 2018"})
    person.refresh_from_db()
    assert person.retired_on == datetime.date(2018, 1, 15)


def test_a_page_without_errors_has_no_summary_and_a_plain_title(officer):
    person = Person.objects.filter(retired_on=None).first()
    response = officer.get(reverse("directory:person_retire", args=[person.pk]))
    html = response.content.decode()
    assert "error-summary" not in html
    assert "<title>Error:" not in html
    assert '<div id="announcer" class="visually-hidden" aria-live="polite"' in html


def test_the_summary_links_a_group_to_its_first_choice_and_a_form_error_to_its_first_field():
    class Choose(forms.Form):
        name = forms.CharField()
        colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
        tags = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)

        def clean(self):
            raise forms.ValidationError("These do not go together.")

    form = Choose(data={})
    assert not form.is_valid()
    html = render_to_string("_error_summary.html", {"error_forms": [form]})
    links = [part.split('"')[0] for part in html.split('href="#')[1:]]
    assert links == ["id_name", "id_name", "id_colour_0", "id_tags_0"]
    assert "These do not go together." in html
    assert "Name: This field is required." in html


def test_the_404_and_403_pages_have_the_navigation_and_a_way_on(officer, client):
    response = officer.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'aria-label="Main"' in html
    assert f'href="{reverse("actions:mine")}"' in html

    from django.contrib.auth import get_user_model

    officer.force_login(get_user_model().objects.get(username="dcc"))
    response = officer.get(reverse("dashboard"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot see or do this" in html and 'aria-label="Main"' in html


@pytest.mark.django_db
def test_the_500_page_needs_no_request_and_no_database():
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("500.html")
    assert len(queries) == 0
    assert "Sorry, there is a problem with the service" in html
    assert 'aria-label="Main"' in html and f'href="{reverse("meetings:list")}"' in html


def test_every_required_field_says_what_is_missing():
    """Issue 26: half the errors people met were Django's "This field is required.", which
    says nothing away from its field (a screen reader's list of errors, the summary)."""
    from tests.meetings.test_forms import form_classes

    generic = sorted(
        f"{form_name}.{name}"
        for form_name, form_class in form_classes()
        for name, field in form_class.base_fields.items()
        if field.required
        and not field.widget.is_hidden
        and name != "version"  # hidden by VersionedModelForm once made
        and field.error_messages["required"] == "This field is required."
    )
    assert generic == []


def test_the_sign_in_form_says_what_is_missing():
    from signin.throttle import SignInForm

    form = SignInForm(data={})
    assert form.errors == {
        "username": ["Enter your email address or username."],
        "password": ["Enter your password."],
    }


def test_a_hint_comes_before_the_error_beside_a_field_and_a_group():
    from people.forms.logins import RoleForm

    class Dated(forms.Form):
        on_date = BritishDateField(help_text="Today unless earlier.")
        choice = forms.ChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick one."
        )

    form = Dated(data={"on_date": "31/02/2018"})
    html = render_to_string(
        "bootstrap5/field.html",
        {"field": form["on_date"], "form_show_errors": True, "form_show_labels": True},
    )
    assert html.index('id="id_on_date_helptext"') < html.index('id="error_1_id_on_date"')
    html = render_to_string(
        "bootstrap5/field.html",
        {"field": form["choice"], "form_show_errors": True, "form_show_labels": True},
    )
    assert html.index('id="id_choice_1"') < html.index('id="id_choice_helptext"')
    assert html.index('id="id_choice_helptext"') < html.index('id="error_1_id_choice"')
    # The role group's error: in the summary linked to its first choice, which exists.
    form = RoleForm(data={})
    html = render_to_string("_error_summary.html", {"error_forms": [form]})
    assert '<a href="#id_role_0">Choose a role for the login.</a>' in html
    assert 'id="id_role_0"' in str(form["role"])


@pytest.mark.django_db
def test_the_admin_sign_in_page_has_a_heading(client):
    response = client.get(reverse("admin:login"))
    assert "<h1>Log in</h1>" in response.text


@pytest.mark.django_db
def test_the_minutes_attendance_table_names_every_column_heading(client):
    html = render_to_string(
        "meetings/_minutes.html",
        {"doc": type("Doc", (), {"present": [], "apologies": [], "rows": [], "summary": []})},
    )
    head = html.split('<table class="table table-sm attendance">')[1].split("</thead>")[0]
    assert head.strip() == (
        '<thead><tr><th scope="col"><span class="visually-hidden">Present or apologies</span>'
        '</th><th scope="col">Name:</th><th scope="col">Capacity:</th></tr>'
    )
