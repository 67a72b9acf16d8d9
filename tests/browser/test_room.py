"""The meeting room's screen in Chromium: the officer minutes in one browser, the room (and
an attendee on a phone) watch in another, and what is saved shows on the screen without a
reload; the version as the force sees it never shows a restricted item."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser.test_keyboard_meeting import toggle
from tests.browser.test_workspace import open_november
from tests.room.test_room import nightjar

# The screen must show a save within this, without a reload (the three seconds).
WITHIN_MS = 3000


@pytest.fixture
def room_page(browser, browser_context_args, live_demo, login):
    """A second browser, as the room's screen is: its own cookies, signed in as the chair."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    login(page, "commissioner")
    yield page
    context.close()


def test_the_room_sees_an_action_raised_on_the_record_page_within_three_seconds(
    page, room_page, live_demo, login, assert_accessible
):
    november = open_november()
    secret = nightjar(november)
    item = november.items.get(number="2", parent=None)

    login(page, "officer")
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    toggle(page, item).click()

    room = room_page
    loads = []
    room.goto(f"{live_demo.url}/room/meetings/{november.pk}/?view=full")
    room.on("load", lambda _page: loads.append(room.url))
    heading = room.get_by_role("heading", level=2).first
    expect(heading).to_have_text(item.numbered_title, timeout=WITHIN_MS)
    # The force's version, opened beside it: what the room sees with the force in it.
    force = room.context.new_page()
    force_loads = []
    force.goto(f"{live_demo.url}/room/meetings/{november.pk}/?view=force")
    force.on("load", lambda _page: force_loads.append(force.url))

    # The officer raises an action at item 2 on the record page.
    region = page.locator(f"#item-{item.pk}")
    region.get_by_role("link", name=f"Add an action to item {item.label}", exact=True).click()
    form = page.get_by_role("group", name=f"New action arising at item {item.label}", exact=True)
    form.locator("textarea").first.fill("Brief the PCC on the Athena go-live.")
    form.get_by_role("checkbox", name="Deputy Chief Constable (DCC)", exact=True).check()
    form.get_by_role("button", name=f"Raise the action at item {item.label}").click()
    expect(region.locator("ul.record-actions > li")).to_contain_text(
        "Brief the PCC on the Athena go-live."
    )
    reference = Action.objects.get(text="Brief the PCC on the Athena go-live.").reference

    shown = room.locator(".room-actions > li")
    expect(shown).to_have_count(1, timeout=WITHIN_MS)
    expect(shown.locator(".room-action-text")).to_have_text("Brief the PCC on the Athena go-live.")
    expect(shown.locator("dd")).to_have_text(["DCC", "Not set", reference])
    expect(force.locator(".room-actions > li .room-action-text")).to_have_text(
        "Brief the PCC on the Athena go-live.", timeout=WITHIN_MS
    )

    # The chair agrees it as shown: the screen says so.
    region.get_by_role("button", name=re.compile(r"^Agreed in the room")).click()
    expect(region.get_by_text("Agreed in the room", exact=True)).to_be_visible()
    expect(shown.locator(".room-agreed")).to_contain_text(
        "Agreed in the room at ", timeout=WITHIN_MS
    )

    # The officer opens the restricted item: the full screen shows it, the force's never does.
    toggle(page, secret).click()
    expect(room.get_by_role("heading", level=2).first).to_have_text(
        "8 Operation Nightjar", timeout=WITHIN_MS
    )
    expect(room.get_by_text("Two suspects identified.")).to_be_visible()
    expect(force.get_by_role("heading", level=2).first).to_have_text("Item 8", timeout=WITHIN_MS)
    expect(force.locator("main")).to_contain_text("This item is not shown in this view.")
    for text in ("Nightjar", "suspects", "Live investigation"):
        expect(force.locator("body")).not_to_contain_text(text)
    assert (loads, force_loads) == ([], [])
    assert_accessible(room)
    assert_accessible(force)

    # On a phone at 320 px the screen reflows: nothing scrolls sideways.
    force.set_viewport_size({"width": 320, "height": 640})
    assert force.evaluate("document.documentElement.scrollWidth") <= 320
