"""Review cards in Chromium: the officer records the outcomes of three actions brought forward
in their cards (one closed and replaced by a new action typed in the card), changes one, and
the Commissioner agrees the minutes, which show only the final outcomes."""

import re

from playwright.sync_api import expect

from actions.models import ActionReview
from tests.browser.test_record import (
    DCC,
    NOVEMBER,
    TELFORD_ANALYSIS,
    TELFORD_PLAN,
    add_present,
    agree_minutes,
    check_accessible,
    expect_message,
    item_region,
    literal,
    minutes_row,
    open_next_meeting,
    review_card,
)

CSP_ANALYSIS = "2017/10-04"
REPLACEMENT = "2017/11-01"
REPLACEMENT_TEXT = "The CSP analyst review to be published with the partners' comments."
OTHERS = ["2017/10-05", "2017/10-07", "2017/10-08"]


def outcome_of(card):
    return card.get_by_text(re.compile(r"^Outcome: "))


def test_outcomes_recorded_changed_and_agreed_in_the_cards(
    page, new_context, live_demo, login, assert_accessible
):
    officer = page
    commissioner = new_context().new_page()
    login(officer, "officer")
    login(commissioner, "commissioner")
    open_next_meeting(officer, proposed="2017-11-29")
    expect_message(
        officer, f"{NOVEMBER} opened with its standing agenda and 6 actions brought forward."
    )
    add_present(officer, "John Campion")

    # Agreed closed: one button, the card swapped in place and the result announced.
    analysis = review_card(officer, TELFORD_ANALYSIS)
    analysis.get_by_label("Update given at the meeting", exact=True).fill("Shared on 20 November.")
    analysis.get_by_role("button", name=f"Agreed closed for {TELFORD_ANALYSIS}", exact=True).click()
    expect(outcome_of(analysis)).to_have_text("Outcome: Agreed closed.")
    expect(officer.locator(f"#{analysis.get_attribute('id')}-live")).to_have_text(
        f"Outcome for {TELFORD_ANALYSIS} recorded: agreed complete and closed."
    )
    expect(analysis).to_be_focused()

    # Carried forward, the update typed before choosing kept.
    plan = review_card(officer, TELFORD_PLAN)
    plan.get_by_label("Update given at the meeting", exact=True).fill("Plan in draft.")
    plan.get_by_role("button", name=f"Carried forward… for {TELFORD_PLAN}", exact=True).click()
    expect(plan.get_by_label("Update given at the meeting", exact=True)).to_have_value(
        "Plan in draft."
    )
    plan.get_by_label("Or the meeting in", exact=True).fill("2018-01")
    plan.get_by_role("button", name=f"Save: carried forward for {TELFORD_PLAN}").click()
    expect(outcome_of(plan)).to_have_text("Outcome: Carried forward to the January 2018 meeting.")

    # Closed and replaced: the new action typed in the card; an error first, nothing lost.
    csp = review_card(officer, CSP_ANALYSIS)
    csp.get_by_role("button", name=f"Closed and replaced… for {CSP_ANALYSIS}", exact=True).click()
    csp.get_by_label("The new action", exact=True).fill(REPLACEMENT_TEXT)
    csp.get_by_role("radio", name=re.compile(r"^Open-ended")).check()
    csp.get_by_role("button", name=f"Save: closed and replaced for {CSP_ANALYSIS}").click()
    expect(
        csp.get_by_text(re.compile(r"^Say how the minutes word an open-ended due"))
    ).to_be_visible()
    expect(csp.get_by_label("The new action", exact=True)).to_have_value(REPLACEMENT_TEXT)
    csp.get_by_role("radio", name="By a date", exact=True).check()
    csp.get_by_label("Due by", exact=True).fill("2018-02-28")
    csp.get_by_role("checkbox", name=DCC, exact=True).check()
    csp.get_by_role("button", name=f"Save: closed and replaced for {CSP_ANALYSIS}").click()
    expect(outcome_of(csp)).to_have_text(
        f"Outcome: Closed and replaced by action {REPLACEMENT} (DCC), due 28 February 2018."
    )
    assert_accessible(officer)

    # Reloading shows the cards as recorded; then the plan's outcome is changed.
    officer.reload()
    plan = review_card(officer, TELFORD_PLAN)
    plan.get_by_role("link", name=f"Change outcome for {TELFORD_PLAN}", exact=True).click()
    plan.get_by_role("button", name=f"Agreed closed for {TELFORD_PLAN}", exact=True).click()
    expect(outcome_of(plan)).to_have_text("Outcome: Agreed closed.")

    # The rest agreed closed at once, then the Commissioner agrees the minutes.
    officer.get_by_text("Agree several actions brought forward closed at once", exact=True).click()
    for reference in OTHERS:
        officer.get_by_role("checkbox", name=re.compile(rf"^1\.\d+ {literal(reference)}: ")).check()
    officer.get_by_role("button", name="Agree the ticked actions closed", exact=True).click()
    expect_message(officer, f"Agreed complete and closed: {', '.join(OTHERS)}.")
    agree_minutes(commissioner, NOVEMBER)

    expect(minutes_row(commissioner, "1.1").locator("td.item-body > p").last).to_have_text(
        "Agreed closed."
    )
    plan_row = minutes_row(commissioner, "1.2").locator("td.item-body")
    expect(plan_row.locator("> p").last).to_have_text("Agreed closed.")
    expect(plan_row).to_contain_text("Update: Plan in draft.")
    expect(plan_row).not_to_contain_text("Carried forward")
    expect(minutes_row(commissioner, "1.3").locator("td.item-body > *")).to_have_text(
        [
            f"Action arising from the October 2017 meeting ({CSP_ANALYSIS}):",
            re.compile(r"."),
            re.compile(r"."),
            f"Closed and replaced by action {REPLACEMENT} (DCC), due 28 February 2018.",
            "Actions arising:",
            f"{REPLACEMENT_TEXT} ({REPLACEMENT})",
        ]
    )
    expect(commissioner.locator(".actions-summary tbody tr").get_by_role("cell")).to_have_text(
        [REPLACEMENT, "1.3", REPLACEMENT_TEXT, "DCC", "By 28 February 2018"]
    )

    # Agreed: the card is fixed; asking to change it goes to the minutes with the reason.
    review = ActionReview.objects.get(
        action__reference=TELFORD_PLAN, item__meeting__date="2017-11-29"
    )
    officer.goto(f"{live_demo.url}{review.get_absolute_url()}?mode=choose")
    expect_message(
        officer,
        re.compile(
            r"The minutes are agreed and locked\. They were agreed on \d{1,2} [A-Z][a-z]+ \d{4} "
            r"at \d{2}:\d{2} by John Campion; reopen them, saying why, to make a correction\."
        ),
    )
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"{NOVEMBER} – Meeting Notes")


def test_past_the_full_cards_an_item_brought_forward_opens_from_its_line(
    page, live_demo, login, monkeypatch, assert_accessible
):
    from meetings import workspace

    monkeypatch.setattr(workspace, "FULL_CARDS", 2)
    login(page, "officer")
    open_next_meeting(page, proposed="2017-11-29")
    expect_message(
        page, f"{NOVEMBER} opened with its standing agenda and 6 actions brought forward."
    )
    expect(page.locator(".review-card")).to_have_count(2)
    lines = page.locator(".record-item-line")
    expect(lines).to_have_count(4)
    line = lines.nth(1)
    line_id = line.get_attribute("id")
    label = re.search(r"^([\d.]+) ", line.locator("h3").inner_text()).group(1)
    opened_line = item_region(page, label)
    opened_line.get_by_role(
        "link", name=re.compile(rf"^Open item {literal(label)} to record")
    ).click()

    # The item comes in whole, in place, open and with the focus on its heading.
    item = page.locator(f"#{line_id}")
    expect(item.locator(".review-card")).to_have_count(1)
    expect(item).not_to_have_class(re.compile("record-item-line"))
    expect(item.locator(".item-toggle")).to_be_focused()
    expect(item.locator(".item-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".record-item-line")).to_have_count(3)
    card = item.locator(".review-card")
    card.get_by_role("button", name=re.compile("^Agreed closed for ")).click()
    expect(outcome_of(card)).to_have_text("Outcome: Agreed closed.")
    check_accessible(page, assert_accessible)
