"""Writes to the action log. Every change of an action's status goes through here."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Action, ActionEvent, ActionReview, Status

# The one place the life of an action is written down: which moves are allowed.
TRANSITIONS = {
    Status.OPEN: {Status.AWAITING_CLOSURE, Status.CLOSED},
    Status.AWAITING_CLOSURE: {Status.CLOSED, Status.OPEN},
    Status.CLOSED: {Status.OPEN},
}


def _save(action, by, fields):
    """Save changed fields of an action, bumping its version so stale forms are refused."""
    action.version += 1
    # simple-history records who, even outside a request (commands, imports).
    action._history_user = by
    action.save(update_fields=[*fields, "version"])


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
    _save(action, by, ["status"])
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


def add_update(action, *, text, on_date, by):
    """Record a dated progress update. An update cannot be dated in the future."""
    if on_date > timezone.localdate():
        raise ValidationError("An update cannot be dated in the future.", code="future_date")
    return ActionEvent.objects.create(
        action=action, kind=ActionEvent.Kind.UPDATE, on_date=on_date, text=text, by=by
    )


def mark_complete(action, *, note, by):
    """The owner says the action is done; closure stays for the Commissioner or OPCC to agree."""
    if not note.strip():
        raise ValidationError("Say what was done.", code="note_required")
    return set_action_status(action, Status.AWAITING_CLOSURE, by=by, reason=note)


def _record_change(action, kind, text, by, meeting=None):
    return ActionEvent.objects.create(
        action=action,
        kind=kind,
        on_date=timezone.localdate(),
        text=text.strip(),
        meeting=meeting,
        by=by,
    )


def change_due(
    action, *, by, due_date=None, due_meeting=None, due_wording="", reason="", meeting=None
):
    """Set a new due date or due meeting (carrying an action forward keeps it open)."""
    before = action.due_display or "Not set"
    action.due_date = due_date
    action.due_meeting = due_meeting.replace(day=1) if due_meeting else None
    action.due_wording = due_wording
    _save(action, by, ["due_date", "due_meeting", "due_wording"])
    text = f"Due changed from “{before}” to “{action.due_display or 'Not set'}”."
    return _record_change(action, ActionEvent.Kind.DUE, f"{text} {reason}", by, meeting)


def change_owners(action, *, by, owner_posts=(), owner_people=(), owned_by_all=False, reason=""):
    """Give the action new owners, recording the old and new ACTION column."""
    before = action.owner_display or "None"
    action.owner_posts.set(owner_posts)
    action.owner_people.set(owner_people)
    action.owned_by_all = owned_by_all
    _save(action, by, ["owned_by_all"])
    # The prefetch cache, if any, still holds the old owners.
    action = Action.objects.prefetch_related("owner_posts", "owner_people").get(pk=action.pk)
    text = f"Owners changed from {before} to {action.owner_display or 'None'}."
    return _record_change(action, ActionEvent.Kind.OWNERS, f"{text} {reason}", by)


def agree_closure(actions, *, by):
    """Close each action marked complete (the chair agrees it); all or none."""
    with transaction.atomic():
        for action in actions:
            set_action_status(action, Status.CLOSED, by=by, reason="Closure agreed.")


def reopen(actions, *, by, reason):
    """Send actions back to open, each with the same reason; all or none."""
    with transaction.atomic():
        for action in actions:
            set_action_status(action, Status.OPEN, by=by, reason=reason)


@transaction.atomic
def edit_action(
    action,
    *,
    by,
    text,
    owner_posts,
    owner_people,
    owned_by_all,
    due_date,
    due_meeting,
    due_wording,
    version=None,
):
    """Apply an edit of an action, putting each kind of change on its trail."""
    # Compare with the stored row: a bound ModelForm has already written into ``action``.
    action = Action.objects.select_for_update().get(pk=action.pk)
    if text != action.text:
        before = action.text
        action.text = text
        _save(action, by, ["text"])
        _record_change(
            action, ActionEvent.Kind.TEXT, f"Wording changed from “{before}” to “{text}”.", by
        )
    if (due_date, due_meeting, due_wording) != (
        action.due_date,
        action.due_meeting,
        action.due_wording,
    ):
        change_due(
            action, by=by, due_date=due_date, due_meeting=due_meeting, due_wording=due_wording
        )
    if (set(owner_posts), set(owner_people), owned_by_all) != (
        set(action.owner_posts.all()),
        set(action.owner_people.all()),
        action.owned_by_all,
    ):
        change_owners(
            action,
            by=by,
            owner_posts=owner_posts,
            owner_people=owner_people,
            owned_by_all=owned_by_all,
        )
    return action


@transaction.atomic
def decide_review(
    review, *, by, outcome, update="", new_due_date=None, new_due_meeting=None, new_due_wording=""
):
    """Record the meeting's decision on an action brought forward.

    Closed, or closed and replaced, ends the action; carried forward keeps it open with a
    new due. The update given at the meeting goes on the trail, dated the day of the meeting.
    """
    action, meeting = review.action, review.item.meeting
    if update.strip():
        ActionEvent.objects.create(
            action=action,
            kind=ActionEvent.Kind.UPDATE,
            on_date=meeting.date,
            text=update.strip(),
            meeting=meeting,
            by=by,
        )
    if outcome == ActionReview.Outcome.CARRIED_FORWARD:
        change_due(
            action,
            by=by,
            due_date=new_due_date,
            due_meeting=new_due_meeting,
            due_wording=new_due_wording,
            reason=f"Carried forward at the {meeting.title} meeting.",
            meeting=meeting,
        )
        if action.status == Status.AWAITING_CLOSURE:
            set_action_status(
                action,
                Status.OPEN,
                by=by,
                reason=f"Not agreed complete at the {meeting.title} meeting; carried forward.",
                meeting=meeting,
                on_date=meeting.date,
            )
    elif action.status != Status.CLOSED:
        if outcome == ActionReview.Outcome.REPLACED:
            replacements = ", ".join(a.reference for a in review.item.actions.all())
            reason = f"Closed at the {meeting.title} meeting and replaced by {replacements}."
        else:
            reason = f"Agreed complete and closed at the {meeting.title} meeting."
        set_action_status(
            action, Status.CLOSED, by=by, reason=reason, meeting=meeting, on_date=meeting.date
        )
    review.outcome = outcome
    review.save(update_fields=["outcome"])
    return review
