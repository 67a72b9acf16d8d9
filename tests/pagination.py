"""How a set of minutes falls into pages, read back from a PDF: shared by the test of the
PDF and the test of the browser's print, which must paginate alike."""

import subprocess

from meetings.models import MinutesStatus
from tests.factories import FindingFactory, ItemFactory, MeetingFactory

SHORT_ITEMS = 14
SHORT_FINDINGS = 4
LONG_FINDINGS = 40


def finding_text(item, number):
    return (
        f"Finding {number} of item {item}: the force reported progress against the plan, "
        "with the figures for the quarter and the reasons behind them set out in full."
    )


def paginated_meeting():
    """Short items (each well under a quarter of a page) that must never split across pages,
    then a long item (over a page) that must start where the short ones end rather than
    leave a half-empty page behind it."""
    meeting = MeetingFactory(status=MinutesStatus.DRAFT)
    for number in range(1, SHORT_ITEMS + 1):
        item = ItemFactory(
            meeting=meeting, number=str(number), heading=f"Short item {number} heading"
        )
        for n in range(1, SHORT_FINDINGS + 1):
            FindingFactory(item=item, text=finding_text(number, n), position=n)
    long_item = ItemFactory(
        meeting=meeting, number=str(SHORT_ITEMS + 1), heading="The long item", position=99
    )
    for n in range(1, LONG_FINDINGS + 1):
        FindingFactory(item=long_item, text=finding_text(SHORT_ITEMS + 1, n), position=n)
    return meeting


def pages(pdf, tmp_path):
    """The text of each page, with runs of white space made single."""
    path = tmp_path / "paginated.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def page_of(pages_text, text):
    found = [index for index, page in enumerate(pages_text) if text in page]
    assert found, f"{text!r} is on no page"
    return found


def assert_paginated_like_the_pdf(pages_text):
    """Every short item on one page; the long item starting on the page where the last short
    item ends (no half-empty page) and its heading never alone at the foot of a page."""
    for number in range(1, SHORT_ITEMS + 1):
        first = page_of(pages_text, finding_text(number, 1))
        last = page_of(pages_text, finding_text(number, SHORT_FINDINGS))
        heading = page_of(pages_text, f"Short item {number} heading")
        assert heading == first == last, f"short item {number} is split: {heading, first, last}"
    long_number = SHORT_ITEMS + 1
    last_short_page = page_of(pages_text, finding_text(SHORT_ITEMS, SHORT_FINDINGS))[-1]
    assert page_of(pages_text, "The long item") == [last_short_page]
    assert page_of(pages_text, finding_text(long_number, 1)) == [last_short_page]
    assert page_of(pages_text, finding_text(long_number, LONG_FINDINGS))[0] > last_short_page
