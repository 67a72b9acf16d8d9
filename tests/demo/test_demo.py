"""The demo meeting holds the October 2017 minutes exactly as minuted."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from actions.models import Action, ActionReview, Status
from meetings.models import AgendaItem, Attendance, Meeting

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2017, 10, 31)


def october():
    return Meeting.objects.get(date=OCTOBER)


def item(number, parent=None):
    meeting = october()
    if parent is None:
        return meeting.items.get(number=number, parent__isnull=True)
    return meeting.items.get(number=number, parent__number=parent)


def test_meeting_header_matches_the_minutes(demo):
    meeting = october()
    assert meeting.title == "Monthly Assurance Meeting October 2017"
    assert meeting.start_time == datetime.time(10, 30)
    assert meeting.venue == "Meeting Room 1.38 – Hindlip"
    assert [chair.name for chair in meeting.ordered_chairs()] == ["John Campion"]
    assert meeting.minute_taker.name == "Jackie Irvin"
    assert meeting.minute_taker_capacity == "Policy Officer, OPCC"
    assert meeting.next_meeting_date == datetime.date(2017, 11, 29)
    assert meeting.next_meeting_time == datetime.time(10, 30)


def test_attendance_and_apologies_match_the_minutes(demo):
    rows = [
        (a.person.name, a.capacity, a.presence)
        for a in october().attendances.order_by("position").select_related("person")
    ]
    assert rows == [
        ("John Campion", "Police and Crime Commissioner (PCC)", "present"),
        ("Tracey Onslow", "Deputy Police and Crime Commissioner (DPCC)", "present"),
        ("Amanda Blakeman", "Deputy Chief Constable (DCC)", "present"),
        ("Martin Evans", "Assistant Chief Constable (ACC)", "present"),
        ("Louise Wall", "Inspector, Chief Constable's Staff Officer (SO)", "present"),
        ("Anthony Bangham", "Chief Constable (CC)", "apologies"),
        (
            "Andy Champness",
            "Chief Executive for the Police and Crime Commissioner (CEX)",
            "apologies",
        ),
    ]


def test_the_acc_left_after_item_1_2(demo):
    partial = [a for a in october().attendances.all() if a.is_partial]
    assert [a.partial_note for a in partial] == ["The ACC left the meeting after item 1.2"]
    assert partial[0].left_after_item == item("1.2", parent="1")


# number, parent number, findings, actions as (owner, due wording), nil return
EXPECTED_ITEMS = [
    ("1", None, 0, [], ""),
    ("1.1", "1", 4, [("DCC", "in two months")], ""),
    ("1.2", "1", 5, [("DCC", ""), ("ACC", ""), ("JI", "")], ""),
    ("2", None, 4, [("DCC", "")], ""),
    ("3", None, 0, [], "no_items_raised"),
    ("4", None, 4, [("DCC", "By end January 2018")], ""),
    ("5", None, 0, [], ""),
    ("5a", "5", 0, [], ""),
    ("1", "5a", 3, [("PCC", "")], ""),
    ("2", "5a", 2, [("DCC", "in advance of November’s HTA")], ""),
    ("3", "5a", 3, [], "no_actions"),
    ("4", "5a", 5, [], "no_actions"),
    ("5", "5a", 4, [], "no_actions"),
    ("5b", "5", 0, [], "no_items_on_agenda"),
    ("5c", "5", 0, [], "no_items_on_agenda"),
    ("AOB", None, 0, [], ""),
    ("6", None, 0, [], ""),
]


def test_every_item_has_its_findings_actions_owners_and_due_wording(demo):
    from meetings.minutes import minutes_rows

    rows = minutes_rows(october())
    got = [
        (
            row.item.number,
            row.item.parent.number if row.item.parent_id else None,
            len(row.findings),
            [(a.owner_display, a.due_wording) for a in row.actions],
            row.item.nil_return,
        )
        for row in rows
    ]
    assert got == EXPECTED_ITEMS


def test_action_references_follow_the_order_of_the_minutes(demo):
    assert list(october().actions_arising.values_list("reference", "text")) == [
        (
            "2017/10-01",
            "The outcome of the remodelling of the complaints function to be reported back via "
            "AGG in two months.",
        ),
        ("2017/10-02", "Interim analysis by Principal Analyst to be shared with PCC’s office"),
        ("2017/10-03", "ACC’s Telford development plan to be shared with PCC when drafted"),
        ("2017/10-04", "PCC office to share results of CSP analyst review when complete"),
        ("2017/10-05", "The Athena update brief to be shared with the PCC's office."),
        ("2017/10-06", "DCC to share briefing with PCC's office"),
        (
            "2017/10-07",
            "The PCC will review the next quarter’s figures and decide then whether this needs "
            "to be brought back to a future HTA",
        ),
        (
            "2017/10-08",
            "Draft plan to be shared with PCC’s office in advance of November’s HTA after which "
            "PCC in discussion with CC to determine whether it needs to come back to a HTA",
        ),
    ]


def test_due_dates_follow_the_due_wording(demo):
    due = dict(Action.objects.values_list("reference", "due_date"))
    due_meeting = dict(Action.objects.values_list("reference", "due_meeting"))
    assert due["2017/10-01"] == datetime.date(2017, 12, 31)
    assert due["2017/10-06"] == datetime.date(2018, 1, 31)
    assert due_meeting["2017/10-08"] == datetime.date(2017, 11, 1)
    assert due_meeting["2017/07-01"] == datetime.date(2017, 10, 1)


def test_brought_forward_items_quote_the_july_and_september_actions(demo):
    reviews = ActionReview.objects.select_related("item", "action__meeting").order_by(
        "item__number"
    )
    assert [
        (r.item.number, r.action.reference, r.action.meeting.date.month, r.outcome) for r in reviews
    ] == [("1.1", "2017/07-01", 7, "replaced"), ("1.2", "2017/09-01", 9, "replaced")]
    assert [a.reference for a in Action.objects.get(reference="2017/09-01").followed_by.all()] == [
        "2017/10-02",
        "2017/10-03",
        "2017/10-04",
    ]


def test_actions_brought_forward_were_closed_at_october_with_a_reason(demo):
    july = Action.objects.get(reference="2017/07-01")
    assert july.status == Status.CLOSED
    closing = july.events.get(kind="status")
    assert (closing.from_status, closing.to_status, closing.on_date) == ("open", "closed", OCTOBER)
    assert closing.text == "Update given; closed and replaced by 2017/10-01."
    assert closing.meeting == october()


def test_item_six_shows_all_in_the_action_column(demo):
    assert item("6").action_column_note == "ALL"
    assert item("6").kind == "next_meeting"


def test_load_demo_twice_changes_nothing(demo):
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), Action.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Meeting.objects.count(), AgendaItem.objects.count(), Action.objects.count()) == counts
    assert counts == (3, 19, 10)
    assert Attendance.objects.count() == 7


def test_load_demo_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert Meeting.objects.count() == 3


def test_load_demo_names_the_logins(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "officer (OPCC policy officer, Jackie Irvin)" in out.getvalue()
    assert "'assurance-demo'" in out.getvalue()


@pytest.mark.parametrize(
    ("username", "group", "person"),
    [
        ("officer", "OPCC staff", "Jackie Irvin"),
        ("commissioner", "Commissioner", "John Campion"),
        ("dcc", "Force officer", "Amanda Blakeman"),
    ],
)
def test_demo_logins_have_their_role_and_person(demo, username, group, person):
    user = authenticate(username=username, password="assurance-demo")
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.person.name == person


def test_the_dcc_login_holds_the_dcc_post(demo):
    user = authenticate(username="dcc", password="assurance-demo")
    assert [post.abbreviation for post in user.person.posts_held.all()] == ["DCC"]
