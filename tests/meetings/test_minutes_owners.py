"""The owners the minutes name, read for a whole meeting at once: the document says what it
said when each owner was read on its own, and building it costs the same queries however
many actions and owners the meeting has."""

import json

import pytest

from meetings.glossary import FIXED_MEANINGS
from meetings.minutes import build_document, minuted_attendances
from meetings.models import Meeting
from meetings.services import freeze_minutes
from people.directory import person_for_initials
from people.models import Body, Post
from tests.factories import OWNERS_DAY, meeting_with_owners

pytestmark = pytest.mark.django_db


def read_owner_by_owner(meeting, document):
    """The glossary as it was read before the owners were read for the whole meeting: each
    post's holder, and each person, by a query or two of their own."""
    tokens = {
        token
        for text in [row.action_column for row in document.rows]
        + [line.owners for line in document.summary]
        for token in text.split()
    }
    out = {}
    in_post = {a.post.abbreviation: a.person for a in minuted_attendances(meeting).all if a.post_id}
    for post in Post.objects.filter(abbreviation__in=tokens).select_related("holder"):
        holder = in_post.get(post.abbreviation) or post.holder_on(meeting.date)
        if holder is None and not post.holdings.exists():
            holder = post.holder
        out[post.abbreviation] = f"{post.title}: {holder.name}" if holder else post.title
    for body in Body.objects.filter(label__in=tokens - out.keys()):
        out[body.label] = body.name
    for token in sorted(tokens - out.keys()):
        if token in FIXED_MEANINGS:
            out[token] = FIXED_MEANINGS[token]
        elif person := person_for_initials(token, meeting.date):
            out[token] = f"{person.name}, {person.job_title}" if person.job_title else person.name
    return [{"initials": token, "meaning": meaning} for token, meaning in sorted(out.items())]


def as_stored(document):
    """The document as a version of the minutes stores it, to the byte."""
    return json.dumps(document.to_dict(), ensure_ascii=False)


def assert_read_as_owner_by_owner(meeting):
    # The glossary is the only part of the minutes that reads the directory (the ACTION
    # column and the summary print the owners as minuted), so the minutes are as before, to
    # the byte, when the glossary is.
    for public in (False, True):
        document = build_document(Meeting.objects.get(pk=meeting.pk), public=public)
        expected = document.to_dict() | {"glossary": read_owner_by_owner(meeting, document)}
        assert as_stored(document) == json.dumps(expected, ensure_ascii=False)


def test_the_october_minutes_read_as_they_did_owner_by_owner(demo):
    assert_read_as_owner_by_owner(Meeting.objects.get(date="2017-10-31"))


def test_minutes_of_many_owners_read_as_they_did_owner_by_owner():
    meeting = meeting_with_owners(40)
    assert_read_as_owner_by_owner(meeting)
    meanings = dict(build_document(meeting).meaning_of)
    assert {
        token: meanings.get(token) for token in ["DCC", "ACC", "CFO", "FR", "ji", "JS", "DA", "XYZ"]
    } == {
        "DCC": "Deputy Chief Constable: Acting Deputy",
        "ACC": "Assistant Chief Constable: Never Appointed",
        "CFO": "Chief Finance Officer",
        "FR": "Last Record, Policy Officer",
        "ji": "Jackie Irvin",
        "JS": "Jane Smith",
        "DA": None,
        "XYZ": None,
    }
    post = Post.objects.get(
        abbreviation=meeting.items.get(number="1").actions.first().raised_owners.split()[0]
    )
    on_the_day = post.holder_on(OWNERS_DAY)
    assert on_the_day != post.holder
    assert meanings[post.abbreviation] == f"{post.title}: {on_the_day.name}"


# Attendance, items and what is recorded under them (findings, declarations, actions,
# decisions, reviews and then their actions by id: meetings.minutes._reviews), the owners
# (posts, people, bodies) of the actions brought forward, and the chairs; then the glossary:
# posts, their holdings on the day, bodies, aliases, people, and the second step of the
# chain of merges. Before the owners were read for the whole meeting this was 34 with 2
# actions and 186 with 40: four or so queries an owner.
BUILD_QUERIES = 18


@pytest.mark.parametrize("actions", [2, 40])
def test_building_the_minutes_costs_the_same_queries_however_many_owners(
    actions, django_assert_num_queries
):
    meeting = Meeting.objects.get(pk=meeting_with_owners(actions).pk)
    with django_assert_num_queries(BUILD_QUERIES):
        build_document(meeting)


@pytest.mark.parametrize("actions", [2, 40])
def test_freezing_the_minutes_costs_the_same_queries_however_many_owners(
    actions, django_assert_num_queries
):
    meeting = Meeting.objects.get(pk=meeting_with_owners(actions).pk)
    # The full and the public version, the number of the last version, and the version.
    with django_assert_num_queries(2 * BUILD_QUERIES + 2):
        freeze_minutes(meeting)
