import datetime

import pytest

from actions.models import Action, NextMeeting, next_meeting
from people import roles
from tests.factories import (
    ActionFactory,
    BodyFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    SeriesFactory,
    user_with_role,
)

TODAY = datetime.date(2017, 11, 22)


def test_visible_to_hides_draft_minutes_from_the_force_except_its_own_actions(
    action, dcc, acc, owner_user, other_force_user, opcc_user
):
    draft = MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    draft_item = ItemFactory(meeting=draft)
    mine_in_draft = ActionFactory(item=draft_item, reference="2017/11-01", owners=[dcc])
    other_in_draft = ActionFactory(item=draft_item, reference="2017/11-02", owners=[acc])

    assert list(Action.objects.visible_to(owner_user)) == [action, mine_in_draft]
    assert list(Action.objects.visible_to(other_force_user)) == [action, other_in_draft]
    assert list(Action.objects.visible_to(opcc_user)) == [action, mine_in_draft, other_in_draft]
    nobody = user_with_role(roles.FORCE_OFFICER, username="nobody")
    assert list(Action.objects.visible_to(nobody)) == [action]


def test_owned_by_covers_posts_held_people_and_all_once_each(action, item, dcc, owner_user):
    person = dcc.holder
    both = ActionFactory(item=item, reference="2017/10-02", owners=[dcc, person])
    everyone = ActionFactory(
        item=item,
        reference="2017/10-03",
        owners=[BodyFactory(label="ALL", members=[person, PersonFactory()])],
    )
    ActionFactory(item=item, reference="2017/10-04")
    # A body the owner is not a member of: its action is its members' only.
    ActionFactory(item=item, reference="2017/10-05", owners=[BodyFactory(label="Officers")])
    assert list(Action.objects.owned_by_user(owner_user)) == [action, both, everyone]


def test_due_by_takes_due_dates_due_meetings_and_actions_with_no_due(item):
    by_date = ActionFactory(item=item, due_date=datetime.date(2017, 11, 29))
    by_month = ActionFactory(item=item, due_meeting=datetime.date(2017, 11, 1))
    no_due = ActionFactory(item=item)
    ActionFactory(item=item, due_date=datetime.date(2017, 11, 30))
    ActionFactory(item=item, due_meeting=datetime.date(2017, 12, 1))
    ActionFactory(item=item, due_date=datetime.date(2017, 11, 1), status="closed")
    ActionFactory(item=item, due_date=datetime.date(2017, 11, 1), status="awaiting_closure")
    assert list(Action.objects.due_by(datetime.date(2017, 11, 29))) == [by_date, by_month, no_due]


def test_next_meeting_is_the_earliest_draft_meeting_from_today(october):
    MeetingFactory(date=datetime.date(2017, 12, 20), status="draft")
    november = MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    assert next_meeting(TODAY) == NextMeeting(november.date, november, november.start_time)


def test_next_meeting_falls_back_to_the_date_the_latest_minutes_announce(october):
    assert next_meeting(TODAY) == NextMeeting(
        datetime.date(2017, 11, 29), None, datetime.time(10, 30)
    )
    assert next_meeting(TODAY).title == "Meeting of 29 November 2017"


def test_there_is_no_next_meeting_once_the_announced_date_has_passed(october):
    assert next_meeting(datetime.date(2017, 11, 30)) is None


def test_item_label_qualifies_numbers_reused_under_a_parent(october):
    section = ItemFactory(meeting=october, number="5a")
    question = ItemFactory(meeting=october, number="1", parent=section)
    top = ItemFactory(meeting=october, number="1")
    sub = ItemFactory(meeting=october, number="1.2", parent=top)
    labels = [ActionFactory(item=i).item_label for i in (section, question, top, sub)]
    assert labels == ["5a", "5a/1", "1", "1.2"]


def test_an_action_due_at_a_meeting_is_overdue_once_that_month_is_over(db):
    november = ActionFactory(due_meeting=datetime.date(2017, 11, 1))
    by_date = ActionFactory(
        due_date=datetime.date(2017, 11, 15), due_meeting=datetime.date(2017, 12, 1)
    )
    ActionFactory(due_meeting=datetime.date(2017, 12, 1))
    assert november.effective_due == datetime.date(2017, 11, 30)
    assert by_date.effective_due == datetime.date(2017, 11, 15)
    today = datetime.date(2017, 12, 3)
    assert list(Action.objects.overdue(today).order_by("pk")) == [november, by_date]
    assert (november.days_overdue(today), by_date.days_overdue(today)) == (3, 18)


def test_a_due_at_a_months_meeting_falls_on_that_meeting_once_it_is_arranged(db):
    """Issue 26: "in advance of November's HTA" read as 30 November, though the series met
    on 29 November; a month with no meeting arranged still ends on its last day."""
    october = MeetingFactory(date=datetime.date(2017, 10, 31))
    action = ActionFactory(
        item=ItemFactory(meeting=october),
        due_meeting=datetime.date(2017, 11, 1),
        due_wording="in advance of November’s HTA",
    )
    assert action.effective_due == datetime.date(2017, 11, 30)
    MeetingFactory(series=october.series, date=datetime.date(2017, 11, 29))
    # Another series's meeting that month counts not.
    MeetingFactory(
        series=SeriesFactory(name="Joint Audit Committee"), date=datetime.date(2017, 11, 8)
    )
    action = Action.objects.get(pk=action.pk)
    listed = Action.objects.for_listing().get(pk=action.pk)
    assert (action.effective_due, listed.effective_due) == ((datetime.date(2017, 11, 29),) * 2)
    on_the_day, day_after = datetime.date(2017, 11, 29), datetime.date(2017, 11, 30)
    assert list(Action.objects.overdue(on_the_day)) == []
    assert list(Action.objects.overdue(day_after)) == [action]
    assert (action.days_overdue(on_the_day), action.days_overdue(day_after)) == (0, 1)


def test_filtering_the_log_by_a_person_includes_the_posts_they_hold(client, demo):
    from django.urls import reverse

    from people.models import Person

    client.login(username="officer", password="assurance-demo")
    amanda = Person.objects.get(name="Amanda Blakeman")
    response = client.get(reverse("actions:log"), {"owner": f"person-{amanda.pk}"})
    assert [a.reference for a in response.context["actions"]] == [
        "2017/07-01",
        "2017/09-01",
        "2017/10-01",
        "2017/10-02",
        "2017/10-05",
        "2017/10-06",
        "2017/10-08",
    ]


def test_the_end_of_a_due_month_is_found_even_in_the_last_month_there_is():
    action = Action(due_meeting=datetime.date(9999, 12, 1))
    assert action.effective_due == datetime.date(9999, 12, 31)
    assert Action(due_meeting=datetime.date(2024, 2, 1)).effective_due == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "wording", "minuted"),
    [
        (
            "Report to every meeting.",
            "until the review ends",
            "Report to every meeting until the review ends.",
        ),
        ("Share the analysis", "By end January 2018", "Share the analysis By end January 2018"),
        ("Share the plan.", "By end January 2018", "Share the plan. By end January 2018"),
        ("Share it by end January 2018.", "By end January 2018", "Share it by end January 2018."),
        ("Share the plan.", "", "Share the plan."),
    ],
)
def test_an_action_reads_with_its_due_as_one_sentence_where_the_due_continues_it(
    text, wording, minuted
):
    from actions.models import with_due

    assert with_due(text, wording) == minuted
