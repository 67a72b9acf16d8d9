"""The record page as the officer meets it: its size, and the work of recording by keyboard.

Run with `python bench/recording_ui.py` (or `--url http://127.0.0.1:8000 --meeting 4` against
a server of your own whose November 2017 meeting is new, with the demo loaded). By default it
builds a throwaway SQLite database, loads the October 2017 demo, opens November 2017 with its
standing agenda and the actions brought forward (as `load_demo` then "Open the meeting" do),
starts `manage.py runserver` on 127.0.0.1 and drives Debian's Chromium with Playwright:

- the record page at 1280x800: its height in px, its focusable controls (visible, enabled, in
  the tab order), and the presses of Tab from the top of the page to item 4;
- the officer, signed in, recording by keyboard alone (Playwright's `page.keyboard`: no
  clicks, no fill) the attendance of everyone October had (7 people, one leaving after item
  1.2), one finding and one action (owner DCC, due by 20 December 2017) at item 2: the page
  loads (`load` events, the first opening of the record page included) and key presses
  (every key, each character typed counted as one) it takes.

The journey is scripted as each UI needs it. The workspace (issue 11): the series has October's
attendees as its usual attendees, so they are rows of the attendance table; each row saves as
its presence radio changes, the left-after item chosen by typing "Item 1.2"; item 2 through the
item list (Alt+Shift+I, Tab, Enter) and the shortcuts (Alt+Shift+F, Alt+Shift+A). The page of
the release before it (eeb2fbd) has no usual attendees: each person is added through the "Add a
person to the attendance" form (open its summary, choose the person, the post and the presence,
and the item left after, by typing in the selects), one full page load each; item 2 is reached
with Tab. Tabbing to a control counts every press of Tab it takes.

Figures (SQLite, runserver, Debian's Chromium at 1280x800; the keyboard journey checked
against the database afterwards):

| | before (eeb2fbd) | after (workspace) |
|---|---|---|
| record page height | 8870 px | 2282 px |
| focusable controls | 190 | 58 |
| Tab presses from the top to item 4 | 158 (its first control) | 24 (its link in the item list) |
| 7 attendances, 1 finding, 1 action | 8 loads, 673 key presses | 1 load, 270 key presses |

Before, the action's "Due by" was Chromium's date picker, typed as its American order needs
(12202017); after, it is typed the British way (20/12/2017).
"""

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "assurance-demo"
SERIES = "Monthly Assurance Meeting"

# What a keyboard can reach: visible, enabled, not taken out of the tab order.
FOCUSABLE = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )).filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
    && !el.closest('[hidden], details:not([open]) > :not(summary)')).length"""

# October 2017's attendance: (name, post as the old picker shows it, presence, left after item).
ATTENDANCE = [
    ("John Campion", "PCC", "present", None),
    ("Tracey Onslow", "DPCC", "present", None),
    ("Amanda Blakeman", "DCC", "present", None),
    ("Martin Evans", "ACC", "present", "1.2"),
    ("Louise Wall", "SO", "present", None),
    ("Anthony Bangham", "CC", "apologies", None),
    ("Andy Champness", "CEX", "apologies", None),
]
FINDING = "Athena is now stable; the backlog of crime records has been cleared."
ACTION = "The Athena benefits realisation report to be shared with the PCC's office."
DCC = "Deputy Chief Constable (DCC)"

OPEN_NOVEMBER = """
import datetime
from actions.reviews import bring_forward
from meetings import services
from meetings.models import MeetingSeries
series = MeetingSeries.objects.get(name="Monthly Assurance Meeting")
details = dict(date=datetime.date(2017, 11, 29), start_time=datetime.time(10, 30),
               venue=series.default_venue, minute_taker=series.default_minute_taker)
if hasattr(series, "ordered_chairs"):
    meeting = services.open_meeting(series, chairs=series.ordered_chairs(), **details)
else:
    meeting = services.open_meeting(series, chair=series.default_chair, **details)
bring_forward(meeting)
print(meeting.pk)
"""

# October's attendance as the series' usual attendees (the workspace's table lists them).
USUAL_ATTENDEES = """
from demo import data
from meetings.models import MeetingSeries, UsualAttendee
from people.models import Person, Post
series = MeetingSeries.objects.get(name="Monthly Assurance Meeting")
for position, (initials, post, capacity, _p, _l) in enumerate(data.OCTOBER["attendance"]):
    UsualAttendee.objects.create(series=series, person=Person.objects.get(initials=initials),
        post=Post.objects.get(abbreviation=post), capacity=capacity, position=position)
"""

# What the journey must have recorded, read back from the database.
CHECK = """
from meetings.models import Meeting
m = Meeting.objects.get(pk=%d)
print(sorted((a.person.name, a.presence, a.left_after_item.number if a.left_after_item else None)
             for a in m.attendances.all()),
      [f.text for f in m.items.get(number="2", parent=None).findings.all()],
      [(a.text, [p.abbreviation for p in a.owner_posts.all()], str(a.due_date))
       for a in m.actions_arising.all()])
"""
EXPECTED = (
    str(sorted((name, presence, left) for name, _post, presence, left in ATTENDANCE))
    + f" {[FINDING]!r} {[(ACTION, ['DCC'], '2017-12-20')]!r}"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start one on a new database)")
    parser.add_argument("--meeting", type=int, help="with --url: the new meeting's pk")
    args = parser.parse_args()
    if args.url:
        if not args.meeting:
            parser.error("--url needs --meeting")
        run(args.url.rstrip("/"), args.meeting, env=None)
        return
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3",
        "DJANGO_SETTINGS_MODULE": "assurance.settings",
        # runserver serves the static files, and load_demo runs, only with DEBUG on.
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONWARNINGS": "ignore",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo")
    meeting = int(manage(env, "shell", "--no-imports", "-c", OPEN_NOVEMBER).split()[-1])
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        run(f"http://127.0.0.1:{port}", meeting, env=env)
    finally:
        server.terminate()
        server.wait(timeout=30)


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} within {seconds} s")


class Keyboard:
    """The page's keyboard, counting the presses (a character typed is one press)."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.presses += len(text)

    def tab_to(self, target, limit=600):
        for presses in range(1, limit + 1):
            self.press("Tab")
            if target.evaluate("(el) => el === document.activeElement"):
                return presses
        raise AssertionError(f"{target} not reached in {limit} presses of Tab")


def item_section(page, number):
    heading = page.locator("h3", has_text=re.compile(rf"^\s*{re.escape(number)} "))
    return page.locator("section.record-item").filter(has=heading).first


def run(url, meeting, env):
    from playwright.sync_api import expect, sync_playwright

    record = f"{url}/meetings/{meeting}/record/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/accounts/login/")
        page.locator("#id_username").fill("officer")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))

        # The page as it opens.
        page.goto(record)
        page.wait_for_load_state()
        workspace = page.locator("[data-record-item]").count() > 0
        height = page.evaluate("document.documentElement.scrollHeight")
        focusable = page.evaluate(FOCUSABLE)
        item_4 = item_section(page, "4")
        keyboard = Keyboard(page)
        page.locator("body").focus()
        if workspace:
            target = page.locator(f'[data-item-link="{item_4.get_attribute("id")}"]')
        else:
            target = item_4.locator("a, button").first
        to_item_4 = keyboard.tab_to(target)
        page.close()

        if workspace and env is not None:
            manage(env, "shell", "--no-imports", "-c", USUAL_ATTENDEES)
        page = context.new_page()
        loads = []
        page.on("load", lambda _page: loads.append(page.url))
        keyboard = Keyboard(page)
        page.goto(record)
        page.wait_for_load_state()
        page.locator("body").focus()
        if workspace:
            attendance_by_table(page, keyboard)
        else:
            attendance_by_form(page, keyboard)
        finding_and_action(page, keyboard, workspace, expect)
        browser.close()
    if env is not None:
        recorded = (
            manage(env, "shell", "--no-imports", "-c", CHECK % meeting).strip().splitlines()[-1]
        )
        assert recorded == EXPECTED, f"recorded {recorded!r}, not {EXPECTED!r}"

    ui = "workspace (after)" if workspace else "before the workspace"
    print(f"Record page of a new November 2017 meeting, {ui}, Chromium at 1280x800:")
    print(f"  height: {height} px")
    print(f"  focusable controls: {focusable}")
    print(
        f"  presses of Tab from the top to item 4 "
        f"({'its link in the item list' if workspace else 'its first control'}): {to_item_4}"
    )
    print(
        "  attendance of 7 people + 1 finding + 1 action by keyboard: "
        f"{len(loads)} page loads, {keyboard.presses} key presses"
    )


def attendance_by_table(page, keyboard):
    from playwright.sync_api import expect

    status = page.locator("#attendance-status")
    first = page.locator(".attendance-table tbody tr").first
    keyboard.tab_to(first.locator("input[type=radio][value=absent]"))
    for name, _post, presence, left_after in ATTENDANCE:
        # From "Absent": one step left is apologies, two is present.
        keyboard.press("ArrowLeft", 2 if presence == "present" else 1)
        expect(status).to_have_text(f"{name}: {presence}, saved.")
        keyboard.press("Tab", 3)  # reason, joined at, left after
        if left_after:
            # The status already reads "present, saved": wait for this save's answer.
            with page.expect_response(lambda r: r.request.method == "POST"):
                keyboard.type(f"Item {left_after}")
            expect(status).to_have_text(f"{name}: present, saved.")
        keyboard.press("Tab", 2)  # the row's Save button, then the next row


def choose(keyboard, select, text):
    """Type ``text`` into a focused select, as its type-ahead finds an option."""
    keyboard.type(text)
    chosen = select.evaluate("(el) => el.selectedOptions[0]?.text || ''")
    assert chosen.startswith(text) or text in chosen, f"typed {text!r}, chose {chosen!r}"


def attendance_by_form(page, keyboard):
    from playwright.sync_api import expect

    for name, post, presence, left_after in ATTENDANCE:
        attendance = page.locator("#attendance")
        if not attendance.locator("details[open]").count():
            keyboard.tab_to(attendance.locator("summary"))
            keyboard.press("Enter")
        person = attendance.get_by_label("Person", exact=True)
        keyboard.tab_to(person)
        choose(keyboard, person, name)
        post_select = attendance.get_by_label("Post", exact=True)
        keyboard.tab_to(post_select)
        choose(keyboard, post_select, post)
        presence_select = attendance.get_by_label("Presence*", exact=True)
        keyboard.tab_to(presence_select)
        choose(keyboard, presence_select, presence.capitalize())
        if left_after:
            left = attendance.locator("select[name$=left_after_item]")
            keyboard.tab_to(left)
            choose(keyboard, left, f"Item {left_after}")
        keyboard.tab_to(attendance.get_by_role("button", name="Add to the attendance"))
        keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text(f"{name} added to the attendance.")
        page.wait_for_load_state()
    expect(page.locator("#attendance tbody tr")).to_have_count(len(ATTENDANCE))


def finding_and_action(page, keyboard, workspace, expect):
    item_2 = item_section(page, "2")
    pk = item_2.get_attribute("id").removeprefix("item-")
    if workspace:
        keyboard.press("Alt+Shift+I")
        keyboard.tab_to(page.locator(f'[data-item-link="item-{pk}"]'))
        keyboard.press("Enter")
        keyboard.press("Alt+Shift+F")
    else:
        keyboard.tab_to(page.locator(f"#finding-{pk}"))
    keyboard.type(FINDING)
    keyboard.press("Tab")
    keyboard.press("Enter")
    expect(item_2.locator(".finding-text")).to_have_text([FINDING])

    if workspace:
        keyboard.press("Alt+Shift+A")
    else:
        keyboard.tab_to(page.locator(f"a#add-action-{pk}"))
        keyboard.press("Enter")
    form = item_2.get_by_role("group", name=re.compile(r"^New action arising at item 2"))
    expect(form).to_be_focused()
    keyboard.tab_to(form.get_by_label("Action*", exact=True))
    keyboard.type(ACTION)
    keyboard.tab_to(form.get_by_role("checkbox", name=DCC, exact=True))
    keyboard.press("Space")
    kind = form.get_by_role("radio", name="Not set", exact=True)
    if kind.count():
        # The kind of due is one Tab stop; the arrow moves to "By a date".
        keyboard.tab_to(kind)
        keyboard.press("ArrowDown")
    due = form.get_by_label("Due by", exact=True)
    keyboard.tab_to(due)
    if due.get_attribute("type") == "date":
        # Chromium's date field in its default (American) locale: month, day, year.
        keyboard.type("12202017")
    else:
        keyboard.type("20/12/2017")
    keyboard.tab_to(form.get_by_role("button", name=re.compile(r"^Raise the action")))
    keyboard.press("Enter")
    expect(item_2.locator("ul.record-actions > li")).to_have_count(1)
    expect(item_2.locator("ul.record-actions > li")).to_contain_text(ACTION)


if __name__ == "__main__":
    main()
