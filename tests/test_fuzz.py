"""Generated input to every form and POST endpoint: nothing a browser can send breaks a page.

The endpoints come from the URL resolver, through the permission tables of
`tests/test_permissions.py`, which must name every URL. Field names and their choices come
from the forms the pages render, as a browser finds them. Hypothesis then sends what a careless
or hostile user might: very long text, control characters and NUL (which PostgreSQL refuses to
store), markup and <script>, impossible dates, huge and negative numbers, unknown ids in the
body and in the URL, and keys no form has. The answer must never be a server error, an unknown
id must be a 404, and markup must come back escaped, also on the page a redirect leads to.

Each test signs in once and loops over the endpoints, running Hypothesis for each; every
request is rolled back, so each example starts from the same data.
"""

import collections
import copy
import csv
import io
import logging
import re
import time
import traceback
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlencode, urlsplit

import hypothesis
import pytest
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.urls.converters import IntConverter, UUIDConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action, CalendarFeed
from actions.services import mark_complete
from tests import test_permissions as permissions

pytestmark = pytest.mark.django_db

# The demo and a draft meeting, with a login per role, as the permission matrix has them.
world = permissions.world

# Generated examples per endpoint come from the Hypothesis profile (tests/conftest.py): 20 in
# CI, a few in the local loop; the seeds below always run. Each URL gets a quarter as many.
EXAMPLES_PER_URL = max(1, settings.default.max_examples // 4)

# Pages that accept a POST but read nothing from it: they answer it as they answer a GET, so
# only their URL can be fuzzed, which `test_an_unknown_id_in_any_url_is_404` does.
READ_ONLY = {
    "home",
    "calendar_feed",
    "meetings:docx",
    "meetings:pdf",
    "meetings:history",
    "kept:action_log_csv",
    "kept:action_log_xlsx",
    "judgements:decisions_csv",
    "judgements:decisions_xlsx",
    # The year's page reads the same series choice and is fuzzed.
    "themes:pdf",
    "themes:xlsx",
    "actions:calendar",
    "actions:detail",
}
# Signing out would end the session the other examples use, and it reads no input.
NOT_FUZZED = READ_ONLY | {"logout"}
# Keys the views read from the request themselves, outside any form.
REQUEST_KEYS = ["parent", "direction"]

MARKERS = ("<script>alert('x')</script>", '"><svg onload=alert(1)>')
ODD_DATES = [
    "2017-02-30",
    "0000-01-01",
    "99999-01-01",
    "31/12/2017",
    "",
    "2017-13-01",
    "2017-11",
    "9999-12-31",
    "9999-12",
    "0001-01-01",
    "2017-11-29T10:30",
    "25:61",
]
ODD_NUMBERS = [
    "0",
    "-1",
    "²",
    "١٢",
    "1e3",
    "1.5",
    " 7 ",
    "0x1f",
    "NaN",
    "null",
    "\x00",
    "1\x00",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
]
CONTROL = st.characters(max_codepoint=0x1F) | st.sampled_from(
    ["\x7f", "\x85", "\u2028", "\u202e", "\ufeff"]
)
# What a spreadsheet runs as a formula (OWASP's CSV injection list), and the control
# characters that PostgreSQL (NUL) or the XLSX export (vertical tab) cannot hold.
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\x0b", "\x00"]
FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(CONTROL, min_size=1, max_size=20),
    st.builds(
        lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=20)
    ),
    st.sampled_from(FORMULAS),
    st.builds(
        lambda before, marker, after: before + marker + after,
        st.text(max_size=10),
        st.sampled_from(MARKERS),
        st.text(max_size=10),
    ),
    st.builds(
        lambda chunk, times: (chunk * times)[:10_000],
        st.text(min_size=1, max_size=8),
        st.integers(1, 10_000),
    ),
    st.sampled_from(ODD_DATES),
    st.sampled_from(ODD_NUMBERS),
    st.integers(-(10**30), 10**30).map(str),
)
UNKNOWN_IDS = st.one_of(
    st.sampled_from([0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30]),
    st.integers(10**7, 10**40),
)

# Always tried, whatever Hypothesis draws (see `seed_bodies`).
EVERY_FIELD = ["\x00", "²", "9" * 40, "-1", "2017-02-30", "99999-01-01", "31/12/2017", MARKERS[0]]
FREE_TEXT = [
    "x\x00y",
    f"Minuted {MARKERS[0]} {MARKERS[1]}",
    "\x01\x1b[31m\u202e",
    "A" * 10_000,
    FORMULAS[0],
    "\x0b=1+1",
]
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f]")
EXTREME_DATES = {"date": ["9999-12-31", "0001-01-01"], "month": ["9999-12", "0001-01"]}
FILLED = {"date": "2030-06-28", "month": "2030-06", "time": "10:30", "number": "1"}


@dataclass
class Field:
    kind: str  # the input's type, "select" or "textarea"
    options: list = field(default_factory=list)
    default: list = field(default_factory=list)

    @property
    def multi(self):
        return self.kind in ("checkbox", "select multiple")

    @property
    def free_text(self):
        return self.kind in ("text", "textarea", "search", "email")


class FormParser(HTMLParser):
    """The forms of a page: for each, its method, where it sends, and its fields' choices."""

    def __init__(self, page):
        super().__init__()
        self.page, self.forms, self.form, self.select = page, [], None, None

    def add(self, name, kind):
        return self.form["fields"].setdefault(name, Field(kind))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {
                "method": attrs.get("method", "get").upper(),
                "action": urlsplit(attrs.get("action") or self.page).path,
                "fields": {},
            }
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "option" and self.select is not None and "value" in attrs:
            self.select.options.append(attrs["value"])
            if "selected" in attrs:
                self.select.default.append(attrs["value"])
        elif not attrs.get("name") or attrs["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "select":
            kind = "select multiple" if "multiple" in attrs else "select"
            self.select = self.add(attrs["name"], kind)
        elif tag == "textarea":
            self.add(attrs["name"], "textarea")
        elif tag in ("input", "button"):
            kind = attrs.get("type", "text" if tag == "input" else "submit")
            each = self.add(attrs["name"], kind)
            value = attrs.get("value")
            if value and not each.free_text:
                each.options.append(value)
            if value is not None and (kind not in ("checkbox", "radio") or "checked" in attrs):
                each.default.append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def merge(into, fields):
    for name, each in fields.items():
        target = into.setdefault(name, Field(each.kind))
        target.options += [option for option in each.options if option not in target.options]
        target.default = target.default or each.default


def discover_forms(client, urls):
    """GET each page; index its forms by method and target URL, and by the target's name."""
    by_target, by_name = {}, {}
    for url in urls:
        response = send(client, "GET", url, {})[0]
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue  # A download whose address does not say so (a paper), or a feed.
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            try:
                name = resolve(form["action"]).view_name
            except Resolver404:
                continue
            merge(by_target.setdefault((form["method"], form["action"]), {}), form["fields"])
            merge(by_name.setdefault((form["method"], name), {}), form["fields"])
    return by_target, by_name


def html_pages(objects, role, extra=()):
    """Every page of the permission table the role may read, except files and feeds."""
    urls = [
        permissions.url_for(key, objects.url_kwargs)
        for key, expected in permissions.EXPECTED_GET.items()
        if expected[role] == 200
    ]
    files = (".pdf", ".docx", ".csv", ".xlsx", ".ics")
    return [url for url in [*urls, *extra] if not url.endswith(files)]


def what_a_browser_sends(fields, text=""):
    """The form submitted as shown, with ``text`` typed in each empty free-text field."""
    sent = {}
    for name, each in fields.items():
        if each.multi:
            sent[name] = each.default
        elif each.default or each.options:
            sent[name] = (each.default or each.options)[0]
        else:
            sent[name] = text if each.free_text else ""
    return sent


def filled_in(fields):
    """The form as someone completes it who fills in every field with something sensible."""
    sent = {}
    for name, each in fields.items():
        first = each.default or [option for option in each.options if option][:1]
        if each.multi:
            sent[name] = first
        else:
            sent[name] = first[0] if first else FILLED.get(each.kind, "Seeded text")
    return sent


def values_for(each):
    """Any generated text; for a list of choices, also its real choices; for a list of ids,
    also odd and unknown ids; for a date, also odd dates."""
    choices = [TEXT]
    if each.options:
        choices.insert(0, st.sampled_from(each.options))
        ids = [option for option in each.options if option]
        if ids and all(option.isdigit() for option in ids):
            choices += [st.sampled_from(ODD_NUMBERS), UNKNOWN_IDS.map(str)]
    if each.kind in EXTREME_DATES:
        choices.append(st.sampled_from(ODD_DATES))
    single = st.one_of(*choices)
    return st.lists(single, max_size=3) if each.multi else single


@st.composite
def bodies(draw, fields, other_keys):
    """A browser's submission with a few fields changed, or every field generated; either way
    with a few keys the form does not have, often one that the views read themselves."""
    names = sorted(fields)
    if names and draw(st.booleans()):
        body = what_a_browser_sends(fields, text=draw(TEXT))
        changed = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    else:
        body, changed = {}, [name for name in names if draw(st.booleans())]
    keys = st.one_of(
        st.sampled_from(REQUEST_KEYS), st.sampled_from(other_keys), st.text(min_size=1, max_size=20)
    )
    changed += [key for key in draw(st.lists(keys, max_size=3, unique=True)) if key not in body]
    for name in changed:
        body[name] = draw(values_for(fields.get(name, Field("text"))))
    return body


# The local loop (Hypothesis profile "dev") tries each kind of seed once instead of each in
# every field; CI ("ci") tries them all. The seeds, not the generated examples, cost the time.
ALL_SEEDS = settings.default.max_examples >= 20


def seed_bodies(fields):
    """Each odd value in every field at once; each odd text in all the free text of a form
    otherwise filled in sensibly; the first marker in each free-text field on its own, so that
    a form saves it and the next page shows it; each extreme date in each date field, of the
    form filled in and of the form as shown. Outside CI, the first of each kind."""
    every = [dict.fromkeys([*fields, *REQUEST_KEYS], value) for value in EVERY_FIELD]
    filled = filled_in(fields)
    free = [name for name, each in fields.items() if each.free_text]
    texts = [{**filled, **dict.fromkeys(free, text)} for text in FREE_TEXT] if free else []
    marked = [{**filled, name: f"Seeded {MARKERS[0]}"} for name in free]
    dates = [
        {**base, name: date}
        for base in (filled, what_a_browser_sends(fields))
        for name, each in fields.items()
        for date in EXTREME_DATES.get(each.kind, [])
    ]
    if not ALL_SEEDS:
        return every[:1] + texts[:1] + marked[:1] + dates[:1]
    return every + texts + marked + dates


def targets(key, url_kwargs):
    """The endpoint's URL, or now and then the same URL with ids that do not exist."""
    real = st.just((permissions.url_for(key, url_kwargs), False))
    converters = permissions.url_names()[key.split("@")[0]].pattern.converters
    ids = [name for name, converter in converters.items() if isinstance(converter, IntConverter)]
    if not ids:
        return real
    unknown = st.fixed_dictionaries(dict.fromkeys(ids, UNKNOWN_IDS)).map(
        lambda kwargs: (
            reverse(key.split("@")[0], kwargs={**url_kwargs.get(key, {}), **kwargs}),
            True,
        )
    )
    return st.one_of(real, real, real, unknown)


def send(client, method, url, body, *, htmx=False, urlencoded=True, follow=False, overview=()):
    """One request whose writes are rolled back, with the session restored afterwards.

    With ``follow``, when the request changed something (a redirect), also GET the page it
    leads to and the ``overview`` pages, before the rollback: what was saved must show.
    """
    cookies = copy.deepcopy(client.cookies)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    shown = []
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, body, **extra)
            elif urlencoded:
                encoded = urlencode(body, doseq=True)
                response = client.post(url, encoded, "application/x-www-form-urlencoded", **extra)
            else:
                response = client.post(url, body, **extra)
            location = response.get("Location", "") if response.status_code == 302 else ""
            if follow and location.startswith("/") and not location.startswith("/accounts/"):
                shown = [client.get(page) for page in [location, *overview]]
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, shown


def assert_formulas_neutralised(response):
    """No cell of a CSV export starts as a spreadsheet formula would."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/csv"):
        return
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(tuple(FORMULA_STARTS[:6])), f"{cell!r} would run"


def server_error(response):
    if getattr(response, "exc_info", None):
        return "".join(traceback.format_exception(*response.exc_info)[-3:])
    return f"{response.status_code}: {response.content[:300]!r}"


def assert_markup_escaped(response, sent, counter):
    if response.status_code != 200:
        return
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    page = response.content.decode()
    for marker in MARKERS:
        assert marker not in page, f"{marker!r} came back unescaped"
    if any(marker in value for value in sent for marker in MARKERS) and (
        "&lt;script&gt;alert" in page or "&quot;&gt;&lt;svg" in page
    ):
        counter["escaped echoes"] += 1


class Summary:
    """What was sent to each endpoint, shown after the session's results."""

    def __init__(self):
        self.counts = {}

    def endpoint(self, role, method, key):
        return self.counts.setdefault((role, method, key), collections.Counter())

    def pytest_terminal_summary(self, terminalreporter):
        if not self.counts:
            return
        terminalreporter.section("generated inputs tried per endpoint")
        terminalreporter.write_line(
            f"{'role':<12} {'method':<6} {'endpoint':<27} {'inputs':>6} {'escaped':>7} "
            f"{'seconds':>7}  statuses"
        )
        for (role, method, key), counter in sorted(self.counts.items()):
            statuses = " ".join(
                f"{status}×{counter[status]}"
                for status in sorted(status for status in counter if isinstance(status, int))
            )
            terminalreporter.write_line(
                f"{role:<12} {method:<6} {key:<27} {counter['inputs']:>6} "
                f"{counter['escaped echoes']:>7} {counter['seconds']:>7.1f}  {statuses}"
            )


SUMMARY = Summary()


@pytest.fixture(scope="module", autouse=True)
def summary(pytestconfig):
    if not pytestconfig.pluginmanager.is_registered(SUMMARY):
        pytestconfig.pluginmanager.register(SUMMARY, "fuzz-summary")
    return SUMMARY


@pytest.fixture(autouse=True)
def quiet_logs(caplog):
    # Thousands of refused requests and sign-ins would each log; failures report their own.
    caplog.set_level(logging.CRITICAL, logger="django.request")
    caplog.set_level(logging.CRITICAL, logger="axes")


FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)


def fuzz(client, role, method, key, url_kwargs, fields, other_keys, overview, minutes=()):
    counter = SUMMARY.endpoint(role, method, key)
    url = permissions.url_for(key, url_kwargs)

    @FUZZ_SETTINGS
    @given(
        target=targets(key, url_kwargs) if method == "POST" else st.just((url, False)),
        body=bodies(fields, other_keys),
        htmx=st.booleans(),
        urlencoded=st.booleans(),
        follow=st.booleans(),
        # The overview pages are slow to build: only the seeds below look at them.
        look_around=st.just(False),
    )
    def example(target, body, htmx, urlencoded, follow, look_around):
        url, unknown_id = target
        sent = [
            v for value in body.values() for v in (value if isinstance(value, list) else [value])
        ]
        if look_around and any(CONTROL_CHARACTER.search(value) for value in sent):
            look_at = [*overview, *minutes]
        else:
            look_at = overview if look_around else ()
        response, shown = send(
            client,
            method,
            url,
            body,
            htmx=htmx,
            urlencoded=urlencoded,
            follow=follow,
            overview=look_at,
        )
        counter["inputs"] += 1
        counter[response.status_code] += 1
        for each in [response, *shown]:
            assert each.status_code < 500, server_error(each)
        if unknown_id:
            assert response.status_code == 404, f"{url} answered {response.status_code}"
        for each in [response, *shown]:
            assert_markup_escaped(each, sent, counter)
            assert_formulas_neutralised(each)

    for body in seed_bodies(fields):
        seed = hypothesis.example(
            target=(url, False),
            body=body,
            htmx=False,
            urlencoded=True,
            follow=True,
            look_around=True,
        )
        example = seed(example)
    example()


def fuzz_every_endpoint(objects, role, extra_pages=()):
    """Fuzz each endpoint the role may post to, and each search form it sees; every endpoint
    is tried before the test fails, and the failures are reported together."""
    assert set(permissions.url_names()) >= READ_ONLY
    client = permissions.signed_in_client(objects.users[role])
    by_target, by_name = discover_forms(client, html_pages(objects, role, extra_pages))
    other_keys = sorted({name for fields in by_name.values() for name in fields})
    # Pages that do sums with every date saved, and the CSV export of every text saved:
    # whatever a form has just saved must show, and the CSV must not run it as a formula.
    feed, _ = CalendarFeed.objects.get_or_create(user=objects.users[role])
    overview = [
        feed.get_absolute_url(),
        reverse("actions:log"),
        reverse("kept:action_log_csv"),
        reverse("judgements:decisions"),
        reverse("judgements:decisions_csv"),
    ]
    # The Word minutes of the draft meeting, where the role may read them, after the seeds
    # that send control characters: Word cannot hold them (its own line break among them).
    minutes = []
    if permissions.EXPECTED_GET["meetings:docx"][role] == 200:
        minutes.append(permissions.url_for("meetings:docx", objects.url_kwargs))
    refused = (403, 404, 405)
    endpoints = [
        ("POST", key)
        for key in permissions.url_names()
        if key not in NOT_FUZZED and permissions.EXPECTED_POST[key][role] not in refused
    ]
    # A form the role sees only on some objects (withdrawing a paper of one's own update) is
    # fuzzed at such an object.
    fuzzed = {key for _method, key in endpoints}
    for key, expected in permissions.EXPECTED_POST.items():
        name = key.split("@")[0]
        if name not in fuzzed and name not in NOT_FUZZED and expected[role] not in refused:
            endpoints.append(("POST", key))
            fuzzed.add(name)
    endpoints += sorted({("GET", name) for method, name in by_name if method == "GET"})
    failures = []
    for method, key in endpoints:
        url = permissions.url_for(key, objects.url_kwargs)
        fields = by_target.get((method, url)) or by_name.get((method, key), {})
        started = time.perf_counter()
        try:
            fuzz(
                client,
                role,
                method,
                key,
                objects.url_kwargs,
                fields,
                other_keys,
                overview,
                minutes,
            )
        except Exception:
            failures.append(f"--- {method} {key} ---\n{traceback.format_exc(limit=0)}")
        SUMMARY.endpoint(role, method, key)["seconds"] = time.perf_counter() - started
    # Every form a page shows the role is fuzzed, except signing out.
    assert set(by_name) - {("POST", "logout")} <= {(m, key.split("@")[0]) for m, key in endpoints}
    return endpoints, failures


@pytest.fixture
def awaiting(world):
    """An action marked complete: the dashboard offers its review, its page the reopen form."""
    action = Action.objects.get(reference="2017/10-03")
    mark_complete(action, note="Done.", by=None)
    return action


def test_generated_input_never_breaks_a_page_for_opcc_staff(world, awaiting):
    endpoints, failures = fuzz_every_endpoint(
        world, permissions.OPCC, [awaiting.get_absolute_url()]
    )
    assert not failures, "\n".join(failures)


def test_generated_input_never_breaks_a_page_for_an_action_owner(world):
    endpoints, failures = fuzz_every_endpoint(world, permissions.OWNER)
    assert endpoints == [
        ("POST", "login"),
        ("POST", "keep_alive"),
        ("POST", "password_reset"),
        ("POST", "signin:code"),
        ("POST", "signin:two_factor_setup"),
        ("POST", "signin:recovery_codes"),
        ("POST", "signin:two_factor_off"),
        ("POST", "signin:sessions_end_others"),
        ("POST", "actions:reset_calendar"),
        ("POST", "actions:add_update"),
        ("POST", "actions:complete"),
        ("POST", "actions:update_by_link"),
        ("POST", "papers:update_add"),
        ("POST", "papers:withdraw@update"),
        ("GET", "actions:log"),
        ("GET", "judgements:decisions"),
        ("GET", "search:search"),
        ("GET", "themes:year"),
    ]
    assert not failures, "\n".join(failures)


PLACEHOLDER = 987654321987654321
UUID_PLACEHOLDER = uuid.UUID("98765432-1987-6543-2198-765432198765")


def try_unknown_ids(client, key, converters):
    """``key``'s URL with each of its arguments replaced by an id or text that names nothing:
    the URL does not resolve, or the view answers 404 (405 to a GET it refuses anyway)."""
    counter = SUMMARY.endpoint(permissions.OPCC, "URL", key)
    # A UUID in the URL (a kept export's) stands in for its own kind of id.
    placeholders = {
        name: UUID_PLACEHOLDER if isinstance(converter, UUIDConverter) else PLACEHOLDER
        for name, converter in converters.items()
    }
    template = reverse(key, kwargs=placeholders)
    text = st.text(min_size=1, max_size=80).filter(lambda value: not value.isdecimal())
    values = st.fixed_dictionaries(
        {
            name: st.one_of(
                (st.uuids() if isinstance(converter, UUIDConverter) else UNKNOWN_IDS).map(str),
                text,
            )
            for name, converter in converters.items()
        }
    )

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES_PER_URL)
    @given(values=values, method=st.sampled_from(["GET", "POST"]))
    @hypothesis.example(values=dict.fromkeys(converters, "\x00"), method="GET")
    @hypothesis.example(values=dict.fromkeys(converters, "a\x00b"), method="POST")
    def example(values, method):
        path = template
        for name, value in values.items():
            path = path.replace(str(placeholders[name]), quote(value, safe=""), 1)
        response = send(client, method, path, {})[0]
        counter["inputs"] += 1
        counter[response.status_code] += 1
        table = permissions.EXPECTED_GET if method == "GET" else permissions.EXPECTED_POST
        try:
            resolve(unquote(path))
        except Resolver404:
            expected = 404
        else:
            expected = 405 if table[key][permissions.OPCC] == 405 else 404
        assert response.status_code == expected, server_error(response)

    example()


def test_an_unknown_id_in_any_url_is_404(world):
    client = permissions.signed_in_client(world.users[permissions.OPCC])
    failures = []
    for key, pattern in permissions.url_names().items():
        if pattern.pattern.converters:
            started = time.perf_counter()
            try:
                try_unknown_ids(client, key, pattern.pattern.converters)
            except Exception:
                failures.append(f"--- {key} ---\n{traceback.format_exc(limit=0)}")
            SUMMARY.endpoint(permissions.OPCC, "URL", key)["seconds"] = (
                time.perf_counter() - started
            )
    assert not failures, "\n".join(failures)
