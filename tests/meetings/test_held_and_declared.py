"""Meetings that are not ordinary, and what each item minutes about who spoke to it: business
done by correspondence, cancelled, adjourned or inquorate meetings; the person who presented
an item; interests declared at it. Every rendering carries them, frozen with the minutes."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Attendance, Declaration, HeldAs, Meeting
from meetings.services import minutes_document, set_minutes_status
from people import roles
from tests.factories import ItemFactory, MeetingFactory, PersonFactory, user_with_role
from tests.meetings.test_record import open_next, previous_minutes_item, row_for, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


@pytest.fixture
def pcc(demo):
    return user_with_role(roles.COMMISSIONER, username="pcc")


@pytest.fixture
def officer(client):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    return client


def meeting_form_data(meeting, **changes):
    return {
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "venue": meeting.venue,
        "held_as": meeting.held_as,
        "held_note": meeting.held_note,
        "version": meeting.version,
        **changes,
    }


def test_business_by_correspondence_is_minuted_as_such_and_noted_at_the_next_meeting(
    october, pcc, officer
):
    november = open_next(october, datetime.date(2017, 11, 29))
    response = officer.post(
        reverse("meetings:edit", args=[november.pk]),
        meeting_form_data(
            november,
            held_as="correspondence",
            held_note="Responses were asked for by 29 November 2017.",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    held = (
        "By correspondence: no meeting was held; the papers were circulated and the "
        "responses are recorded below. Responses were asked for by 29 November 2017."
    )
    full, public, docx = snapshot(november)
    assert full.facts[1] == public.facts[1] == ("Held:", held)
    assert "Held: " + held in full.text_lines()
    assert (full.present_label, full.apologies_label) == ("Responded:", "No response:")
    assert "Responded: Amanda Blakeman, Deputy Chief Constable (DCC)" in full.text_lines()
    assert ["Responded:", "Amanda Blakeman", "Deputy Chief Constable (DCC)"] in docx
    page = officer.get(november.get_absolute_url()).text
    assert '<th scope="row" rowspan="1">Responded:</th>' in page

    for review in november.items.filter(review__isnull=False):
        review.review.outcome = "closed"
        review.review.save()
    december = open_next(november, datetime.date(2017, 12, 20))
    considered = previous_minutes_item(december)
    set_minutes_status(november, "agreed", by=pcc, at_meeting=december)
    row = row_for(minutes_document(december), considered)
    assert [block.text for block in row.blocks][1:] == [
        "The minutes of the business done by correspondence closing on 29 November 2017 "
        "were noted and agreed as a correct record."
    ]
    # October, a meeting held as most are, says nothing of how it was held.
    assert [label for label, _ in minutes_document(october).facts] == [
        "Date:",
        "Chair:",
        "Minutes:",
        "Venue",
    ]


@pytest.mark.parametrize(
    ("held_as", "note", "line"),
    [
        (
            "cancelled",
            "The Chief Constable was called away.",
            "The meeting was cancelled. The Chief Constable was called away.",
        ),
        (
            "adjourned",
            "Adjourned to 5 December 2017.",
            "The meeting was adjourned. Adjourned to 5 December 2017.",
        ),
        ("inquorate", "", "The meeting was not quorate."),
    ],
)
def test_a_meeting_not_held_as_an_ordinary_one_says_how_it_was_held(held_as, note, line):
    meeting = MeetingFactory(held_as=held_as, held_note=note)
    assert minutes_document(meeting).facts[1] == ("Held:", line)


def test_a_note_on_how_it_was_held_needs_a_way_it_was_held(officer):
    meeting = MeetingFactory(venue="HQ")
    response = officer.post(
        reverse("meetings:edit", args=[meeting.pk]),
        meeting_form_data(meeting, title="Typed and kept", held_note="Cancelled for snow."),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "held_note": [
            "This says how a meeting not held as an ordinary one was held: choose how it was "
            "held, or clear it."
        ]
    }
    assert 'value="Typed and kept"' in response.text
    meeting.refresh_from_db()
    assert (meeting.held_as, meeting.held_note) == (HeldAs.MEETING, "")


def test_an_interest_declared_and_the_presenter_are_minuted_under_the_item(officer, pcc):
    meeting = MeetingFactory()
    item = ItemFactory(meeting=meeting, number="2", heading="Stop and search")
    AgendaItem.objects.filter(pk=item.pk).update(presented_by="the DCC")
    jo = PersonFactory(name="Jo Bloggs")
    Attendance.objects.create(meeting=meeting, person=jo, capacity="Independent member")
    url = reverse("meetings:declarations", args=[item.pk])
    page = officer.get(url)
    # Those at the meeting come first among the people offered.
    assert page.context["form"].fields["person"].choices[1] == (jo.pk, "Jo Bloggs")
    response = officer.post(
        url,
        {
            "person": jo.pk,
            "interest": "A trustee of the Safer Streets charity.",
            "part": "withdrew",
            "submission": "6f1c2d3e-0000-4000-8000-000000000001",
        },
    )
    assert response.status_code == 302
    # The interest reads as declared, its full stop not doubled.
    sentence = (
        "Jo Bloggs declared an interest: A trustee of the Safer Streets charity and left the "
        "room for the item."
    )
    declaration = Declaration.objects.get()
    assert declaration.sentence == sentence
    blocks = row_for(minutes_document(meeting), item).blocks
    assert [(block.kind, block.text, block.items) for block in blocks[1:4]] == [
        ("para", "Presented by the DCC.", ()),
        ("label", "Declarations of interest:", ()),
        ("findings", "", (sentence,)),
    ]
    record = officer.get(meeting.get_record_url()).text
    assert f"<li>{sentence}</li>" in record
    assert 'Interests<span class="visually-hidden"> declared at item 2</span> (1)' in record

    # Taken off while the minutes are a draft: gone from them, kept in the history.
    assert (
        officer.post(reverse("meetings:declaration_delete", args=[declaration.pk])).status_code
        == 302
    )
    assert Declaration.objects.count() == 0
    assert list(
        Declaration.history.values_list("history_type", flat=True).order_by("history_id")
    ) == ["+", "-"]
    assert [b.text for b in row_for(minutes_document(meeting), item).blocks][1:] == [
        "Presented by the DCC."
    ]


def test_a_declaration_without_an_interest_is_refused_beside_the_field(officer):
    item = ItemFactory()
    response = officer.post(
        reverse("meetings:declarations", args=[item.pk]),
        {
            "person": PersonFactory(name="Sam Smith").pk,
            "interest": "",
            "part": "stayed",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"interest": ["Say what interest was declared."]}
    assert Declaration.objects.count() == 0


def test_agreed_minutes_take_no_declaration(officer, october):
    item = october.items.get(number="2", parent=None)
    response = officer.get(reverse("meetings:declarations", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == october.get_absolute_url()


def test_the_declarations_page_queries_do_not_grow_with_declarations(
    officer, django_assert_max_num_queries
):
    item = ItemFactory()
    for index in range(2):
        Declaration.objects.create(item=item, person=PersonFactory(), interest=f"Interest {index}")
    url = reverse("meetings:declarations", args=[item.pk])
    with django_assert_max_num_queries(30) as few:
        officer.get(url)
    for index in range(2, 12):
        Declaration.objects.create(item=item, person=PersonFactory(), interest=f"Interest {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = officer.get(url)
    assert len(response.context["declarations"]) == 12
