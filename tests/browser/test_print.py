"""The minutes printed from the browser paginate like the PDF: short items whole, a long one
flowing on from where the others end, headings kept with what follows them."""

import shutil

import pytest
from playwright.sync_api import expect

from people import roles
from tests.factories import user_with_role
from tests.pagination import assert_paginated_like_the_pdf, pages, paginated_meeting


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_printing_the_minutes_paginates_like_the_pdf(transactional_db, live_server, page, tmp_path):
    meeting = paginated_meeting()
    user = user_with_role(roles.OPCC_STAFF, username="printer")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{meeting.title} – Meeting Notes")

    printed = pages(page.pdf(format="A4", print_background=False), tmp_path)

    assert_paginated_like_the_pdf(printed)
    # Only the minutes are printed: no navigation, toolbar or history of the page.
    assert not any("Sign out" in text or "Word document" in text for text in printed)
