"""The Commissioner's dashboard in Chromium: decisions first, agreed from the top of the page;
no sideways scrolling on a phone; axe with zero violations."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from actions import services
from actions.models import Action, Status

FIRST, SECOND = "2017/10-05", "2017/10-06"
NOTE = "Done and shared with the PCC's office."
EMPTY_SELECTION = "Tick at least one action."


@pytest.fixture
def two_marked_complete(live_demo):
    dcc = get_user_model().objects.get(username="dcc")
    actions = [Action.objects.get(reference=reference) for reference in (FIRST, SECOND)]
    for action in actions:
        services.mark_complete(action, note=NOTE, by=dcc)
    return actions


def test_the_commissioner_agrees_two_closures_from_the_top_of_the_dashboard(
    page, live_demo, login, assert_accessible, two_marked_complete
):
    login(page, "commissioner")
    expect(page).to_have_url(f"{live_demo.url}/dashboard/")
    main = page.get_by_role("main")
    # Decisions come first: the first heading after the page's own.
    expect(main.get_by_role("heading", level=2).first).to_have_text(
        "Decisions awaiting the Commissioner"
    )
    expect(main.get_by_role("heading", level=3).first).to_have_text(
        "Actions marked complete, awaiting agreement of closure (2)"
    )

    # Nothing ticked: the error is shown at the top of the form and focus moves to it.
    page.get_by_role("button", name="Agree closure", exact=True).click()
    expect(page).to_have_title("Error: Dashboard · Holding to account")
    summary = page.locator("#review-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_text(re.compile(rf"^\s*There is a problem\s+{EMPTY_SELECTION}\s*$"))
    expect(summary.get_by_role("link", name=EMPTY_SELECTION, exact=True)).to_have_attribute(
        "href", f"#review-{two_marked_complete[0].pk}"
    )
    # The error sits above the table, and each box is described by it.
    box_top = summary.bounding_box()["y"]
    table_top = page.get_by_role("table", name="Actions marked complete by their owners")
    assert box_top < table_top.bounding_box()["y"]
    for reference in (FIRST, SECOND):
        expect(
            page.get_by_label(f"Select action {reference}", exact=True)
        ).to_have_accessible_description(f"Error: {EMPTY_SELECTION}")
    assert_accessible(page)

    # The link in the summary takes the user to the first box; both are ticked and agreed.
    summary.get_by_role("link", name=EMPTY_SELECTION, exact=True).click()
    expect(page.get_by_label(f"Select action {FIRST}", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_label(f"Select action {SECOND}", exact=True).check()
    page.get_by_role("button", name="Agree closure", exact=True).press("Enter")

    expect(page).to_have_url(f"{live_demo.url}/dashboard/")
    expect(page.get_by_role("status")).to_have_text(f"Closure agreed: {FIRST}, {SECOND}.")
    expect(
        page.get_by_text("No action is awaiting agreement of closure.", exact=True)
    ).to_be_visible()
    assert [a.status for a in Action.objects.filter(reference__in=[FIRST, SECOND])] == [
        Status.CLOSED,
        Status.CLOSED,
    ]
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("username", ["commissioner", "officer"])
def test_the_dashboard_reflows_without_sideways_scrolling(
    page, live_demo, login, assert_accessible, two_marked_complete, username, width
):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, username)
    page.goto(f"{live_demo.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A table becomes stacked rows: a cell sits under the one before it, not beside it.
    row = page.get_by_role("table", name="Actions marked complete by their owners").locator(
        "tbody tr"
    )
    reference, text = row.first.locator("td").nth(1), row.first.locator("td").nth(2)
    assert (
        text.bounding_box()["y"]
        >= reference.bounding_box()["y"] + reference.bounding_box()["height"] - 1
    )
    assert_accessible(page)


@pytest.mark.parametrize("username", ["commissioner", "officer"])
def test_the_dashboard_passes_axe_on_a_wide_screen(
    page, live_demo, login, assert_accessible, two_marked_complete, username
):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, username)
    page.goto(f"{live_demo.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_accessible(page)
