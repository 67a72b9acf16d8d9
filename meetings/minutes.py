"""The minutes of one meeting as rows of the familiar table: number | item | ACTION.

The screen, print, Word and PDF versions all read these rows, so they cannot disagree.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from meetings.models import AgendaItem, Finding


@dataclass
class MinutesRow:
    item: AgendaItem
    depth: int
    findings: list = field(default_factory=list)
    actions: list = field(default_factory=list)

    @property
    def number_in_column(self):
        """Sections and their sub-sections carry the number in the first column."""
        return self.depth < 2

    @property
    def review(self):
        return getattr(self.item, "review", None)

    @property
    def action_column(self):
        owners = " ".join(action.owner_display for action in self.actions)
        return owners or self.item.action_column_note


def minutes_rows(meeting):
    """Every item of ``meeting`` in agenda order, each with its depth, findings and actions."""
    items = list(
        meeting.items.select_related(
            "theme",
            "review__action__meeting__series",
            "review__action__item__theme",
        ).prefetch_related(
            Prefetch("findings", queryset=Finding.objects.order_by("position", "pk")),
            "actions__owner_posts",
            "actions__owner_people",
        )
    )
    children = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.pk))

    rows = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            actions = sorted(item.actions.all(), key=lambda action: (action.position, action.pk))
            rows.append(MinutesRow(item, depth, list(item.findings.all()), actions))
            walk(item.pk, depth + 1)

    walk(None, 0)
    return rows
