"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright's own browser downloads are never used (never run `playwright install`): the
tests launch /usr/bin/chromium, and are skipped with the reason when it is missing.
Every page the tests visit can be checked with axe-core, vendored in ``vendor/axe.min.js``.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread, so Django would otherwise
# refuse the ORM calls that fixtures and the live server's database teardown make there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
AXE_JS = BROWSER_DIR / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DEMO_PASSWORD = "assurance-demo"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests of this folder `browser`; skip them when Chromium is not installed.

    A conftest's collection hook sees every collected item of the session, so only those
    under this folder are touched. It runs first so that `-m "not browser"` sees the marker.
    """
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"Debian's chromium is not installed ({CHROMIUM} is missing): "
            "apt-get install chromium"
        )
    for item in items:
        if BROWSER_DIR not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with Debian's Chromium instead of a download."""
    args = list(CHROMIUM_ARGS)
    if browser_type_launch_args.get("headless") is False:
        # `pytest --headed`: do not contradict it.
        args.remove("--headless")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the app's Content-Security-Policy
    # rightly refuses; the tests of the policy itself read the headers instead.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The October 2017 minutes and demo logins, in the database the live server uses.

    The `demo` fixture of tests/conftest.py uses `db`, whose transaction the live server's
    thread cannot see; this one commits.
    """
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server


@pytest.fixture
def login(live_server):
    """`login(page, username)`: sign in through the login form with the demo password."""

    def login(page, username):
        login_url = f"{live_server.url}/accounts/login/"
        page.goto(login_url)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page, f"{username!r} could not sign in").not_to_have_url(
            re.compile(re.escape(login_url))
        )
        # The URL changes before the page it names has loaded.
        page.wait_for_load_state()

    return login


def _describe(violations):
    lines = [f"axe-core found {len(violations)} accessibility violation(s):"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} [{len(nodes)} element(s)] {violation['helpUrl']}"
        )
        for node in nodes[:3]:
            target = " ".join(str(part) for part in node["target"])
            html = " ".join(node["html"].split())
            if len(html) > 200:
                html = html[:197] + "..."
            lines.append(f"    {target}: {html}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:300]}")
        if len(nodes) > 3:
            lines.append(f"    ... and {len(nodes) - 3} more")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(output_path):
    """`assert_accessible(page)`: fail, with a screenshot, if axe-core finds any violation."""

    def assert_accessible(page):
        page.add_script_tag(path=str(AXE_JS))
        assert page.evaluate("typeof window.axe") == "object", (
            "axe-core was not injected: does a Content-Security-Policy block inline script? "
            "(pass bypass_csp=True in browser_context_args)"
        )
        results = page.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
            })""",
            AXE_TAGS,
        )
        violations = results["violations"]
        if violations:
            os.makedirs(output_path, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "-", page.url.split("://", 1)[-1].lower()).strip("-")
            screenshot = Path(output_path) / f"axe-{name}.png"
            page.screenshot(path=screenshot, full_page=True)
            pytest.fail(
                f"{_describe(violations)}\nPage: {page.url}\nScreenshot: {screenshot}",
                pytrace=False,
            )

    return assert_accessible
