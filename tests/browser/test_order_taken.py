"""A meeting taken out of order, recorded in Chromium: the Chief Constable's item, number 4,
is taken first because he must leave early; the minutes keep the agenda's numbers and say it
was taken after item 1. A new item goes in before the date of the next meeting."""

import datetime

from playwright.sync_api import expect

from actions.reviews import bring_forward
from meetings.models import Meeting
from meetings.services import open_meeting


def test_the_officer_records_an_item_taken_out_of_order(page, live_demo, login):
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    bring_forward(november)
    login(page, "officer")

    # A late item, placed where the form suggests: before the date of the next meeting.
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.get_by_role("link", name="Add a top-level item").click()
    expect(page.get_by_label("Place on the agenda")).to_have_value(
        str(november.items.get(kind="next_meeting").pk)
    )
    page.get_by_label("Number").fill("L1")
    page.get_by_label("Heading").fill("Late item: drugs")
    page.get_by_role("button", name="Save item").click()
    headings = [
        (each.number, each.heading)
        for each in november.items.filter(parent=None).order_by("position", "pk")
    ]
    assert headings[-2:] == [("L1", "Late item: drugs"), ("6", "DATE OF NEXT MEETING")]

    # Item 4 taken after item 1, its number kept.
    four = november.items.get(number="4", parent=None)
    page.goto(f"{live_demo.url}/meetings/items/{four.pk}/edit/")
    page.get_by_label("Taken out of order, after item").select_option(
        label="1 OUTSTANDING MATTERS / ITEMS BROUGHT FORWARD"
    )
    page.get_by_role("button", name="Save item").click()
    page.goto(f"{live_demo.url}/meetings/{november.pk}/")
    row = page.locator(f"#item-{four.pk}")
    expect(row).to_contain_text("Taken after item 1.")
    expect(row.locator("th.item-number")).to_have_text("4")
