"""Recording the minutes in Chromium: the October 2017 meeting entered through the browser from
the seed's data, actions brought forward and closed, every recording page checked by axe, and
the journey done by keyboard alone (issue 3)."""

import os
import re
from pathlib import Path

import pytest
from django.utils.formats import date_format
from playwright.sync_api import expect

from actions import services as action_services
from actions.models import Action, ActionReview, DueKind
from actions.reviews import bring_forward, brought_forward_heading
from demo import data
from demo.management.commands.load_demo import load_demo
from meetings import services as meeting_services
from meetings.models import Finding, Meeting, MeetingSeries, NilReturn

SERIES = data.SERIES["name"]
DUE_IN_A_MONTH = "At the meeting in a month (“by March”, “November’s HTA”)"
NEW_MEETING = f"New {SERIES}"
# The standing agenda each new meeting opens with: (parent's number, number) -> heading.
STANDING = {
    (parent, number): heading
    for top, top_heading, _kind, _brings_forward, children in data.STANDING_SECTIONS
    for parent, number, heading in [
        (None, top, top_heading),
        *((top, number, heading) for number, heading in children),
    ]
}


def person(initials):
    return data.PEOPLE[initials][0]


def capacity(abbreviation):
    """A post as the attendance and the owner checkboxes show it: "Deputy Chief Constable (DCC)"."""
    return f"{data.POSTS[abbreviation][0]} ({abbreviation})"


def title(spec):
    return f"{spec['theme']} – {spec['heading']}" if spec.get("theme") else spec["heading"]


def long_date(day):
    return date_format(day, "j F Y")


def walk(specs, parent=None):
    """Every item of the minutes in agenda order, each with its parent's spec."""
    for spec in specs:
        yield spec, parent
        yield from walk(spec.get("children", []), spec)


def all_actions():
    return [
        action for spec, _parent in walk(data.OCTOBER_ITEMS) for action in spec.get("actions", [])
    ]


def opened_by_hand(spec, parent):
    """Whether the officer adds the item: neither standing nor brought forward."""
    standing = (parent and parent["number"], spec["number"]) in STANDING
    return not standing and spec.get("kind") != "brought_forward"


def agenda_options(include=lambda spec, parent: True):
    """Items as the attendance form offers them, in agenda order: "Item 1.2", "Item 5a/1"."""
    options = []
    for spec, parent in walk(data.OCTOBER_ITEMS):
        if include(spec, parent):
            number = spec["number"]
            if parent and not number.startswith(parent["number"]):
                number = f"{parent['number']}/{number}"
            options.append(f"Item {number}")
    return options


def expect_message(page, text):
    """A page was (re)loaded with ``text`` as its message; wait for htmx to be ready too."""
    expect(page.get_by_role("status")).to_have_text(text)
    page.wait_for_load_state()


def item_row(page, number, heading=""):
    """The row of the minutes table whose number column reads ``number``; for an item whose
    heading is its number again ("AOB:"), the row that heading leads, its number cell left
    empty."""
    rows = page.locator("table.minutes-items > tbody > tr")
    if heading.rstrip(":. ").casefold() == number.casefold():
        return rows.filter(has_text=heading)
    return rows.filter(has=page.get_by_role("rowheader", name=number, exact=True))


def item_region(page, number, heading):
    """The section of the record page for one item, named by its heading: "AOB:" alone for
    an item numbered AOB, as the minutes print it."""
    says_number = heading.rstrip(":. ").casefold() == number.casefold()
    name = heading if says_number else f"{number} {heading}"
    return opened(page.get_by_role("region", name=name, exact=True))


def opened(region):
    """``region``, an item of the record page, opened if it is folded away."""
    toggle = region.locator(".item-toggle")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return region


@pytest.fixture
def before_october(transactional_db, live_server):
    """People, posts, the series and the July and September actions: the OPCC before October."""
    load_demo(october=False)
    return live_server


def open_meeting(page, when, *, start, venue, chair, minute_taker, capacity, next_on, next_at):
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=NEW_MEETING, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_MEETING)
    page.get_by_label("Date*", exact=True).fill(when.isoformat())
    page.get_by_label("Start time", exact=True).fill(f"{start:%H:%M}")
    page.get_by_label("Venue", exact=True).fill(venue)
    page.get_by_label("Chair", exact=True).select_option(label=chair)
    page.get_by_label("Minute taker", exact=True).select_option(label=minute_taker)
    page.get_by_label("Minute taker capacity", exact=True).fill(capacity)
    page.get_by_label("Next meeting date", exact=True).fill(next_on.isoformat() if next_on else "")
    page.get_by_label("Next meeting time", exact=True).fill(f"{next_at:%H:%M}" if next_at else "")
    page.get_by_role("button", name="Open the meeting", exact=True).click()


def record_attendance(page, index, row):
    initials, post, as_minuted, presence, _left_after = row
    attendance = page.get_by_role("region", name="Attendance", exact=True)
    if index:
        # The form is folded away once anyone is recorded.
        attendance.get_by_text("Add a person to the attendance", exact=True).click()
    attendance.get_by_label("Person", exact=True).select_option(label=person(initials))
    attendance.get_by_label("Post", exact=True).select_option(label=post)
    attendance.get_by_label("Capacity", exact=True).fill(as_minuted)
    attendance.get_by_label("Presence*", exact=True).select_option(label=presence.title())
    attendance.get_by_role("button", name="Add to the attendance", exact=True).click()
    expect_message(page, f"{person(initials)} added to the attendance.")
    expect(
        attendance.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=person(initials), exact=True)
        )
    ).to_contain_text(as_minuted)


def fill_item_form(page, spec):
    page.get_by_label("Number*", exact=True).fill(spec["number"])
    page.get_by_label("Heading*", exact=True).fill(spec["heading"])
    if spec.get("theme"):
        page.get_by_label("Police and Crime Plan theme", exact=True).select_option(
            label=spec["theme"]
        )
    page.get_by_label("Background", exact=True).fill(spec.get("background", ""))
    page.get_by_label("Question", exact=True).fill(spec.get("question", ""))
    page.get_by_label("Label findings", exact=True).set_checked(spec.get("label_findings", True))
    page.get_by_label("Nothing to record", exact=True).select_option(
        label=NilReturn(spec.get("nil_return", "")).label
    )
    page.get_by_label("Action column note", exact=True).fill(spec.get("action_column_note", ""))
    page.get_by_role("button", name="Save item", exact=True).click()


def needs_editing(spec, heading):
    return (
        spec["heading"] != heading
        or not spec.get("label_findings", True)
        or any(spec.get(name) for name in ("background", "question", "nil_return"))
        or bool(spec.get("action_column_note"))
    )


def record_item(page, spec, parent):
    """Bring one item of the page in line with ``spec``: add it, or edit the standing one."""
    number = spec["number"]
    if spec.get("kind") == "brought_forward":
        # Opened with the meeting, named after the earlier action and quoting its item.
        action = Action.objects.select_related("meeting").get(reference=spec["reviews"][0])
        heading = brought_forward_heading(action, action.meeting)
        named = f"{spec['theme']} – {heading}" if spec.get("theme") else heading
        expect(item_region(page, number, named)).to_contain_text(f"({spec['reviews'][0]}, ")
        return item_region(page, number, named)
    elif not opened_by_hand(spec, parent):
        heading = STANDING[parent and parent["number"], number]
        region = item_region(page, number, heading)
        if needs_editing(spec, heading):
            region.get_by_role("link", name=f"Edit item {label(spec, parent)}", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit item {number}")
            fill_item_form(page, spec)
            expect_message(page, f"Item {number} saved.")
    else:
        parent_region = item_region(page, parent["number"], title(parent))
        parent_region.get_by_role(
            "link", name=f"Add sub-item under {parent['number']}", exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Add a sub-item under {parent['number']} {title(parent)}"
        )
        fill_item_form(page, spec)
        expect_message(page, f"Item {number} added.")
    region = item_region(page, number, title(spec))
    expect(region).to_be_visible()
    return region


def label(spec, parent):
    """An item's number as its controls name it: qualified where minutes reuse numbers under
    a parent ("5a/1")."""
    number = spec["number"]
    if parent and not number.startswith(parent["number"]):
        return f"{parent['number']}/{number}"
    return number


def record_findings(region, spec, number):
    findings = spec.get("findings", [])
    for count, text in enumerate(findings, start=1):
        region.get_by_role("textbox", name=f"New finding for item {number}", exact=True).fill(text)
        region.get_by_role("button", name=f"Add finding to item {number}", exact=True).click()
        # htmx swaps the list in place: wait for the new finding before typing the next.
        expect(region.locator(".finding-text")).to_have_text(findings[:count])


def choose_by_keyboard(radio):
    radio.focus()
    radio.press("Space")
    expect(radio).to_be_checked()


def due_kind(action):
    """The kind of due the officer chooses for an action of the seed."""
    if action.get("due_date"):
        return DueKind.DATE
    return DueKind.MONTH if action.get("due_meeting") else DueKind.NONE


def raise_action(region, number, action, count):
    page = region.page
    region.get_by_role("link", name=f"Add an action to item {number}", exact=True).click()
    form = region.get_by_role("group", name=f"New action arising at item {number}", exact=True)
    form.get_by_label("Action*", exact=True).fill(action["text"])
    for owner in action["owners"]:
        if owner in data.POSTS:
            form.get_by_role("checkbox", name=capacity(owner), exact=True).check()
        elif owner in data.PEOPLE:
            # Found by typing part of the name, then ticked (issue 26).
            people = form.get_by_role("group", name="Owned by people", exact=True)
            people.get_by_role("textbox", name="Filter people", exact=True).fill(person(owner))
            people.get_by_role("checkbox", name=f"{person(owner)} ({owner})", exact=True).check()
        else:
            form.get_by_label("Owned by all (ALL)", exact=True).check()
    # The kind of due first, chosen from the keyboard, then the fields of that kind.
    if action.get("due_date"):
        choose_by_keyboard(form.get_by_role("radio", name="By a date", exact=True))
        form.get_by_label("Due by", exact=True).fill(action["due_date"].isoformat())
    if action.get("due_meeting"):
        choose_by_keyboard(form.get_by_role("radio", name=DUE_IN_A_MONTH, exact=True))
        form.get_by_label("Due at the meeting in", exact=True).fill(
            f"{action['due_meeting']:%Y-%m}"
        )
    if action.get("due_wording"):
        form.get_by_label("Due as minuted", exact=True).fill(action["due_wording"])
    form.get_by_role("button", name=f"Raise the action at item {number}", exact=True).click()
    raised = region.locator("ul.record-actions > li")
    expect(raised).to_have_count(count)
    expect(raised.nth(count - 1)).to_contain_text(action["text"])
    expect(raised.nth(count - 1)).to_contain_text(" ".join(action["owners"]))
    expect(page.get_by_role("group", name=f"New action arising at item {number}")).to_have_count(0)


def record_outcome(page, region, reference):
    card = region.get_by_role("region", name=f"Brought forward: action {reference}", exact=True)
    card.get_by_role("button", name=f"Closed and replaced… for {reference}", exact=True).click()
    card.get_by_role("button", name=f"Save: closed and replaced for {reference}").click()
    # The outcome as minuted names the actions that replace it.
    expect(region.locator(".brought-forward p", has_text="Outcome:")).to_have_text(
        re.compile(r"^Outcome: Closed and replaced by action \d{4}/\d{2}-\d{2} \(")
    )


def test_officer_enters_the_october_2017_meeting_through_the_browser(
    page, before_october, login, output_path
):
    october = data.OCTOBER
    login(page, "officer")
    open_meeting(
        page,
        october["date"],
        start=october["start_time"],
        venue=october["venue"],
        chair=person(october["chairs"][0]),
        minute_taker=person(october["minute_taker"]),
        capacity=october["minute_taker_capacity"],
        next_on=october["next_meeting_date"],
        next_at=october["next_meeting_time"],
    )
    brought_forward = [a for meeting in data.EARLIER_MEETINGS for a in meeting["actions"]]
    expect_message(
        page,
        f"{SERIES} October 2017 opened with its standing agenda and "
        f"{len(brought_forward)} actions brought forward.",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Recording: {SERIES} October 2017")

    # Attendance, as minuted; then the ACC's early departure.
    for index, row in enumerate(october["attendance"]):
        record_attendance(page, index, row)
    attendance = page.get_by_role("region", name="Attendance", exact=True)
    for initials, _post, _as_minuted, _presence, left_after in october["attendance"]:
        if not left_after:
            continue
        # The agenda so far, in its order: the standing items and those brought forward.
        left = attendance.get_by_label(f"{person(initials)} left after", exact=True)
        expect(left.get_by_role("option")).to_have_text(
            [
                "Whole meeting",
                *agenda_options(lambda spec, parent: not opened_by_hand(spec, parent)),
            ]
        )
        # The row saves as soon as it changes.
        left.select_option(label=f"Item {left_after}")
        expect(page.locator("#attendance-status")).to_have_text(
            f"{person(initials)}: present, saved."
        )

    # Every item: its heading and text, findings, actions, and the outcome of what came forward.
    for spec, parent in walk(data.OCTOBER_ITEMS):
        region = record_item(page, spec, parent)
        if spec.get("kind") == "next_meeting" or spec.get("children"):
            continue
        record_findings(region, spec, label(spec, parent))
        for count, action in enumerate(spec.get("actions", []), start=1):
            raise_action(region, label(spec, parent), action, count)
        if "reviews" in spec:
            reference, _outcome = spec["reviews"]
            record_outcome(page, region, reference)

    # Every item can be chosen as the one someone joined at or left after, each named apart.
    martin = next(row for row in october["attendance"] if row[4])
    page.reload()
    left = attendance.get_by_label(f"{person(martin[0])} left after", exact=True)
    expect(left.get_by_role("option")).to_have_text(["Whole meeting", *agenda_options()])
    expect(left.get_by_role("option", selected=True)).to_have_text(f"Item {martin[4]}")

    # The minutes read as the seed does.
    page.get_by_role("link", name="View the minutes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{SERIES} October 2017 – Meeting Notes"
    )
    table = page.locator("table.attendance")
    present = [row for row in october["attendance"] if row[3] == "present"]
    apologies = [row for row in october["attendance"] if row[3] == "apologies"]
    expect(table.locator("tbody td:first-of-type")).to_have_text(
        [person(row[0]) + ("*" if row[4] else "") for row in present + apologies]
    )
    expect(table.locator("tbody td:nth-of-type(2)")).to_have_text(
        [row[2] for row in present + apologies]
    )
    expect(table.get_by_role("rowheader", name="Attendance:", exact=True)).to_have_attribute(
        "rowspan", str(len(present))
    )
    expect(table.get_by_role("rowheader", name="Apologies:", exact=True)).to_have_attribute(
        "rowspan", str(len(apologies))
    )
    for _initials, post, _as_minuted, _presence, left_after in october["attendance"]:
        if left_after:
            expect(
                page.get_by_text(
                    f"*The {post} left the meeting after item {left_after}", exact=True
                )
            ).to_be_visible()

    findings = [
        text for spec, _parent in walk(data.OCTOBER_ITEMS) for text in spec.get("findings", [])
    ]
    expect(page.locator("ul.findings > li")).to_have_text(findings)

    actions = all_actions()
    minuted = page.locator("ul.actions-arising > li")
    expect(minuted).to_have_count(len(actions))
    summary = page.get_by_role("region", name="Summary of actions arising", exact=True)
    summary_rows = summary.get_by_role("row")
    expect(summary_rows).to_have_count(len(actions) + 1)
    for index, action in enumerate(actions):
        # References run in the order the actions were raised, as the seed's loader gives them.
        reference = f"{october['date']:%Y/%m}-{index + 1:02d}"
        expect(minuted.nth(index)).to_contain_text(action["text"])
        expect(minuted.nth(index)).to_contain_text(action.get("due_wording", ""))
        expect(minuted.nth(index)).to_contain_text(f"({reference})")
        cells = summary_rows.nth(index + 1).get_by_role("cell")
        expect(cells.nth(0)).to_have_text(reference)
        expect(cells.nth(2)).to_have_text(action["text"])
        expect(cells.nth(3)).to_have_text(" ".join(action["owners"]))
        expect(cells.nth(4)).to_contain_text(action.get("due_wording") or "Not set")
    # Each due is kept as the kind chosen, with the fields of that kind and the words minuted.
    raised = Action.objects.filter(meeting__date=october["date"]).order_by("reference")
    assert [(a.due_kind, a.due_date, a.due_meeting, a.due_wording) for a in raised] == [
        (due_kind(a), a.get("due_date"), a.get("due_meeting"), a.get("due_wording", ""))
        for a in actions
    ]

    # The ACTION column of each numbered row: its actions' owners, each once, or its note.
    for spec, parent in walk(data.OCTOBER_ITEMS):
        if parent is None or parent in data.OCTOBER_ITEMS:
            owners = [owner for action in spec.get("actions", []) for owner in action["owners"]]
            row = item_row(page, spec["number"], spec.get("heading", ""))
            expect(row.locator("td.item-owner")).to_have_text(
                " ".join(dict.fromkeys(owners)) or spec.get("action_column_note", "")
            )

    nil_returns = [
        spec["nil_return"] for spec, _parent in walk(data.OCTOBER_ITEMS) if spec.get("nil_return")
    ]
    for nil_return in set(nil_returns):
        expect(page.get_by_text(NilReturn(nil_return).label, exact=True)).to_have_count(
            nil_returns.count(nil_return)
        )
    expect(page.get_by_text("There were no actions arising.", exact=True)).to_have_count(3)
    next_meeting = (
        f"{october['next_meeting_time']:%H:%M} on {long_date(october['next_meeting_date'])}"
    )
    assert next_meeting == "10:30 on 29 November 2017"
    expect(page.get_by_text(f"DATE OF NEXT MEETING {next_meeting}", exact=True)).to_be_visible()

    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=Path(output_path) / "october-2017-minutes-recorded.png", full_page=True)


def literal(text):
    """``text`` inside a pattern; Playwright writes patterns as /.../, so "/" is escaped too."""
    return re.escape(text).replace("/", r"\/")


NOVEMBER_BROUGHT_FORWARD = [
    "2017/10-02",
    "2017/10-03",
    "2017/10-04",
    "2017/10-05",
    "2017/10-07",
    "2017/10-08",
]


def open_next_meeting(page, when):
    """Open the next meeting from the meetings list, as the OPCC would before it sits."""
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=NEW_MEETING, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_MEETING)
    page.get_by_label("Date*", exact=True).fill(when.isoformat())
    page.get_by_role("button", name="Open the meeting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Recording: {SERIES} {date_format(when, 'F Y')}"
    )
    page.wait_for_load_state()


def expect_brought_forward(page, references):
    """Item 1 holds exactly ``references``, as items 1.1, 1.2, ... in that order."""
    quoted = page.locator(".brought-forward .card-body > p:first-of-type")
    expect(quoted).to_have_text(
        [
            re.compile(rf"^Action arising from the \w+ \d{{4}} meeting \({literal(ref)}, ")
            for ref in references
        ]
    )
    for number, reference in enumerate(references, start=1):
        region = opened(page.get_by_role("region", name=re.compile(rf"^1\.{number} ")))
        expect(region.get_by_role("group", name=f"Outcome for {reference}")).to_be_visible()


def test_carry_forward_brings_forward_open_actions_and_closing_removes_them(page, live_demo, login):
    login(page, "officer")
    # October said when the next meeting would be; the form offers it.
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=NEW_MEETING, exact=True).click()
    expect(page.get_by_label("Date*", exact=True)).to_have_value(
        data.OCTOBER["next_meeting_date"].strftime("%-d %B %Y")
    )
    expect(page.get_by_label("Start time", exact=True)).to_have_value(
        f"{data.OCTOBER['next_meeting_time']:%H:%M}"
    )
    page.get_by_role("button", name="Open the meeting", exact=True).click()
    expect_message(
        page,
        f"{SERIES} November 2017 opened with its standing agenda and "
        f"{len(NOVEMBER_BROUGHT_FORWARD)} actions brought forward.",
    )
    expect_brought_forward(page, NOVEMBER_BROUGHT_FORWARD)

    # The meeting agrees 2017/10-07 complete, with the form for several at once.
    closed = "2017/10-07"
    page.get_by_text("Agree several actions brought forward closed at once", exact=True).press(
        "Enter"
    )
    tick = page.get_by_role("checkbox", name=re.compile(rf"^1\.\d+ {literal(closed)}: "))
    tick.press("Space")
    expect(tick).to_be_checked()
    page.get_by_role("button", name="Agree the ticked actions closed", exact=True).press("Enter")
    expect_message(page, f"Agreed complete and closed: {closed}.")
    number = NOVEMBER_BROUGHT_FORWARD.index(closed) + 1
    expect(
        opened(page.get_by_role("region", name=re.compile(rf"^1\.{number} "))).get_by_text(
            "Outcome: Agreed closed.", exact=True
        )
    ).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(literal(closed)))).to_have_count(0)

    # December brings forward what is still open, and not what was closed.
    open_next_meeting(page, data.D(2017, 12, 20))
    december = [ref for ref in NOVEMBER_BROUGHT_FORWARD if ref != closed]
    expect_brought_forward(page, december)
    expect(page.get_by_text(f"({closed}, ")).to_have_count(0)
    expect(page.get_by_role("region", name=re.compile(r"^1\.1 "))).to_contain_text("(2017/10-02, ")


def open_november():
    """November 2017 opened as the new-meeting form opens it: standing agenda, actions due."""
    series = MeetingSeries.objects.get(name=SERIES)
    meeting = meeting_services.open_meeting(
        series,
        date=data.OCTOBER["next_meeting_date"],
        start_time=data.OCTOBER["next_meeting_time"],
        venue=series.default_venue,
        chairs=series.ordered_chairs(),
        minute_taker=series.default_minute_taker,
    )
    bring_forward(meeting)
    return meeting


def review_card_url(reference):
    return ActionReview.objects.get(
        action__reference=reference, item__meeting__date="2017-11-29"
    ).get_absolute_url()


RECORDING_PAGES = [
    "meetings",
    "new-meeting",
    "record",
    "item-add",
    "sub-item-add",
    "item-edit",
    "attendance-add",
    "finding-edit",
    "action-raise",
    "action-edit",
    "review-invalid",
    "record-action-form",
    "record-action-error",
    "record-finding-error",
    "item-delete",
    "minutes-reopen-error",
    "history",
]


@pytest.mark.parametrize("where", RECORDING_PAGES)
def test_recording_pages_pass_axe(page, live_demo, login, assert_accessible, where):
    november = open_november()
    october = Meeting.objects.get(date=data.OCTOBER["date"])
    item_2 = november.items.get(parent=None, number="2")
    url = live_demo.url
    heading = page.get_by_role("heading", level=1)
    login(page, "officer")

    if where == "meetings":
        page.goto(f"{url}/meetings/")
        expect(heading).to_have_text("Meetings")
    elif where == "new-meeting":
        page.goto(f"{url}/meetings/")
        page.get_by_role("link", name=NEW_MEETING, exact=True).click()
        expect(heading).to_have_text(NEW_MEETING)
    elif where == "record":
        page.goto(f"{url}/meetings/{november.pk}/record/")
        expect(heading).to_have_text(f"Recording: {november.title}")
    elif where == "item-add":
        page.goto(f"{url}/meetings/{november.pk}/record/")
        page.get_by_role("link", name="Add a top-level item", exact=True).click()
        expect(heading).to_have_text("Add an item")
    elif where == "sub-item-add":
        page.goto(f"{url}/meetings/{november.pk}/items/add/?parent={item_2.pk}")
        expect(heading).to_have_text(f"Add a sub-item under 2 {item_2.heading}")
    elif where == "item-edit":
        page.goto(f"{url}/meetings/items/{item_2.pk}/edit/")
        expect(heading).to_have_text("Edit item 2")
    elif where == "attendance-add":
        page.goto(f"{url}/meetings/{november.pk}/attendance/add/")
        expect(heading).to_have_text("Add to the attendance")
    elif where == "finding-edit":
        finding = Finding.objects.create(item=item_2, text="Athena has bedded in.")
        page.goto(f"{url}/meetings/findings/{finding.pk}/edit/")
        expect(heading).to_have_text(f"Edit a finding of item 2 {item_2.heading}")
    elif where == "action-raise":
        page.goto(f"{url}/actions/items/{item_2.pk}/raise/")
        expect(heading).to_have_text("New action arising at item 2")
    elif where == "action-edit":
        action = action_services.raise_action(
            item=item_2, text="Athena benefits to be reported.", owner_posts=[]
        )
        page.goto(f"{url}/actions/{action.pk}/edit/")
        expect(heading).to_have_text(f"Edit action {action.reference}")
    elif where == "review-invalid":
        page.goto(f"{url}/meetings/{november.pk}/record/")
        page.goto(f"{url}{review_card_url('2017/10-02')}?mode=replaced")
        page.get_by_role("button", name="Save: closed and replaced for 2017/10-02").click()
        expect(heading).to_have_text("Outcome for action 2017/10-02")
        error = page.get_by_text("Write the new action that replaces it.", exact=True)
        expect(error).to_be_visible()
    elif where == "record-action-form":
        page.goto(f"{url}/meetings/{november.pk}/record/#item-{item_2.pk}")
        page.wait_for_load_state()
        page.get_by_role("link", name="Add an action to item 2", exact=True).click()
        expect(
            page.get_by_role("group", name="New action arising at item 2", exact=True)
        ).to_be_visible()
    elif where == "record-action-error":
        page.goto(f"{url}/meetings/{november.pk}/record/")
        page.wait_for_load_state()
        region = item_region(page, "2", item_2.heading)
        region.get_by_role("link", name="Add an action to item 2", exact=True).click()
        region.get_by_role("button", name="Raise the action at item 2", exact=True).click()
        expect(region.get_by_label("Action*", exact=True)).to_have_accessible_description(
            "Write the action."
        )
    elif where == "record-finding-error":
        page.goto(f"{url}/meetings/{november.pk}/record/")
        page.wait_for_load_state()
        region = item_region(page, "2", item_2.heading)
        region.get_by_role("button", name="Add finding to item 2", exact=True).click()
        expect(
            region.get_by_role("textbox", name="New finding for item 2", exact=True)
        ).to_have_accessible_description("Write the finding before adding it.")
    elif where == "item-delete":
        page.goto(f"{url}/meetings/items/{item_2.pk}/delete/")
        expect(heading).to_have_text(f"Delete item 2 {item_2.heading}?")
    elif where == "minutes-reopen-error":
        page.goto(f"{url}/meetings/{october.pk}/")
        page.get_by_text("Reopen the minutes for a correction", exact=True).click()
        page.get_by_role("button", name="Reopen", exact=True).click()
        expect(
            page.get_by_label("Why are the agreed minutes being reopened?*", exact=True)
        ).to_have_accessible_description("Say why the agreed minutes are being reopened.")
    elif where == "history":
        page.goto(f"{url}/meetings/{october.pk}/history/")
        expect(heading).to_have_text(f"Changes to the minutes of {october.title}")
    # A control just clicked is still under the pointer, mid-way through Bootstrap's hover
    # transition; axe would measure the contrast of colours no one sees for long.
    page.mouse.move(0, 0)
    page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
    assert_accessible(page)


FOCUS_INDICATOR = """async () => {
    const el = document.activeElement;
    if (el === document.body) return {element: "body", visible: false};
    if (!el.matches(":focus") && /^(date|month|time)$/.test(el.type)) {
        // Focus is on the browser's own calendar button inside the field, which the browser
        // rings itself; the page cannot see or style it.
        return {element: `${el.id} picker`, visible: true};
    }
    // Bootstrap eases its focus ring in: judge the ring once it is drawn.
    await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => null)));
    const style = getComputedStyle(el);
    const transparent = (colour) => colour === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(colour);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
        && !transparent(style.outlineColor);
    const shadow = style.boxShadow !== "none" && !/^rgba\\([^)]*,\\s*0\\)/.test(style.boxShadow);
    const name = (el.labels && el.labels.length ? el.labels[0] : el).textContent
        .trim().replace(/\\s+/g, " ").slice(0, 60);
    return {
        element: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} ${name}`,
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
        shadow: style.boxShadow,
        visible: outline || shadow,
    };
}"""


def assert_focus_visible(page):
    focus = page.evaluate(FOCUS_INDICATOR)
    assert focus["visible"], f"No visible focus indicator on {focus}"


def has_focus(locator):
    return locator.evaluate("(el) => el === document.activeElement")


def tab_to(page, target, *, limit=250):
    """Press Tab until ``target`` has focus, checking that every stop on the way shows where
    the focus is. Returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if has_focus(target):
            return presses
    raise AssertionError(f"{target} not reached in {limit} presses of Tab")


def test_the_whole_recording_journey_works_by_keyboard(page, live_demo, login):
    november = open_november()
    item = november.items.get(parent=None, number="2")
    number, heading = item.number, item.heading
    finding = "Athena is now stable; the backlog of crime records has been cleared."
    action = "The Athena benefits realisation report to be shared with the PCC's office."
    # Bootstrap then draws focus rings at once rather than easing them in over 150ms a stop.
    page.emulate_media(reduced_motion="reduce")
    login(page, "officer")
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.wait_for_load_state()
    region = item_region(page, number, heading)

    # A finding for item 2: the focus stays on the button once the list is swapped.
    textbox = region.get_by_role("textbox", name=f"New finding for item {number}", exact=True)
    tab_to(page, textbox)
    page.keyboard.type(finding)
    add_finding = region.get_by_role("button", name=f"Add finding to item {number}")
    assert tab_to(page, add_finding) == 1
    page.keyboard.press("Enter")
    expect(region.locator(".finding-text")).to_have_text([finding])
    expect(add_finding).to_be_focused()
    assert_focus_visible(page)

    # An action arising for the DCC: the form takes the focus when it opens.
    tab_to(page, region.get_by_role("link", name=f"Add an action to item {number}"))
    page.keyboard.press("Enter")
    form = region.get_by_role("group", name=f"New action arising at item {number}", exact=True)
    expect(form).to_be_focused()
    assert_focus_visible(page)
    assert tab_to(page, form.get_by_label("Action*", exact=True)) == 1
    page.keyboard.type(action)
    dcc = form.get_by_role("checkbox", name=capacity("DCC"), exact=True)
    tab_to(page, dcc)
    page.keyboard.press("Space")
    expect(dcc).to_be_checked()
    tab_to(page, form.get_by_role("button", name=f"Raise the action at item {number}"))
    page.keyboard.press("Enter")
    raised = region.locator("ul.record-actions > li")
    expect(raised).to_have_count(1)
    expect(raised).to_contain_text(action)
    expect(raised).to_contain_text("DCC")
    # Ready for the next one.
    expect(region.get_by_role("link", name=f"Add an action to item {number}")).to_be_focused()
    assert_focus_visible(page)


def test_leaving_a_form_with_unsaved_typing_warns(page, live_demo, login):
    login(page, "officer")
    page.goto(f"{live_demo.url}/meetings/")
    page.get_by_role("link", name="New Monthly Assurance Meeting", exact=True).click()
    page.get_by_label("Venue", exact=True).fill("Typed but not saved")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Action log", exact=True).click()
    expect(page.get_by_label("Venue", exact=True)).to_have_value("Typed but not saved")
    assert dialogs == ["beforeunload"]
    # Saving is leaving on purpose: no warning then.
    page.remove_listener("dialog", stay)
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    # The date is proposed: 29 November 2017, announced at October's meeting.
    page.get_by_role("button", name="Open the meeting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Recording: Monthly Assurance Meeting November 2017"
    )
    assert dialogs == ["beforeunload"]
