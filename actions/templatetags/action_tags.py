from django import template

from actions.forms import BulkCloseForm, ReviewOutcomeForm

register = template.Library()


@register.inclusion_tag("actions/_review_outcome.html", takes_context=True)
def review_outcome(context, review):
    """The outcome of an action brought forward, or the form to record it."""
    form = None
    if review.outcome == review.Outcome.PENDING:
        form = ReviewOutcomeForm(review=review, prefix=f"review-{review.pk}")
    return {"review": review, "form": form, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("actions/_bulk_close.html", takes_context=True)
def bulk_close_form(context, meeting):
    """Several actions brought forward agreed closed in one step, when there are any."""
    form = BulkCloseForm(meeting=meeting)
    return {
        "meeting": meeting,
        "form": form if form.fields["reviews"].queryset.exists() else None,
        "csrf_token": context.get("csrf_token"),
    }
