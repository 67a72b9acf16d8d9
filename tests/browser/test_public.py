"""An anonymous visitor browses the published minutes: no sign-in, axe finds nothing, and at
320 CSS pixels wide nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from meetings.services import set_minutes_status

OCTOBER = "Monthly Assurance Meeting October 2017"
SENSITIVE = "Operationally sensitive"


@pytest.fixture
def published(live_demo):
    october = Meeting.objects.get(date="2017-10-31")
    set_minutes_status(october, "draft", by=None, reason="Item 2 is sensitive.")
    item = october.items.get(number="2", parent=None)
    item.restricted, item.restriction_reason = True, SENSITIVE
    item.save()
    set_minutes_status(october, "agreed", by=None)
    set_minutes_status(october, "published", by=None)
    return live_demo


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url


def test_an_anonymous_visitor_browses_the_published_minutes(browser, published, assert_accessible):
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{published.url}/public/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Published minutes")
        expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
        assert_accessible(page)
        assert_no_sideways_scroll(page)

        page.get_by_role("link", name="2017", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Monthly Assurance Meeting: minutes of 2017"
        )
        assert_accessible(page)
        assert_no_sideways_scroll(page)

        page.get_by_role("link", name=OCTOBER, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{OCTOBER} – Meeting Notes")
        expect(
            page.get_by_text(
                f"This item is withheld from this version of the minutes. Reason: {SENSITIVE}"
            )
        ).to_be_visible()
        expect(page.get_by_text("Athena")).to_have_count(0)
        # The skip link is the first stop of the keyboard, and leads to the content.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        assert_accessible(page)
        assert_no_sideways_scroll(page)

        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Published minutes"
        ).click()
        page.get_by_role("link", name="Actions arising from the Monthly Assurance Meeting").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Actions arising from the Monthly Assurance Meeting"
        )
        expect(page.locator("table.public-actions tbody tr")).to_have_count(7)
        assert_accessible(page)
        assert_no_sideways_scroll(page)
        assert context.cookies() == []
    finally:
        context.close()
