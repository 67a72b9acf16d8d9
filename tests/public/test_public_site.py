"""The public site: anyone, without signing in, reads published minutes (HTML, PDF, the Atom
feed) and where their actions stand; never a restricted item, nor minutes not yet published,
and never the live wording of an action the minutes froze."""

import datetime
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action, ActionReview
from actions.reviews import bring_forward
from actions.services import decide_review, raise_action
from meetings.models import Meeting, MinutesEvent
from meetings.services import open_meeting, set_minutes_status
from people.models import Post
from tests.factories import ItemFactory, MeetingFactory, SeriesFactory

pytestmark = pytest.mark.django_db

SENSITIVE = "Operationally sensitive"
WITHHELD = f"This item is withheld from this version of the minutes. Reason: {SENSITIVE}"
# October's item 2, restricted below: its heading, a finding and its action.
SECRETS = [
    "OPERATIONAL AND REPUTATIONAL",
    "Nuneaton firearms incident",
    "Athena update brief",
    "2017/10-05",
]
OCTOBER_PUBLIC_ACTIONS = [
    "2017/10-01",
    "2017/10-02",
    "2017/10-03",
    "2017/10-04",
    "2017/10-06",
    "2017/10-07",
    "2017/10-08",
]
ATOM = "{http://www.w3.org/2005/Atom}"


def assert_no_secret(text):
    assert [secret for secret in SECRETS if secret in text] == []


def pdf_text(content, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


@pytest.fixture
def october(demo, settings):
    """The demo's October minutes with item 2 restricted (a correction), agreed and published."""
    settings.DEBUG = False
    october = Meeting.objects.get(date="2017-10-31")
    set_minutes_status(october, "draft", by=None, reason="Item 2 is sensitive.")
    item = october.items.get(number="2", parent=None)
    item.restricted, item.restriction_reason = True, SENSITIVE
    item.save()
    set_minutes_status(october, "agreed", by=None)
    set_minutes_status(october, "published", by=None)
    return october


def published_at(meeting):
    return MinutesEvent.objects.filter(meeting=meeting, to_status="published").latest("at").at


def public_urls(meeting):
    return [
        reverse("public:index"),
        reverse("public:year", args=[meeting.series_id, meeting.date.year]),
        reverse("public:actions", args=[meeting.series_id]),
        reverse("public:minutes", args=[meeting.pk]),
        reverse("public:pdf", args=[meeting.pk]),
        reverse("public:feed"),
    ]


def test_an_anonymous_visitor_finds_published_minutes_by_series_and_year(client, october):
    index = client.get(reverse("public:index"))
    assert index.status_code == 200
    [(series, years)] = index.context["series_list"]
    assert series == october.series
    assert [(year, [m.title for m in meetings]) for year, meetings in years] == [
        (2017, ["Monthly Assurance Meeting October 2017"])
    ]
    year_url = reverse("public:year", args=[october.series_id, 2017])
    assert f'href="{year_url}"' in index.text

    year = client.get(year_url)
    assert year.status_code == 200
    assert [m.title for m in year.context["meetings"]] == ["Monthly Assurance Meeting October 2017"]
    assert f'href="{reverse("public:minutes", args=[october.pk])}"' in year.text
    assert f'href="{reverse("public:pdf", args=[october.pk])}"' in year.text
    published = timezone.localtime(published_at(october)).date()
    assert f"{published.day} {published:%B %Y}" in year.text


def test_the_minutes_page_shows_the_public_version_from_its_frozen_snapshot(client, october):
    page = client.get(reverse("public:minutes", args=[october.pk]))
    assert page.status_code == 200
    assert page.context["doc"].public is True
    assert page.context["doc"].title == "Monthly Assurance Meeting October 2017 – Meeting Notes"
    assert WITHHELD in page.text
    assert_no_secret(page.text)
    assert 'lang="en-GB"' in page.text
    assert 'href="#main"' in page.text
    # Nothing links into the signed-in app.
    assert "/actions/" not in page.text and "/meetings/" not in page.text
    assert [a.reference for a in page.context["actions"]] == OCTOBER_PUBLIC_ACTIONS


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_is_the_public_version(client, october, tmp_path):
    response = client.get(reverse("public:pdf", args=[october.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Monthly Assurance Meeting October 2017 minutes.pdf"'
    )
    text = pdf_text(response.content, tmp_path)
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in text
    assert WITHHELD in text
    for reference in OCTOBER_PUBLIC_ACTIONS:
        assert reference in text
    assert_no_secret(text)


def test_the_feed_lists_newly_published_minutes_newest_first(client, october):
    series = SeriesFactory(name="Joint Audit Committee", short_name="JAC")
    later = MeetingFactory(series=series, date=datetime.date(2017, 9, 20))
    ItemFactory(meeting=later, number="1", heading="Internal audit")
    set_minutes_status(later, "agreed", by=None)
    set_minutes_status(later, "published", by=None)

    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert_no_secret(response.content.decode())
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == (
        "Office of the Police and Crime Commissioner"
    )
    # Newest publication first, though the meeting it publishes is older.
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Joint Audit Committee September 2017: minutes published",
        "Monthly Assurance Meeting October 2017: minutes published",
    ]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://testserver{reverse('public:minutes', args=[later.pk])}",
        f"http://testserver{reverse('public:minutes', args=[october.pk])}",
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        published_at(later).isoformat(),
        published_at(october).isoformat(),
    ]
    day = timezone.localtime(published_at(october)).date()
    assert entries[1].findtext(f"{ATOM}summary") == (
        "The minutes of the meeting of 31 October 2017, published on "
        f"{day.day} {day:%B %Y}. 7 actions arising."
    )


def test_a_restricted_item_and_its_actions_reach_no_public_page(client, october, tmp_path):
    for url in public_urls(october):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"] == "application/pdf":
            if shutil.which("pdftotext"):
                assert_no_secret(pdf_text(response.content, tmp_path))
        else:
            assert_no_secret(response.content.decode())
    actions = client.get(reverse("public:actions", args=[october.series_id]))
    assert [a.reference for a in actions.context["actions"]] == OCTOBER_PUBLIC_ACTIONS


def test_an_item_restricted_after_publication_takes_its_actions_off_the_status_lists(
    client, october
):
    """The frozen minutes stay as published; the actions' live status is no longer shown."""
    item = october.items.get(number="4", parent=None)
    item.restricted, item.restriction_reason = True, "Sub judice"
    item.save()
    response = client.get(reverse("public:actions", args=[october.series_id]))
    assert "2017/10-06" not in [a.reference for a in response.context["actions"]]


@pytest.mark.parametrize("status", ["draft", "agreed"])
def test_minutes_not_yet_published_are_not_found(client, october, status):
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    ItemFactory(meeting=november, number="7", heading="Visible only inside")
    if status == "agreed":
        set_minutes_status(november, "agreed", by=None)
    for name in ("public:minutes", "public:pdf"):
        response = client.get(reverse(name, args=[november.pk]))
        assert response.status_code == 404
        assert "There are no published minutes at this address." in response.text
        assert response.cookies == {}
    # September and July are agreed, not published: not listed, and not found.
    september = Meeting.objects.get(date="2017-09-26")
    assert client.get(reverse("public:minutes", args=[september.pk])).status_code == 404
    feed = client.get(reverse("public:feed")).content.decode()
    assert "November 2017" not in feed and "September 2017" not in feed


def test_a_series_without_published_minutes_is_not_shown_and_a_retired_one_is(client, october):
    SeriesFactory(name="Joint Audit Committee", short_name="JAC")
    october.series.retired_on = datetime.date(2019, 3, 31)
    october.series.save()
    response = client.get(reverse("public:index"))
    assert [series.name for series, _years in response.context["series_list"]] == [
        "Monthly Assurance Meeting"
    ]
    assert "This series no longer meets" in response.text
    for url in (
        reverse("public:year", args=[october.series_id, 2018]),
        reverse("public:actions", args=[october.series_id + 1]),
    ):
        assert client.get(url).status_code == 404


def test_the_public_page_keeps_the_minuted_wording_after_the_action_changes(client, october):
    """October is published; November closes 2017/10-02 and replaces it, then its text is
    changed in the live log (as the admin can): October's public page reads as minuted, with
    the status as it is now."""
    action = Action.objects.get(reference="2017/10-02")
    minuted = action.text
    november = open_meeting(october.series, date=datetime.date(2017, 11, 29))
    bring_forward(november)
    review = ActionReview.objects.get(item__meeting=november, action=action)
    decide_review(
        review,
        by=None,
        outcome="replaced",
        update="The interim analysis was shared; the final one follows.",
        replacement={
            "text": "Share the final analysis with the PCC's office.",
            "owner_posts": [Post.objects.get(abbreviation="DCC")],
        },
    )
    Action.objects.filter(pk=action.pk).update(text="Rewritten after the meeting.")
    action.refresh_from_db()
    assert action.status == "closed"

    for url in (
        reverse("public:minutes", args=[october.pk]),
        reverse("public:actions", args=[october.series_id]),
    ):
        response = client.get(url)
        [public] = [a for a in response.context["actions"] if a.reference == "2017/10-02"]
        assert (public.text, public.owners, public.status) == (minuted, "DCC", "Closed")
        assert "Rewritten after the meeting." not in response.text
    # November's minutes, and its replacement action, are not public.
    assert [a.reference for a in response.context["actions"]] == OCTOBER_PUBLIC_ACTIONS


def test_no_public_page_sets_a_cookie_and_each_may_be_cached_briefly(client, october):
    for url in public_urls(october):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert response["Cache-Control"] == "max-age=300, public", url


def test_a_signed_in_visitor_gets_pages_no_shared_cache_keeps(client, october):
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("public:minutes", args=[october.pk]))
    assert response["Cache-Control"] == "max-age=300, private"
    assert_no_secret(response.text)


def public_patterns():
    [resolver] = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "public"
    ]
    return resolver.url_patterns


def test_only_the_public_views_are_exempt_from_signing_in():
    exempt = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif getattr(pattern.callback, "login_required", True) is False:
                exempt.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    public = sorted(f"public:{p.name}" for p in public_patterns())
    assert public == [
        "public:actions",
        "public:feed",
        "public:index",
        "public:minutes",
        "public:pdf",
        "public:year",
    ]
    assert sorted(name for name in exempt if name.startswith("public:")) == public
    # Nothing else was opened: the pages that were open before the public site.
    assert sorted(name for name in exempt if not name.startswith("public:")) == [
        # An owner without a login, from an emailed link to one action (its secret decides).
        "actions:update_by_link",
        "calendar_feed",
        "healthz",
        "keep_alive",
        "login",
        # The office's logo, which the public site and the sign-in page show.
        "office:logo",
        # A paper too large for the agenda email, from that recipient's signed link.
        "papers:emailed",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
        "readyz",
        # The code after the password, and the identity provider's start and return.
        "signin:code",
        "signin:oidc_callback",
        "signin:oidc_start",
    ]


def test_the_public_pages_only_read(client, october):
    for url in public_urls(october):
        assert client.post(url).status_code == 405, url


def publish_meetings(series, count, start):
    meetings = []
    for n in range(count):
        meeting = MeetingFactory(series=series, date=start + datetime.timedelta(days=7 * n))
        item = ItemFactory(meeting=meeting, number="1", heading="Performance")
        raise_action(item=item, text=f"Report the figures, week {n}.")
        set_minutes_status(meeting, "agreed", by=None)
        set_minutes_status(meeting, "published", by=None)
        meetings.append(meeting)
    return meetings


@pytest.mark.parametrize(
    ("name", "queries"),
    # Each request is also a savepoint and its release (ATOMIC_REQUESTS), and one look-up
    # of the office, whose names head every page and title the feed.
    [("public:index", 4), ("public:year", 5), ("public:actions", 7), ("public:feed", 5)],
)
def test_the_list_pages_cost_the_same_queries_for_one_or_many_minutes(
    client, db, name, queries, django_assert_num_queries
):
    series = SeriesFactory(name="Joint Audit Committee", short_name="JAC")
    kwargs = {
        "public:index": {},
        "public:year": {"series_pk": series.pk, "year": 2018},
        "public:actions": {"series_pk": series.pk},
        "public:feed": {},
    }[name]
    url = reverse(name, kwargs=kwargs)
    publish_meetings(series, 1, datetime.date(2018, 1, 3))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    publish_meetings(series, 6, datetime.date(2018, 2, 7))
    with django_assert_num_queries(queries):
        response = client.get(url)
    if name == "public:actions":
        assert len(response.context["actions"]) == 7


def test_the_pdf_is_made_by_the_queue_never_while_the_visitor_waits(client, october, settings):
    from meetings.kept_files import prepare_minutes_file
    from meetings.models import KeptMinutesFile

    # A queue whose worker has not yet run anything.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    url = reverse("public:pdf", args=[october.pk])
    waiting = client.get(url)
    assert (waiting.status_code, waiting["Retry-After"]) == (202, "30")
    assert waiting["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in waiting["Cache-Control"] and "public" not in waiting["Cache-Control"]
    assert "is being made for the first reader who asked" in waiting.text
    assert f'href="{url}">Try the PDF again</a>' in waiting.text
    kept = KeptMinutesFile.objects.get()
    assert (kept.variant, kept.kind, kept.status) == ("published", "pdf", "preparing")
    # Asked again before the worker ran: the same file waited for, not a second.
    assert client.get(url).status_code == 202
    assert KeptMinutesFile.objects.count() == 1

    prepare_minutes_file.call(kept.pk)
    ready = client.get(url)
    assert (ready.status_code, ready["Content-Type"]) == (200, "application/pdf")
    assert ready.content.startswith(b"%PDF")
    kept.refresh_from_db()
    assert kept.file.read() == ready.content
