"""The recording workspace in Chromium: the officer records November 2017's attendance and
items with the keyboard alone, through the attendance table, the item navigator and the
shortcuts; the page loads and key presses are counted for the closing note, and the record
page of a new meeting is measured (height and focusable controls)."""

import re

import pytest
from playwright.sync_api import expect

from actions.reviews import bring_forward
from demo import data
from meetings import services as meeting_services
from meetings.models import MeetingSeries, UsualAttendee
from people.models import Person, Post

SERIES = data.SERIES["name"]

# What a keyboard can reach: visible, enabled, not taken out of the tab order.
FOCUSABLE = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )).filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
    && !el.closest('[hidden], details:not([open]) > :not(summary)')).length"""


def open_november(*, usual=False):
    """November 2017 opened with its standing agenda and the actions due; with ``usual``, the
    series first gets October's attendance as its usual attendees, none yet recorded."""
    series = MeetingSeries.objects.get(name=SERIES)
    if usual:
        for position, (initials, post, capacity, _presence, _left) in enumerate(
            data.OCTOBER["attendance"]
        ):
            UsualAttendee.objects.create(
                series=series,
                person=Person.objects.get(initials=initials),
                post=Post.objects.get(abbreviation=post),
                capacity=capacity,
                position=position,
            )
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


# The cells whose text a line break cuts inside a word: a word's letters on two lines.
BROKEN_WORDS = """(table) => Array.from(table.querySelectorAll("td, th")).flatMap((cell) => {
    const broken = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (range.getClientRects().length > 1) broken.push(match[0]);
      }
    }
    return broken;
  })"""


class Keyboard:
    """The page's keyboard, counting the presses."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.presses += len(text)

    def tab_to(self, target, limit=300):
        for presses in range(1, limit + 1):
            self.press("Tab")
            if target.evaluate("(el) => el === document.activeElement"):
                return presses
        raise AssertionError(f"{target} not reached in {limit} presses of Tab")


def test_the_attendance_rows_buttons_keep_their_words_whole_at_1280_px(page, live_demo, login):
    november = open_november()
    for initials, _post, capacity, _presence, _left in data.OCTOBER["attendance"]:
        november.attendances.create(
            person=Person.objects.get(initials=initials), capacity=capacity, presence="present"
        )
    login(page, "officer")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    buttons = page.locator(".attendance-table .record-tools .btn")
    expect(buttons.first).to_be_visible()
    # One line each: as high as a one-line small button, whatever the words.
    heights = buttons.evaluate_all("(all) => all.map((b) => b.getClientRects()[0].height)")
    # Save, each row's only button: "Capacity and times" sits under the capacity it changes.
    assert len(heights) == len(data.OCTOBER["attendance"])
    assert max(heights) < 40, heights
    # The table has room: it does not scroll sideways, each presence label is on one line,
    # and no cell breaks a word ("Commissi-oner" in a 79 px Capacity column).
    table = page.locator(".attendance-table")
    assert table.evaluate("(t) => t.parentElement.scrollWidth - t.parentElement.clientWidth") == 0
    lines = page.locator(".presence-choice label").evaluate_all(
        "(all) => all.map((label) => label.getClientRects().length)"
    )
    assert lines == [1] * 3 * len(data.OCTOBER["attendance"])
    assert table.evaluate(BROKEN_WORDS) == []
    # The navigator is a column beside the main one, at its top, and stays in view as the
    # page scrolls.
    navigator, main = page.locator(".item-navigator"), page.locator(".workspace-main")
    nav_box, main_box = navigator.bounding_box(), main.bounding_box()
    assert nav_box["x"] + nav_box["width"] < main_box["x"]
    assert nav_box["y"] == main_box["y"]
    page.evaluate("window.scrollTo(0, 1500)")
    assert 0 <= navigator.bounding_box()["y"] < 20


def test_the_record_page_of_a_new_meeting_is_short_and_item_4_is_near(page, live_demo, login):
    november = open_november()
    login(page, "officer")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.wait_for_load_state()
    height = page.evaluate("document.documentElement.scrollHeight")
    focusable = page.evaluate(FOCUSABLE)
    item_4 = november.items.get(parent=None, number="4")
    keyboard = Keyboard(page)
    page.locator("body").focus()
    to_item_4 = keyboard.tab_to(page.locator(f'[data-item-link="item-{item_4.pk}"]'))
    print(
        f"\nRecord page of a new meeting: {height} px high, {focusable} focusable controls, "
        f"{to_item_4} presses of Tab to item 4's link in the navigator"
    )
    assert height < 3000
    assert focusable < 120
    page.keyboard.press("Enter")
    toggle = page.get_by_role("button", name=f"4 {item_4.heading}", exact=True)
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}])
def test_the_officer_records_attendance_and_items_with_the_keyboard_only(
    page, live_demo, login, viewport
):
    november = open_november(usual=True)
    login(page, "officer")
    page.set_viewport_size(viewport)
    loads = []
    page.on("load", lambda _page: loads.append(page.url))
    keyboard = Keyboard(page)
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.wait_for_load_state()

    # The attendance: everyone expected is in the table, each row saved as it changes.
    status = page.locator("#attendance-status")
    page.locator("body").focus()
    first = data.OCTOBER["attendance"][0]
    first_person = Person.objects.get(initials=first[0])
    keyboard.tab_to(page.locator(f"#id_person-{first_person.pk}-presence_2"))
    for initials, _post, _capacity, presence, left_after in data.OCTOBER["attendance"]:
        who = Person.objects.get(initials=initials)
        # From "Absent": one step left is apologies, two is present.
        keyboard.press("ArrowLeft", 2 if presence == "present" else 1)
        expect(status).to_have_text(f"{who.name}: {presence}, saved.")
        keyboard.press("Tab", 3)  # reason, joined at, left after
        left = page.get_by_label(f"{who.name} left after", exact=True)
        expect(left).to_be_focused()
        if left_after:
            # The status already reads "present, saved": wait for this save's answer.
            with page.expect_response(lambda r: r.request.method == "POST"):
                keyboard.type(f"Item {left_after}")
            expect(status).to_have_text(f"{who.name}: present, saved.")
        keyboard.press("Tab", 2)  # the row's Save button, then the next row
    recorded = list(
        november.attendances.order_by("position").values_list(
            "person__initials", "presence", "left_after_item__number"
        )
    )
    assert recorded == [(i, p, left) for i, _post, _cap, p, left in data.OCTOBER["attendance"]]

    # Item 2 through the navigator: a finding and an action with the shortcuts.
    keyboard.press("Alt+Shift+N")
    first_item = november.items.get(parent=None, number="1")
    expect(page.get_by_role("button", name=f"1 {first_item.heading}", exact=True)).to_be_focused()
    keyboard.press("Alt+Shift+I")
    item_2 = november.items.get(parent=None, number="2")
    keyboard.tab_to(page.locator(f'[data-item-link="item-{item_2.pk}"]'))
    keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"2 {item_2.heading}", exact=True)).to_be_focused()
    finding = "Athena is now stable; the backlog of crime records has been cleared."
    keyboard.press("Alt+Shift+F")
    textbox = page.get_by_role("textbox", name="New finding for item 2", exact=True)
    expect(textbox).to_be_focused()
    keyboard.type(finding)
    keyboard.press("Tab")
    keyboard.press("Enter")
    region = page.locator(f"#item-{item_2.pk}")
    expect(region.locator(".finding-text")).to_have_text([finding])

    action = "The Athena benefits realisation report to be shared with the PCC's office."
    keyboard.press("Alt+Shift+A")
    form = page.get_by_role("group", name="New action arising at item 2", exact=True)
    expect(form).to_be_focused()
    keyboard.press("Tab")
    keyboard.type(action)
    keyboard.tab_to(form.get_by_role("checkbox", name="Deputy Chief Constable (DCC)"))
    keyboard.press("Space")
    keyboard.tab_to(form.get_by_role("button", name="Raise the action at item 2"))
    keyboard.press("Enter")
    expect(region.locator("ul.record-actions > li")).to_contain_text(action)

    # The next item with a shortcut, and a finding there.
    keyboard.press("Alt+Shift+N")
    item_3 = november.items.get(parent=None, number="3")
    expect(page.get_by_role("button", name=f"3 {item_3.heading}", exact=True)).to_be_focused()
    expect(region.locator(".findings-block")).to_be_hidden()  # one item open at a time
    keyboard.press("Alt+Shift+F")
    keyboard.type("Nothing new on the chief officers' meeting.")
    keyboard.press("Tab")
    keyboard.press("Enter")
    expect(page.locator(f"#item-{item_3.pk} .finding-text")).to_have_text(
        ["Nothing new on the chief officers' meeting."]
    )
    assert list(item_2.findings.values_list("text", flat=True)) == [finding]
    assert list(item_2.actions.values_list("text", flat=True)) == [action]
    print(
        f"\nKeyboard-only recording of November's attendance ({len(recorded)} people) and "
        f"items 2 and 3: {len(loads)} page load(s), {keyboard.presses} key presses"
    )
    assert len(loads) == 1


def test_text_typed_in_an_item_that_folds_away_is_flagged_until_saved_or_emptied(
    page, live_demo, login
):
    """Issue 26: items fold so that one is open at a time, and text typed in one that folded
    was kept but out of sight. Its heading and navigator entry now say "unsaved text", the
    fold is said politely, and the flag goes when the text is saved or emptied."""
    november = open_november()
    two, three = (november.items.get(parent=None, number=n) for n in ["2", "3"])
    login(page, "officer")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/#item-{two.pk}")
    toggles = {
        item.number: page.locator(f"#item-{item.pk}-heading").get_by_role("button")
        for item in [two, three]
    }
    entry = page.locator(f'[data-item-link="item-{two.pk}"]')
    box = page.get_by_role("textbox", name="New finding for item 2", exact=True)
    status = page.locator("#workspace-status")
    expect(toggles["2"]).to_have_attribute("aria-expanded", "true")
    box.focus()
    page.keyboard.type("The backlog of crime records")

    page.keyboard.press("Alt+Shift+N")
    expect(toggles["3"]).to_be_focused()
    expect(toggles["2"]).to_have_attribute("aria-expanded", "false")
    expect(toggles["2"]).to_have_accessible_name(
        re.compile(rf"^2 {re.escape(two.heading)}\s*, unsaved text$")
    )
    expect(entry.locator(".unsaved-flag")).to_have_text(", unsaved text")
    expect(status).to_have_text(f"Item 2 {two.heading} folded away with unsaved text.")
    # Item 3 folds with nothing typed in it: no flag.
    page.keyboard.press("Alt+Shift+P")
    expect(toggles["2"]).to_be_focused()
    expect(toggles["3"].locator(".unsaved-flag")).to_have_count(0)
    # Still unsaved while open again; emptied, the flag goes from both places.
    expect(toggles["2"].locator(".unsaved-flag")).to_have_count(1)
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(toggles["2"].locator(".unsaved-flag")).to_have_count(0)
    expect(entry.locator(".unsaved-flag")).to_have_count(0)

    # Typed again and folded away, then saved: the flag goes with the text.
    page.keyboard.type("The backlog of crime records has been cleared.")
    page.keyboard.press("Alt+Shift+N")
    expect(entry.locator(".unsaved-flag")).to_have_count(1)
    page.keyboard.press("Alt+Shift+P")
    box.focus()
    page.keyboard.press("Tab")  # the item's "Add finding" button
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{two.pk} .finding-text")).to_have_text(
        ["The backlog of crime records has been cleared."]
    )
    expect(entry.locator(".unsaved-flag")).to_have_count(0)
    expect(toggles["2"].locator(".unsaved-flag")).to_have_count(0)
