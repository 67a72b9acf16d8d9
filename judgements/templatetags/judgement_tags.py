"""The judgements at an item on the record page, which belongs to ``meetings``: the page
includes these tags, so that the minutes never import the app that judges them."""

import uuid

from django import template

from judgements.forms import AssuranceForm, DecisionForm
from judgements.models import AssuranceStatement
from people import roles

register = template.Library()


@register.inclusion_tag("judgements/_item_assurance.html", takes_context=True)
def item_assurance(context, row):
    """The item's assurance statement, with the form to record or change it."""
    return {
        "item": row.item,
        "assurance": row.assurance,
        "assurance_form": AssuranceForm(instance=row.assurance),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def decision_form():
    """The form that adds a decision, made once for a page of many items: the people to
    choose from are fetched once however many items there are."""
    form = DecisionForm()
    field = form.fields["decided_by"]
    field.choices = list(iter(field.choices))  # iter: no COUNT query first
    return form


@register.inclusion_tag("judgements/_item_decisions.html", takes_context=True)
def item_decisions(context, row, form):
    """The item's decisions, with ``form`` (``decision_form``) to add one, carrying a token
    of its own: adding at one item is no repeat of adding at another."""
    return {
        "item": row.item,
        "decisions": row.decisions,
        "decision_token": uuid.uuid4(),
        "decision_form": form,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("judgements/_assurance_to_confirm.html", takes_context=True)
def assurance_to_confirm(context, meeting):
    """On the minutes' page, the statements the Commissioner has still to confirm, while the
    minutes are open."""
    user = context["request"].user
    statements = []
    if meeting.in_progress and roles.can_confirm_assurance(user):
        statements = list(
            AssuranceStatement.objects.filter(item__meeting=meeting, confirmed_at__isnull=True)
            .select_related("item__parent")
            .order_by("item__position", "item__pk")
        )
    return {"statements": statements, "csrf_token": context.get("csrf_token")}
