"""Meeting series managed in the app: co-chairs, usual attendees, standing agenda, titles that
tell every meeting apart, and retirement."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from docx import Document

from actions.models import ActionEvent
from actions.services import raise_action
from meetings.forms.minutes import AgendaItemForm
from meetings.minutes import MinutesDocument
from meetings.models import (
    Attendance,
    Meeting,
    MeetingSeries,
    SeriesChair,
    StandingSection,
    UsualAttendee,
)
from meetings.services import minutes_document, open_meeting, set_chairs, set_minutes_status
from people.models import Person, Post
from tests.factories import PersonFactory, SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo):
    client.login(username="officer", password="assurance-demo")
    return client


def person(initials):
    return Person.objects.get(initials=initials)


def flash(response):
    return [m.message for m in get_messages(response.wsgi_request)]


def series_data(**overrides):
    return {
        "name": "Joint Audit Committee",
        "short_name": "JAC",
        "chair_1": person("JC").pk,
        "chair_2": person("AB").pk,
        "default_minute_taker": person("LW").pk,
        "minute_taker_capacity": "Staff Officer, West Mercia Police",
        "default_venue": "Hindlip Hall",
        "default_start_time": "14:00",
        "rhythm": "Quarterly, second Thursday",
        "reference_scheme": "year_seq",
        "reference_prefix": "J",
        **overrides,
    }


def saved(response):
    """A formset page that saved redirects; one that did not shows why."""
    if response.status_code == 200:
        formset = response.context["formset"]
        pytest.fail(f"not saved: {formset.errors} {formset.non_form_errors()}")
    return response.status_code == 302


def jac():
    return MeetingSeries.objects.get(short_name="JAC")


def formset_data(prefix, rows, extra=0, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_an_officer_creates_a_series_with_co_chairs_in_order_and_a_force_minute_taker(officer):
    response = officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    assert response["Location"] == series.get_absolute_url()
    assert (
        series.name,
        series.default_minute_taker.name,
        series.minute_taker_capacity,
        series.default_venue,
        series.default_start_time,
        series.rhythm,
        series.reference_scheme,
        series.reference_prefix,
        series.retired_on,
    ) == (
        "Joint Audit Committee",
        "Louise Wall",
        "Staff Officer, West Mercia Police",
        "Hindlip Hall",
        datetime.time(14),
        "Quarterly, second Thursday",
        "year_seq",
        "J",
        None,
    )
    assert [p.name for p in series.ordered_chairs()] == ["John Campion", "Amanda Blakeman"]
    page = officer.get(series.get_absolute_url())
    assert '<dt class="col-sm-3">Co-chairs</dt>' in page.content.decode()
    assert "John Campion and Amanda Blakeman" in page.content.decode()
    assert "Year/number running through the year, as 2019/07, after the letter “J”" in (
        page.content.decode()
    )


def test_a_series_without_a_chair_is_created_with_a_warning(officer):
    response = officer.post(
        reverse("meetings:series_create"), series_data(chair_1="", chair_2=""), follow=True
    )
    assert flash(response) == [
        "Joint Audit Committee created.",
        "No chair is named for Joint Audit Committee: its new meetings will say “Chair: Not "
        "recorded” until you name one here or on the meeting.",
    ]
    assert jac().ordered_chairs() == []


def test_a_short_name_or_name_already_used_is_refused_beside_the_field(officer):
    response = officer.post(
        reverse("meetings:series_create"),
        series_data(name="monthly assurance meeting", short_name="hta"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["There is already a series called “Monthly Assurance Meeting”."],
        "short_name": [
            "Monthly Assurance Meeting is already known as HTA: choose another short name."
        ],
    }
    assert MeetingSeries.objects.count() == 1


def test_the_same_person_twice_as_chair_is_refused(officer):
    response = officer.post(reverse("meetings:series_create"), series_data(chair_2=person("JC").pk))
    assert response.context["form"].errors == {
        "chair_2": ["John Campion is already named as a chair."]
    }


def test_editing_a_series_reorders_its_chairs_and_keeps_the_history(officer):
    officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    response = officer.post(
        reverse("meetings:series_edit", args=[series.pk]),
        series_data(chair_1=person("AB").pk, chair_2=person("JC").pk, version=series.version),
    )
    assert response.status_code == 302
    assert [p.initials for p in jac().ordered_chairs()] == ["AB", "JC"]
    assert jac().version == 2
    # Each change of a chair link is in the history: two created, then two reordered.
    assert SeriesChair.history.filter(series_id=series.pk).count() == 4


def test_the_series_list_costs_the_same_queries_for_one_series_or_many(
    officer, django_assert_num_queries
):
    url = reverse("meetings:series_list")
    # The session (read), the login with its roles, the series, their chairs with their
    # people, and the request's transaction (2).
    with django_assert_num_queries(6):
        one = officer.get(url)
    assert [s.name for s in one.context["series_list"]] == ["Monthly Assurance Meeting"]
    for n in range(5):
        series = SeriesFactory(name=f"Board {n}", short_name=f"B{n}")
        set_chairs(series, [PersonFactory(), PersonFactory()])
    with django_assert_num_queries(6):
        many = officer.get(url)
    assert len(many.context["series_list"]) == 6
    assert "John Campion" in many.content.decode()


def test_usual_attendees_are_saved_in_order_with_capacity_from_the_post(officer):
    officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    rows = [
        {"person": person("TO").pk, "post": Post.objects.get(abbreviation="DPCC").pk},
        {"person": person("AC").pk, "capacity": "Chief Executive, OPCC"},
    ]
    response = officer.post(
        reverse("meetings:series_attendees", args=[series.pk]),
        formset_data("usual_attendees", rows),
    )
    assert response.status_code == 302
    assert [(a.person.initials, a.capacity, a.position) for a in series.usual_attendees.all()] == [
        ("TO", "Deputy Police and Crime Commissioner (DPCC)", 0),
        ("AC", "Chief Executive, OPCC", 1),
    ]


def as_rendered(formset):
    """The data a browser sends back for ``formset`` as the page showed it."""
    return {
        form.add_prefix(name): "" if value is None else str(value)
        for form in [formset.management_form, *formset]
        for name, value in ((name, form[name].value()) for name in form.fields)
        if value is not False
    }


@pytest.mark.parametrize(
    ("url_name", "prefix", "new_row", "expected"),
    [
        (
            "meetings:series_attendees",
            "usual_attendees",
            {"person": "AC", "capacity": "Chief Executive, OPCC"},
            ["TO", "ME", "AC"],
        ),
        (
            "meetings:series_agenda",
            "standing_sections",
            {"number": "3", "heading": "Any other business", "kind": "item"},
            ["1", "2", "3"],
        ),
    ],
)
def test_a_new_row_left_with_the_order_shown_goes_after_the_rest(
    officer, url_name, prefix, new_row, expected
):
    officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    url = reverse(url_name, args=[series.pk])
    if prefix == "usual_attendees":
        first = [
            {"person": person("TO").pk, "capacity": "DPCC"},
            {"person": person("ME").pk, "capacity": "ACC"},
        ]
        new_row = {**new_row, "person": person(new_row["person"]).pk}
    else:
        first = [
            {"number": "1", "heading": "Actions brought forward", "kind": "item"},
            {"number": "2", "heading": "Internal audit", "kind": "item"},
        ]
    assert saved(officer.post(url, formset_data(prefix, first)))
    formset = officer.get(url).context["formset"]
    # The rows saved show their order; the new rows show none.
    assert [form["position"].value() for form in formset] == [0, 1, None, None, None]
    data = as_rendered(formset)
    data.update({f"{prefix}-2-{key}": value for key, value in new_row.items()})
    assert saved(officer.post(url, data))
    if prefix == "usual_attendees":
        got = [(a.person.initials, a.position) for a in series.usual_attendees.all()]
    else:
        got = [(s.number, s.position) for s in series.standing_sections.order_by("position")]
    assert got == [(key, position) for position, key in enumerate(expected)]


def test_a_usual_attendee_listed_twice_or_without_a_capacity_is_refused(officer):
    series = MeetingSeries.objects.get()
    rows = [
        {"person": person("TO").pk, "capacity": "DPCC"},
        {"person": person("TO").pk, "capacity": "DPCC again"},
        {"person": person("AC").pk},
    ]
    response = officer.post(
        reverse("meetings:series_attendees", args=[series.pk]),
        formset_data("usual_attendees", rows),
    )
    assert response.status_code == 200
    assert [form.errors for form in response.context["formset"]] == [
        {},
        {"person": ["Tracey Onslow is listed twice."]},
        {"capacity": ["Give the capacity they attend in, or the post they attend as."]},
    ]
    assert "DPCC again" in response.content.decode()  # nothing typed is lost
    assert not UsualAttendee.objects.exists()


def test_the_standing_agenda_is_edited_on_the_series_nested_one_level(officer):
    officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    url = reverse("meetings:series_agenda", args=[series.pk])
    officer.post(
        url,
        formset_data(
            "standing_sections",
            [
                {
                    "number": "1",
                    "heading": "Actions brought forward",
                    "kind": "item",
                    "brings_forward": "on",
                    "position": "0",
                },
                {"number": "2", "heading": "Internal audit", "kind": "item", "position": "1"},
            ],
        ),
    )
    one, two = series.standing_sections.order_by("position")
    long_number = "JAC/2019/07/2.1"
    response = officer.post(
        url,
        formset_data(
            "standing_sections",
            [
                {
                    "id": one.pk,
                    "number": "1",
                    "heading": "Actions brought forward",
                    "kind": "item",
                    "brings_forward": "on",
                    "position": "0",
                },
                {
                    "id": two.pk,
                    "number": "2",
                    "heading": "Internal audit",
                    "kind": "item",
                    "position": "1",
                },
                {
                    "number": long_number,
                    "heading": "Progress report",
                    "kind": "item",
                    "parent": two.pk,
                    "position": "",
                },
            ],
            initial=2,
        ),
    )
    assert saved(response)
    assert [
        (s.number, s.parent.number if s.parent else None, s.brings_forward, s.position)
        for s in series.standing_sections.order_by("position")
    ] == [("1", None, True, 0), ("2", None, False, 1), (long_number, "2", False, 2)]
    child = series.standing_sections.get(number=long_number)
    # A section with sub-sections cannot go under another, nor be deleted before them.
    rows = [
        {
            "id": one.pk,
            "number": "1",
            "heading": "Actions brought forward",
            "kind": "item",
            "position": "0",
        },
        {
            "id": two.pk,
            "number": "2",
            "heading": "Internal audit",
            "kind": "item",
            "position": "1",
            "parent": one.pk,
        },
        {
            "id": child.pk,
            "number": long_number,
            "heading": "Progress report",
            "kind": "item",
            "parent": two.pk,
            "position": "2",
        },
    ]
    response = officer.post(url, formset_data("standing_sections", rows, initial=3))
    assert [form.errors for form in response.context["formset"]] == [
        {},
        {"parent": ["This section has sub-sections of its own; sections nest one level only."]},
        {},
    ]
    rows[1] = {**rows[1], "parent": "", "DELETE": "on"}
    response = officer.post(url, formset_data("standing_sections", rows, initial=3))
    assert response.context["formset"].non_form_errors() == [
        "Section 2 has sub-sections: delete them, or move them under another section, first."
    ]
    assert series.standing_sections.count() == 3
    # Deleting the sub-section is kept in the history.
    response = officer.post(
        url,
        formset_data(
            "standing_sections",
            [
                {
                    "id": one.pk,
                    "number": "1",
                    "heading": "Actions brought forward",
                    "kind": "item",
                    "brings_forward": "on",
                    "position": "0",
                },
                {
                    "id": two.pk,
                    "number": "2",
                    "heading": "Internal audit",
                    "kind": "item",
                    "position": "1",
                },
                {
                    "id": child.pk,
                    "number": long_number,
                    "heading": "Progress report",
                    "kind": "item",
                    "parent": two.pk,
                    "position": "2",
                    "DELETE": "on",
                },
            ],
            initial=3,
        ),
    )
    assert saved(response)
    assert list(series.standing_sections.values_list("number", flat=True)) == ["1", "2"]
    assert StandingSection.history.filter(id=child.pk, history_type="-").count() == 1


def jac_with_attendees(officer):
    officer.post(reverse("meetings:series_create"), series_data())
    series = jac()
    for position, (initials, post, capacity) in enumerate(
        [
            ("TO", "DPCC", "Deputy Police and Crime Commissioner (DPCC)"),
            ("AC", "CEX", "Chief Executive (CEX)"),
            ("ME", "ACC", "Assistant Chief Constable (ACC)"),
        ]
    ):
        UsualAttendee.objects.create(
            series=series,
            person=person(initials),
            post=Post.objects.get(abbreviation=post),
            capacity=capacity,
            position=position,
        )
    StandingSection.objects.create(
        series=series, number="1", heading="Matters arising", brings_forward=True
    )
    return series


def test_opening_a_meeting_proposes_the_usual_attendees_and_the_series_chairs(officer):
    series = jac_with_attendees(officer)
    form = officer.get(reverse("meetings:create", args=[series.pk])).context["form"]
    attendees = list(series.usual_attendees.all())
    assert [form[f"attendee_{a.pk}"].initial for a in attendees] == ["present"] * 3
    assert [form[f"attendee_{a.pk}"].label for a in attendees] == [
        "Tracey Onslow, Deputy Police and Crime Commissioner (DPCC)",
        "Andy Champness, Chief Executive (CEX)",
        "Martin Evans, Assistant Chief Constable (ACC)",
    ]
    assert [form[name].initial for name in ("chair_1", "chair_2", "chair_3")] == [
        person("JC").pk,
        person("AB").pk,
        None,
    ]
    assert (form.initial["minute_taker"], form.initial["minute_taker_capacity"]) == (
        person("LW"),
        "Staff Officer, West Mercia Police",
    )


def test_the_officer_marks_only_the_exceptions_when_opening_a_meeting(officer):
    series = jac_with_attendees(officer)
    to, ac, me = series.usual_attendees.all()
    response = officer.post(
        reverse("meetings:create", args=[series.pk]),
        {
            "date": "2017-12-14",
            "chair_1": person("JC").pk,
            "chair_2": person("AB").pk,
            "minute_taker": person("LW").pk,
            f"attendee_{to.pk}": "present",
            f"attendee_{ac.pk}": "apologies",
            f"attendee_{ac.pk}_reason": "On leave",
            f"attendee_{me.pk}": "absent",
        },
    )
    meeting = Meeting.objects.get(series=series)
    assert response["Location"] == meeting.get_record_url()
    assert meeting.title == "Joint Audit Committee December 2017"
    assert [
        (a.person.initials, a.post.abbreviation, a.capacity, a.presence, a.reason)
        for a in meeting.attendances.order_by("position")
    ] == [
        ("TO", "DPCC", "Deputy Police and Crime Commissioner (DPCC)", "present", ""),
        ("AC", "CEX", "Chief Executive (CEX)", "apologies", "On leave"),
    ]
    assert [p.initials for p in meeting.ordered_chairs()] == ["JC", "AB"]
    assert list(meeting.items.filter(parent=None).values_list("number", "heading")) == [
        ("1", "Matters arising")
    ]
    document = minutes_document(meeting)
    assert document.facts[1] == ("Co-chairs:", "John Campion and Amanda Blakeman")
    assert [(a.name, a.capacity) for a in document.apologies] == [
        ("Andy Champness", "Chief Executive (CEX) – On leave")
    ]


def test_a_reason_without_apologies_is_refused_and_nothing_is_opened(officer):
    series = jac_with_attendees(officer)
    to = series.usual_attendees.first()
    response = officer.post(
        reverse("meetings:create", args=[series.pk]),
        {"date": "2017-12-14", f"attendee_{to.pk}": "present", f"attendee_{to.pk}_reason": "Ill"},
    )
    assert response.context["form"].errors[f"attendee_{to.pk}_reason"] == [
        "A reason goes with apologies only: choose Apologies, or clear it."
    ]
    assert not Meeting.objects.filter(series=series).exists()


def docx_text(content):
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    return "\n".join(lines), document.core_properties.title


def test_co_chairs_show_in_the_minutes_on_screen_in_word_and_in_pdf(officer, tmp_path):
    october = Meeting.objects.get(date="2017-10-31")
    november = open_meeting(
        october.series,
        date=datetime.date(2017, 11, 29),
        chairs=[person("JC"), person("AB")],
    )
    screen = officer.get(november.get_absolute_url()).content.decode()
    assert "<dt>Co-chairs:</dt><dd>John Campion and Amanda Blakeman</dd>" in screen
    record = officer.get(november.get_record_url()).content.decode()
    assert "Co-chairs: John Campion and Amanda Blakeman" in record
    word, _title = docx_text(officer.get(reverse("meetings:docx", args=[november.pk])).content)
    assert "Co-chairs: John Campion and Amanda Blakeman" in word.splitlines()
    if shutil.which("pdftotext"):
        path = tmp_path / "minutes.pdf"
        path.write_bytes(officer.get(reverse("meetings:pdf", args=[november.pk])).content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Co-chairs:" in text and "John Campion and Amanda Blakeman" in " ".join(text.split())
    # Three chairs read as a list; the October minutes, frozen, keep their one chair.
    set_chairs(november, [person("JC"), person("AB"), person("TO")])
    assert minutes_document(november).facts[1] == (
        "Co-chairs:",
        "John Campion, Amanda Blakeman and Tracey Onslow",
    )
    set_chairs(october, [person("TO")])
    assert minutes_document(october).facts[1] == ("Chair:", "John Campion")


def test_minutes_frozen_before_co_chairs_still_load(officer):
    october = Meeting.objects.get(date="2017-10-31")
    content = october.versions.get().content["full"]
    assert content["facts"][1] == ["Chair:", "John Campion"]
    assert MinutesDocument.from_dict(content).facts[1] == ("Chair:", "John Campion")


def test_two_meetings_of_a_series_in_one_month_are_told_apart_everywhere(officer, tmp_path):
    october = Meeting.objects.get(date="2017-10-31")
    series = october.series
    url = reverse("meetings:create", args=[series.pk])
    officer.post(url, {"date": "2017-11-01", "chair_1": person("JC").pk})
    officer.post(url, {"date": "2017-11-29", "chair_1": person("JC").pk})
    first = Meeting.objects.get(date="2017-11-01")
    second = Meeting.objects.get(date="2017-11-29")
    assert (first.title, second.title, str(second)) == (
        "Monthly Assurance Meeting November 2017",
        "Monthly Assurance Meeting 29 November 2017",
        "Monthly Assurance Meeting 29 November 2017",
    )
    listing = officer.get(reverse("meetings:list")).content.decode()
    assert ">Monthly Assurance Meeting November 2017</a>" in listing
    assert ">Monthly Assurance Meeting 29 November 2017</a>" in listing
    detail = officer.get(second.get_absolute_url()).content.decode()
    assert "<title>Monthly Assurance Meeting 29 November 2017" in detail
    docx = officer.get(reverse("meetings:docx", args=[second.pk]))
    assert docx["Content-Disposition"] == (
        'attachment; filename="Monthly Assurance Meeting 29 November 2017 minutes.docx"'
    )
    _text, title = docx_text(docx.content)
    assert title == "Monthly Assurance Meeting 29 November 2017 – Meeting Notes"
    action = raise_action(item=second.items.get(number="4"), text="Share the estates plan.")
    assert ActionEvent.objects.get(action=action, kind="created").text == (
        "Raised at the Monthly Assurance Meeting 29 November 2017 meeting, item 4."
    )
    # Brought forward to a later meeting, the action names the meeting it came from.
    set_minutes_status(second, "agreed", by=None)
    december = open_meeting(series, date=datetime.date(2017, 12, 20))
    from actions.reviews import bring_forward

    bring_forward(december)
    lines = minutes_document(december).text_lines()
    assert (
        f"1.{december.items.get(review__action=action).number.split('.')[-1]} "
        f"Action arising from the 29 November 2017 meeting ({action.reference}):"
    ) in lines


def test_a_title_already_taken_is_refused_beside_the_field(officer):
    october = Meeting.objects.get(date="2017-10-31")
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    response = officer.post(
        reverse("meetings:edit", args=[november.pk]),
        {"date": "2017-11-29", "title": october.title, "version": november.version},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": [
            "There is already a meeting called “Monthly Assurance Meeting October 2017”: "
            "give this one a title that tells it apart, for example with the day of the month."
        ]
    }
    response = officer.post(
        reverse("meetings:edit", args=[november.pk]),
        {"date": "2017-11-29", "title": "Extraordinary HTA", "version": november.version},
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=november.pk).title == "Extraordinary HTA"


def test_a_retired_series_opens_no_new_meeting_and_keeps_its_meetings(officer):
    series = MeetingSeries.objects.get()
    response = officer.post(reverse("meetings:series_retire", args=[series.pk]), follow=True)
    series.refresh_from_db()
    assert series.retired_on is not None
    assert flash(response) == [
        "Monthly Assurance Meeting retired. Its meetings and minutes stay as they are."
    ]
    response = officer.get(reverse("meetings:create", args=[series.pk]), follow=True)
    assert response.redirect_chain == [(series.get_absolute_url(), 302)]
    assert flash(response) == ["Monthly Assurance Meeting is retired: it opens no new meetings."]
    assert series.meetings.count() == 3
    assert (
        "New Monthly Assurance Meeting"
        not in officer.get(reverse("meetings:list")).content.decode()
    )
    officer.post(reverse("meetings:series_restore", args=[series.pk]))
    series.refresh_from_db()
    assert series.retired_on is None


def test_item_numbers_may_be_long_and_free_form():
    meeting = open_meeting(SeriesFactory(), date=datetime.date(2019, 7, 9))
    number = "HTA/2019/07/3.1"
    form = AgendaItemForm({"number": number, "heading": "Estates"}, meeting=meeting)
    assert form.is_valid(), form.errors
    assert form.save().number == number
    too_long = AgendaItemForm({"number": "x" * 41, "heading": "Estates"}, meeting=meeting)
    assert too_long.errors["number"] == ["Keep this to 40 characters or fewer (it has 41)."]


def test_an_attendance_of_a_usual_attendee_keeps_what_was_minuted(officer):
    """Changing the series' usual attendees later leaves meetings already opened alone."""
    series = jac_with_attendees(officer)
    meeting = open_meeting(
        series,
        date=datetime.date(2018, 3, 8),
        attendances=[(series.usual_attendees.first(), "present", "")],
    )
    series.usual_attendees.update(capacity="Changed")
    assert list(Attendance.objects.filter(meeting=meeting).values_list("capacity", flat=True)) == [
        "Deputy Police and Crime Commissioner (DPCC)"
    ]


def test_the_title_help_says_what_an_empty_title_becomes(officer):
    series = MeetingSeries.objects.get()
    series.name = "Audit <b>& Risk</b>"
    series.save()
    page = officer.get(reverse("meetings:create", args=[series.pk])).content.decode()
    assert (
        "Leave it empty for “Audit &lt;b&gt;&amp; Risk&lt;/b&gt;” with the month and year after "
        "it, and the day as well when the series meets twice that month."
    ) in page
