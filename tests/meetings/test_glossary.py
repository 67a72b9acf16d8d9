"""Initials in the minutes resolve to whom they stood for on the day: on hover, and in a
glossary at the end of every version of the minutes, frozen with them."""

import datetime

import pytest
from django.urls import reverse

from actions.services import raise_action
from meetings.models import Meeting, MinutesStatus
from meetings.services import minutes_document, open_meeting, set_minutes_status
from people.directory import appoint, keep_old_initials
from people.models import Person, Post
from tests.factories import FindingFactory, ItemFactory, PersonFactory

pytestmark = pytest.mark.django_db

OCTOBER_GLOSSARY = [
    ("ACC", "Assistant Chief Constable: Martin Evans"),
    ("ALL", "All attendees"),
    ("DCC", "Deputy Chief Constable: Amanda Blakeman"),
    ("JI", "Jackie Irvin, Policy Officer"),
    ("PCC", "Police and Crime Commissioner: John Campion"),
]


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def entries(doc):
    return [(entry.initials, entry.meaning) for entry in doc.glossary]


def test_the_october_minutes_explain_every_set_of_initials_in_the_action_column(october):
    assert entries(minutes_document(october)) == OCTOBER_GLOSSARY


def test_initials_on_screen_name_the_person_on_hover_and_link_to_the_glossary(client, october):
    client.login(username="officer", password="assurance-demo")
    page = client.get(october.get_absolute_url()).content.decode()
    assert (
        '<a href="#initials-JI" class="initials">'
        '<abbr title="Jackie Irvin, Policy Officer">JI</abbr></a>'
    ) in page
    assert '<dt id="initials-DCC">DCC</dt><dd>Deputy Chief Constable: Amanda Blakeman</dd>' in page
    assert "Initials used in these minutes" in page


def test_agreed_minutes_keep_whom_initials_stood_for_when_posts_and_people_change(
    october, django_user_model
):
    """A new DCC, and Jackie Irvin's name changed: October still says what it said."""
    successor = PersonFactory(name="Julian Moss", initials="JM")
    appoint(Post.objects.get(abbreviation="DCC"), successor, datetime.date(2017, 11, 15), None)
    Person.objects.filter(initials="JI").update(name="Jackie Irvin-Smith")

    assert entries(minutes_document(october)) == OCTOBER_GLOSSARY

    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = ItemFactory(meeting=november, number="7", heading="New item")
    raise_action(
        item=item,
        text="Report back",
        owner_posts=[Post.objects.get(abbreviation="DCC")],
        owner_people=[Person.objects.get(initials="JI")],
    )
    assert entries(minutes_document(november)) == [
        ("DCC", "Deputy Chief Constable: Julian Moss"),
        ("JI", "Jackie Irvin-Smith, Policy Officer"),
    ]


def test_the_same_letters_in_the_text_are_left_as_written(october):
    """ "DA" the person owns the action; "DA" in a finding is domestic abuse, untouched."""
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    dan = PersonFactory(name="Dan Ashby", initials="DA", job_title="Analyst")
    item = ItemFactory(meeting=november, number="7", heading="Domestic abuse")
    FindingFactory(item=item, text="DA referrals rose by 4%.")
    raise_action(item=item, text="Break down DA referrals by area", owner_people=[dan])
    set_minutes_status(november, MinutesStatus.AGREED, by=None)

    doc = minutes_document(november)
    assert entries(doc) == [("DA", "Dan Ashby, Analyst")]
    row = next(row for row in doc.rows if row.anchor == f"item-{item.pk}")
    assert row.blocks[-3].items == ("DA referrals rose by 4%.",)
    assert row.action_column == "DA"


def test_the_public_version_explains_only_the_initials_it_shows(october, client):
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    secret = ItemFactory(
        meeting=november,
        number="8",
        heading="Covert work",
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    open_item = ItemFactory(meeting=november, number="9", heading="Open item")
    raise_action(
        item=secret, text="Brief the PCC", owner_people=[Person.objects.get(initials="JI")]
    )
    raise_action(
        item=open_item, text="Publish data", owner_posts=[Post.objects.get(abbreviation="ACC")]
    )
    assert [e[0] for e in entries(minutes_document(november))] == ["ACC", "JI"]
    assert [e[0] for e in entries(minutes_document(november, public=True))] == ["ACC"]
    client.login(username="officer", password="assurance-demo")
    page = client.get(reverse("meetings:detail", args=[november.pk]) + "?version=public")
    assert 'id="initials-JI"' not in page.content.decode()
    assert 'id="initials-ACC"' in page.content.decode()


def test_minutes_frozen_before_the_glossary_read_back_without_one(october):
    from meetings.minutes import MinutesDocument

    data = minutes_document(october).to_dict()
    del data["glossary"]
    assert MinutesDocument.from_dict(data).glossary == ()
    assert MinutesDocument.from_dict(data).meaning_of == {}


def test_initials_since_changed_still_name_the_person_in_minutes_written_under_them(october):
    """Jackie Irvin is minuted as JI in a draft, then her initials become JW: the draft's
    ACTION column still says JI, and the glossary still says who that was."""
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = ItemFactory(meeting=november, number="7", heading="New item")
    jackie = Person.objects.get(initials="JI")
    raise_action(item=item, text="Circulate the plan", owner_people=[jackie])
    jackie.initials = "JW"
    jackie.save(update_fields=["initials"])
    keep_old_initials(jackie, "JI", datetime.date(2017, 12, 31))
    PersonFactory(name="Julia Ives", initials="JI")  # the initials passed to someone new

    doc = minutes_document(november)
    assert [row.action_column for row in doc.rows if row.anchor == f"item-{item.pk}"] == ["JI"]
    assert entries(doc) == [("JI", "Jackie Irvin, Policy Officer")]


def test_bodies_and_actions_to_be_allocated_are_explained(october):
    from people.models import Body

    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    item = ItemFactory(meeting=november, number="7", heading="New item")
    officers = Body.objects.create(name="Chief officers", label="Officers")
    raise_action(item=item, text="Agree the approach", owner_bodies=[officers])
    raise_action(item=item, text="Find an owner for the review")
    assert entries(minutes_document(november)) == [
        ("Officers", "Chief officers"),
        ("TBA", "To be allocated: no owner was given at the meeting"),
    ]
