"""What minutes really say about owners and dues: actions to be allocated, actions of a
body, dues by a date, a month, a meeting of any series or open-ended, actions brought
forward per series, and references numbered per series."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from actions import services
from actions.dashboard import dashboard
from actions.models import Action, CalendarFeed, DueKind
from actions.reminders import send_reminders
from actions.reviews import actions_to_bring_forward, bring_forward
from meetings.models import ReferenceScheme, StandingSection
from meetings.services import open_meeting
from tests.factories import (
    BodyFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    SeriesFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def assurance():
    return SeriesFactory(name="Monthly Assurance Meeting")


@pytest.fixture
def audit():
    return SeriesFactory(name="Joint Audit Committee")


def meeting(series, date, status="draft"):
    return MeetingFactory(series=series, date=date, status=status)


def raise_at(meeting_, text="Do it", **kwargs):
    return services.raise_action(item=ItemFactory(meeting=meeting_), text=text, **kwargs)


def overdue_refs(today):
    return sorted(Action.objects.overdue(today).values_list("reference", flat=True))


# Open-ended dues


def test_an_open_ended_due_is_never_overdue_however_late(assurance, dcc):
    action = raise_at(
        meeting(assurance, D(2017, 10, 31)),
        owner_posts=[dcc],
        due_kind=DueKind.OPEN,
        due_wording="Until all cases have been closed",
    )
    later = D(2031, 6, 1)
    assert (action.due_kind, action.effective_due, action.days_overdue(later)) == (
        "open",
        None,
        0,
    )
    assert action.due_display == "Until all cases have been closed"
    assert overdue_refs(later) == []
    data = dashboard(later)
    assert (data["totals"].open, data["totals"].overdue) == (1, 0)
    assert [(row.label, row.open, row.overdue) for row in data["owner_counts"]] == [("DCC", 1, 0)]
    # It comes to every meeting until closed, but no reminder says it is due or overdue.
    assert [a.reference for a in data["due"]] == [action.reference]
    assert send_reminders(later) == []


def test_an_open_ended_due_needs_its_wording(assurance):
    with pytest.raises(ValidationError) as error:
        raise_at(meeting(assurance, D(2017, 10, 31)), due_kind=DueKind.OPEN)
    assert error.value.message_dict == {
        "due_wording": ["Say how the minutes word an open-ended due."]
    }


def test_an_open_ended_due_comes_to_every_meeting_of_its_series(assurance, audit):
    october = meeting(assurance, D(2017, 10, 31), status="agreed")
    action = Action.objects.get(
        pk=services.raise_action(
            item=ItemFactory(meeting=october),
            text="Report each case",
            due_kind=DueKind.OPEN,
            due_wording="When the report is published",
            imported=True,
        ).pk
    )
    for month in (11, 12):
        later = meeting(assurance, D(2017, month, 28))
        assert list(actions_to_bring_forward(later)) == [action]
    assert list(actions_to_bring_forward(meeting(audit, D(2017, 12, 5)))) == []


# Dues at a meeting


def test_a_meeting_due_is_overdue_once_the_meeting_has_taken_place(assurance, audit):
    audit_meeting = meeting(audit, D(2017, 12, 5))
    action = raise_at(
        meeting(assurance, D(2017, 10, 31)), due_kind=DueKind.MEETING, due_at=audit_meeting
    )
    assert (action.due_series, action.due_display) == (
        audit,
        "At the Joint Audit Committee December 2017",
    )
    assert overdue_refs(D(2017, 12, 5)) == []
    assert action.days_overdue(D(2017, 12, 5)) == 0
    assert overdue_refs(D(2017, 12, 6)) == [action.reference]
    assert action.days_overdue(D(2017, 12, 8)) == 3


def test_a_due_meeting_that_moves_moves_its_actions_due(assurance, audit, dcc):
    audit_meeting = meeting(audit, D(2017, 12, 5))
    action = raise_at(
        meeting(assurance, D(2017, 10, 31)),
        owner_posts=[dcc],
        due_kind=DueKind.MEETING,
        due_at=audit_meeting,
    )
    today = D(2017, 12, 10)
    assert dashboard(today)["totals"].overdue == 1
    audit_meeting.date = D(2017, 12, 19)
    audit_meeting.save()
    action.refresh_from_db()
    assert (action.effective_due, action.days_overdue(today)) == (D(2017, 12, 19), 0)
    assert overdue_refs(today) == []
    assert dashboard(today)["totals"].overdue == 0


def test_the_next_meeting_of_a_series_is_that_meeting_once_arranged(assurance, audit):
    october = meeting(assurance, D(2017, 10, 31))
    meeting(audit, D(2017, 9, 1))  # before the raising meeting: not the next
    arranged = meeting(audit, D(2017, 12, 5))
    action = raise_at(october, due_kind=DueKind.MEETING, due_series=audit)
    assert (action.due_at, action.raised_due_at) == (arranged, arranged)


def test_the_next_meeting_not_yet_arranged_waits_for_it_and_is_not_overdue(assurance, audit):
    october = meeting(assurance, D(2017, 10, 31))
    action = raise_at(
        october,
        due_kind=DueKind.MEETING,
        due_series=audit,
        due_wording="The next Joint Audit Committee",
    )
    assert (action.due_at, overdue_refs(D(2019, 1, 1))) == (None, [])
    october.status = "agreed"
    october.save()
    # Not the raising series' next meeting: the audit committee's.
    assert list(actions_to_bring_forward(meeting(assurance, D(2017, 11, 29)))) == []
    StandingSection.objects.create(
        series=audit, number="1", heading="Actions brought forward", brings_forward=True
    )
    first_audit = open_meeting(audit, date=D(2018, 1, 9))
    [review] = bring_forward(first_audit)
    action.refresh_from_db()
    assert (review.action, action.due_at) == (action, first_audit)
    assert overdue_refs(D(2018, 1, 10)) == [action.reference]


# Bringing forward per series


def test_two_series_meeting_in_turn_bring_forward_their_own_actions_and_those_due_at_them(
    assurance, audit
):
    """Assurance meetings at the end of October, November and December; the audit committee
    in between. Each meeting takes its series' actions that come to it, and actions of the
    other series due at it, and never another series' actions otherwise."""
    oct_a = meeting(assurance, D(2017, 10, 31))
    nov_j = meeting(audit, D(2017, 11, 8))
    nov_a = meeting(assurance, D(2017, 11, 29))
    dec_j = meeting(audit, D(2017, 12, 6))
    dec_a = meeting(assurance, D(2017, 12, 20))
    raised = {
        "A by date": raise_at(oct_a, due_date=D(2017, 11, 20)),
        "A open": raise_at(oct_a, due_kind=DueKind.OPEN, due_wording="Until the review ends"),
        "A at next J": raise_at(oct_a, due_kind=DueKind.MEETING, due_series=audit),
        "A at Dec J": raise_at(oct_a, due_kind=DueKind.MEETING, due_at=dec_j),
        "A month Dec": raise_at(oct_a, due_kind=DueKind.MONTH, due_meeting=D(2017, 12, 1)),
        "J by date": raise_at(nov_j, due_date=D(2017, 11, 30)),
        "J at next A": raise_at(nov_j, due_kind=DueKind.MEETING, due_series=assurance),
        "J month Dec": raise_at(nov_j, due_kind=DueKind.MONTH, due_meeting=D(2017, 12, 1)),
    }
    names = {action.pk: name for name, action in raised.items()}

    def brought(to):
        return sorted(names[a.pk] for a in actions_to_bring_forward(to))

    assert brought(nov_j) == ["A at next J"]
    assert brought(nov_a) == ["A by date", "A open", "J at next A"]
    assert brought(dec_j) == ["A at Dec J", "A at next J", "J by date", "J month Dec"]
    assert brought(dec_a) == ["A by date", "A month Dec", "A open", "J at next A"]


# To be allocated


@pytest.fixture
def officer(client, opcc_user):
    client.force_login(opcc_user)
    return client


def test_an_action_with_no_owner_is_to_be_allocated_and_flagged_until_it_has_one(
    officer, opcc_user, assurance, dcc
):
    draft = meeting(assurance, D(2017, 10, 31))
    item = ItemFactory(meeting=draft)
    response = officer.post(
        reverse("actions:raise", args=[item.pk]),
        {f"action-{item.pk}-text": "Find an owner for the Athena review"},
    )
    assert response.status_code == 302
    action = item.actions.get()
    assert (action.owner_display, action.raised_owners, action.is_unowned) == (
        "TBA",
        "TBA",
        True,
    )
    page = officer.get(reverse("dashboard"))
    assert page.context["unowned"] == 1
    assert "1 outstanding action with no owner yet" in page.text
    log = officer.get(reverse("actions:log"), {"unowned": "on"})
    assert [a.pk for a in log.context["actions"]] == [action.pk]
    draft.status = "agreed"
    draft.save()
    services.reassign(
        action,
        by=opcc_user,
        on_date=D(2017, 11, 2),
        reason="The DCC takes it.",
        owner_posts=[dcc],
        owner_people=[],
        due_kind="",
    )
    action.refresh_from_db()
    assert (action.owner_display, action.raised_owners) == ("DCC", "TBA")
    assert (
        action.events.filter(kind="owners").get().text.startswith("Owners changed from TBA to DCC.")
    )
    assert officer.get(reverse("dashboard")).context["unowned"] == 0


# Bodies


def test_an_action_of_a_body_is_in_its_members_my_actions_only(client, assurance, dcc, acc):
    member = user_with_role("Force officer", username="member", person=dcc.holder)
    outsider = user_with_role("Force officer", username="outsider", person=acc.holder)
    officers = BodyFactory(name="Chief officers", label="Officers", members=[dcc.holder])
    action = services.raise_action(
        item=ItemFactory(meeting=meeting(assurance, D(2017, 10, 31), status="agreed")),
        text="Read the brief",
        owner_bodies=[officers],
        imported=True,
    )
    assert action.owner_display == "Officers"
    client.force_login(member)
    assert [a.pk for a in client.get(reverse("actions:mine")).context["actions"]] == [action.pk]
    client.force_login(outsider)
    assert list(client.get(reverse("actions:mine")).context["actions"]) == []


def test_opcc_staff_add_and_edit_a_body(officer, dcc):
    response = officer.post(
        reverse("directory:body_add"),
        {"name": "All attendees", "label": "ALL", "members": [dcc.holder.pk]},
    )
    assert response.status_code == 302
    body = BodyFactory._meta.model.objects.get(label="ALL")
    assert list(body.members.all()) == [dcc.holder]
    refused = officer.post(
        reverse("directory:body_edit", args=[body.pk]),
        {"name": "All attendees", "label": "TBA", "version": body.version},
    )
    assert refused.context["form"].errors == {
        "label": ["TBA means an action to be allocated: choose another label."]
    }
    officer.post(
        reverse("directory:body_edit", args=[body.pk]),
        {"name": "All attendees", "label": "ALL", "retired": "on", "version": body.version},
    )
    body.refresh_from_db()
    assert (body.retired, list(body.members.all())) == (True, [])


def test_the_bodies_list_does_a_fixed_number_of_queries(officer, django_assert_num_queries):
    BodyFactory(label="ALL", members=[PersonFactory(), PersonFactory()])
    # The session, the login with its roles, the request's transaction (2), the bodies with
    # their action counts and their members.
    with django_assert_num_queries(6):
        assert officer.get(reverse("directory:bodies")).status_code == 200
    for n in range(5):
        BodyFactory(label=f"G{n}", members=[PersonFactory()])
    with django_assert_num_queries(6):
        response = officer.get(reverse("directory:bodies"))
    assert len(response.context["bodies"]) == 6


# Forms


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"due_kind": "date"}, "due_date", "Give the date it is due by."),
        ({"due_kind": "month"}, "due_meeting", "Give the month of the meeting it comes back to."),
        (
            {"due_kind": "open"},
            "due_wording",
            "Say how the minutes word an open-ended due, for example “until all cases have "
            "been closed”.",
        ),
    ],
)
def test_each_kind_of_due_asks_for_its_field_beside_it(officer, assurance, data, field, message):
    item = ItemFactory(meeting=meeting(assurance, D(2017, 10, 31)))
    response = officer.post(
        reverse("actions:raise", args=[item.pk]),
        {f"action-{item.pk}-{k}": v for k, v in {"text": "Kept text", **data}.items()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert "Kept text</textarea>" in response.text


def test_a_due_at_a_meeting_is_chosen_on_the_form(officer, assurance, audit):
    item = ItemFactory(meeting=meeting(assurance, D(2017, 10, 31)))
    later = meeting(audit, D(2017, 12, 5))
    response = officer.post(
        reverse("actions:raise", args=[item.pk]),
        {
            f"action-{item.pk}-text": "Report to the committee",
            f"action-{item.pk}-due_kind": "meeting",
            f"action-{item.pk}-due_at": later.pk,
            f"action-{item.pk}-due_date": "2017-11-30",  # of another kind: ignored
        },
    )
    assert response.status_code == 302
    action = item.actions.get()
    assert (action.due_kind, action.due_at, action.due_date, action.raised_due_display) == (
        "meeting",
        later,
        None,
        "At the Joint Audit Committee December 2017",
    )


# References per series


def test_references_follow_each_series_scheme_and_are_unique_within_it(assurance, audit):
    audit.reference_scheme = ReferenceScheme.YEAR_SEQUENCE
    audit.reference_prefix = "J"
    audit.save()
    first = meeting(assurance, D(2019, 7, 31))
    jac = meeting(audit, D(2019, 7, 10))
    jac_later = meeting(audit, D(2019, 9, 10))
    assert [raise_at(first).reference for _ in range(2)] == ["2019/07-01", "2019/07-02"]
    assert [raise_at(jac).reference, raise_at(jac_later).reference] == ["J2019/01", "J2019/02"]
    # Without a prefix, two series may both have a 2019/07-01.
    audit.reference_prefix = ""
    audit.reference_scheme = ReferenceScheme.YEAR_MONTH_SEQUENCE
    audit.save()
    assert raise_at(jac).reference == "2019/07-01"
    assert Action.objects.filter(reference="2019/07-01").count() == 2


def test_a_typed_reference_is_required_and_refused_beside_the_field_if_taken(officer, audit):
    audit.reference_scheme = ReferenceScheme.TYPED
    audit.save()
    item = ItemFactory(meeting=meeting(audit, D(2019, 7, 10)))
    url = reverse("actions:raise", args=[item.pk])
    missing = officer.post(url, {f"action-{item.pk}-text": "Audit the accounts"})
    assert missing.context["form"].errors == {"reference": ["Type the action's reference."]}
    officer.post(
        url, {f"action-{item.pk}-text": "Audit the accounts", f"action-{item.pk}-reference": "7"}
    )
    assert item.actions.get().reference == "7"
    taken = officer.post(
        url, {f"action-{item.pk}-text": "Audit again", f"action-{item.pk}-reference": "7"}
    )
    assert taken.context["form"].errors == {"reference": ["This meeting already has an action 7."]}
    assert "Audit again</textarea>" in taken.text


def test_the_calendar_shows_a_meeting_due_on_the_meetings_day_and_no_open_ended_due(
    client, assurance, audit, dcc, owner_user, time_machine
):
    # The feed lists the dues from three months ago to a year ahead (actions.calendar).
    time_machine.move_to(datetime.datetime(2017, 11, 22, 12, tzinfo=datetime.UTC), tick=False)
    audit_meeting = meeting(audit, D(2017, 12, 5), status="agreed")
    october = meeting(assurance, D(2017, 10, 31), status="agreed")
    at_meeting = services.raise_action(
        item=ItemFactory(meeting=october),
        text="Report",
        owner_posts=[dcc],
        due_kind=DueKind.MEETING,
        due_at=audit_meeting,
        imported=True,
    )
    services.raise_action(
        item=ItemFactory(meeting=october),
        text="Keep reporting",
        owner_posts=[dcc],
        due_kind=DueKind.OPEN,
        due_wording="Until the review ends",
        imported=True,
    )
    feed = CalendarFeed.objects.create(user=owner_user)
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
    dues = [
        (str(e["summary"]), e["dtstart"].dt)
        for e in calendar.walk("VEVENT")
        if "Action" in e["summary"]
    ]
    assert dues == [(f"Action {at_meeting.reference} due", D(2017, 12, 5))]
