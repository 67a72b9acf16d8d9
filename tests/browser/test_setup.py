"""Setting up without a superuser, in Chromium.

An installation holds the October 2017 Monthly Assurance Meeting but no login at all. Its
first login is made the way a real installation makes it (``create_first_login``), and from
then on the OPCC's policy officer does everything in the browser: a person and a post in the
directory, a second series (the Joint Audit Committee, co-chaired, minuted by the force), a
login with a role for the force's minute-taker, and the committee's first meeting, where an
action is left to be allocated and another is open-ended.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from demo.management.commands.load_demo import load_demo
from people.models import Person
from tests.browser.test_record import opened

PASSWORD = "Hindlip-audit-2017"
JI_LOGIN = "jackie.irvin@westmercia.pnn.police.uk"
RH_LOGIN = "rachel.hartley@westmercia.pnn.police.uk"
JAC = "Joint Audit Committee"
MEETING = f"{JAC} December 2017"
HCG = "Head of Corporate Governance (HCG)"
DCC = "Deputy Chief Constable (DCC)"
RH_CAPACITY = "Head of Corporate Governance, West Mercia Police"
OVERTIME = "Internal audit of overtime payments"
TBA_TEXT = "An officer to be named to lead the response to the overtime audit."
OPEN_TEXT = "The overtime audit's progress to be reported to every meeting."
# (name, post, capacity as minuted), in the order a meeting proposes them.
USUAL_ATTENDEES = [
    ("John Campion", "PCC", "Police and Crime Commissioner (PCC)"),
    ("Anthony Bangham", "CC", "Chief Constable (CC)"),
    ("Amanda Blakeman", "DCC", DCC),
    ("Andy Champness", "", "Chief Executive, OPCC"),
]
# (number, heading, brings forward actions)
STANDING_AGENDA = [
    ("1", "ACTIONS BROUGHT FORWARD", True),
    ("2", "INTERNAL AUDIT PROGRESS", False),
    ("3", "ANY OTHER BUSINESS", False),
]


def nav(page, name):
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def expect_message(page, text):
    expect(page.get_by_role("status")).to_have_text(text)
    page.wait_for_load_state()


def check_accessible(page, assert_accessible):
    # Not mid-way through Bootstrap's hover transition of the control just clicked.
    page.mouse.move(0, 0)
    page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
    assert_accessible(page)


def cells(table):
    """The text of each cell of each row of the body of ``table``."""
    return table.locator("tbody > tr").evaluate_all(
        "rows => rows.map((row) => [...row.cells].map((cell) => cell.innerText.trim()))"
    )


def attendance_rows(table):
    """Each row of the record page's attendance table: name, capacity, the presence chosen and
    the reason given."""
    return table.locator("tbody > tr").evaluate_all(
        """rows => rows.map((row) => {
            const chosen = row.querySelector("input[type=radio]:checked");
            const reason = row.querySelector("input[name$=reason]");
            return [
                row.cells[0].innerText.trim(),
                // The capacity, without the link that changes it.
                row.cells[1].querySelector(".attendance-capacity").innerText.trim(),
                chosen ? row.querySelector(`label[for="${chosen.id}"]`).innerText.trim() : "",
                reason ? reason.value : "",
            ];
        })"""
    )


def new_rows(page):
    return page.get_by_role("group", name="New row", exact=True)


def pk_of(initials):
    return str(Person.objects.get(initials=initials).pk)


def choose_password(page, link, username, live_server):
    """Follow an emailed or printed set-password link and choose the password."""
    assert link.startswith(f"{live_server.url}/accounts/reset/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a password")
    expect(page.get_by_text(f"Signing in as {username}.", exact=True)).to_be_visible()
    page.get_by_label("New password*", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Save the password", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")
    page.get_by_role("link", name="Sign in", exact=True).click()


def sign_in(page, username):
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Sign out")


def item_region(page, number):
    return opened(page.get_by_role("region", name=re.compile(rf"^{re.escape(number)} ")))


def raise_action(region, number, text, *, owner=None, open_ended=None):
    region.get_by_role("link", name=f"Add an action to item {number}", exact=True).click()
    form = region.get_by_role("group", name=f"New action arising at item {number}", exact=True)
    form.get_by_label("Action*", exact=True).fill(text)
    if owner:
        form.get_by_role("checkbox", name=owner, exact=True).check()
    if open_ended:
        form.get_by_role("radio", name=re.compile("^Open-ended")).check()
        form.get_by_label("Due as minuted", exact=True).fill(open_ended)
    form.get_by_role("button", name=f"Raise the action at item {number}", exact=True).click()
    expect(form).to_have_count(0)


@pytest.fixture
def fresh_install(transactional_db, live_server):
    """The October 2017 minutes, as an OPCC would bring them over, and no login at all.

    The demo's logins go: a real installation has none, and ``create_first_login`` rightly
    refuses while someone can already give logins.
    """
    load_demo()
    get_user_model().objects.all().delete()
    return live_server


def test_an_opcc_sets_up_a_second_series_without_a_superuser(
    fresh_install, page, browser, assert_accessible
):
    live_server = fresh_install
    page.set_default_timeout(10_000)
    users = get_user_model().objects
    assert not users.exists()

    # The first login, as a new installation makes it: a command prints a link.
    out = io.StringIO()
    call_command(
        "create_first_login",
        email="Jackie.Irvin@westmercia.pnn.police.uk",
        name="Jackie Irvin",
        initials="JI",
        site_url=live_server.url,
        stdout=out,
    )
    printed = out.getvalue().splitlines()
    assert printed[:2] == [
        "Created the login jackie.irvin@westmercia.pnn.police.uk for Jackie Irvin.",
        "Open this link to choose the password (it works once, for 3 days):",
    ]
    choose_password(page, printed[2], JI_LOGIN, live_server)
    sign_in(page, JI_LOGIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert not users.filter(is_superuser=True).exists()

    # 1. The directory: the force's head of governance, and her post from 1 November 2017.
    nav(page, "Directory")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory")
    check_accessible(page, assert_accessible)
    page.get_by_role("link", name="Add a person", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    check_accessible(page, assert_accessible)
    page.get_by_label("Name*", exact=True).fill("Rachel Hartley")
    page.get_by_label("Initials*", exact=True).fill("RH")
    page.get_by_label("Job title", exact=True).fill("Head of Corporate Governance")
    page.get_by_label("Organisation*", exact=True).select_option(label="Force")
    page.get_by_label("Email", exact=True).fill(RH_LOGIN)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "Rachel Hartley (RH) added to the directory.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rachel Hartley (RH)")
    check_accessible(page, assert_accessible)

    nav(page, "Directory")
    page.get_by_role("link", name="Posts", exact=True).click()
    check_accessible(page, assert_accessible)
    page.get_by_role("link", name="Add a post", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a post")
    page.get_by_label("Abbreviation*", exact=True).fill("HCG")
    page.get_by_label("Title*", exact=True).fill("Head of Corporate Governance")
    page.get_by_label("Organisation*", exact=True).select_option(label="Force")
    page.get_by_label("Seniority*", exact=True).fill("80")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "Post HCG added. Give it a holder with “Change holder”.")
    expect(page.get_by_role("heading", level=1)).to_have_text(HCG)
    page.get_by_role("link", name="Change holder", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change the holder of {HCG}")
    check_accessible(page, assert_accessible)
    page.get_by_label("New holder", exact=True).select_option(label="Rachel Hartley (RH)")
    page.get_by_label("From*", exact=True).fill("2017-11-01")
    page.get_by_role("button", name="Change holder", exact=True).click()
    expect_message(page, "Rachel Hartley holds the post HCG from 1 November 2017.")
    assert cells(page.get_by_role("table", name="Who held HCG, newest first")) == [
        ["Rachel Hartley (RH)", "1 November 2017", "Now"]
    ]
    check_accessible(page, assert_accessible)

    # 2. The series, co-chaired, minuted by the force, numbering its actions "J2017/01".
    nav(page, "Series")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting series")
    check_accessible(page, assert_accessible)
    page.get_by_role("link", name="New series", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting series")
    check_accessible(page, assert_accessible)
    page.get_by_label("Name*", exact=True).fill(JAC)
    page.get_by_label("Short name*", exact=True).fill("JAC")
    page.get_by_label("Chair", exact=True).select_option(label="John Campion")
    page.get_by_label("Co-chair", exact=True).select_option(label="Anthony Bangham")
    page.get_by_label("Minute-taker", exact=True).select_option(label="Rachel Hartley")
    page.get_by_label("Minute-taker's capacity", exact=True).fill(RH_CAPACITY)
    page.get_by_label("Venue", exact=True).fill("Conference Room 2 – Hindlip")
    page.get_by_label("Usual start time", exact=True).fill("14:00")
    page.get_by_label("Rhythm", exact=True).fill("Quarterly")
    page.get_by_label("Reference scheme*", exact=True).select_option(
        label="Year/number running through the year, as 2019/07"
    )
    page.get_by_label("Reference prefix", exact=True).fill("J")
    page.get_by_role("button", name="Create the series", exact=True).click()
    expect_message(page, f"{JAC} created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{JAC} (JAC)")
    expect(page.locator("main dl")).to_have_text(
        re.compile(
            r"^\s*Co-chairs\s*John Campion and Anthony Bangham\s*"
            rf"Minute-taker\s*Rachel Hartley, {re.escape(RH_CAPACITY)}\s*"
            r"Venue\s*Conference Room 2 – Hindlip\s*Usual start time\s*14:00\s*"
            r"Rhythm\s*Quarterly\s*Action references\s*"
            r"Year/number running through the year, as 2019/07, after the letter “J”\s*$"
        )
    )

    page.get_by_role("link", name="Edit usual attendees", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Usual attendees of {JAC}")
    check_accessible(page, assert_accessible)
    for row, (name, post) in zip(
        new_rows(page).all(),
        [("John Campion", "PCC"), ("Anthony Bangham", "CC"), ("Amanda Blakeman", "DCC")],
        strict=True,
    ):
        row.get_by_label("Person*", exact=True).select_option(label=name)
        row.get_by_label("Attends as (post)", exact=True).select_option(label=post)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, f"The usual attendees of {JAC} saved.")
    # Three rows at a time: the fourth after saving the first three.
    page.get_by_role("link", name="Edit usual attendees", exact=True).click()
    row = new_rows(page).first
    row.get_by_label("Person*", exact=True).select_option(label="Andy Champness")
    row.get_by_label("Capacity", exact=True).fill("Chief Executive, OPCC")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, f"The usual attendees of {JAC} saved.")
    assert cells(page.locator("main table").first) == [list(row) for row in USUAL_ATTENDEES]

    page.get_by_role("link", name="Edit standing agenda", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Standing agenda of {JAC}")
    check_accessible(page, assert_accessible)
    for row, (number, heading, brings_forward) in zip(
        new_rows(page).all(), STANDING_AGENDA, strict=True
    ):
        row.get_by_label("Number*", exact=True).fill(number)
        row.get_by_label("Heading*", exact=True).fill(heading)
        row.get_by_label("Kind*", exact=True).select_option(label="Item")
        row.get_by_label("Brings forward actions", exact=True).set_checked(brings_forward)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, f"The standing agenda of {JAC} saved.")
    assert cells(page.locator("main table").nth(1)) == [
        [number, heading, "Item", "Yes" if brings else "No"]
        for number, heading, brings in STANDING_AGENDA
    ]
    check_accessible(page, assert_accessible)
    series_url = page.url

    # 3. A login for the minute-taker, as a force officer.
    nav(page, "Logins")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logins")
    check_accessible(page, assert_accessible)
    page.get_by_role("link", name="Give someone a login", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give someone a login")
    check_accessible(page, assert_accessible)
    page.get_by_label("Person in the directory", exact=True).select_option(label="Rachel Hartley")
    page.get_by_role("radio", name="Force officer", exact=True).check()
    mail.outbox.clear()
    page.get_by_role("button", name="Send the invitation", exact=True).click()
    expect_message(
        page,
        f"Rachel Hartley has a login as Force officer; an invitation to choose a password was "
        f"emailed to {RH_LOGIN}.",
    )
    check_accessible(page, assert_accessible)
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert (invitation.to, invitation.subject) == (
        [RH_LOGIN],
        "Your login to the holding to account tracker",
    )
    assert invitation.body.startswith(
        "Dear Rachel Hartley,\n\nJackie Irvin has given you a login to the holding to account "
        "tracker of the Office of the Police and Crime Commissioner, as Force officer.\n"
    )
    link = re.search(rf"^{re.escape(live_server.url)}/\S+$", invitation.body, re.MULTILINE)
    rachels_browser = browser.new_context(bypass_csp=True)
    rachel = rachels_browser.new_page()
    rachel.set_default_timeout(10_000)
    choose_password(rachel, link.group(0), RH_LOGIN, live_server)
    sign_in(rachel, RH_LOGIN)
    nav(rachel, "My actions")
    expect(rachel.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(rachel.locator("main")).to_contain_text("You have no outstanding actions.")

    # 4. The committee's first meeting: the usual attendees proposed as present.
    page.goto(series_url)
    page.get_by_role("link", name="Open the next meeting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New {JAC}")
    check_accessible(page, assert_accessible)
    expect(page.get_by_label("Chair", exact=True)).to_have_value(pk_of("JC"))
    page.get_by_label("Date*", exact=True).fill("2017-12-12")
    attendees = page.get_by_role(
        "group", name="Usual attendees: present unless you say otherwise", exact=True
    )
    for name, _post, capacity in USUAL_ATTENDEES:
        expect(
            attendees.get_by_role("group", name=f"{name}, {capacity}*", exact=True).get_by_role(
                "radio", name="Present", exact=True
            )
        ).to_be_checked()
    attendees.get_by_role("group", name=f"Amanda Blakeman, {DCC}*", exact=True).get_by_role(
        "radio", name="Apologies", exact=True
    ).check()
    attendees.get_by_label("Reason for Amanda Blakeman's apologies", exact=True).fill(
        "On annual leave"
    )
    page.get_by_role("button", name="Open the meeting", exact=True).click()
    expect_message(
        page,
        f"{MEETING} opened with its standing agenda and 0 actions brought forward.",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Recording: {MEETING}")

    # 5. An item, an action left to be allocated and an open-ended one.
    item_region(page, "2").get_by_role("link", name="Add sub-item under 2", exact=True).click()
    page.get_by_label("Number*", exact=True).fill("2.1")
    page.get_by_label("Heading*", exact=True).fill(OVERTIME)
    page.get_by_role("button", name="Save item", exact=True).click()
    expect_message(page, "Item 2.1 added.")
    region = item_region(page, "2.1")
    raise_action(region, "2.1", TBA_TEXT)
    raise_action(region, "2.1", OPEN_TEXT, owner=HCG, open_ended="until the review ends")
    expect(region.locator("ul.record-actions > li")).to_have_count(2)
    # Nothing of the Monthly Assurance Meeting's was brought forward into item 1.
    expect(
        item_region(page, "1").get_by_role("group", name=re.compile("^Outcome for"))
    ).to_have_count(0)
    attendance = page.get_by_role("region", name="Attendance", exact=True)
    assert attendance_rows(attendance.locator("table")) == [
        ["John Campion", "Police and Crime Commissioner (PCC)", "Present", ""],
        ["Anthony Bangham", "Chief Constable (CC)", "Present", ""],
        ["Amanda Blakeman", DCC, "Apologies", "On annual leave"],
        ["Andy Champness", "Chief Executive, OPCC", "Present", ""],
    ]

    page.get_by_role("link", name="View the minutes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MEETING} – Meeting Notes")
    facts = page.locator("header.minutes-header dl.minutes-facts")
    assert facts.locator("dt").all_inner_texts() == ["Date:", "Co-chairs:", "Minutes:", "Venue"]
    assert facts.locator("dd").all_inner_texts() == [
        "Tuesday 12 December 2017 @ 14:00",
        "John Campion and Anthony Bangham",
        f"Rachel Hartley, {RH_CAPACITY}",
        "Conference Room 2 – Hindlip",
    ]
    assert cells(page.locator("table.attendance")) == [
        ["Attendance:", "John Campion", "Police and Crime Commissioner (PCC)"],
        ["Anthony Bangham", "Chief Constable (CC)"],
        ["Andy Champness", "Chief Executive, OPCC"],
        ["Apologies:", "Amanda Blakeman", f"{DCC} – On annual leave"],
    ]
    items = page.locator("table.minutes-items > tbody > tr")
    assert [row[0] for row in cells(page.locator("table.minutes-items"))] == ["1", "2", "2.1", "3"]
    assert cells(page.locator("table.minutes-items"))[0][2] == ""  # nothing brought forward
    overtime = items.nth(2)
    expect(overtime.locator("td").first.get_by_role("listitem")).to_have_text(
        [f"{TBA_TEXT} (J2017/01)", f"{OPEN_TEXT[:-1]} until the review ends. (J2017/02)"]
    )
    owner_cell = overtime.locator("td").nth(1)
    expect(owner_cell).to_have_text("TBA HCG")
    # Each owner leads to its meaning in the glossary.
    expect(owner_cell.get_by_role("link", name="TBA", exact=True)).to_have_attribute(
        "href", "#initials-TBA"
    )
    summary = page.get_by_role("region", name="Summary of actions arising", exact=True)
    assert cells(summary.locator("table")) == [
        ["J2017/01", "2.1", TBA_TEXT, "TBA", "Not set"],
        ["J2017/02", "2.1", OPEN_TEXT, "HCG", "until the review ends"],
    ]
    glossary = page.get_by_role("region", name="Initials used in these minutes", exact=True)
    assert glossary.locator("dt").all_inner_texts() == ["HCG", "TBA"]
    assert glossary.locator("dd").all_inner_texts() == [
        "Head of Corporate Governance: Rachel Hartley",
        "To be allocated: no owner was given at the meeting",
    ]

    # The dashboard flags the action to be allocated; the open-ended one is never overdue.
    nav(page, "Dashboard")
    expect(page.locator("#unowned")).to_have_text(
        "1 outstanding action with no owner yet: the minutes left it “to be allocated” (TBA in "
        "the ACTION column). See the action to be allocated, and reassign each to give it an "
        "owner."
    )
    tiles = page.locator(".dashboard-tiles .dashboard-tile-label")
    assert tiles.all_inner_texts()[:3] == [
        "outstanding",
        "overdue",
        "to be allocated (no owner yet)",
    ]
    # The open-ended action is outstanding and never overdue: 10 outstanding, 3 overdue.
    counts = page.locator(".dashboard-tiles .dashboard-tile-count")
    assert counts.all_inner_texts()[:3] == ["10", "3", "1"]
    owners = cells(page.locator("table", has=page.get_by_text("Actions by owner", exact=True)))
    assert ["HCG", "1", "0", "0", "0"] in owners
    unowned = page.locator("table", has=page.get_by_text("To be allocated (TBA): no owner yet"))
    assert cells(unowned) == [["J2017/01", TBA_TEXT, f"{MEETING}, item 2.1", "Not set", "None yet"]]
    hcg = page.locator("table", has=page.get_by_text("HCG – Rachel Hartley", exact=True))
    assert cells(hcg) == [
        ["J2017/02", OPEN_TEXT, f"{MEETING}, item 2.1", "until the review ends", "None yet"]
    ]
    expect(hcg.locator("tr.action-overdue")).to_have_count(0)

    # The minute-taker holds HCG: the open-ended action is hers.
    rachel.reload()
    assert cells(rachel.locator("main table")) == [
        [
            "J2017/02",
            OPEN_TEXT,
            "HCG",
            f"{MEETING}, item 2.1",
            "until the review ends",
            "None yet",
            "Open",
        ]
    ]
    assert not users.filter(is_superuser=True).exists()
    rachels_browser.close()
