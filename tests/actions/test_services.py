import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import services
from actions.models import ActionEvent, Status
from actions.services import TRANSITIONS, set_action_status
from tests.factories import ActionFactory

OPEN, AWAITING, CLOSED = Status.OPEN, Status.AWAITING_CLOSURE, Status.CLOSED
WITHDRAWN = Status.WITHDRAWN
ALLOWED = [
    (OPEN, AWAITING),
    (OPEN, CLOSED),
    (AWAITING, CLOSED),
    (AWAITING, OPEN),
    (CLOSED, OPEN),
    # A replacement the meeting changed its mind about (see decide_review).
    (OPEN, WITHDRAWN),
    (AWAITING, WITHDRAWN),
]
REFUSED = [
    (OPEN, OPEN),
    (AWAITING, AWAITING),
    (CLOSED, CLOSED),
    (CLOSED, AWAITING),
    (CLOSED, WITHDRAWN),
    (WITHDRAWN, OPEN),
    (WITHDRAWN, CLOSED),
]


def test_the_transitions_table_allows_exactly_the_documented_moves():
    table = {(old, new) for old, targets in TRANSITIONS.items() for new in targets}
    assert table == set(ALLOWED)


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_an_allowed_move_changes_the_status_and_records_who_and_why(action, opcc_user, old, new):
    action.status = old
    action.save()
    set_action_status(
        action, new, by=opcc_user, reason="Because", on_date=datetime.date(2017, 11, 1)
    )
    action.refresh_from_db()
    assert action.status == new
    event = action.events.get()
    assert (
        event.kind,
        event.from_status,
        event.to_status,
        event.by,
        event.text,
        event.on_date,
    ) == (
        "status",
        old,
        new,
        opcc_user,
        "Because",
        datetime.date(2017, 11, 1),
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_a_refused_move_changes_nothing(action, opcc_user, old, new):
    action.status = old
    action.save()
    with pytest.raises(ValidationError) as error:
        set_action_status(action, new, by=opcc_user, reason="Because")
    assert error.value.code == "invalid_transition"
    action.refresh_from_db()
    assert action.status == old
    assert action.events.count() == 0


@pytest.mark.parametrize("old", [AWAITING, CLOSED])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(action, opcc_user, old, reason):
    action.status = old
    action.save()
    with pytest.raises(ValidationError) as error:
        set_action_status(action, OPEN, by=opcc_user, reason=reason)
    assert error.value.code == "reason_required"
    action.refresh_from_db()
    assert action.status == old


def test_closing_needs_no_reason(action, opcc_user):
    set_action_status(action, CLOSED, by=opcc_user)
    action.refresh_from_db()
    assert action.status == CLOSED


def test_add_update_writes_a_dated_update(action, owner_user):
    event = services.add_update(
        action, text="Brief drafted.", on_date=datetime.date(2017, 11, 10), by=owner_user
    )
    assert list(action.events.values_list("kind", "on_date", "text", "by")) == [
        ("update", datetime.date(2017, 11, 10), "Brief drafted.", owner_user.pk)
    ]
    assert event.to_status == ""


def test_an_update_cannot_be_dated_in_the_future(action, owner_user):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.add_update(action, text="Later", on_date=tomorrow, by=owner_user)
    assert error.value.code == "future_date"
    assert action.events.count() == 0


def test_mark_complete_awaits_agreement_and_keeps_the_note(action, owner_user):
    services.mark_complete(action, note="Brief shared on 1 November.", by=owner_user)
    action.refresh_from_db()
    assert action.status == AWAITING
    assert list(action.events.values_list("kind", "from_status", "to_status", "text")) == [
        ("status", "open", "awaiting_closure", "Brief shared on 1 November.")
    ]


def test_mark_complete_needs_a_note(action, owner_user):
    with pytest.raises(ValidationError) as error:
        services.mark_complete(action, note=" ", by=owner_user)
    assert error.value.code == "note_required"


def test_a_closed_action_cannot_be_marked_complete(action, owner_user, opcc_user):
    set_action_status(action, CLOSED, by=opcc_user)
    with pytest.raises(ValidationError) as error:
        services.mark_complete(action, note="Done", by=owner_user)
    assert error.value.code == "invalid_transition"


def test_carrying_forward_keeps_the_action_open_with_a_new_due(action, opcc_user, october):
    services.change_due(
        action,
        by=opcc_user,
        due_meeting=datetime.date(2018, 1, 15),
        reason="Carried forward.",
        meeting=october,
    )
    action.refresh_from_db()
    assert (action.status, action.due_date, action.due_meeting) == (
        OPEN,
        None,
        datetime.date(2018, 1, 1),
    )
    event = action.events.get()
    assert (event.kind, event.text, event.meeting, event.by) == (
        "due",
        "Due changed from “By 31 December 2017” to “January 2018 meeting”. Carried forward.",
        october,
        opcc_user,
    )


def test_change_owners_records_the_old_and_new_owners(action, opcc_user, acc):
    person = acc.holder
    services.change_owners(action, by=opcc_user, owner_posts=[acc], owner_people=[person])
    assert list(action.owner_posts.all()) == [acc]
    assert list(action.owner_people.all()) == [person]
    event = action.events.get()
    assert (event.kind, event.text, event.by) == (
        ActionEvent.Kind.OWNERS,
        "Owners changed from DCC to ACC ME.",
        opcc_user,
    )


def test_agree_closure_closes_all_or_none(action, item, commissioner_user, dcc):
    awaiting = ActionFactory(item=item, status=AWAITING, owners=[dcc])
    closed = ActionFactory(item=item, status=CLOSED, owners=[dcc])
    with pytest.raises(ValidationError):
        services.agree_closure([awaiting, closed], by=commissioner_user)
    awaiting.refresh_from_db()
    assert awaiting.status == AWAITING
    assert ActionEvent.objects.count() == 0
