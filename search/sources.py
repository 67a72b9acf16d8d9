"""What search looks through: one source per kind of text, each already scoped to the user.

A source names the model's text fields, the rows the user may see (from the same querysets
the pages use, so a restriction hides a row here as it does there), and how a hit is titled
and linked. Adding a kind of text is one more `Source`, and its index in a migration.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat
from django.urls import reverse

from actions.models import Action, ActionEvent
from judgements.models import AssuranceStatement, Decision
from meetings.models import AgendaItem, Finding, Meeting
from people.roles import sees_all_minutes


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    model: type
    # The text searched, in this order: the GIN index of search/migrations uses the same list.
    fields: tuple
    # The rows the user may see.
    visible: Callable
    # A text expression naming the hit, and one naming where it was minuted.
    title: Callable
    context: Callable
    # The primary keys the link needs (a meeting's, an item's, an action's), and the link.
    target: str
    anchor: str
    link: Callable


def _items_visible_to(user):
    items = AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user))
    if sees_all_minutes(user):
        return items
    # Restriction covers the item's whole subtree: withheld_reason is set on every item in it.
    return items.filter(withheld_reason="")


def _item_label(prefix=""):
    """AgendaItem.label in SQL, one level up: "1.2", or "5a/1" where the number is reused."""
    number, parent = F(f"{prefix}number"), F(f"{prefix}parent__number")
    return Case(
        When(
            Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}number__startswith": parent}),
            then=number,
        ),
        default=Concat(parent, Value("/"), number),
    )


def _item_link(meeting_pk, item_pk):
    return f"{reverse('meetings:detail', args=[meeting_pk])}#item-{item_pk}"


SOURCES = [
    Source(
        kind="item",
        label="Agenda item",
        model=AgendaItem,
        fields=("number", "heading", "question"),
        visible=_items_visible_to,
        title=lambda: Concat(Value("Item "), _item_label(), Value(": "), "heading"),
        context=lambda: F("meeting__title"),
        target="meeting_id",
        anchor="pk",
        link=_item_link,
    ),
    Source(
        kind="finding",
        label="Finding",
        model=Finding,
        fields=("text",),
        visible=lambda user: Finding.objects.filter(item__in=_items_visible_to(user)),
        title=lambda: Concat(
            Value("Finding at item "), _item_label("item__"), Value(": "), "item__heading"
        ),
        context=lambda: F("item__meeting__title"),
        target="item__meeting_id",
        anchor="item_id",
        link=_item_link,
    ),
    Source(
        kind="action",
        label="Action",
        model=Action,
        fields=("reference", "text"),
        visible=lambda user: Action.objects.visible_to(user),
        # Not the item's heading: an owner sees their action under an item they may not see.
        # A typed reference that already says it is an action ("Action 1") is not told so twice.
        title=lambda: Case(
            When(reference__istartswith="action", then=F("reference")),
            default=Concat(Value("Action "), "reference"),
            output_field=CharField(),
        ),
        context=lambda: F("meeting__title"),
        target="pk",
        anchor="pk",
        link=lambda action_pk, pk: reverse("actions:detail", args=[action_pk]),
    ),
    Source(
        kind="update",
        label="Progress update",
        model=ActionEvent,
        fields=("text",),
        visible=lambda user: ActionEvent.objects.filter(
            kind=ActionEvent.Kind.UPDATE, action__in=Action.objects.visible_to(user)
        ),
        title=lambda: Concat(Value("Update on action "), "action__reference"),
        context=lambda: F("action__meeting__title"),
        target="action_id",
        anchor="pk",
        link=lambda action_pk, pk: f"{reverse('actions:detail', args=[action_pk])}#trail-heading",
    ),
    Source(
        kind="assurance",
        label="Assurance statement",
        model=AssuranceStatement,
        fields=("narrative",),
        visible=lambda user: AssuranceStatement.objects.filter(item__in=_items_visible_to(user)),
        title=lambda: Concat(
            Value("Assurance at item "), _item_label("item__"), Value(": "), "item__heading"
        ),
        context=lambda: F("item__meeting__title"),
        target="item__meeting_id",
        anchor="item_id",
        link=_item_link,
    ),
    Source(
        kind="decision",
        label="Decision",
        model=Decision,
        fields=("reference", "text"),
        visible=lambda user: Decision.objects.visible_to(user),
        title=lambda: Concat(Value("Decision "), "reference"),
        context=lambda: F("item__meeting__title"),
        target="item__meeting_id",
        anchor="item_id",
        link=_item_link,
    ),
]
