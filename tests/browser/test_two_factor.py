"""Two factors in Chromium: the OPCC's policy officer sets up an authenticator app, signs in
with its code, uses a recovery code (which works once), and five wrong codes lock the login
out from that address."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD


def code_from(secret, steps_ahead=0):
    """What the authenticator app shows for the key the page gave (a code works once: each
    sign-in after the first takes the next 30-second step's)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, t0=-30 * steps_ahead):06d}"


def password(page, live_server, username="officer"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def give_code(page, code):
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_two_factors_set_up_sign_in_recovery_code_and_lockout(
    live_demo, live_server, page, login, assert_accessible
):
    login(page, "officer")
    page.get_by_role("link", name=re.compile("your sessions and two factors$")).click()
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Two factors", exact=True).click()
    page.get_by_role("link", name="Set up two factors").click()
    expect(
        page.get_by_role("img", name="QR code of the key for your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("Code from the app").fill(code_from(secret))
    page.get_by_role("button", name="Turn two factors on").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them: go on").click()
    sign_out(page)

    # The password, then the app's code.
    password(page, live_server)
    expect(page).to_have_url(re.compile(r"/accounts/code/$"))
    assert_accessible(page)
    give_code(page, code_from(secret, 1))
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    sign_out(page)

    # A recovery code in place of the app's code, once.
    password(page, live_server)
    give_code(page, codes[0])
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("status")).to_contain_text("You used a recovery code: 9 left.")
    sign_out(page)
    password(page, live_server)
    give_code(page, codes[0])
    expect(
        page.locator("#id_code").locator("..").get_by_text("That code is not right.")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/code/$"))

    # That was the first wrong code; four more, and the login is locked out from here.
    # django-otp makes each try after a wrong code wait twice as long (1, 2, 4 seconds).
    for wait in (0, 1, 2):
        page.wait_for_timeout(wait * 1000 + 300)
        give_code(page, "000000")
        expect(page.get_by_text("That code is not right.").first).to_be_visible()
    page.wait_for_timeout(4300)
    give_code(page, "000000")
    expect(page.get_by_role("heading", name="Too many failed sign-in attempts")).to_be_visible()
    # Even the password and the right code are refused during the cool-off.
    password(page, live_server)
    expect(page.get_by_role("heading", name="Too many failed sign-in attempts")).to_be_visible()
