"""The Commissioner's verdict and decisions at an item, in Chromium: the officer records an
assurance statement and a decision in the workspace (a mistake is told beside its field and
nothing typed is lost), the Commissioner confirms the statement, and the minutes print both.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.browser.test_record import item_region
from tests.meetings.test_record import open_next

pytestmark = pytest.mark.browser

NARRATIVE = "the force has a plan for burglary outcomes but no measure of it yet."
DECISION = "The DCC's burglary briefing comes to the January meeting."


@pytest.fixture
def november(live_demo):
    return open_next(Meeting.objects.get(date="2017-10-31"), datetime.date(2017, 11, 29))


def test_an_assurance_statement_and_a_decision_reach_the_minutes(
    page, browser, live_demo, login, november
):
    login(page, "officer")
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    item = item_region(page, "4")

    # No level chosen: told beside the level, and the narrative typed is still there.
    narrative = item.get_by_label(re.compile(r"^Because"))
    narrative.fill(NARRATIVE)
    item.get_by_role("button", name="Save assurance of item 4").click()
    level = item.get_by_label("Level of assurance for item 4")
    expect(level).to_have_attribute("aria-invalid", "true")
    expect(item.locator("#" + level.get_attribute("aria-describedby"))).to_have_text(
        "Choose how assured the Commissioner was."
    )
    expect(item.get_by_label(re.compile(r"^Because"))).to_have_value(NARRATIVE)

    level.select_option(label="Partially assured")
    item.get_by_role("button", name="Save assurance of item 4").click()
    expect(item.locator(".assurance-block p").first).to_have_text(
        re.compile(rf"^Assurance: Partially assured: {re.escape(NARRATIVE)}\s+Awaiting")
    )

    # An empty decision is refused beside the field; then one decided by the chair.
    add = item.get_by_role("button", name="Add decision at item 4")
    add.click()
    text = item.get_by_label("New decision at item 4")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(item.locator("#" + text.get_attribute("aria-describedby"))).to_have_text(
        "Write what was decided."
    )
    text.fill(DECISION)
    item.get_by_role("button", name="Add decision at item 4").click()
    expect(item.locator(".record-decisions li")).to_have_text(
        re.compile(rf"^{re.escape(DECISION)} \(decided by the chair\) \(D2017/01\)")
    )

    # The Commissioner confirms the statement from the meeting's page.
    commissioner = browser.new_context(base_url=live_demo.url).new_page()
    login(commissioner, "commissioner")
    commissioner.goto(f"{live_demo.url}/meetings/{november.pk}/")
    commissioner.get_by_role("button", name="Confirm the assurance statement of item 4").click()
    expect(commissioner.get_by_role("status")).to_have_text(
        "Assurance statement of item 4 confirmed."
    )
    minutes = commissioner.locator(".minutes").inner_text()
    assert f"Partially assured: {NARRATIVE}" in minutes
    assert f"{DECISION} (decided by the chair) (D2017/01)" in minutes
    commissioner.context.close()

    # The officer's workspace shows the statement confirmed.
    page.reload()
    expect(item_region(page, "4").locator(".assurance-block .badge")).to_have_text(
        "Confirmed by the Commissioner"
    )
