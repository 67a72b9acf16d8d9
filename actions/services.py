"""Writes to the action log. Every change of an action's status goes through here."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Action, ActionEvent, Status

# The one place the life of an action is written down: which moves are allowed.
TRANSITIONS = {
    Status.OPEN: {Status.AWAITING_CLOSURE, Status.CLOSED},
    Status.AWAITING_CLOSURE: {Status.CLOSED, Status.OPEN},
    Status.CLOSED: {Status.OPEN},
}


def next_reference(meeting):
    """References read year/month-sequence of the meeting the action arose at: 2017/10-04."""
    prefix = meeting.date.strftime("%Y/%m-")
    taken = Action.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def raise_action(
    *,
    item,
    text,
    by=None,
    owner_posts=(),
    owner_people=(),
    owned_by_all=False,
    due_date=None,
    due_meeting=None,
    due_wording="",
    follows_from=None,
):
    """Raise a new action at an item, with the next free reference of its meeting.

    Two officers raising actions at once may both pick the same reference; the unique
    constraint refuses the second, which then takes the next number.
    """
    meeting = item.meeting
    for _attempt in range(5):
        try:
            with transaction.atomic():
                action = Action.objects.create(
                    reference=next_reference(meeting),
                    text=text,
                    meeting=meeting,
                    item=item,
                    position=item.actions.count(),
                    owned_by_all=owned_by_all,
                    due_date=due_date,
                    due_meeting=due_meeting,
                    due_wording=due_wording,
                    follows_from=follows_from,
                )
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five collisions in a row means something else is wrong
        raise IntegrityError("Could not allocate an action reference")
    action.owner_posts.set(owner_posts)
    action.owner_people.set(owner_people)
    ActionEvent.objects.create(
        action=action,
        kind=ActionEvent.Kind.CREATED,
        on_date=meeting.date,
        text=f"Raised at the {meeting.title} meeting, item {item.number}.",
        to_status=Status.OPEN,
        meeting=meeting,
        by=by,
    )
    return action


def set_action_status(action, new_status, *, by, reason="", meeting=None, on_date=None):
    """Move an action to ``new_status`` along an allowed transition, recording who, when, why.

    Reopening (closed or awaiting closure back to open) needs a reason.
    """
    new_status = Status(new_status)
    old_status = Status(action.status)
    if new_status not in TRANSITIONS[old_status]:
        raise ValidationError(
            f"An action that is {old_status.label.lower()} cannot become "
            f"{new_status.label.lower()}.",
            code="invalid_transition",
        )
    if new_status == Status.OPEN and not reason.strip():
        raise ValidationError("Say why the action is being reopened.", code="reason_required")
    action.status = new_status
    action.version += 1
    action.save(update_fields=["status", "version"])
    ActionEvent.objects.create(
        action=action,
        kind=ActionEvent.Kind.STATUS,
        on_date=on_date or timezone.localdate(),
        text=reason,
        from_status=old_status,
        to_status=new_status,
        meeting=meeting,
        by=by,
    )
    return action
