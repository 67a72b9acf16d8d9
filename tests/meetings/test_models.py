"""What the database itself refuses: constraints are the last line of defence."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from actions.models import Action
from meetings.models import AgendaItem, Attendance, Meeting
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db


def refused(constraint_name, create, sqlite_columns=None):
    """The write is refused by the named constraint.

    PostgreSQL names every constraint; SQLite names check constraints but reports a unique
    one by its columns, so those tests say which columns they expect.
    """
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        create()
    message = str(error.value)
    if connection.vendor == "sqlite" and sqlite_columns:
        assert message == f"UNIQUE constraint failed: {sqlite_columns}"
    else:
        assert constraint_name in message


def test_two_top_level_items_cannot_share_a_number():
    first = ItemFactory(number="4")
    refused(
        "meetings_agendaitem_top_number_unique",
        lambda: AgendaItem.objects.create(meeting=first.meeting, number="4", heading="Again"),
        "meetings_agendaitem.meeting_id, meetings_agendaitem.number",
    )


def test_two_sub_items_of_one_parent_cannot_share_a_number():
    section = ItemFactory(number="5a")
    AgendaItem.objects.create(meeting=section.meeting, parent=section, number="1", heading="A")
    refused(
        "meetings_agendaitem_child_number_unique",
        lambda: AgendaItem.objects.create(
            meeting=section.meeting, parent=section, number="1", heading="B"
        ),
        "meetings_agendaitem.meeting_id, meetings_agendaitem.parent_id, meetings_agendaitem.number",
    )


def test_a_sub_item_may_reuse_a_number_of_another_level():
    section = ItemFactory(number="1")
    sub_section = AgendaItem.objects.create(meeting=section.meeting, number="5a", heading="5a")
    question = AgendaItem.objects.create(
        meeting=section.meeting, parent=sub_section, number="1", heading="Question one"
    )
    assert list(section.meeting.items.filter(number="1").order_by("pk")) == [section, question]


def test_the_same_number_is_allowed_in_another_meeting():
    first = ItemFactory(number="AOB")
    other = ItemFactory(number="AOB", meeting=MeetingFactory())
    assert first.meeting != other.meeting


def test_an_unknown_minutes_status_is_refused():
    meeting = MeetingFactory()
    refused(
        "meetings_meeting_status_valid",
        lambda: Meeting.objects.filter(pk=meeting.pk).update(status="lost"),
    )


def test_an_unknown_action_status_is_refused():
    action = ActionFactory()
    refused(
        "actions_action_status_valid",
        lambda: Action.objects.filter(pk=action.pk).update(status="finished"),
    )


def test_a_duplicate_action_reference_is_refused_within_its_series():
    action = ActionFactory(reference="2017/10-04")
    # At another meeting of the series: a generated reference is unique in the whole series.
    later = MeetingFactory(series=action.series, date=action.meeting.date + datetime.timedelta(1))
    refused(
        "actions_action_reference_unique_in_series",
        lambda: ActionFactory(reference="2017/10-04", item=ItemFactory(meeting=later)),
        "actions_action.series_id, actions_action.reference",
    )


def test_another_series_may_use_the_same_reference():
    action = ActionFactory(reference="2019/07")
    audit = MeetingFactory(series=SeriesFactory(name="Joint Audit Committee"))
    other = ActionFactory(reference="2019/07", item=ItemFactory(meeting=audit))
    assert (other.series, action.series.name) == (audit.series, "Monthly Assurance Meeting")


def test_a_person_attends_a_meeting_once():
    attendance = AttendanceFactory()
    refused(
        "meetings_attendance_person_unique",
        lambda: Attendance.objects.create(
            meeting=attendance.meeting, person=attendance.person, capacity="Again"
        ),
        "meetings_attendance.meeting_id, meetings_attendance.person_id",
    )


def test_an_unknown_presence_is_refused():
    attendance = AttendanceFactory()
    refused(
        "meetings_attendance_presence_valid",
        lambda: Attendance.objects.filter(pk=attendance.pk).update(presence="maybe"),
    )


def test_two_meetings_of_a_series_cannot_share_a_date():
    meeting = MeetingFactory()
    refused(
        "meetings_meeting_date_unique",
        lambda: MeetingFactory(series=meeting.series, date=meeting.date),
        "meetings_meeting.series_id, meetings_meeting.date",
    )


def test_an_item_title_joins_theme_and_heading():
    from themes.models import Theme

    theme = Theme.objects.create(name="Reforming West Mercia")
    assert ItemFactory(heading="Estates", theme=theme).title == "Reforming West Mercia – Estates"
    assert ItemFactory(heading="AOB:").title == "AOB:"


def test_an_item_whose_heading_is_its_number_says_it_once():
    """Issue 26: the October minutes read "AOB AOB:" (number, then a heading that repeats it)."""
    from meetings.services import minutes_document

    aob = ItemFactory(number="AOB", heading="AOB:", background="The PCC is reviewing.")
    five = ItemFactory(meeting=aob.meeting, number="5a", heading="DELIVERY:")
    assert (str(aob), aob.numbered_title) == ("AOB:", "AOB:")
    assert str(five) == "5a DELIVERY:"
    rows = {row.anchor: row for row in minutes_document(aob.meeting).rows}
    row = rows[f"item-{aob.pk}"]
    assert (row.number, [(b.kind, b.text) for b in row.blocks]) == (
        "",
        [("heading", "AOB:"), ("para", "The PCC is reviewing.")],
    )
    assert rows[f"item-{five.pk}"].number == "5a"


def test_partial_attendance_note_names_the_post_or_the_person():
    item = ItemFactory(number="4")
    person = PersonFactory(name="Jo Bloggs")
    attendance = AttendanceFactory(meeting=item.meeting, person=person, joined_at_item=item)
    assert attendance.partial_note == "Jo Bloggs joined the meeting at item 4"
