"""The minutes of one meeting as rows of the familiar table: number | item | ACTION.

The screen, print, Word and PDF versions all read these rows, so they cannot disagree.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.formats import date_format

from meetings.models import AgendaItem, Finding, ItemKind, NilReturn


def when_line(meeting):
    """ "Tuesday 31 October 2017 @ 10:30" """
    when = date_format(meeting.date, "l j F Y")
    return f"{when} @ {meeting.start_time:%H:%M}" if meeting.start_time else when


def next_meeting_line(meeting):
    """ "10:30 on 29 November 2017" """
    if not meeting.next_meeting_date:
        return "to be confirmed"
    day = date_format(meeting.next_meeting_date, "j F Y")
    return f"{meeting.next_meeting_time:%H:%M} on {day}" if meeting.next_meeting_time else day


@dataclass
class MinutesRow:
    item: AgendaItem
    depth: int
    findings: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    has_children: bool = False
    withheld: bool = False

    @property
    def number_in_column(self):
        """Sections and their sub-sections carry the number in the first column."""
        return self.depth < 2

    @property
    def review(self):
        return getattr(self.item, "review", None)

    def blocks(self):
        """The item column as (kind, payload) blocks in reading order.

        kind is "heading", "para" or "label" with text, "findings" with a list of texts, or
        "actions" with a list of actions.
        """
        item, review = self.item, self.review
        if self.withheld:
            return [
                (
                    "para",
                    f"This item is withheld from this version of the minutes. Reason: "
                    f"{item.restriction_reason}",
                )
            ]
        out = []
        if review:
            action = review.action
            origin = date_format(action.meeting.date, "F Y")
            out += [
                ("para", f"Action arising from the {origin} meeting:"),
                ("para", action.item.title),
                ("para", action.text_with_due),
            ]
        elif item.kind == ItemKind.NEXT_MEETING:
            out.append(("heading", f"{item.heading} {next_meeting_line(item.meeting)}"))
        else:
            prefix = "" if self.number_in_column else f"{item.number}. "
            out.append(("heading", f"{prefix}{item.title}"))
        for text in (item.background, item.question):
            out += [("para", part.strip()) for part in text.split("\n\n") if part.strip()]
        if self.findings:
            if item.label_findings:
                out.append(("label", "Findings:"))
            out.append(("findings", [finding.text for finding in self.findings]))
        if self.actions:
            out += [("label", "Actions arising:"), ("actions", self.actions)]
        elif item.nil_return == NilReturn.NO_ACTIONS:
            out += [("label", "Actions arising:"), ("para", item.get_nil_return_display())]
        elif item.nil_return:
            out.append(("para", item.get_nil_return_display()))
        return out

    @property
    def action_column(self):
        """Owners of the item's actions, each once, in the order the actions were minuted."""
        if self.withheld:
            return ""
        owners = dict.fromkeys(label for action in self.actions for label in action.owner_labels)
        return " ".join(owners) or self.item.action_column_note


def in_agenda_order(items):
    """(item, depth, has_children) for each of ``items``: parents before their children,
    siblings by position. Each item's parent is set from the list, so that labels ("5a/1")
    cost no query."""
    by_pk = {item.pk: item for item in items}
    children = {}
    for item in items:
        item.parent = by_pk.get(item.parent_id)
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.pk))

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            yield item, depth, item.pk in children
            yield from walk(item.pk, depth + 1)

    return walk(None, 0)


def minutes_rows(meeting, *, public=False):
    """Every item of ``meeting`` in agenda order, each with its depth, findings and actions.

    The public version (published minutes, and what the force sees) shows a restricted item
    as withheld, with its reason, and leaves out everything under it.
    """
    items = list(
        meeting.items.select_related(
            "theme",
            "review__action__meeting__series",
            "review__action__item__theme",
        ).prefetch_related(
            Prefetch("findings", queryset=Finding.objects.order_by("position", "pk")),
            "actions__owner_posts",
            "actions__owner_people",
            # The record page quotes each brought-forward action with its owners.
            "review__action__owner_posts",
            "review__action__owner_people",
        )
    )
    rows = []
    withheld_depth = None
    for item, depth, has_children in in_agenda_order(items):
        if withheld_depth is not None and depth > withheld_depth:
            continue  # under a withheld item
        withheld_depth = None
        if public and item.restricted:
            rows.append(MinutesRow(item, depth, withheld=True))
            withheld_depth = depth
            continue
        actions = sorted(item.actions.all(), key=lambda action: (action.position, action.pk))
        rows.append(MinutesRow(item, depth, list(item.findings.all()), actions, has_children))
    return rows
