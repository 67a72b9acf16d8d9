"""The minutes are the record, in Chromium: the officer records November 2017 and the
Commissioner agrees it; December reviews its actions with new dues and owners, and one is
reassigned between meetings; November's minutes on screen, in Word and in PDF stay exactly as
they were agreed, while December minutes each review and the actions' trails read in date order.
"""

import datetime
import re
import subprocess

import docx
from docx.table import Table
from playwright.sync_api import expect

from actions.models import Action

SERIES = "Monthly Assurance Meeting"
NOVEMBER = f"{SERIES} November 2017"
# Downloads are named after the meeting's title, which tells it apart from every other.
NOVEMBER_FILE = f"{NOVEMBER} minutes"
DECEMBER = f"{SERIES} December 2017"
DCC = "Deputy Chief Constable (DCC)"
ACC = "Assistant Chief Constable (ACC)"
JI = "Jackie Irvin (JI)"
BY_A_DATE = "By a date"
IN_A_MONTH = "At the meeting in a month (“by March”, “November’s HTA”)"

# October's actions, as the demo holds them.
TELFORD_ANALYSIS = "2017/10-02"  # DCC, no due: comes to every meeting until closed.
TELFORD_PLAN = "2017/10-03"  # ACC, no due.
TELFORD_ANALYSIS_TEXT = "Interim analysis by Principal Analyst to be shared with PCC’s office"
TELFORD = "Building a More Secure West Mercia – Telford"
CLOSED_IN_NOVEMBER = ["2017/10-04", "2017/10-05", "2017/10-07", "2017/10-08"]

# What November records.
NOVEMBER_BROUGHT_FORWARD = [TELFORD_ANALYSIS, TELFORD_PLAN, *CLOSED_IN_NOVEMBER]
ANALYSIS_UPDATE = "The analysis is drafted; the Principal Analyst is checking the crime data."
ATHENA = "2017/11-01"
ATHENA_TEXT = "The Athena benefits realisation report to be shared with the PCC's office."
ITEM_2 = "OPERATIONAL AND REPUTATIONAL OPPORTUNITIES AND RISKS"

# What December records.
ATHENA_UPDATE = "The report is written but the ACC is to present it with the Policy Officer."
REPLACEMENT = "2017/12-01"
REPLACEMENT_TEXT = "The Telford analysis to be refreshed with the partners' data and shared."
ANALYSIS_CLOSING_UPDATE = "The interim analysis was shared on 15 December."

# Between meetings.
REASSIGN_REASON = "The ACC has stepped back from Telford; the DCC leads the plan."
ATHENA_EMAILED = "The Policy Officer has the draft report."


def expect_message(page, text):
    """A page was (re)loaded with ``text`` as its message; wait for htmx to be ready too."""
    expect(page.get_by_role("status")).to_have_text(text)
    page.wait_for_load_state()


def literal(text):
    """``text`` inside a pattern; Playwright writes patterns as /.../, so "/" is escaped too."""
    return re.escape(text).replace("/", r"\/")


def item_region(page, number):
    """The section of the record page for item ``number``, whatever its heading."""
    return opened(page.get_by_role("region", name=re.compile(rf"^{literal(number)} ")))


def opened(region):
    """``region``, an item of the record page, opened if it is folded away."""
    toggle = region.locator(".item-toggle")
    # The page's script folds every item when the document is ready: asked before then, an
    # item read as open is folded a moment later (a slow machine lost the race).
    region.page.wait_for_load_state("load")
    # Without JavaScript nothing folds, and there is no toggle.
    expect(region).to_be_attached()
    if toggle.count() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return region


def minutes_row(page, number):
    """The row of the minutes table whose number column reads ``number``."""
    return page.locator("table.minutes-items > tbody > tr").filter(
        has=page.get_by_role("rowheader", name=number, exact=True)
    )


def check_accessible(page, assert_accessible):
    # A control just clicked is still under the pointer, mid-way through Bootstrap's hover
    # transition; axe would measure the contrast of colours no one sees for long.
    page.mouse.move(0, 0)
    page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
    assert_accessible(page)


def open_next_meeting(page, *, proposed=None, date=None):
    """Open the next meeting from the meetings list: the date it proposes, or ``date``."""
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=f"New {SERIES}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New {SERIES}")
    if proposed:
        # Dates are shown the British way: "29 November 2017".
        shown = datetime.date.fromisoformat(proposed).strftime("%-d %B %Y")
        expect(page.get_by_label("Date*", exact=True)).to_have_value(shown)
    if date:
        page.get_by_label("Date*", exact=True).fill(date)
    page.get_by_role("button", name="Open the meeting", exact=True).click()


def add_present(page, name):
    attendance = page.get_by_role("region", name="Attendance", exact=True)
    summary = attendance.get_by_text("Add a person to the attendance", exact=True)
    if attendance.locator("details[open]").count() == 0:
        summary.click()
    attendance.get_by_label("Person", exact=True).select_option(label=name)
    attendance.get_by_label("Presence*", exact=True).select_option(label="Present")
    attendance.get_by_role("button", name="Add to the attendance", exact=True).click()
    expect_message(page, f"{name} added to the attendance.")


def raise_action(page, number, text, *, owner, due_date=None, due_month=None):
    region = item_region(page, number)
    region.get_by_role("link", name=f"Add an action to item {number}", exact=True).click()
    form = region.get_by_role("group", name=f"New action arising at item {number}", exact=True)
    form.get_by_label("Action*", exact=True).fill(text)
    form.get_by_role("checkbox", name=owner, exact=True).check()
    if due_date:
        form.get_by_role("radio", name=BY_A_DATE, exact=True).check()
        form.get_by_label("Due by", exact=True).fill(due_date)
    if due_month:
        form.get_by_role("radio", name=IN_A_MONTH, exact=True).check()
        form.get_by_label("Due at the meeting in", exact=True).fill(due_month)
    form.get_by_role("button", name=f"Raise the action at item {number}", exact=True).click()
    expect(page.get_by_role("group", name=f"New action arising at item {number}")).to_have_count(0)
    return region.locator("ul.record-actions > li")


def review_card(page, reference):
    """The card of ``reference`` brought forward, its item opened if the page folds it away."""
    name = f"Brought forward: action {reference}"
    # A folded item's card is hidden, and so out of reach of role locators: find it by CSS.
    heading = page.locator(".review-card .card-title", has_text=re.compile(rf"^{re.escape(name)}$"))
    item = page.locator("[data-record-item]").filter(has=heading)
    if item.count():
        opened(item)
    return page.get_by_role("region", name=name, exact=True)


def record_outcome(page, number, reference, outcome, *, update="", due_date="", due_month=""):
    """The outcome of an action brought forward, with its card on the record page."""
    card = review_card(page, reference)
    card.get_by_label("Update given at the meeting", exact=True).fill(update)
    if outcome == "Carried forward":
        card.get_by_role("button", name=f"Carried forward… for {reference}", exact=True).click()
        card.get_by_label("New due date", exact=True).fill(due_date)
        card.get_by_label("Or the meeting in", exact=True).fill(due_month)
        card.get_by_role("button", name=f"Save: carried forward for {reference}").click()
    elif outcome == "Closed and replaced":
        card.get_by_role("button", name=f"Closed and replaced… for {reference}", exact=True).click()
        card.get_by_role("button", name=f"Save: closed and replaced for {reference}").click()
    else:
        card.get_by_role("button", name=f"Agreed closed for {reference}", exact=True).click()
    expect(card.get_by_text(re.compile(r"^Outcome: "))).to_contain_text(outcome)


def agree_minutes(page, title, assert_accessible=None):
    """The Commissioner agrees the minutes of ``title`` as a correct record."""
    open_minutes(page, title)
    page.get_by_role("link", name="Agree as a correct record…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agree the minutes of {title}")
    # Nothing is missing: no warning, and no box to tick to agree regardless.
    expect(page.get_by_text("Before agreeing, note what is missing", exact=True)).to_have_count(0)
    expect(page.get_by_role("checkbox")).to_have_count(0)
    # No later meeting of the series exists yet: agreed by correspondence.
    at_meeting = page.get_by_label("At the meeting of", exact=True)
    expect(at_meeting.get_by_role("option")).to_have_text(
        ["Not at a meeting (agreed by correspondence)"]
    )
    if assert_accessible:
        check_accessible(page, assert_accessible)
    page.get_by_role("radio", name="Agreed as a correct record", exact=True).check()
    page.get_by_role("button", name="Record the decision", exact=True).click()
    expect_message(page, "The minutes are now agreed.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{title} – Meeting Notes")


def download(page, link):
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=True).click()
    return info.value


def docx_content(path):
    """Every paragraph's text and every table's cells' texts, in the order of the document."""
    document = docx.Document(path)
    return [
        [[cell.text for cell in row.cells] for row in block.rows]
        if isinstance(block, Table)
        else block.text
        for block in document.iter_inner_content()
    ]


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def open_minutes(page, title):
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{title} – Meeting Notes")


def capture_minutes(page, filename):
    """The minutes of the page as the reader has them: on screen, in Word and in PDF."""
    screen = page.locator("article.minutes").inner_text()
    word = download(page, "Word document")
    assert word.suggested_filename == f"{filename}.docx"
    pdf = download(page, "PDF")
    assert pdf.suggested_filename == f"{filename}.pdf"
    return screen, docx_content(word.path()), pdf_text(pdf.path())


def trail(page):
    """Each line of an action's trail as (date, what, text), in the order shown."""
    entries = page.get_by_role("list", name="Trail", exact=True).get_by_role("listitem")
    out = []
    for entry in entries.all():
        on_date, what = entry.locator("strong").inner_text(), entry.inner_text().split("\n")
        out.append((on_date, what[0].removeprefix(f"{on_date} · "), what[1]))
    return out


def test_agreed_minutes_stay_as_agreed_while_their_actions_move_on(
    page, new_context, live_demo, login, assert_accessible
):
    officer = page
    commissioner = new_context().new_page()
    login(officer, "officer")
    login(commissioner, "commissioner")

    # November: the date October announced, and October's open actions brought forward.
    open_next_meeting(officer, proposed="2017-11-29")
    expect_message(
        officer,
        f"{NOVEMBER} opened with its standing agenda and 6 actions brought forward.",
    )
    expect(officer.locator(".brought-forward .card-body > p:first-of-type")).to_have_text(
        [
            re.compile(rf"^Action arising from the October 2017 meeting \({literal(ref)}, ")
            for ref in NOVEMBER_BROUGHT_FORWARD
        ]
    )
    add_present(officer, "John Campion")
    add_present(officer, "Amanda Blakeman")

    record_outcome(
        officer,
        "1.1",
        TELFORD_ANALYSIS,
        "Carried forward",
        update=ANALYSIS_UPDATE,
        due_month="2017-12",
    )
    record_outcome(
        officer,
        "1.2",
        TELFORD_PLAN,
        "Carried forward",
        due_date="2018-01-31",
    )
    officer.get_by_text("Agree several actions brought forward closed at once", exact=True).click()
    for reference in CLOSED_IN_NOVEMBER:
        officer.get_by_role("checkbox", name=re.compile(rf"^1\.\d+ {literal(reference)}: ")).check()
    officer.get_by_role("button", name="Agree the ticked actions closed", exact=True).click()
    expect_message(officer, f"Agreed complete and closed: {', '.join(CLOSED_IN_NOVEMBER)}.")

    raised = raise_action(officer, "2", ATHENA_TEXT, owner=DCC, due_month="2017-12")
    expect(raised).to_have_count(1)
    expect(raised).to_contain_text(f"{ATHENA} {ATHENA_TEXT} DCC")

    # The Commissioner agrees November's minutes; they are captured as agreed.
    agree_minutes(commissioner, NOVEMBER, assert_accessible)
    expect(commissioner.locator(".actions-summary tbody tr").get_by_role("cell")).to_have_text(
        [ATHENA, "2", ATHENA_TEXT, "DCC", "December 2017 meeting"]
    )
    expect(minutes_row(commissioner, "1.1").locator("td.item-body > p").last).to_have_text(
        "Carried forward to the December 2017 meeting."
    )
    expect(minutes_row(commissioner, "1.2").locator("td.item-owner")).to_have_text("ACC")
    november_as_agreed = capture_minutes(commissioner, NOVEMBER_FILE)
    _screen, word, pdf = november_as_agreed
    assert word[0] == f"{NOVEMBER} – Meeting Notes"
    # The summary of actions arising, then the glossary of the initials the minutes use.
    assert word[-3:] == [
        [
            ["Ref.", "Item", "Action", "Owner", "Due"],
            [ATHENA, "2", ATHENA_TEXT, "DCC", "December 2017 meeting"],
        ],
        "Initials used in these minutes",
        [
            ["ACC", "Assistant Chief Constable: Martin Evans"],
            ["DCC", "Deputy Chief Constable: Amanda Blakeman"],
            ["JI", "Jackie Irvin, Policy Officer"],
            ["PCC", "Police and Crime Commissioner: John Campion"],
        ],
    ]
    # The PDF is headed by the office, as its letterhead.
    assert [line for line in pdf.splitlines() if line][:2] == [
        "Office of the Police and Crime Commissioner",
        f"{NOVEMBER} – Meeting Notes",
    ]

    # December: November announced no date, so the officer gives it.
    open_next_meeting(officer, proposed="", date="2017-12-20")
    expect_message(
        officer,
        f"{DECEMBER} opened with its standing agenda and 2 actions brought forward.",
    )
    expect(officer.locator(".brought-forward .card-body > p:first-of-type")).to_have_text(
        [
            re.compile(
                rf"^Action arising from the October 2017 meeting \({literal(TELFORD_ANALYSIS)}, "
            ),
            re.compile(rf"^Action arising from the November 2017 meeting \({literal(ATHENA)}, "),
        ]
    )
    add_present(officer, "John Campion")

    # Item 1.1: 2017/10-02 closed and replaced by a new action raised under it first.
    raised = raise_action(officer, "1.1", REPLACEMENT_TEXT, owner=DCC, due_date="2018-02-28")
    expect(raised).to_have_count(1)
    expect(raised).to_contain_text(f"{REPLACEMENT} {REPLACEMENT_TEXT} DCC")
    record_outcome(
        officer,
        "1.1",
        TELFORD_ANALYSIS,
        "Closed and replaced",
        update=ANALYSIS_CLOSING_UPDATE,
    )

    # Item 1.2: November's action carried forward with new owners, in its card.
    card = review_card(officer, ATHENA)
    card.get_by_label("Update given at the meeting", exact=True).fill(ATHENA_UPDATE)
    card.get_by_role("button", name=f"Carried forward… for {ATHENA}", exact=True).click()
    card.get_by_label("Or the meeting in", exact=True).fill("2018-01")
    card.get_by_role("checkbox", name=ACC, exact=True).check()
    # People are found by typing part of the name (issue 26: no Ctrl-click multiple select).
    people = card.get_by_role("group", name="New owners: Owned by people", exact=True)
    people.get_by_role("textbox", name="Filter people", exact=True).fill("Irvin")
    people.get_by_role("checkbox", name=JI, exact=True).check()
    card.get_by_role("button", name=f"Save: carried forward for {ATHENA}").click()
    expect(card.get_by_text(re.compile(r"^Outcome: "))).to_contain_text("Carried forward")

    # The Commissioner agrees December's minutes, which minute each review.
    agree_minutes(commissioner, DECEMBER)
    replaced = minutes_row(commissioner, "1.1")
    expect(replaced.locator("td.item-body > *")).to_have_text(
        [
            f"Action arising from the October 2017 meeting ({TELFORD_ANALYSIS}):",
            TELFORD,
            TELFORD_ANALYSIS_TEXT,
            f"Update: {ANALYSIS_CLOSING_UPDATE}",
            f"Closed and replaced by action {REPLACEMENT} (DCC), due 28 February 2018.",
            "Actions arising:",
            f"{REPLACEMENT_TEXT} ({REPLACEMENT})",
        ]
    )
    expect(replaced.locator("td.item-owner")).to_have_text("DCC")
    carried = minutes_row(commissioner, "1.2")
    expect(carried.locator("td.item-body > *")).to_have_text(
        [
            f"Action arising from the November 2017 meeting ({ATHENA}):",
            ITEM_2,
            ATHENA_TEXT,
            f"Update: {ATHENA_UPDATE}",
            "Carried forward to the January 2018 meeting. Owners changed from DCC to ACC JI.",
        ]
    )
    expect(carried.locator("td.item-owner")).to_have_text("ACC JI")

    # Between the meetings, the DCC took over October's Telford plan from the ACC.
    plan = Action.objects.get(reference=TELFORD_PLAN)
    officer.goto(f"{live_demo.url}/actions/{plan.pk}/")
    officer.get_by_role("link", name="Reassign or change the due", exact=True).click()
    expect(officer).to_have_url(f"{live_demo.url}/actions/{plan.pk}/reassign/")
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Reassign action {TELFORD_PLAN}")
    check_accessible(officer, assert_accessible)
    officer.get_by_label("Date of the change*", exact=True).fill("2017-12-05")
    officer.get_by_label("Reason*", exact=True).fill(REASSIGN_REASON)
    officer.get_by_role("checkbox", name=ACC, exact=True).uncheck()
    officer.get_by_role("checkbox", name=DCC, exact=True).check()
    officer.get_by_role("button", name="Save the change", exact=True).click()
    expect_message(officer, f"Action {TELFORD_PLAN} reassigned.")
    expect(officer.get_by_role("definition").nth(1)).to_have_text("DCC (minuted as ACC)")
    assert trail(officer) == [
        ("31 October 2017", "Raised", f"Raised at the {SERIES} October 2017 meeting, item 1.2."),
        (
            "29 November 2017",
            "Due changed",
            "Due changed from “Not set” to “By 31 January 2018”. "
            f"Carried forward at the {NOVEMBER} meeting.",
        ),
        (
            "5 December 2017",
            "Owners changed",
            f"Owners changed from ACC to DCC. Reassigned: {REASSIGN_REASON}",
        ),
    ]

    # An update the owner sent on 8 December, typed in after December's meeting.
    athena = Action.objects.get(reference=ATHENA)
    officer.goto(f"{live_demo.url}/actions/{athena.pk}/")
    officer.get_by_label("Date of the update*", exact=True).fill("2017-12-08")
    officer.get_by_label("Progress update*", exact=True).fill(ATHENA_EMAILED)
    officer.get_by_role("button", name="Add update", exact=True).click()
    expect_message(officer, f"Update added to action {ATHENA}.")
    expect(officer.get_by_role("definition").nth(1)).to_have_text("ACC JI (minuted as DCC)")
    at_december = f"At the {DECEMBER} meeting."
    entries = trail(officer)
    dates = [on_date for on_date, _what, _text in entries]
    assert dates == [
        "29 November 2017",
        "8 December 2017",
        "20 December 2017",
        "20 December 2017",
        "20 December 2017",
    ]
    # In the order things happened, although the 8 December update was typed in last.
    assert dates == sorted(dates, key=lambda day: datetime.datetime.strptime(day, "%d %B %Y"))
    assert entries == [
        ("29 November 2017", "Raised", f"Raised at the {NOVEMBER} meeting, item 2."),
        ("8 December 2017", "Progress update", ATHENA_EMAILED),
        ("20 December 2017", "Progress update", ATHENA_UPDATE),
        ("20 December 2017", "Owners changed", f"Owners changed from DCC to ACC JI. {at_december}"),
        (
            "20 December 2017",
            "Due changed",
            "Due changed from “December 2017 meeting” to “January 2018 meeting”. "
            f"Carried forward at the {DECEMBER} meeting.",
        ),
    ]

    # November's minutes read exactly as they were agreed, on screen, in Word and in PDF.
    open_minutes(commissioner, NOVEMBER)
    assert capture_minutes(commissioner, NOVEMBER_FILE) == november_as_agreed
