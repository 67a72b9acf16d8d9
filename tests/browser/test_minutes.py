"""The October 2017 minutes, read in Chromium, and every page of this stage checked by axe."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

OCTOBER = "Monthly Assurance Meeting October 2017"


def open_october_minutes(page, live_server):
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name=OCTOBER, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{OCTOBER} – Meeting Notes")


def item_row(page, number):
    """The row of the minutes table whose number column reads ``number``."""
    return page.locator("table.minutes-items > tbody > tr").filter(
        has=page.get_by_role("rowheader", name=number, exact=True)
    )


def test_commissioner_reads_the_october_minutes(page, live_demo, login, output_path):
    login(page, "commissioner")
    open_october_minutes(page, live_demo)

    expect(page).to_have_title(f"{OCTOBER} · Holding to account")
    expect(page.get_by_text("Tuesday 31 October 2017 @ 10:30", exact=True)).to_be_visible()

    attendance = page.locator("table.attendance")
    expect(attendance.locator("tbody td:first-of-type")).to_have_text(
        [
            "John Campion",
            "Tracey Onslow",
            "Amanda Blakeman",
            "Martin Evans*",
            "Louise Wall",
            "Anthony Bangham",
            "Andy Champness",
        ]
    )
    # The first five were present and the last two sent apologies.
    expect(attendance.get_by_role("rowheader", name="Attendance:", exact=True)).to_have_attribute(
        "rowspan", "5"
    )
    apologies = attendance.get_by_role("rowheader", name="Apologies:", exact=True)
    expect(apologies).to_have_attribute("rowspan", "2")
    expect(
        attendance.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name="Apologies:", exact=True)
        )
    ).to_contain_text("Anthony Bangham")
    expect(page.get_by_text("*The ACC left the meeting after item 1.2", exact=True)).to_be_visible()

    expect(
        item_row(page, "1.1").get_by_text(
            "All complaints are now being recorded within three days and where possible "
            "finalised within ten.",
        )
    ).to_be_visible()
    expect(item_row(page, "4").locator("ul.actions-arising > li")).to_have_text(
        ["DCC to share briefing with PCC's office By end January 2018 (2017/10-06)"]
    )
    expect(item_row(page, "4").locator("td.item-owner")).to_have_text("DCC")
    expect(page.get_by_text("There were no actions arising.", exact=True)).to_have_count(3)
    expect(item_row(page, "6").locator(".item-heading")).to_have_text(
        "DATE OF NEXT MEETING 10:30 on 29 November 2017"
    )
    expect(item_row(page, "6").locator("td.item-owner")).to_have_text("ALL")

    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=Path(output_path) / "october-2017-minutes.png", full_page=True)


PAGES = [
    pytest.param(None, "login", id="login-anonymous"),
    pytest.param(None, "login-failed", id="login-failed-anonymous"),
    pytest.param("commissioner", "meetings", id="meetings-commissioner"),
    pytest.param("commissioner", "minutes", id="minutes-commissioner"),
    pytest.param("officer", "meetings", id="meetings-officer"),
    pytest.param("officer", "minutes", id="minutes-officer"),
    pytest.param("dcc", "meetings", id="meetings-dcc"),
    pytest.param("dcc", "minutes", id="minutes-dcc"),
]


@pytest.mark.parametrize(("username", "where"), PAGES)
def test_pages_pass_axe(page, live_demo, login, assert_accessible, username, where):
    if username:
        login(page, username)
    if where == "login":
        page.goto(f"{live_demo.url}/accounts/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    elif where == "login-failed":
        page.goto(f"{live_demo.url}/accounts/login/")
        page.locator("#id_username").fill("commissioner")
        page.locator("#id_password").fill("not-the-password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        summary = page.get_by_role("alert", name="There is a problem", exact=True)
        expect(summary.get_by_role("link")).to_have_text(
            re.compile(r"^Please enter a correct username and password\.")
        )
        expect(summary).to_be_focused()
    elif where == "meetings":
        page.goto(f"{live_demo.url}/meetings/")
        expect(page.get_by_role("link", name=OCTOBER, exact=True)).to_be_visible()
    else:
        open_october_minutes(page, live_demo)
    assert_accessible(page)
