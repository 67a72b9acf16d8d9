"""The action tracker in Chromium: the DCC completes an action and the Commissioner closes it,
and every page of the tracker checked by axe for each role that may see it."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from actions import services
from actions.models import Action

REFERENCE = "2017/10-05"
ACTION_TEXT = "The Athena update brief to be shared with the PCC's office."
RAISED_AT = "Monthly Assurance Meeting October 2017"
UPDATE_ON = "2017-11-20"
UPDATE_TEXT = "The Athena brief has been drafted and is with the Head of ICT for review."
COMPLETION_NOTE = "The Athena update brief was emailed to the PCC's chief executive on 20 November."
MY_ACTIONS = "Actions owned by my posts or by me: open first, then awaiting agreement of closure"
TIME = r"\d{2}:\d{2}"
ONE_ACTION = "1 action. Download what is shown: CSV, Excel (XLSX)."


def action_row(table, reference):
    """The row of an action table whose reference link reads ``reference``."""
    return table.get_by_role("row").filter(
        has=table.page.get_by_role("link", name=reference, exact=True)
    )


def trail_entry(on_date, heading, text, *, recorded, by=None, meeting=None):
    """A pattern for the whole of one line of an action's trail; only the minute it was
    recorded is left open. Playwright does not normalise whitespace for a pattern."""
    words = f"{on_date} · {heading} {text} Recorded {recorded} {TIME}"
    if by:
        words += f" by {by}"
    if meeting:
        words += f" · {meeting}"
    parts = [part if part == TIME else re.escape(part) for part in words.split()]
    return re.compile(r"^\s*" + r"\s+".join(parts) + r"\s*$")


def sign_out(page):
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_dcc_completes_an_action_and_the_commissioner_closes_it(
    page, live_demo, login, output_path
):
    action = Action.objects.get(reference=REFERENCE)
    today = date_format(timezone.localdate(), "j F Y")

    # The DCC reports progress and marks the action complete.
    login(page, "dcc")
    expect(page).to_have_url(f"{live_demo.url}/actions/mine/")
    mine = page.get_by_role("table", name=MY_ACTIONS)
    row = action_row(mine, REFERENCE)
    expect(row.get_by_role("cell")).to_have_text(
        [REFERENCE, ACTION_TEXT, "DCC", f"{RAISED_AT}, item 2", "Not set", "None yet", "Open"]
    )
    row.get_by_role("link", name=REFERENCE, exact=True).press("Enter")

    expect(page).to_have_url(f"{live_demo.url}/actions/{action.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Action {REFERENCE}")
    # crispy-forms marks required fields with an asterisk, which is part of the label.
    page.get_by_label("Date of the update*", exact=True).fill(UPDATE_ON)
    page.get_by_label("Progress update*", exact=True).fill(UPDATE_TEXT)
    page.get_by_role("button", name="Add update", exact=True).press("Enter")
    expect(page.get_by_role("status")).to_have_text(f"Update added to action {REFERENCE}.")
    # The focus is on what was saved, not back at the top of the page (issue 26).
    expect(page.get_by_role("status")).to_be_focused()

    page.get_by_label("Completion note*", exact=True).fill(COMPLETION_NOTE)
    page.get_by_role("button", name="Mark complete", exact=True).press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        f"Action {REFERENCE} marked complete. The Commissioner will agree its closure."
    )
    expect(page.get_by_role("status")).to_be_focused()
    expect(page.get_by_role("button", name="Mark complete")).to_have_count(0)
    sign_out(page)

    # The Commissioner agrees its closure from the dashboard.
    login(page, "commissioner")
    expect(page).to_have_url(f"{live_demo.url}/dashboard/")
    awaiting = page.get_by_role("table", name="Actions marked complete by their owners")
    expect(action_row(awaiting, REFERENCE).get_by_role("cell")).to_have_text(
        [f"Select action {REFERENCE}", REFERENCE, ACTION_TEXT, "DCC", today, COMPLETION_NOTE]
    )
    tick = page.get_by_label(f"Select action {REFERENCE}", exact=True)
    tick.press("Space")
    expect(tick).to_be_checked()
    page.get_by_role("button", name="Agree closure", exact=True).press("Enter")

    expect(page).to_have_url(f"{live_demo.url}/dashboard/")
    expect(page.get_by_role("status")).to_have_text(f"Closure agreed: {REFERENCE}.")
    expect(
        page.get_by_text("No action is awaiting agreement of closure.", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=REFERENCE, exact=True)).to_have_count(
        0
    )

    # The action log, filtered to closed actions, shows it Closed.
    page.get_by_role("link", name="Action log", exact=True).click()
    page.get_by_label("Status", exact=True).select_option(label="Closed")
    page.get_by_label("Search reference and text", exact=True).fill("Athena")
    page.get_by_label("Search reference and text", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]status=closed(&|$)"))
    expect(page.get_by_role("status")).to_have_text(ONE_ACTION)
    log = page.get_by_role("table", name="Actions matching the filters")
    expect(log.get_by_role("row")).to_have_count(2)
    expect(action_row(log, REFERENCE).get_by_role("cell")).to_have_text(
        [
            REFERENCE,
            ACTION_TEXT,
            "DCC",
            f"{RAISED_AT}, item 2",
            "Not set",
            f"20 November 2017: {UPDATE_TEXT}",
            "Closed",
        ]
    )

    # Its page shows the whole trail, in order.
    action_row(log, REFERENCE).get_by_role("link", name=REFERENCE, exact=True).click()
    expect(page).to_have_url(f"{live_demo.url}/actions/{action.pk}/")
    # The owner post names who held it when the action was raised and who holds it now.
    expect(page.get_by_role("term")).to_have_text(
        ["Action", "Owner", "DCC", "Raised at", "Due", "Status"]
    )
    expect(page.get_by_role("definition")).to_have_text(
        [
            ACTION_TEXT,
            "DCC",
            "Held by Amanda Blakeman when raised and now",
            f"{RAISED_AT}, item 2",
            "Not set",
            "Closed",
        ]
    )
    expect(page.get_by_role("list", name="Trail").get_by_role("listitem")).to_have_text(
        [
            trail_entry(
                "31 October 2017",
                "Raised",
                f"Raised at the {RAISED_AT} meeting, item 2.",
                recorded=today,
                meeting=RAISED_AT,
            ),
            trail_entry(
                "20 November 2017",
                "Progress update",
                UPDATE_TEXT,
                recorded=today,
                by="Amanda Blakeman",
            ),
            trail_entry(
                today,
                "Status change: Open to Completed, awaiting agreement",
                COMPLETION_NOTE,
                recorded=today,
                by="Amanda Blakeman",
            ),
            trail_entry(
                today,
                "Status change: Completed, awaiting agreement to Closed",
                "Closure agreed.",
                recorded=today,
                by="John Campion",
            ),
        ]
    )

    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=Path(output_path) / "action-2017-10-05-closed.png", full_page=True)


PAGES = [
    pytest.param("commissioner", "dashboard", id="dashboard-commissioner"),
    pytest.param("officer", "dashboard", id="dashboard-officer"),
    pytest.param("commissioner", "log", id="log-commissioner"),
    pytest.param("officer", "log", id="log-officer"),
    pytest.param("dcc", "log", id="log-dcc"),
    pytest.param("commissioner", "log-filtered", id="log-filtered-commissioner"),
    pytest.param("dcc", "mine", id="mine-dcc"),
    pytest.param("officer", "mine", id="mine-officer"),
    pytest.param("dcc", "action", id="action-dcc"),
    pytest.param("commissioner", "action", id="action-commissioner"),
    pytest.param("dcc", "calendar", id="calendar-dcc"),
    pytest.param("commissioner", "dashboard-reopen-failed", id="dashboard-reopen-failed"),
    pytest.param("dcc", "action-update-failed", id="action-update-failed-dcc"),
]


@pytest.mark.parametrize(("username", "where"), PAGES)
def test_action_pages_pass_axe(page, live_demo, login, assert_accessible, username, where):
    action = Action.objects.get(reference=REFERENCE)
    if where == "dashboard-reopen-failed":
        # Something must await agreement for the review form to be shown.
        dcc = get_user_model().objects.get(username="dcc")
        services.mark_complete(action, note=COMPLETION_NOTE, by=dcc)
    login(page, username)
    heading = page.get_by_role("heading", level=1)
    if where in ("dashboard", "dashboard-reopen-failed"):
        page.goto(f"{live_demo.url}/dashboard/")
        expect(heading).to_have_text("Dashboard")
    elif where == "log":
        page.goto(f"{live_demo.url}/actions/")
        expect(heading).to_have_text("Action log")
    elif where == "log-filtered":
        page.goto(f"{live_demo.url}/actions/?status=open&q=Athena")
        expect(page.get_by_role("status")).to_have_text(ONE_ACTION)
    elif where == "mine":
        page.goto(f"{live_demo.url}/actions/mine/")
        expect(heading).to_have_text("My actions")
    elif where == "calendar":
        page.goto(f"{live_demo.url}/actions/calendar/")
        expect(heading).to_have_text("My calendar")
    else:
        page.goto(f"{live_demo.url}/actions/{action.pk}/")
        expect(heading).to_have_text(f"Action {REFERENCE}")

    if where == "dashboard-reopen-failed":
        page.get_by_label(f"Select action {REFERENCE}", exact=True).check()
        page.get_by_role("button", name="Reopen", exact=True).click()
        expect(
            page.get_by_label("Reason for reopening", exact=True)
        ).to_have_accessible_description(
            "Needed only to reopen. Say why the actions are being reopened."
        )
        expect(page.get_by_label(f"Select action {REFERENCE}", exact=True)).to_be_checked()
    elif where == "action-update-failed":
        page.get_by_role("button", name="Add update", exact=True).click()
        expect(page.get_by_label("Progress update*", exact=True)).to_have_accessible_description(
            "Enter the progress update."
        )
    assert_accessible(page)


def test_the_update_form_offers_today_in_the_browser(page, live_demo, login):
    action = Action.objects.get(reference=REFERENCE)
    login(page, "dcc")
    page.goto(f"{live_demo.url}/actions/{action.pk}/")
    expect(page.get_by_label("Date of the update*", exact=True)).to_have_value(
        timezone.localdate().strftime("%-d %B %Y"), timeout=1000
    )
