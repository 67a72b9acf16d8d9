import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from actions.models import ReminderLog
from actions.reminders import working_days_before
from tests.factories import (
    ActionFactory,
    BodyFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
)

WEDNESDAY = "2017-11-22"


@pytest.fixture
def crafted(item, dcc, acc):
    """Due soon and overdue for the DCC; the ACC has no email; JI's action comes to the meeting."""
    MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    ji = PersonFactory(name="Jackie Irvin", initials="JI", email="ji@opcc.example")
    ActionFactory(
        item=item, reference="2017/10-01", owners=[dcc], due_date=datetime.date(2017, 11, 20)
    )
    ActionFactory(
        item=item, reference="2017/10-02", owners=[dcc], due_date=datetime.date(2017, 11, 28)
    )
    ActionFactory(
        item=item, reference="2017/10-03", owners=[acc], due_date=datetime.date(2017, 11, 25)
    )
    ActionFactory(
        item=item, reference="2017/10-04", owners=[ji], due_meeting=datetime.date(2017, 11, 1)
    )
    ActionFactory(
        item=item, reference="2017/10-05", owners=[ji], due_date=datetime.date(2017, 12, 20)
    )
    ActionFactory(
        item=item,
        reference="2017/10-06",
        owners=[dcc],
        status="closed",
        due_date=datetime.date(2017, 11, 21),
    )
    ActionFactory(
        item=item,
        reference="2017/10-07",
        owners=[BodyFactory(label="ALL")],
        due_date=datetime.date(2017, 11, 21),
    )


def _run(today):
    out = io.StringIO()
    call_command("send_action_reminders", "--today", today, stdout=out)
    return out.getvalue().splitlines()


def _sent():
    return [
        (
            m.to,
            m.subject,
            [line.split(":")[0] for line in m.body.splitlines() if line.startswith("2017/")],
        )
        for m in mail.outbox
    ]


MEETING = "Updates wanted for the meeting on 29 November 2017"


def test_owners_get_exactly_the_expected_reminders(crafted):
    report = _run(WEDNESDAY)
    assert _sent() == [
        (
            ["dcc@force.example"],
            "Actions due within 7 days or overdue",
            ["2017/10-01", "2017/10-02"],
        ),
        (
            ["dcc@force.example"],
            "Updates wanted for the meeting on 29 November 2017",
            ["2017/10-01", "2017/10-02"],
        ),
        (["ji@opcc.example"], "Updates wanted for the meeting on 29 November 2017", ["2017/10-04"]),
    ]
    assert report == [
        "Sent Amanda Blakeman <dcc@force.example>: Actions due within 7 days or overdue",
        "Skipped Martin Evans: no email address.",
        f"Sent Amanda Blakeman <dcc@force.example>: {MEETING}",
        f"Sent Jackie Irvin <ji@opcc.example>: {MEETING}",
        "Skipped Martin Evans: no email address.",
    ]
    assert "(overdue by 2 days)" in mail.outbox[0].body


def test_running_twice_the_same_day_sends_nothing_more(crafted):
    _run(WEDNESDAY)
    report = _run(WEDNESDAY)
    assert len(mail.outbox) == 3
    assert report[0] == "Already reminded Amanda Blakeman today (due)."
    assert ReminderLog.objects.count() == 3


def test_the_next_day_brings_only_the_daily_reminder(crafted):
    _run(WEDNESDAY)
    _run("2017-11-23")
    assert [(m.to, m.subject) for m in mail.outbox[3:]] == [
        (["dcc@force.example"], "Actions due within 7 days or overdue")
    ]


def test_no_meeting_request_on_other_days(item, dcc):
    MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    ActionFactory(
        item=ItemFactory(meeting=item.meeting, number="9"),
        owners=[dcc],
        due_meeting=datetime.date(2017, 11, 1),
    )
    assert _run("2017-11-21") == ["Nothing to send today."]
    assert mail.outbox == []


def test_five_working_days_before_skips_the_weekend():
    assert working_days_before(datetime.date(2017, 11, 29), 5) == datetime.date(2017, 11, 22)
    assert working_days_before(datetime.date(2017, 11, 27), 5) == datetime.date(2017, 11, 20)


def test_a_bodys_action_reminds_each_of_its_members(item, dcc):
    officers = BodyFactory(
        label="OFF",
        name="Officers",
        members=[
            PersonFactory(name="Jackie Irvin", initials="JI", email="ji@opcc.example"),
            PersonFactory(name="Andy Champness", initials="AC", email="ac@opcc.example"),
        ],
    )
    ActionFactory(
        item=item, reference="2017/10-09", owners=[officers], due_date=datetime.date(2017, 11, 24)
    )
    # An empty body's action has no one to remind: it is left to the meeting.
    ActionFactory(
        item=item,
        reference="2017/10-10",
        owners=[BodyFactory(label="ALL")],
        due_date=datetime.date(2017, 11, 24),
    )

    _run("2017-11-21")

    assert _sent() == [
        (["ac@opcc.example"], "Actions due within 7 days or overdue", ["2017/10-09"]),
        (["ji@opcc.example"], "Actions due within 7 days or overdue", ["2017/10-09"]),
    ]


def test_queued_reminders_run_at_once_by_default_and_report_the_same(crafted):
    out = io.StringIO()
    call_command("send_action_reminders", "--today", WEDNESDAY, "--queue", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Sent Amanda Blakeman <dcc@force.example>: Actions due within 7 days or overdue"
    )
    assert len(mail.outbox) == 3


def test_queued_reminders_wait_for_the_worker(crafted, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    out = io.StringIO()
    call_command("send_action_reminders", "--today", WEDNESDAY, "--queue", stdout=out)
    assert out.getvalue().startswith("Queued for the worker: task ")
    assert mail.outbox == []
    from actions.tasks import send_reminders_task

    assert send_reminders_task.call(WEDNESDAY)[0] == (
        "Sent Amanda Blakeman <dcc@force.example>: Actions due within 7 days or overdue"
    )
    assert len(mail.outbox) == 3
