"""The directory of people and posts: initials over time, duplicates, holders, merge, retire."""

import datetime
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.dashboard import dashboard
from actions.models import ReminderLog
from meetings.forms.minutes import AttendanceForm
from meetings.models import Attendance, Meeting, MeetingSeries, UsualAttendee
from meetings.services import set_chairs
from people import directory
from people.models import Body, Person, PersonAlias, Post, PostHolding
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def officer(client, opcc_user):
    client.force_login(opcc_user)
    return client


def person_data(**overrides):
    return {
        "name": "John Campion",
        "initials": "JC",
        "job_title": "Police and Crime Commissioner",
        "organisation": "opcc",
        "email": "",
        "version": "",
        **overrides,
    }


def edit_data(person, **overrides):
    current = {
        "name": person.name,
        "initials": person.initials,
        "job_title": person.job_title,
        "organisation": person.organisation,
        "email": person.email,
        "version": person.version,
    }
    return person_data(**{**current, **overrides})


# Initials over time.


def test_person_for_initials_finds_current_initials_and_old_ones():
    jackie = PersonFactory(name="Jackie Irvin", initials="JIR")
    PersonAlias.objects.create(person=jackie, initials="JI", used_until=D(2018, 3, 31))
    assert directory.person_for_initials("JIR") == jackie
    assert directory.person_for_initials("ji") == jackie
    assert directory.person_for_initials("JI", on_date=D(2017, 10, 31)) == jackie
    # After the alias ran out, and no one else has them: no one.
    assert directory.person_for_initials("JI", on_date=D(2019, 1, 1)) is None
    assert directory.person_for_initials("XX") is None
    assert directory.person_for_initials("") is None


def test_initials_passed_on_to_someone_else_name_each_in_their_time():
    jane = PersonFactory(name="Jane Smith", initials="JB")
    PersonAlias.objects.create(person=jane, initials="JS", used_until=D(2019, 6, 30))
    john = PersonFactory(name="John Smith", initials="JS")
    assert directory.person_for_initials("JS", on_date=D(2018, 1, 1)) == jane
    assert directory.person_for_initials("JS", on_date=D(2020, 1, 1)) == john
    assert directory.person_for_initials("JS") == john


def test_an_undated_alias_held_by_two_people_names_no_one():
    one, two = PersonFactory(), PersonFactory()
    PersonAlias.objects.create(person=one, initials="AB")
    PersonAlias.objects.create(person=two, initials="AB")
    assert directory.person_for_initials("AB") is None


def test_editing_initials_keeps_the_old_ones_as_an_alias_dated_until_today(officer):
    person = PersonFactory(name="Jackie Irvin", initials="JI")
    response = officer.post(
        reverse("directory:person_edit", args=[person.pk]), edit_data(person, initials="JIR")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.initials == "JIR"
    assert list(person.aliases.values_list("initials", "used_until")) == [
        ("JI", timezone.localdate())
    ]
    assert directory.person_for_initials("JI", on_date=D(2017, 10, 31)) == person
    page = officer.get(person.get_absolute_url()).content.decode()
    assert "JI" in page and "Current initials" in page


def test_editing_other_fields_adds_no_alias(officer):
    person = PersonFactory(name="Jackie Irvin", initials="JI")
    officer.post(
        reverse("directory:person_edit", args=[person.pk]),
        edit_data(person, job_title="Policy Officer"),
    )
    person.refresh_from_db()
    assert person.job_title == "Policy Officer"
    assert person.aliases.count() == 0


def test_an_alias_can_be_added_with_its_dates(officer):
    person = PersonFactory()
    response = officer.post(
        reverse("directory:alias_add", args=[person.pk]),
        {"initials": "JI", "used_from": "2015-01-01", "used_until": "2014-01-01", "note": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"used_until": ["The end must come after the start."]}
    officer.post(
        reverse("directory:alias_add", args=[person.pk]),
        {"initials": "JI", "used_from": "2014-01-01", "used_until": "2015-01-01", "note": ""},
    )
    assert list(person.aliases.values_list("initials", "used_from", "used_until")) == [
        ("JI", D(2014, 1, 1), D(2015, 1, 1))
    ]


# Duplicates.


def test_a_person_is_created_and_shown(officer):
    response = officer.post(reverse("directory:person_create"), person_data())
    person = Person.objects.get()
    assert response["Location"] == person.get_absolute_url()
    assert (person.name, person.initials, person.organisation) == ("John Campion", "JC", "opcc")
    assert person.history.count() == 1


def test_the_same_name_whatever_the_case_and_spacing_is_a_warning(officer):
    existing = PersonFactory(name="John Campion", initials="JC")
    response = officer.post(
        reverse("directory:person_create"), person_data(name="  john   CAMPION ", initials="JCA")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "different_person": [
            "This may be someone already in the directory: John Campion (JC) (the same name). "
            "Choose them instead, or tick “This is a different person” to go ahead."
        ]
    }
    page = response.content.decode()
    assert f'href="{existing.get_absolute_url()}"' in page
    assert 'type="checkbox" name="different_person"' in page
    assert Person.objects.count() == 1
    # What was typed is still there.
    assert 'value="JCA"' in page


def test_ticking_different_person_goes_ahead(officer):
    PersonFactory(name="John Campion", initials="JC")
    response = officer.post(
        reverse("directory:person_create"),
        person_data(initials="JCA", different_person="on"),
    )
    assert response.status_code == 302
    assert sorted(Person.objects.values_list("initials", flat=True)) == ["JC", "JCA"]


def test_initials_someone_was_minuted_under_are_a_warning(officer):
    jackie = PersonFactory(name="Jackie Irvin", initials="JIR")
    PersonAlias.objects.create(person=jackie, initials="JI", used_until=D(2018, 3, 31))
    response = officer.post(
        reverse("directory:person_create"), person_data(name="Jim Ingram", initials="ji")
    )
    assert response.context["form"].errors == {
        "different_person": [
            "This may be someone already in the directory: Jackie Irvin (JIR) "
            "(was minuted as JI). Choose them instead, or tick “This is a different person” "
            "to go ahead."
        ]
    }


def test_the_same_initials_are_refused_naming_who_has_them(officer):
    PersonFactory(name="John Campion", initials="JC", retired_on=D(2020, 1, 1))
    response = officer.post(
        reverse("directory:person_create"), person_data(name="Jane Cole", initials="jc")
    )
    assert response.context["form"].errors == {
        "initials": [
            "jc are already the initials of John Campion (JC), retired: initials must be unique."
        ]
    }


def test_editing_a_person_does_not_warn_of_themself(officer):
    person = PersonFactory(name="John Campion", initials="JC")
    PersonAlias.objects.create(person=person, initials="JOC")
    response = officer.post(
        reverse("directory:person_edit", args=[person.pk]), edit_data(person, initials="JOC")
    )
    assert response.status_code == 302


def test_a_stale_edit_of_a_person_is_refused(officer):
    person = PersonFactory(name="John Campion", initials="JC")
    data = edit_data(person, job_title="PCC")
    Person.objects.filter(pk=person.pk).update(version=2)
    response = officer.post(reverse("directory:person_edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith("Someone else saved this")


def attendance_data(**overrides):
    return {
        "person": "",
        "new_person_name": "John Campion",
        "new_person_initials": "JCA",
        "new_person_organisation": "opcc",
        "post": "",
        "capacity": "Police and Crime Commissioner",
        "presence": "present",
        "reason": "",
        "joined_at_item": "",
        "left_after_item": "",
        "version": "",
        **overrides,
    }


def test_the_attendance_form_warns_of_a_likely_duplicate_new_person(officer):
    existing = PersonFactory(name="John Campion", initials="JC")
    meeting = MeetingFactory()
    url = reverse("meetings:attendance_add", args=[meeting.pk])
    response = officer.post(url, attendance_data())
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["different_person"]
    assert f'href="{existing.get_absolute_url()}"' in response.content.decode()
    assert not meeting.attendances.exists()
    response = officer.post(url, attendance_data(different_person="on"))
    assert response.status_code == 302
    assert meeting.attendances.get().person.initials == "JCA"


def test_the_attendance_form_refuses_initials_in_use_naming_who(officer):
    PersonFactory(name="John Campion", initials="JC")
    meeting = MeetingFactory()
    response = officer.post(
        reverse("meetings:attendance_add", args=[meeting.pk]),
        attendance_data(new_person_name="Jane Cole", new_person_initials="JC"),
    )
    assert response.context["form"].errors == {
        "new_person_initials": [
            "JC are already the initials of John Campion (JC): initials must be unique. "
            "Choose them from the list above, or use different initials."
        ]
    }


def test_retired_people_and_posts_are_not_offered_on_the_attendance_form():
    current, retired = PersonFactory(name="Ann Current"), PersonFactory(name="Bob Retired")
    Person.objects.filter(pk=retired.pk).update(retired_on=D(2020, 1, 1))
    post = PostFactory(abbreviation="DCC", holder=current)
    old_post = PostFactory(abbreviation="ACO", holder=None, retired_on=D(2020, 1, 1))
    meeting = MeetingFactory()
    form = AttendanceForm(meeting=meeting)
    assert list(form.fields["person"].queryset) == [current]
    assert list(form.fields["post"].queryset) == [post]
    # An attendance already recorded keeps its retired person and post.
    attendance = AttendanceFactory(meeting=meeting, person=retired, post=old_post)
    form = AttendanceForm(meeting=meeting, instance=attendance)
    assert list(form.fields["person"].queryset) == [current, retired]
    assert list(form.fields["post"].queryset) == [old_post, post]


# Posts and their holders.


def test_appoint_ends_the_current_holding_the_day_before_and_starts_the_new_one(opcc_user):
    first, second = PersonFactory(name="Amanda Blakeman"), PersonFactory(name="Julian Moss")
    post = PostFactory(abbreviation="DCC", holder=None)
    directory.appoint(post, first, D(2017, 1, 1), opcc_user)
    directory.appoint(post, second, D(2019, 4, 1), opcc_user)
    post.refresh_from_db()
    assert post.holder == second
    assert list(
        PostHolding.objects.filter(post=post)
        .order_by("started_on")
        .values_list("person__name", "started_on", "ended_on")
    ) == [
        ("Amanda Blakeman", D(2017, 1, 1), D(2019, 3, 31)),
        ("Julian Moss", D(2019, 4, 1), None),
    ]
    assert post.holder_on(D(2016, 12, 31)) is None
    assert post.holder_on(D(2017, 1, 1)) == first
    assert post.holder_on(D(2019, 3, 31)) == first
    assert post.holder_on(D(2019, 4, 1)) == second
    assert post.holder_on(timezone.localdate()) == second
    assert post.history.first().history_user == opcc_user


def test_appoint_no_one_leaves_the_post_vacant_from_the_date():
    person = PersonFactory()
    post = PostFactory(holder=None)
    directory.appoint(post, person, D(2017, 1, 1))
    directory.appoint(post, None, D(2018, 1, 1))
    post.refresh_from_db()
    assert post.holder is None
    assert post.holder_on(D(2017, 12, 31)) == person
    assert post.holder_on(D(2018, 1, 1)) is None


@pytest.mark.parametrize(
    ("on_date", "message"),
    [
        (
            D(2016, 12, 31),
            "has held the post since 1 January 2017: date the change on or after that.",
        ),
        (
            timezone.localdate() + datetime.timedelta(days=1),
            "Change the holder on the day they take over, not before.",
        ),
    ],
)
def test_appoint_refuses_a_date_before_the_current_holding_or_in_the_future(on_date, message):
    post = PostFactory(holder=None)
    directory.appoint(post, PersonFactory(), D(2017, 1, 1))
    with pytest.raises(ValidationError) as refused:
        directory.appoint(post, PersonFactory(), on_date)
    assert message in refused.value.messages[0]


def test_appoint_refuses_a_retired_person():
    post = PostFactory(holder=None)
    retired = PersonFactory(name="Old Hand", retired_on=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="Old Hand is retired"):
        directory.appoint(post, retired, D(2021, 1, 1))


def test_change_holder_page_appoints_and_shows_the_history(officer):
    first, second = (
        PersonFactory(name="Amanda Blakeman", initials="AB"),
        PersonFactory(name="Julian Moss", initials="JM"),
    )
    post = PostFactory(abbreviation="DCC", title="Deputy Chief Constable", holder=None)
    directory.appoint(post, first, D(2017, 1, 1))
    url = reverse("directory:post_appoint", args=[post.pk])
    response = officer.post(url, {"person": second.pk, "on_date": "2016-06-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Amanda Blakeman has held the post since 1 January 2017: date the change on or after that."
    ]
    response = officer.post(url, {"person": second.pk, "on_date": "2019-04-01"})
    assert response["Location"] == post.get_absolute_url()
    page = officer.get(post.get_absolute_url()).content.decode()
    assert "Amanda Blakeman (AB)</a></td><td>1 January 2017</td><td>31 March 2019</td>" in page
    assert "Julian Moss (JM)</a></td><td>1 April 2019</td><td>Now</td>" in page


def test_a_post_is_created_and_edited(officer):
    response = officer.post(
        reverse("directory:post_create"),
        {
            "abbreviation": "ACO",
            "title": "Assistant Chief Officer",
            "organisation": "force",
            "seniority": 70,
            "version": "",
        },
    )
    post = Post.objects.get()
    assert response["Location"] == post.get_absolute_url()
    response = officer.post(
        reverse("directory:post_edit", args=[post.pk]),
        {
            "abbreviation": "ACO",
            "title": "Assistant Chief Officer (Resources)",
            "organisation": "force",
            "seniority": 70,
            "version": post.version,
        },
    )
    post.refresh_from_db()
    assert post.title == "Assistant Chief Officer (Resources)"
    response = officer.post(
        reverse("directory:post_create"),
        {
            "abbreviation": "aco",
            "title": "Again",
            "organisation": "force",
            "seniority": 1,
            "version": "",
        },
    )
    assert response.context["form"].errors == {
        "abbreviation": ["There is already a post ACO: Assistant Chief Officer (Resources)."]
    }


def test_retiring_a_post_vacates_it_and_keeps_its_history(officer):
    holder = PersonFactory()
    post = PostFactory(holder=None)
    directory.appoint(post, holder, D(2017, 1, 1))
    officer.post(reverse("directory:post_retire", args=[post.pk]), {"on_date": "2020-01-31"})
    post.refresh_from_db()
    assert (post.retired_on, post.holder) == (D(2020, 1, 31), None)
    assert post.holder_on(D(2020, 1, 30)) == holder
    assert not Post.objects.current().exists()


def test_the_action_page_shows_who_held_the_post_when_raised_and_now(officer):
    first, second = PersonFactory(name="Amanda Blakeman"), PersonFactory(name="Julian Moss")
    post = PostFactory(abbreviation="DCC", holder=None)
    directory.appoint(post, first, D(2017, 1, 1))
    directory.appoint(post, second, D(2019, 4, 1))
    action = ActionFactory(item__meeting__date=D(2017, 10, 31), owners=[post])
    page = officer.get(action.get_absolute_url()).content.decode()
    assert (
        '<dt class="col-sm-3">DCC</dt><dd class="col-sm-9">Held by Amanda Blakeman when raised; '
        "by Julian Moss now</dd>"
    ) in page


# Retiring people.


def signed_in_session(user):
    client = Client()
    client.force_login(user)
    return client


def test_retiring_a_person_vacates_their_posts_and_stops_their_login(officer):
    user = UserFactory(username="leaver")
    person = PersonFactory(name="Leaving Officer", user=user)
    post = PostFactory(holder=None)
    directory.appoint(post, person, D(2017, 1, 1))
    their_client = signed_in_session(user)
    someone_else = signed_in_session(UserFactory(username="stayer"))
    response = officer.get(reverse("directory:person_retire", args=[person.pk]))
    assert "Their login (leaver) is deactivated at once" in response.content.decode()
    response = officer.post(
        reverse("directory:person_retire", args=[person.pk]), {"on_date": "2020-01-31"}
    )
    assert response["Location"] == person.get_absolute_url()
    person.refresh_from_db()
    user.refresh_from_db()
    post.refresh_from_db()
    assert (person.retired_on, user.is_active, post.holder) == (D(2020, 1, 31), False, None)
    sessions = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(user.pk) not in sessions
    assert sessions.count(str(someone_else.session[SESSION_KEY])) == 1
    assert their_client.get(reverse("meetings:list")).status_code == 302
    assert not Person.objects.current().filter(pk=person.pk).exists()


def test_a_retired_person_can_be_brought_back(officer):
    person = PersonFactory(retired_on=D(2020, 1, 1))
    officer.post(reverse("directory:person_reinstate", args=[person.pk]))
    person.refresh_from_db()
    assert person.retired_on is None


# Merging.


def relation_counts():
    """Rows of every table that points at a person, by relation."""
    return {
        (model._meta.label, fk.name): model._base_manager.count()
        for model, fk in directory.person_relations()
    }


def rows_pointing_at(people):
    return {
        (model._meta.label, fk.name): model._base_manager.filter(
            **{f"{fk.name}__in": people}
        ).count()
        for model, fk in directory.person_relations()
    }


@pytest.fixture
def duplicate_pair(db):
    """John Campion twice: each record with something in every table that points at people."""
    keep = PersonFactory(name="John Campion", initials="JC", organisation="opcc")
    user = UserFactory(username="jc2")
    other = PersonFactory(
        name="John Campion",
        initials="JCA",
        organisation="opcc",
        email="pcc@opcc.example",
        user=user,
    )
    PersonFactory(name="Old duplicate", initials="JCO", merged_into=other, retired_on=D(2020, 1, 1))
    PersonAlias.objects.create(person=other, initials="JMC")
    series = MeetingSeries.objects.create(
        name="Joint Audit Committee", short_name="JAC", default_minute_taker=other
    )
    set_chairs(series, [other])
    UsualAttendee.objects.create(series=series, person=other, capacity="Commissioner")
    for n, person in enumerate([keep, other, other]):
        meeting = MeetingFactory(date=D(2017, 7 + n, 25), minute_taker=person)
        set_chairs(meeting, [person])
        AttendanceFactory(meeting=meeting, person=person)
    joint = MeetingFactory(series=series, date=D(2018, 1, 1), minute_taker=keep)
    set_chairs(joint, [other])
    Body.objects.create(name="Chief officers", label="Officers").members.set([keep, other])
    post = PostFactory(abbreviation="PCC", holder=None)
    directory.appoint(post, other, D(2017, 1, 1))
    shared, own = ActionFactory(owners=[keep, other]), ActionFactory(owners=[other])
    ReminderLog.objects.create(person=other, sent_on=D(2020, 1, 1), kind="due")
    ReminderLog.objects.create(person=keep, sent_on=D(2020, 1, 2), kind="due")
    ReminderLog.objects.create(person=other, sent_on=D(2020, 1, 2), kind="due")
    return keep, other, post, shared, own


def test_every_relation_to_a_person_is_found_including_hidden_ones():
    assert {(model._meta.label, fk.name) for model, fk in directory.person_relations()} >= {
        ("people.Person", "merged_into"),
        ("people.PersonAlias", "person"),
        ("people.Post", "holder"),
        ("people.PostHolding", "person"),
        ("meetings.SeriesChair", "person"),
        ("meetings.UsualAttendee", "person"),
        ("meetings.MeetingSeries", "default_minute_taker"),
        ("meetings.MeetingChair", "person"),
        ("meetings.Meeting", "minute_taker"),
        ("meetings.Attendance", "person"),
        ("actions.Action_owner_people", "person"),
        ("actions.ReminderLog", "person"),
        ("people.Body_members", "person"),
    }


def test_merge_moves_every_row_and_loses_none(duplicate_pair, opcc_user):
    keep, other, post, shared, own = duplicate_pair
    before_tables = relation_counts()
    before = rows_pointing_at([keep, other])
    directory.merge_people(keep, other, opcc_user)
    after = rows_pointing_at([keep])
    # A fact both records held is kept once (the shared action, the reminder of 2 January,
    # membership of the chief officers);
    # the merged record now points at the kept one, and its initials are an alias of it.
    assert {key: after[key] - before[key] for key in before if before[key] != after[key]} == {
        ("actions.Action_owner_people", "person"): -1,
        ("people.Body_members", "person"): -1,
        ("actions.ReminderLog", "person"): -1,
        ("people.Person", "merged_into"): 1,
        ("people.PersonAlias", "person"): 1,
    }
    # The merged record's own new alias is the one row added; nothing else is lost.
    expected = dict(before_tables)
    expected[("actions.Action_owner_people", "person")] -= 1
    expected[("actions.ReminderLog", "person")] -= 1
    expected[("people.Body_members", "person")] -= 1
    expected[("people.PersonAlias", "person")] += 1
    assert relation_counts() == expected
    assert rows_pointing_at([other]) == dict.fromkeys(before, 0)
    other.refresh_from_db()
    keep.refresh_from_db()
    assert (other.merged_into, other.retired_on, other.user) == (keep, timezone.localdate(), None)
    assert keep.user.username == "jc2"
    assert keep.email == "pcc@opcc.example"
    assert sorted(keep.aliases.values_list("initials", flat=True)) == ["JCA", "JMC"]
    assert Person.objects.get(initials="JCO").merged_into == keep
    assert list(own.owner_people.all()) == [keep]
    assert list(shared.owner_people.all()) == [keep]
    post.refresh_from_db()
    assert (post.holder, post.holder_on(D(2018, 1, 1))) == (keep, keep)
    assert directory.person_for_initials("JCA") == keep
    assert Attendance.objects.filter(person=keep).count() == 3
    assert Meeting.objects.filter(chairs=keep).count() == 4
    assert [p.name for p in MeetingSeries.objects.get(short_name="JAC").ordered_chairs()] == [
        "John Campion"
    ]
    assert UsualAttendee.objects.get().person == keep
    assert list(Body.objects.get().members.all()) == [keep]


def test_merge_refuses_two_people_who_attended_one_meeting(duplicate_pair):
    keep, other, *_ = duplicate_pair
    meeting = Meeting.objects.get(date=D(2017, 7, 25))
    AttendanceFactory(meeting=meeting, person=other)
    before = rows_pointing_at([other])
    with pytest.raises(ValidationError) as refused:
        directory.merge_people(keep, other)
    assert refused.value.messages == [
        f"John Campion and John Campion both attended the {meeting.title} (on 25 July 2017), "
        "so they may be different people. If one of those records is a mistake, correct it "
        "first."
    ]
    assert rows_pointing_at([other]) == before
    other.refresh_from_db()
    assert other.merged_into is None


def test_the_merge_page_shows_what_moves_then_merges(officer, duplicate_pair):
    keep, other, *_ = duplicate_pair
    url = reverse("directory:person_merge", args=[keep.pk])
    page = officer.post(url, {"other": other.pk}).content.decode()
    assert "<tr><td>Attendances</td><td>2</td><td>0</td></tr>" in page
    assert "<tr><td>Actions owned by name</td><td>2</td><td>1</td></tr>" in page
    assert "<tr><td>Reminders sent</td><td>2</td><td>1</td></tr>" in page
    assert "John Campion&#x27;s login (jc2) becomes John Campion&#x27;s." in page
    assert Person.objects.get(pk=other.pk).merged_into is None
    response = officer.post(url, {"other": other.pk, "confirm": "merge"})
    assert response["Location"] == keep.get_absolute_url()
    old_page = officer.get(other.get_absolute_url()).content.decode()
    assert f'merged into <a href="{keep.get_absolute_url()}">John Campion (JC)</a>' in old_page


def test_the_merge_page_refuses_with_the_reason(officer, duplicate_pair):
    keep, other, *_ = duplicate_pair
    AttendanceFactory(meeting=Meeting.objects.get(date=D(2017, 7, 25)), person=other)
    response = officer.post(
        reverse("directory:person_merge", args=[keep.pk]), {"other": other.pk, "confirm": "merge"}
    )
    assert response.status_code == 409
    assert "so they may be different people" in response.content.decode()
    assert Person.objects.get(pk=other.pk).merged_into is None


def test_a_merged_record_cannot_be_merged_again(duplicate_pair):
    keep, other, *_ = duplicate_pair
    directory.merge_people(keep, other)
    third = PersonFactory()
    with pytest.raises(ValidationError, match="was already merged into"):
        directory.merge_people(third, other)


def test_two_logins_leave_the_merged_records_login_stopped(duplicate_pair):
    keep, other, *_ = duplicate_pair
    keep.user = UserFactory(username="jc")
    keep.save()
    directory.merge_people(keep, other)
    other.refresh_from_db()
    keep.refresh_from_db()
    assert (keep.user.username, other.user.username, other.user.is_active) == ("jc", "jc2", False)


# Lists and their queries.


@pytest.mark.parametrize("count", [1, 12])
def test_the_people_list_takes_the_same_queries_for_one_or_many(
    officer, count, django_assert_num_queries
):
    for n in range(count):
        person = PersonFactory()
        PostFactory(holder=person)
        PersonAlias.objects.create(person=person, initials=f"X{n}")
    # Session, the login with its roles, count, page of people, their posts, their aliases,
    # and a pair of savepoints.
    with django_assert_num_queries(8):
        response = officer.get(reverse("directory:people"))
    assert len(response.context["people"]) == count


def test_the_people_list_searches_names_initials_and_old_initials(officer):
    jackie = PersonFactory(name="Jackie Irvin", initials="JIR")
    PersonAlias.objects.create(person=jackie, initials="JI")
    john = PersonFactory(name="John Campion", initials="JC")
    retired = PersonFactory(name="Jack Old", initials="JO", retired_on=D(2020, 1, 1))

    def found(**params):
        return list(officer.get(reverse("directory:people"), params).context["people"])

    assert found(q="jack") == [jackie]
    assert found(q="ji") == [jackie]
    assert found(q="JC") == [john]
    assert found(q="jack", state="all") == [retired, jackie]
    assert found(state="retired") == [retired]


@pytest.mark.parametrize("count", [1, 12])
def test_the_posts_list_takes_the_same_queries_for_one_or_many(
    officer, count, django_assert_num_queries
):
    for _ in range(count):
        post = PostFactory(holder=None)
        directory.appoint(post, PersonFactory(), D(2017, 1, 1))
    # Session, the login with its roles, count, page of posts with their holders, and a pair
    # of savepoints.
    with django_assert_num_queries(6):
        response = officer.get(reverse("directory:posts"))
    assert [post.holders for post in response.context["posts"]] == [1] * count


def test_the_directory_is_in_the_nav_for_opcc_staff_only(officer, client, commissioner_user):
    assert (
        'href="/directory/">Directory</a>' in officer.get(reverse("meetings:list")).content.decode()
    )
    other = Client()
    other.force_login(commissioner_user)
    assert "Directory" not in other.get(reverse("meetings:list")).content.decode()


def test_session_engine_is_the_database():
    # deactivate_login ends sessions by deleting their rows.
    assert import_module(settings.SESSION_ENGINE).__name__ == "django.contrib.sessions.backends.db"


def test_a_search_with_characters_no_column_holds_finds_nothing_rather_than_failing(officer):
    PersonFactory(name="Jackie Irvin", initials="JI")
    response = officer.get(reverse("directory:people"), {"q": "Jackie\x00 & Irvin", "state": "all"})
    assert response.status_code == 200
    assert list(response.context["people"]) == []
    assert response.context["query_string"] == "q=Jackie+%26+Irvin&state=all"


def test_owner_lists_name_the_other_initials_a_person_was_minuted_under(officer):
    jackie = PersonFactory(name="Jackie Irvin", initials="JIR")
    PersonAlias.objects.create(person=jackie, initials="JI", used_until=D(2018, 3, 31))
    PersonAlias.objects.create(person=jackie, initials="jir", note="The same, in lower case")
    action = ActionFactory()
    action.owner_people.set([jackie])
    option = 'value="{}">Jackie Irvin (JIR, also JI)</option>'

    log = officer.get(reverse("actions:log")).content.decode()
    assert option.format(f"person-{jackie.pk}") in log
    edit = officer.get(reverse("actions:edit", args=[action.pk])).content.decode()
    # The people who own it are ticked boxes, each labelled as the lists name them.
    ticked = re.search(
        rf'<input type="checkbox"[^>]*name="owner_people" value="{jackie.pk}"[^>]*'
        r'id="(id_owner_people_\d+)" checked>\s*<label for="\1" class="form-check-label">'
        r"\s*([^<]+?)\s*</label>",
        edit,
    )
    assert ticked[2] == "Jackie Irvin (JIR, also JI)"
    owner_rows = dashboard(datetime.date.today())["owner_counts"]
    assert [row.label for row in owner_rows if "Irvin" in row.label] == [
        "Jackie Irvin (JIR, also JI)"
    ]
