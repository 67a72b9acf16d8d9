"""Item 1 of every meeting: actions brought forward from earlier meetings, and their outcomes.

These are the services of the review; the status changes themselves go through
``actions.services.set_action_status`` like every other.
"""

from textwrap import shorten

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history

from actions.forms import ReviewOutcomeForm
from actions.models import DUE_FIELDS, Action, ActionReview, DueKind, Status
from actions.services import live_replacements
from meetings.models import AgendaItem, ItemKind
from meetings.services import natural_key, number_after, place_item


def for_series_q(series):
    """Actions that come to the meetings of ``series``: those due at one of its meetings (a
    particular one, or the next), and otherwise those it raised. Never another series'
    actions due elsewhere."""
    return (
        Q(due_at__series=series)
        | Q(due_at__isnull=True, due_series=series)
        | Q(due_at__isnull=True, due_series__isnull=True, series=series)
    )


def actions_to_bring_forward(meeting):
    """Outstanding actions that come to ``meeting``: its series' own actions due at or
    before it (or open-ended, or with no due, which come every time), those awaiting the
    chair's agreement, and actions of any series due at it or at the next meeting of its
    series.

    Only actions raised at earlier meetings, and not already brought forward to this one.
    """
    due = Action.objects.due_at(meeting)
    # "The next meeting" of this series, not yet arranged when the due was given: this is it.
    awaited = Action.objects.filter(
        status=Status.OPEN, due_kind=DueKind.MEETING, due_at__isnull=True
    )
    awaiting = Action.objects.filter(status=Status.AWAITING_CLOSURE)
    return (
        Action.objects.filter(Q(pk__in=due) | Q(pk__in=awaited) | Q(pk__in=awaiting))
        .filter(for_series_q(meeting.series))
        .filter(meeting__date__lt=meeting.date)
        .exclude(reviews__item__meeting=meeting)
        .select_related("item__theme", "meeting__series")
        .order_by("meeting__date", "pk")
    )


# The section made for actions brought forward at a meeting of a series whose standing agenda
# has none.
OWN_SECTION_HEADING = "Actions brought forward"


def brought_forward_section(meeting, *, make=False):
    """The item under which actions come to ``meeting``: its series' standing section that
    brings actions forward. A series set up without one still has outstanding actions, so
    with ``make`` a section is made for them (before the date of the next meeting, numbered
    after the items), rather than the actions being left behind with only "0 brought
    forward" said."""
    standing = meeting.series.standing_sections.filter(brings_forward=True).first()
    if standing is not None:
        return meeting.items.filter(parent=None, number=standing.number).first()
    made = meeting.items.filter(parent=None, heading=OWN_SECTION_HEADING).first()
    if made is not None or not make:
        return made
    top = list(meeting.items.filter(parent=None).order_by("position", "pk"))
    numbers = sorted((item.number for item in top), key=natural_key)
    section = AgendaItem(
        meeting=meeting, number=number_after(numbers) or "1", heading=OWN_SECTION_HEADING
    )
    closing = next((item for item in top if item.kind == ItemKind.NEXT_MEETING), None)
    place_item(section, closing)
    if closing is not None:
        # Numbers stay in sequence: the section takes the closing item's, which moves on.
        section.number, closing.number = closing.number, section.number
        closing.save(update_fields=["number"])
    section.save()
    return section


def brought_forward_heading(action, meeting):
    """The heading of an action's item on the agenda: the action itself, by its reference and
    the start of its text, and its series when another's ("Action JAC-3 (JAC): …"), not the
    heading of the item that raised it, which several actions share. A reference that restarts
    each meeting names its meeting too ("Action 1 (12 January 2022): …"), and a reference that
    says it is an action is not told so twice."""
    series = action.meeting.series
    qualifiers = [series.short_name] if series.pk != meeting.series_id else []
    if action.reference_per_meeting:
        qualifiers.append(date_format(action.meeting.date, "j F Y"))
    where = f" ({', '.join(qualifiers)})" if qualifiers else ""
    name = action.reference
    if not name.lower().startswith("action"):
        name = f"Action {name}"
    return f"{name}{where}: {shorten(action.text, width=200, placeholder='…')}"


@transaction.atomic
def bring_forward(meeting):
    """Add an item under the "brought forward" section for every action that comes to it.

    Each item quotes the action through its review; returns the reviews created. Running it
    again adds only actions that have since become due. The review of an action raised under
    a restricted item is restricted with the same reason: the restriction follows the text.

    In a fixed number of queries however many actions come: the items and reviews are
    inserted in bulk, with their history, and numbered here rather than one query each.
    """
    actions = list(actions_to_bring_forward(meeting))
    if not actions:
        return []
    section = brought_forward_section(meeting, make=True)
    if section is None:
        return []  # the series' standing section was taken off this meeting's agenda
    # Its due meeting is now known: from here on its date is this meeting's.
    awaited = [a.pk for a in actions if a.due_kind == DueKind.MEETING and a.due_at_id is None]
    if awaited:
        Action.objects.filter(pk__in=awaited).update(due_at=meeting)
    siblings = list(
        AgendaItem.objects.filter(meeting=meeting, parent=section).values_list("number", "position")
    )
    numbers = [number for number, _ in siblings]
    taken = set(numbers)
    position = max((p for _, p in siblings), default=-1)
    items = []
    for action in actions:
        number = number_after(numbers, section, taken)
        numbers.append(number)
        taken.add(number)
        position += 1
        reason = action.item.withheld_reason
        items.append(
            AgendaItem(
                meeting=meeting,
                parent=section,
                number=number,
                position=position,
                kind=ItemKind.BROUGHT_FORWARD,
                heading=brought_forward_heading(action, meeting),
                theme=action.item.theme,
                restricted=bool(reason),
                restriction_reason=reason,
                # What AgendaItem.save derives, which a bulk insert does not call: its own
                # restriction, else the section's.
                withheld_reason=reason or section.withheld_reason,
            )
        )
    # One INSERT each on PostgreSQL; SQLite's limit on parameters splits them into batches.
    items = bulk_create_with_history(items, AgendaItem)
    reviews = [
        ActionReview(item=item, action=action) for item, action in zip(items, actions, strict=True)
    ]
    return bulk_create_with_history(reviews, ActionReview)


# What a review card shows, on the record page and on its own page. The card is the action
# as raised, what its owner last said, then the outcome or the buttons to decide it.
CARD_MODES = ("choose", "carried_forward", "replaced")


def card_context(review, *, form=None, mode=None, replacements=None, events=None):
    """The context of ``actions/_review_card.html``.

    ``mode`` is "decided" (the outcome, with a way to change it), "choose" (the outcome
    buttons), or the outcome whose fields are being filled in. ``events`` is the action's
    trail when already fetched (the record page prefetches it for every card at once), and
    ``replacements`` the actions raised at the review's item.
    """
    if mode is None:
        mode = "decided" if review.decided else "choose"
    if replacements is None:
        replacements = live_replacements(review)
    if events is None:
        events = list(review.action.events.all())
    events = sorted(events, key=lambda e: (e.on_date, e.at, e.pk))
    # What the owner said before this meeting: the meeting's own update is shown apart.
    before = [e for e in events if e.meeting_id != review.item.meeting_id]
    latest_update = next((e for e in reversed(before) if e.kind == "update"), None)
    claim = None
    if review.action.status == Status.AWAITING_CLOSURE or review.completion_claimed_on:
        claim = next((e for e in reversed(before) if e.to_status == Status.AWAITING_CLOSURE), None)
    if form is None and mode != "decided":
        form = ReviewOutcomeForm(
            review=review,
            prefix=f"review-{review.pk}",
            initial={"update": review.update, "outcome": mode},
        )
    carried_fields = replacement_fields = ()
    if mode == "carried_forward":
        names = [f"new_{name}" for name in DUE_FIELDS]
        names += ["new_owner_posts", "new_owner_people", "new_owner_bodies"]
        carried_fields = [form[name] for name in names]
    elif mode == "replaced":
        names = ["reference"] if "reference" in form.fields else []
        names += ["text", "owner_posts", "owner_people", "owner_bodies", *DUE_FIELDS]
        replacement_fields = [form[name] for name in names]
    return {
        "review": review,
        "action": review.action,
        "carried_fields": carried_fields,
        "replacement_fields": replacement_fields,
        "form": form,
        "mode": mode,
        "latest_update": latest_update,
        "claim": claim,
        "replacements": replacements,
        # Changing away from "closed and replaced" asks to withdraw what replaced it.
        "asks_withdrawal": review.outcome == review.Outcome.REPLACED and bool(replacements),
        "outcome": " ".join(review.outcome_sentences(replacements)),
    }
