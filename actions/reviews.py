"""Item 1 of every meeting: actions brought forward from earlier meetings, and their outcomes.

These are the services of the review; the status changes themselves go through
``actions.services.set_action_status`` like every other.
"""

from django.db import transaction
from django.db.models import Q

from actions.models import Action, ActionReview, DueKind, Status
from meetings.models import AgendaItem, ItemKind
from meetings.services import next_position, suggest_number


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
        .select_related("item__theme", "meeting")
        .order_by("meeting__date", "pk")
    )


def brought_forward_section(meeting):
    section = meeting.series.standing_sections.filter(brings_forward=True).first()
    if section is None:
        return None
    return meeting.items.filter(parent=None, number=section.number).first()


@transaction.atomic
def bring_forward(meeting):
    """Add an item under the "brought forward" section for every action that comes to it.

    Each item quotes the action through its review; returns the reviews created. Running it
    again adds only actions that have since become due. The review of an action raised under
    a restricted item is restricted with the same reason: the restriction follows the text.
    """
    section = brought_forward_section(meeting)
    if section is None:
        return []
    reviews = []
    for action in actions_to_bring_forward(meeting):
        if action.due_kind == DueKind.MEETING and action.due_at_id is None:
            # Its due meeting is now known: from here on its date is this meeting's.
            Action.objects.filter(pk=action.pk).update(due_at=meeting)
        item = AgendaItem.objects.create(
            meeting=meeting,
            parent=section,
            number=suggest_number(meeting, section),
            position=next_position(meeting, section),
            kind=ItemKind.BROUGHT_FORWARD,
            heading=action.item.heading,
            theme=action.item.theme,
            restricted=bool(action.item.withheld_reason),
            restriction_reason=action.item.withheld_reason,
        )
        reviews.append(ActionReview.objects.create(item=item, action=action))
    return reviews
