"""The minutes are the record: three meetings in a row, and what the first one minuted at
the end is exactly what it minuted when it was agreed, on screen, in Word and in the data."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from docx import Document
from pypdf import PdfReader

from actions.models import Action, ActionEvent, ActionReview, Status
from actions.reviews import bring_forward
from actions.services import decide_review, edit_action, mark_complete, raise_action, reassign
from meetings.documents import minutes_docx
from meetings.minutes import Block
from meetings.models import AgendaItem, Attendance, ItemKind, Meeting, MinutesStatus
from meetings.services import (
    minutes_document,
    open_meeting,
    set_minutes_status,
    version_changes,
    version_is_intact,
)
from people import roles
from people.models import Person, Post
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


@pytest.fixture
def pcc(demo):
    return user_with_role(roles.COMMISSIONER, username="pcc")


def post(abbreviation):
    return Post.objects.get(abbreviation=abbreviation)


def open_next(previous, date):
    meeting = open_meeting(
        previous.series,
        date=date,
        start_time=datetime.time(10, 30),
        venue=previous.venue,
        chairs=previous.ordered_chairs(),
        minute_taker=previous.minute_taker,
    )
    bring_forward(meeting)
    Attendance.objects.create(
        meeting=meeting,
        person=Person.objects.get(initials="AB"),
        post=post("DCC"),
        capacity="Deputy Chief Constable (DCC)",
    )
    return meeting


def review_of(meeting, reference):
    return ActionReview.objects.select_related("item").get(
        item__meeting=meeting, action__reference=reference
    )


def snapshot(meeting):
    """Everything a reader can get of the minutes: the document, full and public, and the
    text of every paragraph and table cell of the Word file."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    full = minutes_document(meeting)
    return full, minutes_document(meeting, public=True), docx_text(minutes_docx(full))


def docx_text(content):
    document = Document(io.BytesIO(content))
    return [p.text for p in document.paragraphs] + [
        [cell.text for cell in row.cells] for table in document.tables for row in table.rows
    ]


def row_for(document, item):
    return next(row for row in document.rows if row.anchor == f"item-{item.pk}")


def test_three_meetings_in_a_row_leave_each_agreed_minutes_as_minuted(october, pcc):
    october_before = snapshot(october)

    # November: one action carried forward with a new due and new owners, one closed and
    # replaced, every other closed; a third action reassigned between meetings.
    november = open_next(october, datetime.date(2017, 11, 29))
    carried = review_of(november, "2017/10-02")
    decide_review(
        carried,
        by=pcc,
        outcome=ActionReview.Outcome.CARRIED_FORWARD,
        update="The analysis is drafted.",
        new_due_meeting=datetime.date(2018, 2, 1),
        new_due_wording="February meeting",
        new_owner_posts=[post("ACC")],
    )
    replaced = review_of(november, "2017/10-08")
    replacement = raise_action(
        item=replaced.item,
        text="Final hate crime plan to be shared with the PCC’s office",
        owner_posts=[post("DCC")],
        due_date=datetime.date(2017, 12, 15),
        follows_from=replaced.action,
    )
    decide_review(replaced, by=pcc, outcome=ActionReview.Outcome.REPLACED, update="Shared.")
    for reference in ("2017/10-03", "2017/10-04", "2017/10-05", "2017/10-07"):
        decide_review(review_of(november, reference), by=pcc, outcome="closed")
    reassigned = Action.objects.get(reference="2017/10-06")
    reassign(
        reassigned,
        by=pcc,
        on_date=datetime.date(2017, 11, 10),
        reason="The ACC leads on burglary.",
        owner_posts=[post("ACC")],
        owner_people=[],
        owner_bodies=[],
        due_date=datetime.date(2018, 3, 31),
        due_meeting=None,
        due_wording="By end March 2018",
    )
    with pytest.raises(ValidationError) as refused:
        edit_action(
            reassigned,
            by=pcc,
            text="Changed after agreement",
            owner_posts=[post("DCC")],
            owner_people=[],
            owner_bodies=[],
            due_date=None,
            due_meeting=None,
            due_wording="",
        )
    assert refused.value.code == "minutes_locked"
    set_minutes_status(november, "agreed", by=pcc)
    november_before = snapshot(november)

    # Between November and December the DCC says 2017/10-01 is done; at December the
    # replacement comes back, due by then, and goes to the CC.
    mark_complete(
        Action.objects.get(reference="2017/10-01"),
        note="Reported to AGG.",
        by=pcc,
        on_date=datetime.date(2017, 12, 1),
    )
    december = open_next(november, datetime.date(2017, 12, 20))
    assert sorted(
        december.items.filter(review__isnull=False).values_list(
            "review__action__reference", flat=True
        )
    ) == ["2017/10-01", replacement.reference]
    decide_review(review_of(december, "2017/10-01"), by=pcc, outcome="closed")
    decide_review(
        review_of(december, replacement.reference),
        by=pcc,
        outcome=ActionReview.Outcome.CARRIED_FORWARD,
        update="Drafted, not yet shared.",
        new_due_date=datetime.date(2018, 2, 28),
        new_owner_posts=[post("CC")],
    )
    set_minutes_status(december, "agreed", by=pcc)

    # Nothing done at November, between meetings or at December changed October's minutes.
    assert snapshot(october) == october_before
    assert snapshot(november) == november_before
    assert october.versions.count() == 1 and version_is_intact(october.versions.get())
    october_now = minutes_document(october)
    assert [
        line.owners
        for line in october_now.summary
        if line.reference in ("2017/10-02", "2017/10-06")
    ] == ["DCC", "DCC"]
    assert [line.due for line in october_now.summary if line.reference == "2017/10-06"] == [
        "By end January 2018"
    ]

    # November minuted each review: the action as raised, the update, the outcome, owners.
    november_now = minutes_document(november)
    carried_action = carried.action
    assert row_for(november_now, carried.item).blocks == (
        Block("para", "Action arising from the October 2017 meeting (2017/10-02):"),
        Block("para", carried_action.item.title),
        Block("para", "Interim analysis by Principal Analyst to be shared with PCC’s office"),
        Block("para", "Update: The analysis is drafted."),
        Block(
            "para",
            "Carried forward to the February 2018 meeting (“February meeting”). "
            "Owners changed from DCC to ACC.",
        ),
    )
    assert row_for(november_now, carried.item).action_column == "ACC"
    replaced_row = row_for(november_now, replaced.item)
    assert replaced_row.blocks[3:] == (
        Block("para", "Update: Shared."),
        Block(
            "para",
            f"Closed and replaced by action {replacement.reference} (DCC), due 15 December 2017.",
        ),
        Block("label", "Actions arising:"),
        Block(
            "actions",
            items=(
                replaced_row.blocks[-1]
                .items[0]
                .__class__(
                    replacement.reference,
                    "Final hate crime plan to be shared with the PCC’s office",
                    replacement.pk,
                ),
            ),
        ),
    )
    assert replaced_row.action_column == "DCC"
    assert row_for(november_now, review_of(november, "2017/10-05").item).blocks[-1] == Block(
        "para", "Agreed closed."
    )

    # The action log shows where each action stands now.
    carried_action.refresh_from_db()
    assert (carried_action.owner_display, carried_action.due_display, carried_action.status) == (
        "ACC",
        "February meeting",
        Status.OPEN,
    )
    reassigned.refresh_from_db()
    assert (reassigned.owner_display, reassigned.raised_owners) == ("ACC", "DCC")
    # The trail is dated when things happened, in that order.
    assert [(event.on_date, event.kind) for event in replacement.events.all()] == [
        (datetime.date(2017, 11, 29), ActionEvent.Kind.CREATED),
        (datetime.date(2017, 12, 20), ActionEvent.Kind.UPDATE),
        (datetime.date(2017, 12, 20), ActionEvent.Kind.OWNERS),
        (datetime.date(2017, 12, 20), ActionEvent.Kind.DUE),
    ]
    assert [
        (event.on_date, event.kind, event.to_status)
        for event in Action.objects.get(reference="2017/10-01").events.all()
    ] == [
        (datetime.date(2017, 10, 31), ActionEvent.Kind.CREATED, Status.OPEN),
        (datetime.date(2017, 12, 1), ActionEvent.Kind.STATUS, Status.AWAITING_CLOSURE),
        (datetime.date(2017, 12, 20), ActionEvent.Kind.STATUS, Status.CLOSED),
    ]
    december_now = minutes_document(december)
    assert row_for(december_now, review_of(december, replacement.reference).item).blocks[-2:] == (
        Block("para", "Update: Drafted, not yet shared."),
        Block("para", "Carried forward to 28 February 2018. Owners changed from DCC to CC."),
    )


def test_draft_minutes_keep_what_they_minuted_while_the_next_meeting_moves_on(october, pcc):
    """Minutes are agreed at the next meeting, which has by then reviewed their actions."""
    november = open_next(october, datetime.date(2017, 11, 29))
    action = raise_action(
        item=november.items.get(number="4", parent=None),
        text="Burglary outcomes to be reported",
        owner_posts=[post("DCC")],
        due_meeting=datetime.date(2017, 12, 1),
        due_wording="December meeting",
    )
    december = open_next(november, datetime.date(2017, 12, 20))
    decide_review(
        review_of(december, action.reference),
        by=pcc,
        outcome=ActionReview.Outcome.CARRIED_FORWARD,
        new_due_meeting=datetime.date(2018, 3, 1),
        new_owner_posts=[post("ACC")],
    )
    summary = [(line.owners, line.due) for line in minutes_document(november).summary]
    assert summary == [("DCC", "December meeting")]
    for review in november.items.filter(review__isnull=False):
        decide_review(review.review, by=pcc, outcome="closed")
    event = set_minutes_status(november, "agreed", by=pcc, at_meeting=december)
    assert event.description == "Agreed at the meeting of 20 December 2017"
    assert [(line.owners, line.due) for line in minutes_document(november).summary] == summary


def test_a_correction_needs_the_minutes_reopened_and_keeps_the_earlier_version(
    october, pcc, client
):
    action = Action.objects.get(reference="2017/10-06")
    fields = {
        "text": action.text,
        "owner_posts": [post("ACC")],
        "owner_people": [],
        "owner_bodies": [],
        "due_date": action.due_date,
        "due_meeting": None,
        "due_wording": action.due_wording,
    }
    set_minutes_status(october, "draft", by=pcc, reason="Item 4's owner was the ACC.")
    with pytest.raises(ValidationError) as refused:
        edit_action(action, by=pcc, **fields)
    assert refused.value.messages == ["Say why the agreed minutes are corrected."]
    edit_action(action, by=pcc, reason="Minuted in error as the DCC's.", **fields)
    set_minutes_status(october, "agreed", by=pcc)

    first, second = october.versions.order_by("number")
    assert [version_is_intact(first), version_is_intact(second)] == [True, True]
    assert [line.owners for line in minutes_document(october).summary][5] == "ACC"
    assert first.content["full"]["summary"][5]["owners"] == "DCC"
    changes = version_changes(october)
    assert (changes[1].removed, changes[1].added) == (
        (
            "4 ACTION: DCC",
            "2017/10-06 | 4 | DCC to share briefing with PCC's office | DCC | By end January 2018",
        ),
        (
            "4 ACTION: ACC",
            "2017/10-06 | 4 | DCC to share briefing with PCC's office | ACC | By end January 2018",
        ),
    )
    correction = action.events.get(kind=ActionEvent.Kind.CORRECTION)
    assert correction.text == (
        "Corrected in the minutes of Monthly Assurance Meeting October 2017: Owners changed "
        "from DCC to ACC. Minuted in error as the DCC's."
    )
    client.force_login(user_with_role(roles.OPCC_STAFF, username="clerk"))
    page = client.get(reverse("meetings:history", args=[october.pk])).text
    assert '<del><span class="visually-hidden">Removed: </span>4 ACTION: DCC</del>' in page
    assert '<ins><span class="visually-hidden">Added: </span>4 ACTION: ACC</ins>' in page


def test_agreeing_lists_what_is_missing_and_asks_for_confirmation(october, client):
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    bring_forward(november)
    client.login(username="commissioner", password="assurance-demo")
    url = reverse("meetings:agree", args=[november.pk])
    assert client.get(url).context["problems"] == [
        "No one is recorded as present.",
        "The outcome is not yet recorded for the actions brought forward at items 1.1 "
        "(2017/10-02), 1.2 (2017/10-03), 1.3 (2017/10-04), 1.4 (2017/10-05), 1.5 "
        "(2017/10-07), 1.6 (2017/10-08).",
    ]
    response = client.post(url, {"decision": "agreed"})
    assert response.context["form"].errors == {
        "confirm": ["Tick to agree the minutes although something is missing, or record it first."]
    }
    november.refresh_from_db()
    assert (november.status, november.versions.count()) == ("draft", 0)


def test_minutes_not_agreed_stay_open_for_amendment_and_hidden_from_the_force(october, client):
    november = open_next(october, datetime.date(2017, 11, 29))
    december = open_meeting(october.series, date=datetime.date(2017, 12, 20))
    client.login(username="commissioner", password="assurance-demo")
    url = reverse("meetings:agree", args=[november.pk])
    response = client.post(url, {"decision": "not_agreed", "at_meeting": december.pk})
    assert response.context["form"].errors == {"reason": ["Say what must be amended."]}
    client.post(
        url,
        {"decision": "not_agreed", "at_meeting": december.pk, "reason": "Item 2 to be amended."},
    )
    november.refresh_from_db()
    assert november.status == MinutesStatus.NOT_AGREED
    event = november.status_events.get()
    assert (event.description, event.reason) == (
        "Not agreed: to be amended and recirculated at the meeting of 20 December 2017",
        "Item 2 to be amended.",
    )
    client.login(username="officer", password="assurance-demo")
    assert client.get(reverse("meetings:record", args=[november.pk])).status_code == 200
    client.login(username="dcc", password="assurance-demo")
    assert client.get(november.get_absolute_url()).status_code == 404


def test_a_second_outcome_for_one_review_is_refused_and_the_typed_text_kept(october, client):
    november = open_next(october, datetime.date(2017, 11, 29))
    review = review_of(november, "2017/10-02")
    client.login(username="officer", password="assurance-demo")
    url = reverse("actions:review_outcome", args=[review.pk])
    prefix = f"review-{review.pk}"
    first = {f"{prefix}-outcome": "closed", f"{prefix}-version": review.version}
    assert client.post(url, first).status_code == 302
    second = {
        f"{prefix}-outcome": "carried_forward",
        f"{prefix}-new_due_date": "2018-01-31",
        f"{prefix}-update": "Typed by the second officer",
        f"{prefix}-version": review.version,
    }
    response = client.post(url, second)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The outcome of 2017/10-02 was recorded by someone else while you were typing, so "
        "yours was not saved. What you typed is still below; read their outcome on the "
        "meeting's page."
    ]
    assert "Typed by the second officer" in response.text
    review.refresh_from_db()
    review.action.refresh_from_db()
    assert (review.outcome, review.action.status, review.action.due_date) == (
        "closed",
        Status.CLOSED,
        None,
    )


def test_agreed_minutes_come_from_their_frozen_version_not_the_live_rows(october):
    """A change no page allows (the admin, a shell) still cannot reach agreed minutes."""
    before = snapshot(october)
    Person.objects.filter(pk=october.ordered_chairs()[0].pk).update(name="Someone Else")
    october.items.filter(number="4", parent=None).update(heading="Renamed afterwards")
    Action.objects.filter(reference="2017/10-06").update(raised_owners="XX")
    assert snapshot(october) == before
    november = open_next(october, datetime.date(2017, 11, 29))
    Person.objects.filter(pk=november.ordered_chairs()[0].pk).update(name="A New Chair")
    live = minutes_document(Meeting.objects.get(pk=november.pk))
    assert live.facts[1] == ("Chair:", "A New Chair")


def test_agreed_minutes_show_only_the_final_outcome_of_a_changed_review(october, pcc):
    november = open_next(october, datetime.date(2017, 11, 29))
    carried = review_of(november, "2017/10-02")
    replaced = review_of(november, "2017/10-03")
    decide_review(
        carried,
        by=pcc,
        outcome="carried_forward",
        new_due_date=datetime.date(2018, 1, 31),
        update="Analysis under way.",
    )
    decide_review(carried, by=pcc, outcome="closed", update="Analysis shared.")
    decide_review(
        replaced,
        by=pcc,
        outcome="replaced",
        replacement={"text": "Publish the Telford plan", "due_date": datetime.date(2018, 2, 28)},
    )
    withdrawn = replaced.item.actions.get()
    decide_review(
        replaced,
        by=pcc,
        outcome="carried_forward",
        new_due_meeting=datetime.date(2018, 1, 1),
        withdraw_replacements=True,
    )
    set_minutes_status(november, MinutesStatus.AGREED, by=pcc)
    document, _public, word = snapshot(november)
    lines = document.text_lines()
    assert [line for line in lines if line.startswith(("1.1 ", "1.2 "))] == [
        "1.1 Action arising from the October 2017 meeting (2017/10-02):",
        "1.1 Building a More Secure West Mercia – Telford",
        "1.1 Interim analysis by Principal Analyst to be shared with PCC’s office",
        "1.1 Update: Analysis shared.",
        "1.1 Agreed closed.",
        "1.1 ACTION: DCC",
        "1.2 Action arising from the October 2017 meeting (2017/10-03):",
        "1.2 Building a More Secure West Mercia – Telford",
        "1.2 ACC’s Telford development plan to be shared with PCC when drafted",
        "1.2 Carried forward to the January 2018 meeting.",
        "1.2 ACTION: ACC",
    ]
    assert not [line for line in lines if withdrawn.reference in line]
    texts = [text for entry in word for text in (entry if isinstance(entry, list) else [entry])]
    assert "1.2 Carried forward to the January 2018 meeting." not in texts  # cells, not lines
    assert [text for text in texts if "Carried forward to the January 2018" in text]
    assert not [text for text in texts if "Telford plan" in text or "Analysis under way" in text]
    # Changing the action afterwards leaves the agreed minutes as they were.
    Action.objects.filter(pk=carried.action_id).update(status=Status.OPEN)
    assert snapshot(november)[0] == document


def posted_as_shown(form, **changes):
    """What a browser posts for ``form`` as it was shown, with ``changes`` typed over it."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
        elif (shown := field.widget.format_value(getattr(value, "pk", value))) is not None:
            data[form.add_prefix(name)] = shown
    return data | changes


def test_correcting_only_the_owner_leaves_the_due_as_minuted_in_every_rendering(
    october, pcc, client
):
    # October minuted an action for the DCC "in advance of November's HTA"; November carries
    # it to March with the ACC, and December is open: its current due and owners are not
    # October's.
    action = Action.objects.get(due_wording="in advance of November’s HTA")
    index = [line.reference for line in minutes_document(october).summary].index(action.reference)
    minuted = [(line.owners, line.due) for line in minutes_document(october).summary][index]
    assert minuted == ("DCC", "in advance of November’s HTA")
    november = open_next(october, datetime.date(2017, 11, 29))
    decide_review(
        review_of(november, action.reference),
        by=pcc,
        outcome=ActionReview.Outcome.CARRIED_FORWARD,
        new_due_meeting=datetime.date(2018, 3, 1),
        new_owner_posts=[post("ACC")],
    )
    open_next(november, datetime.date(2017, 12, 20))
    action.refresh_from_db()
    now = (action.due_display, action.owner_display)
    assert now == ("March 2018 meeting", "ACC")

    set_minutes_status(october, "draft", by=pcc, reason="The action's owner was minuted wrongly.")
    client.force_login(user_with_role(roles.OPCC_STAFF, username="clerk"))
    url = reverse("actions:edit", args=[action.pk])
    form = client.get(url).context["form"]
    assert form["due_meeting"].value() == datetime.date(2017, 11, 1)  # as minuted, not March
    response = client.post(
        url,
        posted_as_shown(
            form,
            owner_posts=[post("CC").pk],
            reason="Minuted in error as the DCC's; the Chief Constable owns it.",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    set_minutes_status(october, "agreed", by=pcc, at_meeting=november)

    full, public, docx = snapshot(october)
    corrected = ("CC", "in advance of November’s HTA")
    assert [(line.owners, line.due) for line in full.summary][index] == corrected
    assert [(line.owners, line.due) for line in public.summary][index] == corrected
    [row] = [cells for cells in docx if isinstance(cells, list) and cells[0] == action.reference]
    assert row[-2:] == list(corrected)
    action.refresh_from_db()
    assert (action.due_display, action.owner_display) == now
    correction = action.events.get(kind=ActionEvent.Kind.CORRECTION)
    assert correction.text == (
        "Corrected in the minutes of Monthly Assurance Meeting October 2017: Owners changed "
        "from DCC to CC. Minuted in error as the DCC's; the Chief Constable owns it."
    )


def test_an_amendment_of_minutes_not_agreed_asks_why_and_is_dated_when_made(october, pcc):
    november = open_next(october, datetime.date(2017, 11, 29))
    action = raise_action(
        item=november.items.get(number="4", parent=None),
        text="DCC to report burglary outcomes",
        owner_posts=[post("DCC")],
        due_date=datetime.date(2018, 1, 31),
    )
    december = open_next(november, datetime.date(2017, 12, 20))
    set_minutes_status(
        november, "not_agreed", by=pcc, at_meeting=december, reason="Item 4 to be reworded."
    )
    fields = {
        "text": "DCC to report burglary outcomes by ward",
        "owner_posts": [post("DCC")],
        "owner_people": [],
        "due_kind": "date",
        "due_date": datetime.date(2018, 1, 31),
    }
    with pytest.raises(ValidationError) as refused:
        edit_action(action, by=pcc, **fields)
    assert refused.value.messages == [
        "Say why the minutes are amended after the meeting did not agree them."
    ]
    edit_action(action, by=pcc, reason="As the December meeting asked.", **fields)
    amendment = action.events.get(kind=ActionEvent.Kind.CORRECTION)
    assert amendment.on_date == timezone.localdate()
    assert amendment.text == (
        "Amended in the minutes of Monthly Assurance Meeting November 2017, not agreed as "
        "they were: Wording changed from “DCC to report burglary outcomes” to “DCC to report "
        "burglary outcomes by ward”. As the December meeting asked."
    )


def previous_minutes_item(meeting):
    return AgendaItem.objects.create(
        meeting=meeting,
        number="0",
        heading="Minutes of the previous meeting",
        kind=ItemKind.PREVIOUS_MINUTES,
        position=0,
    )


def test_the_decision_on_minutes_is_printed_on_them_and_minuted_by_the_meeting_that_took_it(
    october, pcc, client, tmp_path
):
    november = open_next(october, datetime.date(2017, 11, 29))
    considered_at_november = previous_minutes_item(november)
    # October is reopened for a correction, and agreed again at November's meeting.
    set_minutes_status(october, "draft", by=pcc, reason="Item 4's owner was minuted wrongly.")
    action = Action.objects.get(reference="2017/10-06")
    edit_action(
        action,
        by=pcc,
        reason="Minuted in error as the DCC's.",
        text=action.text,
        owner_posts=[post("ACC")],
        owner_people=[],
        due_kind="date",
        due_date=datetime.date(2018, 1, 31),
        due_wording="By end January 2018",
    )
    set_minutes_status(october, "agreed", by=pcc, at_meeting=november)
    december = open_next(november, datetime.date(2017, 12, 20))
    considered_at_december = previous_minutes_item(december)
    for review in november.items.filter(review__isnull=False):
        decide_review(review.review, by=pcc, outcome="closed")
    set_minutes_status(
        november, "not_agreed", by=pcc, at_meeting=december, reason="Item 2 to be reworded"
    )
    set_minutes_status(november, "agreed", by=pcc, at_meeting=december)

    today = date_format(timezone.localdate(), "j F Y")
    assert minutes_document(october).agreed_note == (
        f"Agreed as a correct record on {today}; corrected and agreed again at the meeting "
        "of 29 November 2017."
    )
    full, public, docx = snapshot(november)
    agreed = "Agreed as a correct record at the meeting of 20 December 2017."
    assert (full.agreed_note, public.agreed_note, docx[1]) == (agreed, agreed, agreed)
    minuted = [block.text for block in row_for(full, considered_at_november).blocks]
    assert minuted == [
        "Minutes of the previous meeting",
        "The minutes of the meeting held on 31 October 2017, corrected since they were agreed "
        "(Item 4's owner was minuted wrongly.), were agreed as a correct record.",
    ]
    row = row_for(minutes_document(december), considered_at_december)
    assert [block.text for block in row.blocks][1:] == [
        "The minutes of the meeting held on 29 November 2017 were not agreed: Item 2 to be "
        "reworded.",
        "The minutes of the meeting held on 29 November 2017 were agreed as a correct record.",
    ]
    client.force_login(user_with_role(roles.FORCE_OFFICER, username="dcc-office"))
    page = client.get(november.get_absolute_url()).text
    assert f'<p class="agreed-note">{agreed}</p>' in page
    pdf = PdfReader(io.BytesIO(client.get(reverse("meetings:pdf", args=[november.pk])).content))
    assert agreed in " ".join(pdf.pages[0].extract_text().split())
    set_minutes_status(november, "published", by=pcc)
    public_page = client.get(reverse("public:minutes", args=[november.pk])).text
    assert f'<p class="agreed-note">{agreed}</p>' in public_page
