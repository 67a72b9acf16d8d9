"""Nothing typed is lost, in Chromium (issue 11): a finding typed when the session has ended,
or when the Commissioner agrees the minutes meanwhile, stays in its box with what happened
beside it; a page reloaded mid-typing gives the typing back; and the page warns before the
idle limit, with a way to stay signed in."""

import datetime
import re

from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Finding, Meeting
from tests.browser.test_record import NOVEMBER, check_accessible, item_region, open_next_meeting

TYPED = "The DCC said the Telford analysis will be shared\nonce the partners have seen it."
WHEN = r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}"


def record_november(page, live_demo, login):
    """The officer, signed in, on the record page of a newly opened November meeting."""
    login(page, "officer")
    open_next_meeting(page, proposed="2017-11-29")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NOVEMBER)
    # Typing gives the page a reason to ask before leaving it (static/js/app.js).
    page.on("dialog", lambda dialog: dialog.accept())
    item_region(page, "2")
    return Meeting.objects.get(title=NOVEMBER)


def finding_box(page):
    return page.get_by_label("New finding for item 2", exact=True)


def add_finding(page):
    return page.get_by_role("button", name="Add finding to item 2", exact=True)


def drafts(page):
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('keep-typed:v1:draft:'))"
    )


def test_a_finding_typed_when_the_session_has_ended_is_kept_and_saved_after_signing_in(
    page, live_demo, login, assert_accessible
):
    meeting = record_november(page, live_demo, login)
    finding_box(page).fill(TYPED)
    # Two hours pass: the server forgets the session.
    Session.objects.all().delete()

    add_finding(page).click()
    form = page.locator("form.add-finding").filter(has=finding_box(page))
    expect(form.get_by_role("alert")).to_have_text(
        "You were signed out; what you typed is kept here — sign in (in a new tab) and "
        "press “Add finding” again."
    )
    expect(finding_box(page)).to_have_value(TYPED)
    # No sign-in page, with its own navigation bar, inside the item.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(page.get_by_label("Password")).to_have_count(0)
    check_accessible(page, assert_accessible)
    assert not Finding.objects.filter(item__meeting=meeting, text__startswith="The DCC").exists()

    # Signing in again in another tab; this page notices, and the save goes through.
    other_tab = page.context.new_page()
    login(other_tab, "officer")
    other_tab.close()
    expect(form.get_by_role("status")).to_have_text(
        "You are signed in again: press “Add finding” to save what you typed.", timeout=10_000
    )
    add_finding(page).click()
    item_2 = page.get_by_role("region", name=re.compile(r"^2 "))
    expect(item_2.locator(".record-findings .finding-text")).to_have_text([TYPED.replace("\n", "")])
    expect(finding_box(page)).to_have_value("")
    assert [f.text for f in Finding.objects.filter(item__meeting=meeting)] == [TYPED]
    # Saved: nothing of it is left in the browser.
    assert drafts(page) == []


def test_a_finding_typed_while_the_commissioner_agrees_the_minutes_is_shown_back_with_why(
    page, new_context, live_demo, login
):
    meeting = record_november(page, live_demo, login)
    finding_box(page).fill(TYPED)

    commissioner = new_context().new_page()
    login(commissioner, "commissioner")
    commissioner.goto(f"{live_demo.url}/meetings/{meeting.pk}/agree/")
    commissioner.get_by_role("radio", name="Agreed as a correct record", exact=True).check()
    regardless = commissioner.get_by_role("checkbox")
    if regardless.count():
        regardless.check()
    commissioner.get_by_role("button", name="Record the decision", exact=True).click()
    expect(commissioner.get_by_role("status")).to_have_text("The minutes are now agreed.")

    add_finding(page).click()
    form = page.locator("form.add-finding").filter(has=finding_box(page))
    expect(form.get_by_role("alert")).to_have_text(
        re.compile(
            r"^Not saved: The minutes are agreed and locked\. They were agreed on "
            rf"{WHEN} by John Campion; reopen them, saying why, to make a correction\. "
            r"What you typed is still here\.$"
        )
    )
    expect(finding_box(page)).to_have_value(TYPED)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    assert not Finding.objects.filter(item__meeting=meeting).exists()
    # Not saved, so the draft stays for when the minutes are reopened.
    assert len(drafts(page)) == 1


def test_a_finding_posted_without_script_to_agreed_minutes_is_shown_back_on_the_minutes(
    new_context, live_demo, login
):
    page = new_context(java_script_enabled=False).new_page()
    meeting = record_november(page, live_demo, login)
    finding_box(page).fill(TYPED)
    Meeting.objects.filter(pk=meeting.pk).update(status="agreed")

    add_finding(page).click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    messages = page.get_by_role("status")
    expect(messages).to_contain_text("The minutes are agreed and locked.")
    expect(messages).to_contain_text(f"What you typed, not saved: {TYPED.replace(chr(10), ' ')}")


def test_a_page_reloaded_mid_typing_gives_the_typing_back(
    page, live_demo, login, assert_accessible
):
    record_november(page, live_demo, login)
    finding_box(page).fill(TYPED)
    page.reload()

    expect(finding_box(page)).to_have_value(TYPED)
    form = page.locator("form.add-finding").filter(has=finding_box(page))
    restored = form.get_by_role("status")
    expect(restored).to_have_text(re.compile(rf"^Restored what you typed on {WHEN}\. Discard"))
    check_accessible(page, assert_accessible)
    restored.get_by_role(
        "button", name="Discard what was restored in New finding for item 2", exact=True
    ).click()
    expect(finding_box(page)).to_have_value("")
    expect(restored).to_have_count(0)
    assert drafts(page) == []

    # Typed again and saved: reloading then gives nothing back.
    finding_box(page).fill("Saved at once.")
    add_finding(page).click()
    expect(page.locator(".record-findings .finding-text")).to_have_text(["Saved at once."])
    page.reload()
    expect(finding_box(page)).to_have_value("")
    expect(page.get_by_text("Restored what you typed")).to_have_count(0)
    assert drafts(page) == []


def test_the_page_warns_before_the_session_ends_and_keeps_it_on_request(
    page, live_demo, login, settings, assert_accessible
):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_WARNING_SECONDS = 55
    record_november(page, live_demo, login)
    session = Session.objects.get()
    before = session.expire_date

    warning = page.get_by_role("alertdialog", name="You will soon be signed out")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text(re.compile(r"You will be signed out at \d{2}:\d{2}"))
    stay = warning.get_by_role("button", name="Stay signed in", exact=True)
    expect(stay).to_be_focused()
    check_accessible(page, assert_accessible)
    stay.click()
    expect(warning).to_be_hidden()
    session.refresh_from_db()
    assert session.expire_date > before
    assert session.expire_date > timezone.now() + datetime.timedelta(seconds=50)
