"""A meeting to circulate; the SMTP server is tests/mail.py's ``smtp`` fixture."""

import datetime

import pytest

from meetings.models import SeriesChair, UsualAttendee
from people import roles
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    BodyFactory,
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
    SeriesFactory,
    user_with_role,
)

NOVEMBER = datetime.date(2030, 11, 26)


class World:
    pass


@pytest.fixture
def world(db):
    """November 2030's meeting (a draft) of a series whose October meeting raised actions.

    Amanda Blakeman holds the DCC post (a force officer); Jackie Irvin is the OPCC's officer;
    John Campion is the Commissioner, on the attendance list only; Una Known has no email.
    Item 3 of each meeting is restricted, and its action is the body ALL's.
    """
    w = World()
    w.series = SeriesFactory(name="Monthly Assurance Meeting")
    w.amanda = PersonFactory(name="Amanda Blakeman", initials="AB", email="dcc@force.example")
    w.jackie = PersonFactory(
        name="Jackie Irvin", initials="JI", email="ji@opcc.example", organisation="opcc"
    )
    w.john = PersonFactory(
        name="John Campion", initials="JC", email="PCC@opcc.example", organisation="opcc"
    )
    w.una = PersonFactory(name="Una Known", initials="UK", email="")
    w.amanda_user = user_with_role(roles.FORCE_OFFICER, username="dcc", person=w.amanda)
    w.jackie_user = user_with_role(roles.OPCC_STAFF, username="officer", person=w.jackie)
    w.john_user = user_with_role(roles.COMMISSIONER, username="pcc", person=w.john)
    w.dcc = PostFactory(abbreviation="DCC", title="Deputy Chief Constable", holder=w.amanda)
    UsualAttendee.objects.create(
        series=w.series, person=w.amanda, post=w.dcc, capacity="DCC", position=0
    )
    UsualAttendee.objects.create(series=w.series, person=w.jackie, capacity="Policy Officer")
    SeriesChair.objects.create(series=w.series, person=w.john)
    w.all = BodyFactory(name="All attendees", label="ALL", members=[w.amanda, w.jackie])

    w.october = MeetingFactory(series=w.series, date=datetime.date(2030, 10, 29), status="agreed")
    oct_open = ItemFactory(meeting=w.october, number="2", heading="Telford", position=2)
    oct_secret = ItemFactory(
        meeting=w.october,
        number="3",
        heading="Operation Sentinel",
        position=3,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    w.due = ActionFactory(
        item=oct_open,
        reference="2030/10-01",
        text="Share the Athena brief",
        owners=[w.dcc],
        due_date=datetime.date(2030, 11, 20),
    )
    w.unowned = ActionFactory(
        item=oct_open,
        reference="2030/10-02",
        text="Find a venue for the summit",
        due_date=datetime.date(2030, 11, 1),
    )
    w.later = ActionFactory(
        item=oct_open,
        reference="2030/10-03",
        text="Review the estates plan",
        owners=[w.jackie],
        due_date=datetime.date(2031, 1, 31),
    )
    w.secret_due = ActionFactory(
        item=oct_secret,
        reference="2030/10-04",
        text="Brief the PCC on Sentinel informants",
        owners=[w.all],
        due_date=datetime.date(2030, 11, 15),
    )

    w.november = MeetingFactory(
        series=w.series,
        date=NOVEMBER,
        start_time=datetime.time(10, 30),
        venue="Hindlip",
        title="Monthly Assurance Meeting November 2030",
    )
    AttendanceFactory(meeting=w.november, person=w.john, capacity="PCC")
    AttendanceFactory(meeting=w.november, person=w.amanda, capacity="DCC")
    AttendanceFactory(meeting=w.november, person=w.una, capacity="Guest")
    w.item1 = ItemFactory(meeting=w.november, number="1", heading="Matters arising", position=1)
    w.item2 = ItemFactory(meeting=w.november, number="2", heading="Rural crime", position=2)
    w.item3 = ItemFactory(
        meeting=w.november,
        number="3",
        heading="Operation Sentinel",
        position=3,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    FindingFactory(item=w.item2, text="Rural crime fell by a tenth.")
    FindingFactory(item=w.item3, text="Two informants were paid.")
    w.new_dcc = ActionFactory(
        item=w.item2,
        meeting=w.november,
        reference="2030/11-01",
        text="Publish the rural crime plan",
        owners=[w.dcc],
        due_kind="date",
        due_date=datetime.date(2030, 12, 15),
        position=1,
    )
    w.new_jackie = ActionFactory(
        item=w.item2,
        meeting=w.november,
        reference="2030/11-02",
        text="Invite the farmers' union",
        owners=[w.jackie],
        due_meeting=datetime.date(2031, 1, 1),
        position=2,
    )
    w.new_secret = ActionFactory(
        item=w.item3,
        meeting=w.november,
        reference="2030/11-03",
        text="Audit the informant payments",
        owners=[w.all],
        due_date=datetime.date(2030, 12, 1),
        position=3,
    )
    return w
