"""Search in the browser: reached from the navigation, a labelled field, results that pass axe."""

import re

from playwright.sync_api import expect


def test_the_dcc_searches_from_the_navigation_and_the_results_pass_axe(
    live_demo, live_server, page, login, assert_accessible
):
    login(page, "dcc")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(page).to_have_url(f"{live_server.url}/search/")
    assert_accessible(page)
    field = page.get_by_role("textbox", name=re.compile("^Search minutes and actions"))
    field.fill("domestic violence")
    page.get_by_role("button", name="Search", exact=True).click()
    count = page.get_by_role("heading", level=2, name=re.compile("for “domestic violence”"))
    expect(count).to_be_visible()
    results = page.locator(".search-result")
    assert results.count() >= 1
    expect(results.first.locator("mark").first).to_have_text(re.compile("domestic", re.I))
    assert_accessible(page)
    field.fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Enter a word to search for.").first).to_be_visible()
    assert_accessible(page)
