"""The record page keeps up with the officer during the meeting, in Chromium: on November
2017 an item's "No items were raised" and a new heading are saved in place, and the item's
heading and the navigator read the new words and counts (a finding added, an outcome
recorded) with no page loaded again, the focus kept on the control used and each save read
out politely."""

from playwright.sync_api import expect

from actions.models import ActionReview
from meetings.models import AgendaItem
from tests.browser.test_workspace import Keyboard, open_november

NEW_HEADING = "Athena and the crime recording backlog"
FINDING = "The backlog of crime records has been cleared."
ACTION = "The Athena benefits realisation report to be shared with the PCC's office."


def test_a_nil_return_and_a_heading_are_recorded_in_place_and_the_navigator_keeps_up(
    page, live_demo, login, assert_accessible
):
    november = open_november()
    item = november.items.get(parent=None, number="2")
    login(page, "officer")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.wait_for_load_state()
    loads = []
    page.on("load", lambda _page: loads.append(page.url))
    # Gone if the page were loaded again, whatever the URL.
    page.evaluate("window.recordPageNotReloaded = true")

    navigator = page.get_by_role("navigation", name="Items")
    entry = navigator.locator(f'[data-item-link="item-{item.pk}"]')
    expect(entry).to_have_text(f"2 {item.heading}: 0 findings, 0 actions")
    entry.click()
    toggle = page.locator(f"#item-{item.pk}-heading").get_by_role("button")
    expect(toggle).to_be_focused()
    # By keyboard from the item's heading, counted for the closing note (the Edit item page
    # took 2 page loads and some 25 presses of Tab).
    keyboard = Keyboard(page)
    section = page.locator(f"#item-{item.pk}")
    keyboard.tab_to(section.locator("details.item-head-edit > summary"))
    keyboard.press("Enter")
    keyboard.press("Tab")
    expect(section.get_by_label("Heading of item 2", exact=True)).to_be_focused()
    keyboard.press("Control+A")
    keyboard.type(NEW_HEADING)
    keyboard.press("Tab")
    nil_return = section.get_by_label("Nothing to record at item 2", exact=True)
    expect(nil_return).to_be_focused()
    keyboard.press("ArrowDown", 2)  # Not said, no actions arising, no items raised
    expect(nil_return).to_have_value("no_items_raised")
    save = section.get_by_role(
        "button", name="Save the heading and nothing to record at item 2", exact=True
    )
    keyboard.press("Tab")
    keyboard.press("Enter")

    status = page.locator("#workspace-status")
    expect(status).to_have_text(f"Item 2 saved: 2 {NEW_HEADING}. No items were raised.")
    expect(entry).to_have_text(f"2 {NEW_HEADING}: 0 findings, 0 actions")
    expect(toggle).to_have_text(f"2 {NEW_HEADING}")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#item-{item.pk}-nil")).to_have_text("No items were raised.")
    expect(save).to_be_focused()
    print(
        f"\nA heading and 'No items were raised' recorded in place: {len(loads)} page loads, "
        f"{keyboard.presses - len(NEW_HEADING)} key presses besides the heading typed"
    )
    saved = AgendaItem.objects.get(pk=item.pk)
    assert (saved.heading, saved.nil_return, saved.version) == (
        NEW_HEADING,
        "no_items_raised",
        2,
    )

    # Saved again from the form as swapped back: its version moved with the save.
    section.get_by_label("Nothing to record at item 2", exact=True).select_option(label="Not said")
    save.click()
    expect(status).to_have_text(f"Item 2 saved: 2 {NEW_HEADING}.")
    expect(page.locator(f"#item-{item.pk}-nil")).to_have_text("")
    expect(page.locator(f"#item-{item.pk}-nil")).to_be_hidden()

    # A finding added: the counts in the item's heading and the navigator follow.
    section.get_by_label("New finding for item 2", exact=True).fill(FINDING)
    add = section.get_by_role("button", name="Add finding to item 2", exact=True)
    add.click()
    expect(status).to_have_text("Finding added to item 2.")
    expect(entry).to_have_text(f"2 {NEW_HEADING}: 1 finding, 0 actions")
    expect(page.locator(f"#item-{item.pk}-state")).to_have_text("1 finding, 0 actions")
    expect(add).to_be_focused()

    # An action raised with Enter in its due's text box: the form goes, and the focus goes to
    # the item's "Add an action" rather than to the top of the page.
    section.get_by_role("link", name="Add an action to item 2", exact=True).click()
    form = section.get_by_role("group", name="New action arising at item 2", exact=True)
    form.locator("textarea").first.fill(ACTION)
    form.get_by_role("checkbox", name="Deputy Chief Constable (DCC)", exact=True).check()
    form.get_by_role("radio", name="By a date", exact=True).check()
    form.get_by_label("Due by", exact=True).fill("20 December 2017")
    form.get_by_label("Due by", exact=True).press("Enter")
    expect(status).to_have_text("Action 2017/11-01 raised at item 2.")
    expect(entry).to_have_text(f"2 {NEW_HEADING}: 1 finding, 1 action")
    expect(section.get_by_role("link", name="Add an action to item 2", exact=True)).to_be_focused()

    # An outcome recorded in a card: "outcome to decide" goes at once.
    review = ActionReview.objects.select_related("action", "item").get(
        item__meeting=november, action__reference="2017/10-04"
    )
    reviewed = navigator.locator(f'[data-item-link="item-{review.item_id}"]')
    expect(reviewed).to_contain_text("outcome to decide, 0 findings, 0 actions")
    reviewed.click()
    page.get_by_role("button", name="Agreed closed for 2017/10-04", exact=True).click()
    expect(reviewed).to_contain_text("outcome decided, 0 findings, 0 actions")
    expect(page.locator(f"#item-{review.item_id}-state")).to_have_text(
        "outcome decided, 0 findings, 0 actions"
    )

    assert loads == []
    assert page.evaluate("window.recordPageNotReloaded") is True

    # Without script (form.submit() sends no event for htmx), a heading left empty comes back
    # as a page of its own with the error summary first and focused.
    with page.expect_navigation():
        page.evaluate(
            """(id) => {
                const form = document.getElementById(id);
                form.elements.heading.value = "";
                form.submit();
            }""",
            f"item-{item.pk}-head-form",
        )
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary a")).to_have_text("Enter the item's heading.")
    expect(page.get_by_label("Heading of item 2", exact=True)).to_have_value("")
    assert_accessible(page)
    assert AgendaItem.objects.get(pk=item.pk).heading == NEW_HEADING
