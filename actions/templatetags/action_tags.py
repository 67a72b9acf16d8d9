from django import template

from actions import latest
from actions.forms import BulkCloseForm
from actions.models import describe_overdue
from actions.reviews import card_context

register = template.Library()

# Past this many undecided, the record page links to the form rather than holding a
# checkbox and the text of each.
BULK_CLOSE_IN_PLACE = 40


@register.inclusion_tag("actions/_review_card_wrap.html", takes_context=True)
def review_card(context, review, replacements=()):
    """The card of an action brought forward on the record page: the action as raised, what
    its owner last said, then the outcome or the buttons to decide it.

    The trail and the actions raised at the item come prefetched with the rows, so that a
    long item 1 costs no query per card."""
    return {
        **card_context(
            review,
            replacements=list(replacements),
            events=list(review.action.events.all()),
        ),
        "heading_level": 4,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("actions/_bulk_close.html", takes_context=True)
def bulk_close_form(context, meeting):
    """Several actions brought forward agreed closed in one step, when there are any: in
    place when they are few, else a link to a page of its own, where hundreds are ticked."""
    form = BulkCloseForm(meeting=meeting)
    pending = form.fields["reviews"].queryset.count()
    return {
        "meeting": meeting,
        "form": form if 0 < pending <= BULK_CLOSE_IN_PLACE else None,
        "pending": pending,
        "csrf_token": context.get("csrf_token"),
    }


# The name the record page used before the cards: a template still calling it gets the card.
register.inclusion_tag("actions/_review_card_wrap.html", takes_context=True, name="review_outcome")(
    review_card
)


@register.filter
def to_agree_in_room(actions):
    """Whether any of ``actions`` (an item's, as the record page lists them) is still to be
    agreed in the room."""
    return any(
        action.agreed_in_room_at is None and action.status != "withdrawn" for action in actions
    )


@register.filter
def overdue_wording(action):
    """The overdue label of an action a view has marked with ``overdue_days``."""
    days = getattr(action, "overdue_days", 0)
    return describe_overdue(days, action.effective_due) if days else ""


@register.simple_tag
def latest_update(action):
    """The action's latest progress update, filled in as the page is served (actions.latest)."""
    return latest.mark(action)
