"""The month around a meeting, in Chromium, with a real SMTP server on 127.0.0.1: the officer
attaches papers to November 2017's agenda, builds the pack and issues it; the DCC follows the
emailed request and gives an update; the draft minutes are circulated, commented on and seen
by the officer; the Commissioner agrees them and they are published; an anonymous visitor
reads them on /public/, where the restricted item, its paper and its action are nowhere.

The clock is set to November 2017 (time-machine), as the officer would live it: the request
for updates refuses a deadline in the past, and updates may not be dated in the future.
"""

import datetime
import io
import re
import xml.etree.ElementTree as ET
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from papers.models import human_size
from people.models import Person
from tests.browser.test_record import (
    ATHENA_TEXT,
    CLOSED_IN_NOVEMBER,
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
    open_minutes,
    open_next_meeting,
    raise_action,
    record_outcome,
)
from tests.mail import html_of, text_of
from tests.papers.samples import text_pdf

pytestmark = pytest.mark.browser

LONDON = zoneinfo.ZoneInfo("Europe/London")
BEFORE_THE_MEETING = datetime.datetime(2017, 11, 13, 9, 0, tzinfo=LONDON)
AFTER_THE_MEETING = datetime.datetime(2017, 11, 30, 9, 0, tzinfo=LONDON)
EMAILS = {
    "John Campion": "pcc@opcc.example",
    "Amanda Blakeman": "dcc@force.example",
    "Martin Evans": "acc@force.example",
    "Jackie Irvin": "ji@opcc.example",
}
ON_THE_DAY = "29 November 2017"
ITEM_2 = "OPERATIONAL AND REPUTATIONAL OPPORTUNITIES AND RISKS"

BRIEFING = "Rural crime performance briefing"
BRIEFING_TEXT = "Rural crime fell by a tenth in the quarter."
SECRET_HEADING = "Operation Sentinel"
SECRET_REASON = "Operationally sensitive: a live covert operation."
SECRET_PAPER = "Sentinel informant payments review"
SECRET_PAPER_TEXT = "Two informants were paid in cash."
SECRET_FINDING = "The informant payments were audited by the PSD."
SECRET_ACTION = "Sentinel handlers to be re-vetted before the next payment."
PUBLIC_FINDING = "The force reported rural crime down by a tenth."
DCC_UPDATE = "The interim analysis went to the Principal Analyst on 10 November."
COMMENT = "The rural crime figure was a tenth for the quarter, not the year."
WITHHELD = f"This item is withheld from this version of the minutes. Reason: {SECRET_REASON}"
SECRETS = [SECRET_HEADING, SECRET_PAPER, SECRET_PAPER_TEXT, SECRET_FINDING, SECRET_ACTION]


@pytest.fixture
def directory(live_demo):
    """The demo's people with email addresses, as the OPCC's directory would hold them."""
    for name, address in EMAILS.items():
        Person.objects.filter(name=name).update(email=address)
    return live_demo


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def one_email(inbox, address, subject):
    messages = [message for message in inbox.to(address) if message["Subject"] == subject]
    assert len(messages) == 1, [message["Subject"] for message in inbox.to(address)]
    return messages[0]


def attachments(message):
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def links(message):
    return re.findall(r"https?://\S+", text_of(message))


def sign_in_here(page, username):
    """Sign in on the login page the app sent ``page`` to, and come back where it was going."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("assurance-demo")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def attach_paper(page, number, title, content, filename, assert_accessible):
    page.get_by_role("link", name=f"Attach a paper to item {number}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"^Attach a paper to item {re.escape(number)} ")
    )
    check_accessible(page, assert_accessible)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("File*", exact=True).set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_role("button", name="Attach the paper", exact=True).click()
    expect_message(
        page, f"“{title}” ({filename}, {human_size(len(content))}) attached to item {number}."
    )
    row = page.locator("table tbody tr").filter(
        has=page.get_by_role("rowheader", name=number, exact=True)
    )
    link = row.get_by_role("link", name=title, exact=True)
    expect(link).to_be_visible()
    return link.get_attribute("href")


def open_circulation(page):
    open_minutes(page, NOVEMBER)
    page.get_by_role("link", name="Circulate by email", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Circulate {NOVEMBER}")


def test_papers_pack_circulation_and_publication_with_a_restricted_item_withheld(
    page, new_context, browser, directory, smtp, login, assert_accessible
):
    with time_machine.travel(BEFORE_THE_MEETING, tick=True) as clock:
        officer = page
        login(officer, "officer")
        open_next_meeting(officer, proposed="2017-11-29")
        expect_message(
            officer,
            f"{NOVEMBER} opened with its standing agenda and 6 actions brought forward.",
        )
        add_present(officer, "John Campion")
        add_present(officer, "Amanda Blakeman")

        # Item 3 is restricted, with its reason, before anything about it is sent.
        item_region(officer, "3").get_by_role("link", name="Edit item 3", exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text("Edit item 3")
        officer.get_by_label("Heading*", exact=True).fill(SECRET_HEADING)
        officer.get_by_label("Restricted", exact=True).check()
        officer.get_by_label("Restriction reason", exact=True).fill(SECRET_REASON)
        officer.get_by_role("button", name="Save item", exact=True).click()
        expect_message(officer, "Item 3 saved.")

        # Papers: one for item 2, one for the restricted item 3, through the upload form.
        officer.get_by_role("link", name="Papers", exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Papers for {NOVEMBER}")
        check_accessible(officer, assert_accessible)
        attach_paper(
            officer,
            "2",
            BRIEFING,
            text_pdf(BRIEFING, BRIEFING_TEXT),
            "rural-crime.pdf",
            assert_accessible,
        )
        secret_paper_url = attach_paper(
            officer,
            "3",
            SECRET_PAPER,
            text_pdf(SECRET_PAPER_TEXT),
            "sentinel.pdf",
            assert_accessible,
        )
        check_accessible(officer, assert_accessible)

        # The pack: the agenda, a contents page, then each paper, every page numbered.
        with officer.expect_download() as info:
            officer.get_by_role("link", name="Meeting pack (PDF)", exact=True).click()
        pack = info.value
        assert pack.suggested_filename == f"{NOVEMBER} meeting pack.pdf"
        pages = pdf_pages(Path(pack.path()).read_bytes())
        # The agenda on page 1, the contents on page 2, the briefing's two pages, the review.
        assert [page_text.splitlines()[-1] for page_text in pages] == [
            f"Page {n} of 5" for n in range(1, 6)
        ]
        assert pages[0].startswith(f"{NOVEMBER}\nMeeting pack\n{ON_THE_DAY} at 10:30, ")
        assert f"\n3 {SECRET_HEADING}\n" in pages[0]
        assert pages[1:] == [
            f"Contents\nItem Paper Page\n2 {BRIEFING} (PDF) 3\n3 {SECRET_PAPER} (PDF) 5\n"
            "Page 2 of 5",
            f"{BRIEFING}\nPage 3 of 5",
            f"{BRIEFING_TEXT}\nPage 4 of 5",
            f"{SECRET_PAPER_TEXT}\nPage 5 of 5",
        ]

        # The agenda is issued: each expected attendee gets the pack they may read.
        open_circulation(officer)
        check_accessible(officer, assert_accessible)
        officer.get_by_role("button", name="Issue the agenda", exact=True).click()
        expect(officer.get_by_role("status")).to_contain_text(
            "Sent to John Campion, Amanda Blakeman."
        )
        subject = f"Agenda: {NOVEMBER}, {ON_THE_DAY}"
        assert smtp.recipients() == ["dcc@force.example", "pcc@opcc.example"]
        pack_name = "monthly-assurance-meeting-november-2017-pack.pdf"
        pcc_agenda = one_email(smtp, "pcc@opcc.example", subject)
        dcc_agenda = one_email(smtp, "dcc@force.example", subject)
        assert list(attachments(pcc_agenda)) == [pack_name]
        assert pdf_pages(attachments(pcc_agenda)[pack_name])[-1] == (
            f"{SECRET_PAPER_TEXT}\nPage 5 of 5"
        )
        dcc_pack = "\n".join(pdf_pages(attachments(dcc_agenda)[pack_name]))
        assert BRIEFING_TEXT in dcc_pack
        assert f"3 This item is withheld from this version. Reason: {SECRET_REASON}" in dcc_pack
        assert SECRET_HEADING not in dcc_pack and SECRET_PAPER not in dcc_pack
        assert SECRET_PAPER_TEXT not in dcc_pack
        assert SECRET_HEADING not in text_of(dcc_agenda)
        assert f"3 Withheld: {SECRET_REASON}" in text_of(dcc_agenda)
        # Issued again (a retry), it goes to no one twice.
        officer.get_by_role("button", name="Issue the agenda", exact=True).click()
        expect(officer.get_by_role("status")).to_contain_text(
            "Already sent to John Campion, Amanda Blakeman: not sent again."
        )
        assert len(smtp.messages) == 2

        # Updates are requested from the owners of the actions coming to the meeting.
        officer.get_by_label("Updates wanted by*", exact=True).fill("22 November 2017")
        officer.get_by_role("button", name="Request updates", exact=True).click()
        expect(officer.get_by_role("status")).to_contain_text(
            "Sent to Amanda Blakeman, Jackie Irvin, John Campion, Martin Evans."
        )
        check_accessible(officer, assert_accessible)
        request = one_email(
            smtp,
            "dcc@force.example",
            f"Update wanted by 22 November 2017: actions for the {NOVEMBER}",
        )
        # The DCC is asked about the DCC's actions only, each with a link to its update form.
        assert re.findall(
            r"Add an update to action (\S+): \S+#update-heading", text_of(request)
        ) == [
            TELFORD_ANALYSIS,
            "2017/10-05",
            "2017/10-08",
        ]
        link = re.search(
            rf"Add an update to action {re.escape(TELFORD_ANALYSIS)}: (\S+)", text_of(request)
        )[1]

        # The DCC follows the link, signs in, and gives the update on the page it leads to.
        dcc = new_context().new_page()
        dcc.goto(link)
        sign_in_here(dcc, "dcc")
        expect(dcc).to_have_url(re.compile(re.escape(link.split("#")[0])))
        expect(dcc.get_by_role("heading", level=1)).to_contain_text(TELFORD_ANALYSIS)
        dcc.get_by_label("Progress update*", exact=True).fill(DCC_UPDATE)
        dcc.get_by_role("button", name="Add update", exact=True).click()
        expect_message(dcc, f"Update added to action {TELFORD_ANALYSIS}.")
        expect(dcc.get_by_text(DCC_UPDATE, exact=True)).to_be_visible()
        # The restricted item's paper is no file of the force's: it answers 404.
        assert dcc.context.request.get(f"{directory.url}{secret_paper_url}").status == 404

        # After the meeting: the outcomes, findings and actions are recorded.
        clock.move_to(AFTER_THE_MEETING)
        login(officer, "officer")
        open_minutes(officer, NOVEMBER)
        officer.get_by_role("link", name="Record the minutes", exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Recording: {NOVEMBER}")
        officer.wait_for_load_state()
        record_outcome(officer, "1.1", TELFORD_ANALYSIS, "Carried forward", due_month="2017-12")
        record_outcome(officer, "1.2", TELFORD_PLAN, "Carried forward", due_date="2018-01-31")
        officer.get_by_text(
            "Agree several actions brought forward closed at once", exact=True
        ).click()
        for reference in CLOSED_IN_NOVEMBER:
            officer.get_by_role(
                "checkbox", name=re.compile(rf"^1\.\d+ {literal(reference)}: ")
            ).check()
        officer.get_by_role("button", name="Agree the ticked actions closed", exact=True).click()
        expect_message(officer, f"Agreed complete and closed: {', '.join(CLOSED_IN_NOVEMBER)}.")
        for number, finding in (("2", PUBLIC_FINDING), ("3", SECRET_FINDING)):
            region = item_region(officer, number)
            region.get_by_role("textbox", name=f"New finding for item {number}").fill(finding)
            region.get_by_role("button", name=f"Add finding to item {number}").click()
            expect(region.locator(".finding-text")).to_have_text([finding])
        expect(
            raise_action(officer, "2", ATHENA_TEXT, owner=DCC, due_month="2017-12")
        ).to_have_count(1)
        expect(
            raise_action(officer, "3", SECRET_ACTION, owner=DCC, due_date="2017-12-15")
        ).to_have_count(1)

        # The draft goes out for comment; the DCC follows the link and comments on item 2.
        open_circulation(officer)
        officer.get_by_role(
            "button", name="Circulate the draft minutes for comment", exact=True
        ).click()
        expect(officer.get_by_role("status")).to_contain_text(
            "Sent to John Campion, Amanda Blakeman."
        )
        draft = one_email(smtp, "dcc@force.example", f"Draft minutes for comment: {NOVEMBER}")
        [read_link] = links(draft)
        assert read_link.endswith("#comment")
        dcc.goto(read_link)
        sign_in_here(dcc, "dcc")
        expect(dcc.get_by_role("heading", level=1)).to_have_text(NOVEMBER)
        expect(dcc.get_by_text(f"3 Withheld: {SECRET_REASON}", exact=True)).to_be_visible()
        for secret in SECRETS:
            expect(dcc.get_by_text(secret)).to_have_count(0)
        check_accessible(dcc, assert_accessible)
        dcc.get_by_label("Comment on", exact=True).select_option(label=f"2 {ITEM_2}")
        dcc.get_by_label("Your comment*", exact=True).fill(COMMENT)
        dcc.get_by_role("button", name="Send comment", exact=True).click()
        expect_message(dcc, "Thank you: your comment was sent to the minute-taker.")
        check_accessible(dcc, assert_accessible)

        # Nothing restricted reached the DCC by email: no text, no page of an attachment.
        for message in smtp.to("dcc@force.example"):
            files = [pdf_pages(content) for content in attachments(message).values()]
            words = " ".join(
                " ".join([text_of(message), html_of(message), *sum(files, [])]).split()
            )
            for secret in SECRETS:
                assert secret not in words, (message["Subject"], secret)

        # The officer sees the comment against its item.
        open_circulation(officer)
        officer.get_by_role("link", name="Comments on the draft minutes (1)", exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(
            f"Comments on the draft minutes of {NOVEMBER}"
        )
        expect(officer.locator("table tbody tr").first.get_by_role("cell")).to_have_text(
            [f"Item 2 {ITEM_2}", "Amanda Blakeman", re.compile(r"^30 November 2017, "), COMMENT]
        )
        check_accessible(officer, assert_accessible)

        # The Commissioner agrees the minutes, and publishes them.
        commissioner = new_context().new_page()
        login(commissioner, "commissioner")
        agree_minutes(commissioner, NOVEMBER)
        commissioner.get_by_role("button", name="Publish", exact=True).click()
        expect_message(commissioner, "The minutes are now published.")

        # An anonymous visitor finds them on /public/.
        visitor_context = browser.new_context(bypass_csp=True)
        visitor = visitor_context.new_page()
        base = directory.url
        try:
            visitor.goto(f"{base}/public/")
            expect(visitor.get_by_role("heading", level=1)).to_have_text("Published minutes")
            check_accessible(visitor, assert_accessible)
            public_pages = {"index": visitor.content()}
            visitor.get_by_role("link", name="2017", exact=True).click()
            expect(visitor.get_by_role("heading", level=1)).to_have_text(
                "Monthly Assurance Meeting: minutes of 2017"
            )
            check_accessible(visitor, assert_accessible)
            public_pages["year"] = visitor.content()
            visitor.get_by_role("link", name=NOVEMBER, exact=True).click()
            expect(visitor.get_by_role("heading", level=1)).to_have_text(
                f"{NOVEMBER} – Meeting Notes"
            )
            expect(visitor.get_by_text(WITHHELD, exact=True)).to_be_visible()
            expect(visitor.get_by_text(PUBLIC_FINDING)).to_be_visible()
            expect(visitor.get_by_text(ATHENA_TEXT).first).to_be_visible()
            check_accessible(visitor, assert_accessible)
            public_pages["minutes"] = visitor.content()
            minutes_url = visitor.url

            pdf_url = visitor.get_by_role(
                "link", name="Download these minutes (PDF)", exact=True
            ).get_attribute("href")
            pdf = visitor_context.request.get(f"{base}{pdf_url}")
            assert pdf.headers["content-type"] == "application/pdf"
            # Lines wrap anywhere in a PDF: its words are compared, one space apart.
            pdf_text = " ".join(" ".join(pdf_pages(pdf.body())).split())
            # Headed by the office, as its letterhead.
            assert pdf_text.startswith(
                f"Office of the Police and Crime Commissioner {NOVEMBER} – Meeting Notes"
            )
            assert f"3 {WITHHELD}" in pdf_text
            assert PUBLIC_FINDING in pdf_text

            visitor.get_by_role("navigation", name="Breadcrumb").get_by_role(
                "link", name="Published minutes"
            ).click()
            visitor.get_by_role(
                "link", name="Actions arising from the Monthly Assurance Meeting"
            ).click()
            expect(visitor.get_by_role("heading", level=1)).to_have_text(
                "Actions arising from the Monthly Assurance Meeting"
            )
            # November's one public action; the restricted item's is not listed.
            expect(visitor.locator("table.public-actions tbody tr")).to_have_count(1)
            expect(visitor.locator("table.public-actions tbody tr")).to_contain_text(ATHENA_TEXT)
            check_accessible(visitor, assert_accessible)
            public_pages["actions"] = visitor.content()

            feed = visitor_context.request.get(f"{base}/public/feed/")
            assert feed.headers["content-type"].startswith("application/atom+xml")
            atom = "{http://www.w3.org/2005/Atom}"
            root = ET.fromstring(feed.body())
            [entry] = root.findall(f"{atom}entry")
            assert entry.findtext(f"{atom}title") == f"{NOVEMBER}: minutes published"
            assert entry.findtext(f"{atom}summary") == (
                f"The minutes of the meeting of {ON_THE_DAY}, published on 30 November 2017. "
                "1 action arising."
            )
            assert entry.find(f"{atom}link").get("href") == minutes_url

            for where, text in [*public_pages.items(), ("PDF", pdf_text), ("feed", feed.text())]:
                for secret in SECRETS:
                    assert secret not in text, (where, secret)
            # The restricted paper's file is not served to a visitor: sign in first.
            paper = visitor_context.request.get(f"{base}{secret_paper_url}", max_redirects=0)
            assert paper.status == 302
            assert paper.headers["location"].startswith("/accounts/login/")
            assert visitor_context.cookies() == []
        finally:
            visitor_context.close()
