import datetime

import pytest

from people import roles
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
    user_with_role,
)


@pytest.fixture
def dcc(db):
    """The DCC post, held by Amanda Blakeman."""
    holder = PersonFactory(name="Amanda Blakeman", initials="AB", email="dcc@force.example")
    return PostFactory(
        abbreviation="DCC", title="Deputy Chief Constable", holder=holder, seniority=50
    )


@pytest.fixture
def acc(db):
    holder = PersonFactory(name="Martin Evans", initials="ME", email="")
    return PostFactory(
        abbreviation="ACC", title="Assistant Chief Constable", holder=holder, seniority=60
    )


@pytest.fixture
def owner_user(dcc):
    """A force officer who holds the DCC post."""
    return user_with_role(roles.FORCE_OFFICER, username="owner", person=dcc.holder)


@pytest.fixture
def other_force_user(acc):
    return user_with_role(roles.FORCE_OFFICER, username="other", person=acc.holder)


@pytest.fixture
def october(db):
    return MeetingFactory(
        date=datetime.date(2017, 10, 31),
        status="agreed",
        next_meeting_date=datetime.date(2017, 11, 29),
        next_meeting_time=datetime.time(10, 30),
    )


@pytest.fixture
def item(october):
    return ItemFactory(meeting=october, number="2", heading="Telford")


@pytest.fixture
def action(item, dcc):
    """An open action of the DCC, raised at the agreed October minutes."""
    return ActionFactory(
        item=item,
        reference="2017/10-01",
        text="Share the Athena brief",
        owners=[dcc],
        due_date=datetime.date(2017, 12, 31),
    )
