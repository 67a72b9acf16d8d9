from django import template

from actions.forms import BulkCloseForm, ReviewOutcomeForm
from actions.models import Status, describe_overdue

register = template.Library()


@register.inclusion_tag("actions/_review_outcome.html", takes_context=True)
def review_outcome(context, review, replacements=()):
    """The outcome of an action brought forward as minuted, or the form to record it with
    what the owner last said: their latest update and any claim that it is done."""
    form = latest_update = claim = None
    if not review.decided:
        form = ReviewOutcomeForm(review=review, prefix=f"review-{review.pk}", with_owners=False)
        # From the prefetched trail, so that a long item 1 costs no query per review.
        events = sorted(review.action.events.all(), key=lambda e: (e.on_date, e.at, e.pk))
        latest_update = next((e for e in reversed(events) if e.kind == "update"), None)
        if review.action.status == Status.AWAITING_CLOSURE:
            claim = next(
                (e for e in reversed(events) if e.to_status == Status.AWAITING_CLOSURE), None
            )
    return {
        "review": review,
        "form": form,
        "latest_update": latest_update,
        "claim": claim,
        "outcome": " ".join(review.outcome_sentences(replacements)),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("actions/_bulk_close.html", takes_context=True)
def bulk_close_form(context, meeting):
    """Several actions brought forward agreed closed in one step, when there are any."""
    form = BulkCloseForm(meeting=meeting)
    return {
        "meeting": meeting,
        "form": form if form.fields["reviews"].queryset.exists() else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def overdue_wording(action):
    """The overdue label of an action a view has marked with ``overdue_days``."""
    days = getattr(action, "overdue_days", 0)
    return describe_overdue(days, action.effective_due) if days else ""
