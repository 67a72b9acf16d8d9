"""Actions brought forward: each item is named after its action (and its series, when
another's), not after the item that raised it; a series without a standing section for them
gets one rather than leaving its outstanding actions behind."""

import datetime

import pytest

from actions import services
from actions.models import DueKind
from actions.reviews import bring_forward
from meetings.models import StandingSection
from meetings.services import open_meeting
from tests.factories import (
    ItemFactory,
    MeetingFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_items_brought_forward_are_named_after_their_actions_and_another_series_is_named():
    assurance = SeriesFactory(name="Monthly Assurance Meeting", short_name="HTA")
    audit = SeriesFactory(name="Joint Audit Committee", short_name="JAC")
    for series in (assurance, audit):
        StandingSection.objects.create(
            series=series, number="1", heading="Actions brought forward", brings_forward=True
        )
    october = MeetingFactory(series=assurance, date=D(2017, 10, 31))
    raising = ItemFactory(meeting=october, heading="Outstanding issues from the review")
    own = services.raise_action(
        item=raising, text="Share the Athena benefits report.", due_date=D(2017, 11, 20)
    )
    long = services.raise_action(
        item=raising,
        text="Review the custody record " + "in detail " * 40,
        due_date=D(2017, 11, 20),
    )
    theirs = services.raise_action(
        item=raising,
        text="Report the audit findings on stop and search.",
        due_kind=DueKind.MEETING,
        due_series=audit,
    )
    october.status = "agreed"
    october.save()
    november = open_meeting(assurance, date=D(2017, 11, 29))
    headings = [review.item.heading for review in bring_forward(november)]
    assert headings == [
        f"Action {own.reference}: Share the Athena benefits report.",
        f"Action {long.reference}: Review the custody record" + " in detail" * 17 + " in…",
    ]
    assert len(headings[1]) <= 300
    audit_meeting = open_meeting(audit, date=D(2017, 12, 6))
    [review] = bring_forward(audit_meeting)
    assert review.item.heading == (
        f"Action {theirs.reference} (HTA): Report the audit findings on stop and search."
    )


def test_a_series_without_a_section_that_brings_actions_forward_gets_one_when_they_come():
    estates = SeriesFactory(name="Estates Board", short_name="EB")
    first = MeetingFactory(series=estates, date=D(2022, 1, 12))
    action = services.raise_action(
        item=ItemFactory(meeting=first, number="1", heading="Custody suite"),
        text="Cost the custody suite refit.",
        due_kind=DueKind.MEETING,
    )
    first.status = "agreed"
    first.save()
    second = open_meeting(estates, date=D(2022, 2, 9))
    ItemFactory(meeting=second, number="1", heading="Budget", position=0)
    ItemFactory(
        meeting=second, number="2", heading="Date of next meeting", kind="next_meeting", position=1
    )
    [review] = bring_forward(second)
    section = review.item.parent
    assert (section.number, section.heading) == ("2", "Actions brought forward")
    assert [
        (item.number, item.heading)
        for item in second.items.filter(parent=None).order_by("position")
    ] == [("1", "Budget"), ("2", "Actions brought forward"), ("3", "Date of next meeting")]
    assert (review.item.number, review.action) == ("2.1", action)
    # Asked again, nothing more comes and no second section is made.
    assert bring_forward(second) == []
    assert second.items.filter(heading="Actions brought forward").count() == 1
