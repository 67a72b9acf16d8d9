"""Writes to the action log. Every change of an action's status goes through here."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from actions.models import DUE_FIELDS, Action, ActionEvent, ActionReview, DueKind, Status
from meetings.models import Meeting, ReferenceScheme
from meetings.services import ensure_in_progress
from people.models import TO_BE_ALLOCATED

# The one place the life of an action is written down: which moves are allowed.
TRANSITIONS = {
    Status.OPEN: {Status.AWAITING_CLOSURE, Status.CLOSED},
    Status.AWAITING_CLOSURE: {Status.CLOSED, Status.OPEN},
    Status.CLOSED: {Status.OPEN},
    Status.WITHDRAWN: set(),
}
# A replacement raised at a review whose outcome then changed away is withdrawn, not deleted.
TRANSITIONS[Status.OPEN].add(Status.WITHDRAWN)
TRANSITIONS[Status.AWAITING_CLOSURE].add(Status.WITHDRAWN)


def _save(action, by, fields):
    """Save changed fields of an action, bumping its version so stale forms are refused."""
    action.version += 1
    # simple-history records who, even outside a request (commands, imports).
    action._history_user = by
    action.save(update_fields=[*fields, "version"])


def next_reference(meeting):
    """The next free reference in the meeting's series, by the series' scheme: year/month of
    the meeting and a number (2017/10-04), or a number running through the year (2019/07),
    each after the series' prefix ("J2019/07"). None when the officer types it."""
    series = meeting.series
    if series.reference_scheme == ReferenceScheme.TYPED:
        return None
    if series.reference_scheme == ReferenceScheme.YEAR_SEQUENCE:
        start = f"{series.reference_prefix}{meeting.date:%Y}/"
    else:
        start = f"{series.reference_prefix}{meeting.date:%Y/%m}-"
    taken = Action.objects.filter(series=series, reference__startswith=start).values_list(
        "reference", flat=True
    )
    numbers = [int(ref[len(start) :]) for ref in taken if ref[len(start) :].isdigit()]
    return f"{start}{max(numbers, default=0) + 1:02d}"


def reference_taken(meeting, reference, *, per_meeting, exclude=None):
    """Why ``reference`` cannot be given to an action raised at ``meeting``, or "" when it
    can. A reference the officer types is unique within its meeting (``per_meeting``: bodies
    that number "Action 1" afresh each meeting reuse it every month); one the series' scheme
    makes is unique in the series. The database holds both (``Action.Meta.constraints``)."""
    if per_meeting:
        taken = Action.objects.filter(meeting=meeting, reference=reference)
        message = f"This meeting already has an action {reference}."
    else:
        taken = Action.objects.filter(
            series=meeting.series_id, reference=reference, reference_per_meeting=False
        )
        message = f"{meeting.series.name} already has an action {reference}."
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return message if taken.exists() else ""


# A typed reference the unique constraint refused that no action holds now: one being given
# at that moment, or one a series that changed its scheme gave to the whole series.
REFERENCE_TAKEN_NOW = "That reference is already in use: type another."


def next_meeting_of(series, after):
    """The first meeting of ``series`` dated after ``after``, if it has been arranged."""
    return Meeting.objects.filter(series=series, date__gt=after).order_by("date").first()


def due_fields(
    *,
    own_series,
    after,
    due_kind="",
    due_date=None,
    due_meeting=None,
    due_series=None,
    due_at=None,
    due_wording="",
):
    """The due as stored, given at a meeting of ``own_series`` dated ``after``: only the
    fields of its kind. "The next meeting" of a series is that meeting once it is arranged.

    Without a kind (an import, an older form) the kind is what was given; a due date and a
    due meeting together stay together, as earlier minutes had them.
    """
    if not due_kind:
        due_kind = (
            DueKind.DATE
            if due_date
            else DueKind.MONTH
            if due_meeting
            else DueKind.MEETING
            if due_at
            else DueKind.NONE
        )
    else:
        due_date = due_date if due_kind == DueKind.DATE else None
        due_meeting = due_meeting if due_kind == DueKind.MONTH else None
        due_series = due_series if due_kind in (DueKind.MONTH, DueKind.MEETING) else None
        due_at = due_at if due_kind == DueKind.MEETING else None
    if due_kind == DueKind.OPEN and not due_wording.strip():
        raise ValidationError(
            {"due_wording": "Say how the minutes word an open-ended due."}, code="wording"
        )
    if due_at is not None:
        due_series = due_at.series
    if due_kind == DueKind.MEETING and due_at is None:
        due_at = next_meeting_of(due_series or own_series, after)
    if due_series is not None and due_series.pk == own_series.pk:
        due_series = None
    return {
        "due_kind": due_kind,
        "due_date": due_date,
        "due_meeting": due_meeting.replace(day=1) if due_meeting else None,
        "due_series": due_series,
        "due_at": due_at,
        "due_wording": due_wording,
    }


def _due_key(values):
    return tuple(getattr(values.get(name), "pk", values.get(name)) for name in DUE_FIELDS)


def _action_due(action, prefix=""):
    return {name: getattr(action, f"{prefix}{name}") for name in DUE_FIELDS}


def raise_action(
    *,
    item,
    text,
    by=None,
    owner_posts=(),
    owner_people=(),
    owner_bodies=(),
    due_kind="",
    due_date=None,
    due_meeting=None,
    due_series=None,
    due_at=None,
    due_wording="",
    follows_from=None,
    reference=None,
    imported=False,
):
    """Raise a new action at an item, with the next free reference of its series (or the
    ``reference`` typed, where the series has the officer type them), while its minutes are
    being written (or ``imported`` from an existing action log, whose meetings were agreed
    long ago). No owners is allowed: the minutes leave it to be allocated (TBA).

    Two officers raising actions at once may both pick the same reference; the unique
    constraint refuses the second, which then takes the next number. A typed reference
    already taken at the meeting is refused (``reference_taken``).
    """
    meeting = item.meeting
    series = meeting.series
    if not imported:
        ensure_in_progress(meeting)
    due = due_fields(
        own_series=series,
        after=meeting.date,
        due_kind=due_kind,
        due_date=due_date,
        due_meeting=due_meeting,
        due_series=due_series,
        due_at=due_at,
        due_wording=due_wording,
    )
    typed = reference or None
    per_meeting = series.reference_scheme == ReferenceScheme.TYPED
    if typed is None and per_meeting:
        raise ValidationError({"reference": "Type the action's reference."}, code="required")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                action = Action.objects.create(
                    reference=typed or next_reference(meeting),
                    text=text,
                    meeting=meeting,
                    series=series,
                    item=item,
                    position=item.actions.count(),
                    follows_from=follows_from,
                    **due,
                )
                break
        except IntegrityError:
            if typed:
                raise ValidationError(
                    {
                        "reference": reference_taken(meeting, typed, per_meeting=per_meeting)
                        or REFERENCE_TAKEN_NOW
                    },
                    code="reference_taken",
                ) from None
            continue
    else:  # pragma: no cover - five collisions in a row means something else is wrong
        raise IntegrityError("Could not allocate an action reference")
    action.owner_posts.set(owner_posts)
    action.owner_people.set(owner_people)
    action.owner_bodies.set(owner_bodies)
    action.record_as_raised()
    action._history_user = by
    action.save(update_fields=["raised_owners", *(f"raised_{name}" for name in DUE_FIELDS)])
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


def set_action_status(
    action, new_status, *, by, reason="", meeting=None, on_date=None, by_person=None
):
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
        by_person=by_person,
    )
    return action


def add_update(action, *, text, on_date, by, by_person=None):
    """Record a dated progress update, by a login or (``by_person``) an owner without one.
    An update cannot be dated in the future, nor given to an action no longer open: a closed
    action is reopened first, so that the trail says why it is worked on again."""
    if action.status in (Status.CLOSED, Status.WITHDRAWN):
        raise ValidationError(
            f"Action {action.reference} is {action.get_status_display().lower()}: reopen it "
            "to add an update.",
            code="not_open",
        )
    if on_date > timezone.localdate():
        raise ValidationError("An update cannot be dated in the future.", code="future_date")
    return ActionEvent.objects.create(
        action=action,
        kind=ActionEvent.Kind.UPDATE,
        on_date=on_date,
        text=text,
        by=by,
        by_person=by_person,
    )


def _not_in_future(on_date, what):
    if on_date > timezone.localdate():
        raise ValidationError(f"{what} cannot be dated in the future.", code="future_date")


def mark_complete(action, *, note, by, on_date=None, by_person=None):
    """The owner says the action is done, on the day they give (not in the future); closure
    stays for the Commissioner or OPCC to agree."""
    if not note.strip():
        raise ValidationError("Say what was done.", code="note_required")
    on_date = on_date or timezone.localdate()
    _not_in_future(on_date, "A completion")
    return set_action_status(
        action,
        Status.AWAITING_CLOSURE,
        by=by,
        reason=note.strip(),
        on_date=on_date,
        by_person=by_person,
    )


def _record_change(action, kind, text, by, meeting=None, on_date=None):
    return ActionEvent.objects.create(
        action=action,
        kind=kind,
        on_date=on_date or timezone.localdate(),
        text=text.strip(),
        meeting=meeting,
        by=by,
    )


AGREED_IN_ROOM_REASON = (
    "Say why the action changes: the meeting agreed its wording and owners as shown in the room."
)


@transaction.atomic
def agree_in_room(item, *, by):
    """Mark the actions raised at ``item`` agreed as the room saw them, once each, on their
    trails: the chair's word at the end of the item. Returns those marked now."""
    ensure_in_progress(item.meeting)
    now = timezone.now()
    marked = list(
        Action.objects.select_for_update()
        .filter(item=item, agreed_in_room_at__isnull=True)
        .exclude(status=Status.WITHDRAWN)
        .order_by("position", "pk")
    )
    for action in marked:
        action.agreed_in_room_at = now
        _save(action, by, ["agreed_in_room_at"])
        _record_change(
            action,
            ActionEvent.Kind.AGREED_IN_ROOM,
            f"Agreed in the room as shown: “{action.text}”, owned by "
            f"{action.raised_owners or TO_BE_ALLOCATED}"
            f"{f', due {action.raised_due_display}' if action.raised_due_display else ''}.",
            by,
            item.meeting,
            item.meeting.date,
        )
    return marked


def change_due(action, *, by, reason="", meeting=None, on_date=None, **due):
    """Set a new due (carrying an action forward keeps it open). ``due`` are the
    ``due_fields`` keywords; "the next meeting" counts from ``meeting`` or ``on_date``."""
    before = action.due_display or "Not set"
    after = meeting.date if meeting else on_date or timezone.localdate()
    for name, value in due_fields(own_series=action.series, after=after, **due).items():
        setattr(action, name, value)
    _save(action, by, list(DUE_FIELDS))
    text = f"Due changed from “{before}” to “{action.due_display or 'Not set'}”."
    return _record_change(action, ActionEvent.Kind.DUE, f"{text} {reason}", by, meeting, on_date)


def change_owners(
    action,
    *,
    by,
    owner_posts=(),
    owner_people=(),
    owner_bodies=(),
    reason="",
    meeting=None,
    on_date=None,
):
    """Give the action new owners, recording the old and new ACTION column. Giving an owner
    to an action to be allocated (TBA) is a change of owners like any other."""
    before = action.owner_display
    action.owner_posts.set(owner_posts)
    action.owner_people.set(owner_people)
    action.owner_bodies.set(owner_bodies)
    _save(action, by, [])
    _forget_owners(action)
    text = f"Owners changed from {before} to {action.owner_display}."
    return _record_change(action, ActionEvent.Kind.OWNERS, f"{text} {reason}", by, meeting, on_date)


def _forget_owners(action):
    """Drop prefetched owners after a change: the cache still holds the old ones."""
    for cache in ("owner_posts", "owner_people", "owner_bodies"):
        getattr(action, "_prefetched_objects_cache", {}).pop(cache, None)


def locked_for_editing(meeting):
    """Why an action of agreed minutes is not edited: the two ways that remain."""
    return (
        f"The minutes of {meeting.title} are {meeting.get_status_display().lower()}: "
        "reopen them to correct this action, or reassign it."
    )


def _owners_differ(action, owner_posts, owner_people, owner_bodies):
    return (set(owner_posts), set(owner_people), set(owner_bodies)) != (
        set(action.owner_posts.all()),
        set(action.owner_people.all()),
        set(action.owner_bodies.all()),
    )


@transaction.atomic
def reassign(
    action,
    *,
    by,
    on_date,
    reason,
    owner_posts,
    owner_people,
    owner_bodies=(),
    due_kind="",
    due_date=None,
    due_meeting=None,
    due_series=None,
    due_at=None,
    due_wording="",
):
    """Between meetings, give an action new owners (or its first, to one to be allocated) or
    a new due: dated, with a reason, on its trail. What its meeting minuted stays as minuted.
    """
    due = {
        "due_kind": due_kind,
        "due_date": due_date,
        "due_meeting": due_meeting,
        "due_series": due_series,
        "due_at": due_at,
        "due_wording": due_wording,
    }
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.meeting.in_progress:
        raise ValidationError(
            "The minutes that raised this action are still being written: edit the action "
            "in them instead.",
            code="minutes_in_progress",
        )
    if action.status == Status.CLOSED:
        raise ValidationError("A closed action cannot be reassigned.", code="closed")
    if not reason.strip():
        raise ValidationError("Say why the action is reassigned.", code="reason_required")
    _not_in_future(on_date, "A reassignment")
    owners_differ = _owners_differ(action, owner_posts, owner_people, owner_bodies)
    new_due = due_fields(own_series=action.series, after=on_date, **due)
    due_differs = _due_key(new_due) != _due_key(_action_due(action))
    if not (owners_differ or due_differs):
        raise ValidationError("Nothing was changed.", code="unchanged")
    why = f"Reassigned: {reason.strip()}"
    if owners_differ:
        change_owners(
            action,
            by=by,
            owner_posts=owner_posts,
            owner_people=owner_people,
            owner_bodies=owner_bodies,
            reason=why,
            on_date=on_date,
        )
    if due_differs:
        change_due(action, by=by, reason=why, on_date=on_date, **due)
    return action


def agree_closure(actions, *, by):
    """Close each action its owner marked complete (the chair agrees it); all or none.

    An action nobody has said is done is closed only by a meeting's review of it.
    """
    with transaction.atomic():
        for action in actions:
            if action.status != Status.AWAITING_CLOSURE:
                raise ValidationError(
                    f"Action {action.reference} has not been marked complete by its owner: "
                    "close it at a meeting, where its review is minuted.",
                    code="not_marked_complete",
                )
            set_action_status(action, Status.CLOSED, by=by, reason="Closure agreed.")


def reopen(actions, *, by, reason):
    """Send actions back to open, each with the same reason; all or none."""
    with transaction.atomic():
        for action in actions:
            set_action_status(action, Status.OPEN, by=by, reason=reason)


def correction_reason_required(meeting):
    if meeting.has_been_agreed:
        return "Say why the agreed minutes are corrected."
    return "Say why the minutes are amended after the meeting did not agree them."


@transaction.atomic
def edit_action(
    action,
    *,
    by,
    text,
    owner_posts,
    owner_people,
    owner_bodies=(),
    due_kind="",
    due_date=None,
    due_meeting=None,
    due_series=None,
    due_at=None,
    due_wording="",
    reference=None,
    reason="",
    version=None,
):
    """Edit an action in the minutes of the meeting that raised it, while those minutes are
    being written. Once they have been agreed, an edit is a correction of the record: it
    needs the minutes reopened and a reason, and is recorded as a correction.

    Owners and due that a later meeting has since changed stay as that meeting left them.
    """
    # Compare with the stored row: a bound ModelForm has already written into ``action``.
    action = (
        Action.objects.select_for_update()
        .select_related("meeting__series")
        .prefetch_related("owner_posts", "owner_people", "owner_bodies")
        .get(pk=action.pk)
    )
    meeting = action.meeting
    if not meeting.in_progress:
        raise ValidationError(locked_for_editing(meeting), code="minutes_locked")
    correcting = meeting.changes_are_corrections
    if correcting and not reason.strip():
        raise ValidationError(
            correction_reason_required(meeting), code="correction_reason_required"
        )
    changes = []
    text_before = action.text
    if text != action.text:
        changes.append(f"Wording changed from “{action.text}” to “{text}”.")
        action.text = text
    if reference and reference != action.reference:
        if taken := reference_taken(
            meeting, reference, per_meeting=action.reference_per_meeting, exclude=action
        ):
            raise ValidationError({"reference": taken}, code="reference_taken")
        changes.append(f"Reference changed from {action.reference} to {reference}.")
        action.reference = reference
    owners_before = action.raised_owners or TO_BE_ALLOCATED
    due_before = action.raised_due_display
    # The current owners and due follow the record unless a later meeting has moved them on.
    owners_unmoved = action.owner_display == owners_before
    due_unmoved = _due_key(_action_due(action)) == _due_key(_action_due(action, "raised_"))
    new_due = due_fields(
        own_series=action.series,
        after=meeting.date,
        due_kind=due_kind,
        due_date=due_date,
        due_meeting=due_meeting,
        due_series=due_series,
        due_at=due_at,
        due_wording=due_wording,
    )
    for name, value in new_due.items():
        setattr(action, f"raised_{name}", value)
        if due_unmoved:
            setattr(action, name, value)
    _save(
        action,
        by,
        ["text", "reference", *DUE_FIELDS, *(f"raised_{name}" for name in DUE_FIELDS)],
    )
    if action.raised_due_display != due_before:
        changes.append(
            f"Due changed from “{due_before or 'Not set'}” to "
            f"“{action.raised_due_display or 'Not set'}”."
        )
    # The form shows the current owners: the same back means the owners were not corrected,
    # even where a later meeting has moved them on from those minuted.
    if not _owners_differ(action, owner_posts, owner_people, owner_bodies):
        labels = owners_before
    elif owners_unmoved:
        action.owner_posts.set(owner_posts)
        action.owner_people.set(owner_people)
        action.owner_bodies.set(owner_bodies)
        _forget_owners(action)
        labels = action.owner_display
    else:
        labels = _labels(owner_posts, owner_people, owner_bodies)
    if labels != owners_before:
        action.raised_owners = labels
        changes.append(f"Owners changed from {owners_before} to {labels}.")
    _save(action, by, ["raised_owners"])
    agreed_changed = action.agreed_in_room_at and (
        text_before != action.text or labels != owners_before
    )
    if agreed_changed and not correcting:
        if not reason.strip():
            raise ValidationError({"reason": AGREED_IN_ROOM_REASON}, code="agreed_in_room")
        changes.append(f"Changed after the room agreed it: {reason.strip()}")
    if changes:
        if correcting:
            what = (
                f"Corrected in the minutes of {meeting.title}"
                if meeting.has_been_agreed
                else f"Amended in the minutes of {meeting.title}, not agreed as they were"
            )
            _record_change(
                action,
                ActionEvent.Kind.CORRECTION,
                f"{what}: {' '.join(changes)} {reason.strip()}",
                by,
                meeting,
            )
        else:
            _record_change(
                action, ActionEvent.Kind.TEXT, " ".join(changes), by, meeting, meeting.date
            )
    return action


def _labels(owner_posts, owner_people, owner_bodies):
    """The ACTION column for owners not (yet) saved, in the order the action shows them."""
    posts = sorted(owner_posts, key=lambda post: (post.seniority, post.abbreviation))
    people = sorted(owner_people, key=lambda person: person.name)
    bodies = sorted(owner_bodies, key=lambda body: body.label)
    labels = [post.abbreviation for post in posts] + [person.initials for person in people]
    return " ".join([*labels, *(body.label for body in bodies)]) or TO_BE_ALLOCATED


STALE_REVIEW = (
    "The outcome of {reference} was recorded by someone else while you were typing, so yours "
    "was not saved. What you typed is still below; read their outcome on the meeting's page."
)
# How a trail line names each outcome: "Outcome changed from carried forward to agreed closed".
OUTCOME_WORDS = {
    ActionReview.Outcome.CLOSED: "agreed closed",
    ActionReview.Outcome.CARRIED_FORWARD: "carried forward",
    ActionReview.Outcome.REPLACED: "closed and replaced",
}


def live_replacements(review):
    """The actions raised at the review's item (each follows from the reviewed action) that
    have not been withdrawn."""
    return list(review.item.actions.exclude(status=Status.WITHDRAWN).order_by("position", "pk"))


def _snapshot_before(review, action):
    """Keep where the action stands before the review first decides, to put it back there
    if the outcome is changed."""
    review.owners_before = action.owner_display
    review.status_before = action.status
    for name, value in _action_due(action).items():
        setattr(review, f"before_{name}", value)
    review.before_owner_posts.set(action.owner_posts.all())
    review.before_owner_people.set(action.owner_people.all())
    review.before_owner_bodies.set(action.owner_bodies.all())
    if action.status == Status.AWAITING_CLOSURE:
        claim = action.events.filter(to_status=Status.AWAITING_CLOSURE).order_by("-on_date").first()
        review.completion_claimed_on = claim.on_date if claim else None


def _restore_due(action, due, *, by, reason, meeting):
    """Put back a due exactly as it was (not recomputed: "the next meeting" may since have
    become this one)."""
    before = action.due_display or "Not set"
    for name, value in due.items():
        setattr(action, name, value)
    _save(action, by, list(DUE_FIELDS))
    text = f"Due changed from “{before}” to “{action.due_display or 'Not set'}”. {reason}"
    _record_change(action, ActionEvent.Kind.DUE, text, by, meeting, meeting.date)


@transaction.atomic
def decide_review(
    review,
    *,
    by,
    outcome,
    version=None,
    update="",
    new_due_kind="",
    new_due_date=None,
    new_due_meeting=None,
    new_due_series=None,
    new_due_at=None,
    new_due_wording="",
    new_owner_posts=(),
    new_owner_people=(),
    new_owner_bodies=(),
    replacement=None,
    withdraw_replacements=False,
):
    """Record, and minute, the meeting's decision on an action brought forward.

    Closed, or closed and replaced, ends the action; carried forward keeps it open with a
    new due (and reopens one its owner had marked complete). New owners, if given, replace
    the old. Every change is dated the day of the meeting.

    Until the minutes are agreed the outcome may be changed: the action's status, due and
    owners go back to where they stood before the review first decided, then the new
    outcome applies; each difference is a line on the trail. ``replacement`` (the keywords
    of ``raise_action``) raises the new action of "closed and replaced" in the same step.
    Changing away from "closed and replaced" withdraws the replacements only when
    ``withdraw_replacements`` says so: they are never dropped silently. An outcome typed on
    a page someone else has since changed (``version``) is refused.
    """
    review = (
        ActionReview.objects.select_for_update()
        .select_related("item__meeting__series")
        .get(pk=review.pk)
    )
    action = (
        Action.objects.select_for_update()
        .select_related("series")
        .prefetch_related("owner_posts", "owner_people", "owner_bodies")
        .get(pk=review.action_id)
    )
    meeting = review.item.meeting
    ensure_in_progress(meeting)
    if version is not None and version != review.version:
        raise ValidationError(STALE_REVIEW.format(reference=action.reference), code="stale")
    outcome = ActionReview.Outcome(outcome)
    earlier = ActionReview.Outcome(review.outcome) if review.decided else None
    if earlier is not None and not review.status_before:
        raise ValidationError(
            f"The outcome of {action.reference} was recorded before outcomes could be "
            "changed, so where the action stood before is not known: correct the action "
            "from its own page instead.",
            code="unknown_before",
        )
    on = {"by": by, "meeting": meeting, "on_date": meeting.date}
    carried = outcome == ActionReview.Outcome.CARRIED_FORWARD
    new_due = due_fields(
        own_series=action.series,
        after=meeting.date,
        due_kind=new_due_kind if carried else "",
        due_date=new_due_date if carried else None,
        due_meeting=new_due_meeting if carried else None,
        due_series=new_due_series if carried else None,
        due_at=new_due_at if carried else None,
        due_wording=new_due_wording if carried else "",
    )
    replacements = live_replacements(review)
    withdrawing = (
        earlier == ActionReview.Outcome.REPLACED
        and outcome != ActionReview.Outcome.REPLACED
        and replacements
    )
    if withdrawing and not withdraw_replacements:
        references = ", ".join(a.reference for a in replacements)
        raise ValidationError(
            {
                "withdraw_replacements": (
                    f"{action.reference} was closed and replaced by {references}. To change "
                    f"the outcome, tick the box to withdraw {references} (kept in the action "
                    "log as withdrawn), or keep the outcome."
                )
            },
            code="replacement_exists",
        )
    if outcome == ActionReview.Outcome.REPLACED and replacement:
        replacements.append(
            raise_action(item=review.item, by=by, follows_from=action, **replacement)
        )
    if outcome == ActionReview.Outcome.REPLACED and not replacements:
        raise ValidationError(
            {"text": "Write the new action that replaces it."}, code="no_replacement"
        )

    if earlier is None:
        _snapshot_before(review, action)
        why = f"At the {meeting.title} meeting."
    elif earlier == outcome:
        why = f"Decision revised at the {meeting.title} meeting."
    else:
        why = (
            f"Outcome changed from {OUTCOME_WORDS[earlier]} to {OUTCOME_WORDS[outcome]} "
            f"at the {meeting.title} meeting."
        )
        if earlier != outcome:
            _record_change(action, ActionEvent.Kind.OUTCOME, why, by, meeting, meeting.date)
    if withdrawing:
        for replaced_by in replacements:
            set_action_status(
                replaced_by,
                Status.WITHDRAWN,
                reason=f"Withdrawn: {why} It no longer replaces {action.reference}.",
                **on,
            )
        replacements = []
    if update.strip() and update.strip() != review.update:
        ActionEvent.objects.create(
            action=action, kind=ActionEvent.Kind.UPDATE, text=update.strip(), **on
        )

    # Owners: those given, else as they stood before the review.
    new_owners = new_owner_posts or new_owner_people or new_owner_bodies
    if new_owners:
        owners = (new_owner_posts, new_owner_people, new_owner_bodies)
    else:
        owners = (
            review.before_owner_posts.all(),
            review.before_owner_people.all(),
            review.before_owner_bodies.all(),
        )
    if _owners_differ(action, *owners):
        change_owners(
            action,
            owner_posts=owners[0],
            owner_people=owners[1],
            owner_bodies=owners[2],
            reason=why,
            **on,
        )

    # Due: the new one when carried forward, else as it stood before the review.
    if carried:
        if _due_key(new_due) != _due_key(_action_due(action)):
            change_due(
                action, reason=f"Carried forward at the {meeting.title} meeting.", **on, **new_due
            )
    else:
        before_due = _action_due(review, "before_")
        if _due_key(before_due) != _due_key(_action_due(action)):
            _restore_due(action, before_due, by=by, reason=why, meeting=meeting)

    # Status: open when carried forward, closed otherwise.
    if carried and action.status != Status.OPEN:
        if action.status == Status.AWAITING_CLOSURE:
            reason = f"Not agreed complete at the {meeting.title} meeting; carried forward."
        else:
            reason = f"Reopened: {why} Carried forward."
        set_action_status(action, Status.OPEN, reason=reason, **on)
    elif not carried and action.status != Status.CLOSED:
        if outcome == ActionReview.Outcome.REPLACED:
            references = ", ".join(a.reference for a in replacements)
            reason = f"Closed at the {meeting.title} meeting and replaced by {references}."
        else:
            reason = f"Agreed complete and closed at the {meeting.title} meeting."
        if earlier is not None:
            reason = f"{reason} {why}"
        set_action_status(action, Status.CLOSED, reason=reason, **on)

    review.outcome = outcome
    review.update = update.strip()
    for name, value in new_due.items():
        setattr(review, f"new_{name}", value)
    review.owners_after = action.owner_display
    review.decided_by, review.decided_at = by, timezone.now()
    review.version += 1
    review._history_user = by
    review.save()
    return review


@transaction.atomic
def close_reviews(reviews, *, by, note=""):
    """Agree closed in one step several actions brought forward to one meeting, each minuted
    with its own update, else ``note``: what ``decide_review`` records for each, written in
    a fixed number of queries for those whose outcome is still to decide (nearly always
    all of them). The others (an outcome changed to closed) go through
    ``decide_review`` one by one."""
    reviews = list(
        ActionReview.objects.select_for_update()
        .filter(pk__in=[review.pk for review in reviews])
        .select_related("item__meeting__series")
        .order_by("item__position", "pk")
    )
    if not reviews:
        return []
    meeting = reviews[0].item.meeting
    if any(review.item.meeting_id != meeting.pk for review in reviews):
        raise ValidationError("Close the actions of one meeting at a time.", code="meetings")
    ensure_in_progress(meeting)
    # The dues are copied to the reviews: read with the actions, locked alone.
    actions = (
        Action.objects.select_for_update(of=("self",))
        .select_related("due_series", "due_at")
        .prefetch_related("owner_posts", "owner_people", "owner_bodies")
    )
    actions = actions.in_bulk([review.action_id for review in reviews])
    claims = {}
    for action_id, on_date in ActionEvent.objects.filter(
        action_id__in=actions, to_status=Status.AWAITING_CLOSURE
    ).values_list("action_id", "on_date"):
        claims[action_id] = max(on_date, claims.get(action_id, on_date))

    # Deciding first takes a snapshot of where the action stands (``_snapshot_before``), so
    # an undecided review puts back no owner or due: only the status and the trail change.
    simple = [
        (review, actions[review.action_id])
        for review in reviews
        if not review.decided
        and Status.CLOSED in TRANSITIONS[Status(actions[review.action_id].status)]
    ]
    on = {"by": by, "meeting": meeting, "on_date": meeting.date}
    reason = f"Agreed complete and closed at the {meeting.title} meeting."
    no_due = due_fields(own_series=meeting.series, after=meeting.date)
    events, now = [], timezone.now()
    for review, action in simple:
        # What decide_review's snapshot keeps.
        review.owners_before = action.owner_display
        review.status_before = action.status
        for name, value in _action_due(action).items():
            setattr(review, f"before_{name}", value)
        if action.status == Status.AWAITING_CLOSURE:
            review.completion_claimed_on = claims.get(action.pk)
        update = (review.update or note).strip()
        if update and update != review.update:
            events.append(
                ActionEvent(action=action, kind=ActionEvent.Kind.UPDATE, text=update, **on)
            )
        events.append(
            ActionEvent(
                action=action,
                kind=ActionEvent.Kind.STATUS,
                text=reason,
                from_status=action.status,
                to_status=Status.CLOSED,
                **on,
            )
        )
        action.status = Status.CLOSED
        action.version += 1
        review.outcome = ActionReview.Outcome.CLOSED
        review.update = update
        for name, value in no_due.items():
            setattr(review, f"new_{name}", value)
        review.owners_after = action.owner_display
        review.decided_by, review.decided_at = by, now
        review.version += 1
    ActionEvent.objects.bulk_create(events)
    for kind in ("posts", "people", "bodies"):
        field = ActionReview._meta.get_field(f"before_owner_{kind}")
        link, source, target = (
            field.remote_field.through,
            field.m2m_field_name(),
            field.m2m_reverse_field_name(),
        )
        link.objects.filter(**{f"{source}__in": [review for review, _ in simple]}).delete()
        link.objects.bulk_create(
            link(**{source: review, target: owner})
            for review, action in simple
            for owner in getattr(action, f"owner_{kind}").all()
        )
    # Django's bulk_update builds a CASE of every row for every field, which took seconds
    # for hundreds: here one UPDATE for each set of values shared (nearly all share them),
    # and the history rows in bulk, as simple-history's bulk update would write them.
    _update_alike([action for _, action in simple], ["status"])
    Action.history.bulk_history_create(
        [action for _, action in simple], update=True, default_user=by
    )
    _update_alike(
        [review for review, _ in simple],
        [
            "owners_before",
            "status_before",
            *(f"before_{name}" for name in DUE_FIELDS),
            "completion_claimed_on",
            "outcome",
            "update",
            *(f"new_{name}" for name in no_due),
            "owners_after",
            "decided_by",
            "decided_at",
        ],
    )
    ActionReview.history.bulk_history_create(
        [review for review, _ in simple], update=True, default_user=by
    )
    done = {review.pk for review, _ in simple}
    for review in reviews:
        if review.pk not in done:
            decide_review(
                review,
                by=by,
                outcome=ActionReview.Outcome.CLOSED,
                update=review.update or note,
            )
    return reviews


def _update_alike(objects, fields):
    """Save ``fields`` of ``objects`` (of one model, each with its version moved on by one)
    with one UPDATE for each set of values some of them share."""
    if not objects:
        return
    columns = [objects[0]._meta.get_field(name).attname for name in fields]
    groups = {}
    for obj in objects:
        groups.setdefault(tuple(getattr(obj, column) for column in columns), []).append(obj.pk)
    manager = type(objects[0])._base_manager
    for values, pks in groups.items():
        # Each object's version is one on from the one it was read with.
        manager.filter(pk__in=pks).update(
            version=F("version") + 1, **dict(zip(columns, values, strict=True))
        )
