"""The PDF of agreed minutes is made once per frozen version, in each variant, and kept
through the storage API: agreed minutes do not change, and a correction is a new version
with PDFs of its own. Whoever may not see restricted items never gets the full PDF."""

import datetime
import re
import shutil

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from actions.models import Action
from core import background
from meetings.kept_files import prepare_minutes_file
from meetings.models import Finding, KeptMinutesFile, KeptMinutesHtml, Meeting
from meetings.services import set_minutes_status
from people import roles
from tests.factories import (
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    SeriesFactory,
    meeting_with_owners,
    user_with_role,
)
from tests.meetings.test_documents import pdf_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed"),
]

ATHENA = "Athena update brief"
KEPT_PAGE_QUERIES = 10


def _without_tokens(response):
    """The page with its CSRF tokens taken out: each response masks the token anew."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def kept(meeting):
    return sorted(
        KeptMinutesFile.objects.filter(version__meeting=meeting, kind="pdf").values_list(
            "version__number", "variant"
        )
    )


def pdf(client, meeting, query=""):
    response = client.get(reverse("meetings:pdf", args=[meeting.pk]) + query)
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_agreed_minutes_are_rendered_once_per_variant_and_then_read_back(client, october, tmp_path):
    client.login(username="officer", password="assurance-demo")
    full = pdf(client, october)
    assert kept(october) == [(1, "full")]
    stored = KeptMinutesFile.objects.get()
    assert stored.file.name.startswith(f"kept/minutes/{october.pk}-v1-full")
    assert default_storage.open(stored.file.name).read() == full
    assert pdf(client, october) == full
    assert kept(october) == [(1, "full")]
    public = pdf(client, october, "?version=public")
    assert kept(october) == [(1, "full"), (1, "public")]
    client.login(username="dcc", password="assurance-demo")
    assert pdf(client, october) == public
    assert kept(october) == [(1, "full"), (1, "public")]
    assert "Monthly Assurance Meeting October 2017" in pdf_text(full, tmp_path)


def test_a_correction_is_a_new_version_with_pdfs_of_its_own(client, october, tmp_path):
    client.login(username="dcc", password="assurance-demo")
    before = pdf(client, october)
    assert ATHENA in pdf_text(before, tmp_path)
    set_minutes_status(october, "draft", by=None, reason="Item 2 is sensitive.")
    item = october.items.get(number="2", parent=None)
    item.restricted, item.restriction_reason = True, "Operationally sensitive"
    item.save()
    # While the correction is being made, nothing is kept.
    client.login(username="officer", password="assurance-demo")
    assert ATHENA in pdf_text(pdf(client, october), tmp_path)
    assert kept(october) == [(1, "public")]
    set_minutes_status(october, "agreed", by=None)

    client.login(username="dcc", password="assurance-demo")
    after = pdf_text(pdf(client, october), tmp_path)
    assert ATHENA not in after
    assert "This item is withheld from this version of the minutes" in after
    assert kept(october) == [(1, "public"), (2, "public")]
    client.login(username="officer", password="assurance-demo")
    assert ATHENA in pdf_text(pdf(client, october), tmp_path)
    assert ATHENA not in pdf_text(pdf(client, october, "?version=public"), tmp_path)
    assert kept(october) == [(1, "public"), (2, "full"), (2, "public")]
    # The force still gets no full PDF, now that one is kept.
    client.login(username="dcc", password="assurance-demo")
    assert ATHENA not in pdf_text(pdf(client, october, "?version=full"), tmp_path)


def test_the_public_site_keeps_its_own_variant(client, october, tmp_path):
    set_minutes_status(october, "published", by=None)
    url = reverse("public:pdf", args=[october.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert kept(october) == [(1, "published")]
    assert client.get(url).content == first.content
    assert kept(october) == [(1, "published")]


def test_minutes_being_written_are_never_kept(client, demo):
    draft = MeetingFactory(status="draft")
    client.login(username="officer", password="assurance-demo")
    pdf(client, draft)
    assert KeptMinutesFile.objects.count() == 0


def test_a_kept_pdf_lost_from_the_storage_is_made_again(client, october):
    client.login(username="officer", password="assurance-demo")
    first = pdf(client, october)
    stored = KeptMinutesFile.objects.get()
    default_storage.delete(stored.file.name)
    assert pdf(client, october)[:1000] == first[:1000]
    remade = KeptMinutesFile.objects.get()
    assert remade.pk != stored.pk
    assert default_storage.exists(remade.file.name)


# The page of agreed minutes: the minutes themselves rendered once per version and variant.


def minutes_part(response):
    """The minutes as the page shows them, without what is the reader's (menus, buttons) or
    the history of their statuses."""
    page = response.content.decode()
    start = page.index('<header class="minutes-header">')
    return page[start : page.index("</article>", start)].split('<section aria-labelledby="history')[
        0
    ]


def kept_html(meeting):
    return sorted(
        KeptMinutesHtml.objects.filter(version__meeting=meeting).values_list(
            "version__number", "variant"
        )
    )


def test_the_page_of_agreed_minutes_is_served_from_its_kept_rendering(client):
    meeting = MeetingFactory(status="draft")
    FindingFactory(item=ItemFactory(meeting=meeting, heading="Demand"), text="Calls rose 4%.")
    set_minutes_status(meeting, "agreed", by=None)
    first = user_with_role(roles.OPCC_STAFF, username="first.officer")
    second = user_with_role(roles.OPCC_STAFF, username="second.officer")
    User.objects.filter(pk=first.pk).update(first_name="Fiona", last_name="First")
    User.objects.filter(pk=second.pk).update(first_name="Sam", last_name="Second")
    client.force_login(first)
    page = client.get(meeting.get_absolute_url())
    assert "Calls rose 4%." in minutes_part(page)
    assert kept_html(meeting) == [(1, "full")]
    stored = KeptMinutesHtml.objects.get()
    # Only the minutes: nothing of the reader who happened to ask first.
    assert "Fiona First" in page.content.decode()
    assert "Fiona First" not in stored.html and "Reopen the minutes" not in stored.html
    KeptMinutesHtml.objects.update(html="<p>As kept for version 1.</p>")
    client.force_login(second)
    again = client.get(meeting.get_absolute_url()).content.decode()
    assert "<p>As kept for version 1.</p>" in again and "Calls rose 4%." not in again
    assert "Sam Second" in again and "Fiona First" not in again


def test_the_force_is_served_the_kept_public_version_never_the_full_one(client):
    meeting = MeetingFactory(status="draft")
    ItemFactory(meeting=meeting, heading="Open business", position=1)
    ItemFactory(
        meeting=meeting,
        heading="Covert operations",
        position=2,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    set_minutes_status(meeting, "agreed", by=None)
    client.force_login(user_with_role(roles.OPCC_STAFF))
    assert "Covert operations" in minutes_part(client.get(meeting.get_absolute_url()))
    client.force_login(user_with_role(roles.FORCE_OFFICER))
    public = minutes_part(client.get(meeting.get_absolute_url() + "?version=full"))
    assert "Covert operations" not in public and "Operationally sensitive" in public
    assert kept_html(meeting) == [(1, "full"), (1, "public")]


def test_a_later_meeting_agreed_leaves_earlier_minutes_as_kept_and_a_correction_is_new_text(
    client,
):
    series = SeriesFactory()
    first, second, third = (
        MeetingFactory(series=series, date=datetime.date(2017, month, 28), status="draft")
        for month in (9, 10, 11)
    )
    FindingFactory(item=ItemFactory(meeting=first, heading="Demand"), text="Calls rose 4%.")
    ItemFactory(meeting=second, heading="Minutes of the previous meeting", kind="previous_minutes")
    ItemFactory(meeting=third, heading="Minutes of the previous meeting", kind="previous_minutes")
    client.force_login(user_with_role(roles.OPCC_STAFF))
    set_minutes_status(first, "agreed", by=None, at_meeting=second)
    before = minutes_part(client.get(first.get_absolute_url()))
    assert "Calls rose 4%." in before
    assert "Agreed as a correct record at the meeting of 28 October 2017." in before

    set_minutes_status(second, "agreed", by=None, at_meeting=third)
    second_page = minutes_part(client.get(second.get_absolute_url()))
    assert "The minutes of the meeting held on 28 September 2017 were agreed" in second_page
    set_minutes_status(third, "agreed", by=None)
    assert minutes_part(client.get(first.get_absolute_url())) == before
    assert minutes_part(client.get(second.get_absolute_url())) == second_page

    set_minutes_status(first, "draft", by=None, reason="The figure was wrong.")
    Finding.objects.filter(item__meeting=first).update(text="Calls rose 6%.")
    set_minutes_status(first, "agreed", by=None)
    after = minutes_part(client.get(first.get_absolute_url()))
    assert "Calls rose 6%." in after and "Calls rose 4%." not in after
    assert kept_html(first) == [(1, "full"), (2, "full")]
    assert minutes_part(client.get(second.get_absolute_url())) == second_page


@pytest.mark.parametrize("actions", [3, 30])
def test_the_page_of_agreed_minutes_costs_the_same_queries_however_many_actions(
    client, actions, django_assert_num_queries
):
    meeting = meeting_with_owners(actions)
    set_minutes_status(meeting, "agreed", by=None)
    client.force_login(user_with_role(roles.OPCC_STAFF))
    client.get(meeting.get_absolute_url())  # the first reader renders it and keeps it
    # Another reader, whose page is not yet kept (core.record.kept_page): the session, the
    # login with its roles, the record's version (the page's key), the meeting with its people,
    # its latest version (without its content), the kept minutes, the office and the
    # history, within the request's savepoints.
    client.force_login(user_with_role(roles.OPCC_STAFF, username="another"))
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    # Asked for again, the whole page is kept: the session, the login with its roles, the
    # record's version, and the request's savepoints.
    with django_assert_num_queries(5):
        again = client.get(meeting.get_absolute_url())
    assert _without_tokens(again) == _without_tokens(page)
    raised = Action.objects.filter(item__meeting=meeting).count()
    assert raised >= actions
    assert minutes_part(page).count('<td class="text-nowrap">') == raised


# PDF and Word of agreed minutes: made by the task queue, never in the request.


@pytest.fixture
def queue_not_yet_run(settings):
    # A queue whose worker has not yet run anything.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize(
    ("kind", "magic"), [("pdf", b"%PDF"), ("docx", b"PK\x03\x04")], ids=["pdf", "docx"]
)
def test_until_the_queue_makes_it_the_reader_is_told_it_is_being_prepared(
    client, october, queue_not_yet_run, kind, magic
):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    # The run's storage outlives each test's database: a file another test kept under the same
    # meeting id would pass for this one's.
    made_here = f"kept/minutes/{october.pk}-v1-full.{kind}"
    default_storage.delete(made_here)
    url = reverse(f"meetings:{kind}", args=[october.pk])
    page = client.get(url)
    assert page.status_code == 202
    assert "It is being prepared." in page.text
    assert f'hx-get="{url}" hx-trigger="every 3s"' in page.text
    kept = KeptMinutesFile.objects.get()
    assert (kept.kind, kept.variant, kept.status, kept.file.name) == (kind, "full", "preparing", "")
    assert not default_storage.exists(made_here)
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.text.lstrip().startswith('<div id="minutes-file-status" role="status"')

    prepare_minutes_file.call(kept.pk)
    ready = client.get(url, headers={"HX-Request": "true"}).text
    assert "It is ready." in ready and "hx-trigger" not in ready
    download = client.get(url)
    assert download.status_code == 200
    assert download.content.startswith(magic)
    kept.refresh_from_db()
    assert kept.status == "ready"
    assert default_storage.open(kept.file.name).read() == download.content


def test_a_file_that_could_not_be_made_says_so_and_can_be_asked_for_again(
    client, october, queue_not_yet_run
):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    url = reverse("meetings:docx", args=[october.pk])
    client.get(url)
    KeptMinutesFile.objects.update(status="failed", failure="The storage was full.")
    page = client.get(url)
    assert page.status_code == 200
    assert "It could not be prepared" in page.text and "The storage was full." in page.text
    assert f'href="{url}?again=1">Try again</a>' in page.text
    again = client.get(url + "?again=1")
    assert again.status_code == 202
    kept = KeptMinutesFile.objects.get()
    assert (kept.status, kept.failure) == ("preparing", "")
    prepare_minutes_file.call(kept.pk)
    assert client.get(url).content.startswith(b"PK\x03\x04")


def test_with_the_immediate_backend_the_file_is_made_after_the_response_in_a_thread(
    transactional_db, client, settings
):
    settings.IMMEDIATE_TASKS_IN_THREAD = True
    meeting = MeetingFactory(status="draft")
    ItemFactory(meeting=meeting, heading="Demand")
    set_minutes_status(meeting, "agreed", by=None)
    client.force_login(user_with_role(roles.OPCC_STAFF))
    url = reverse("meetings:docx", args=[meeting.pk])
    assert client.get(url).status_code == 202
    for thread in list(background.running):
        thread.join(timeout=60)
    assert KeptMinutesFile.objects.get().status == "ready"
    assert client.get(url).content.startswith(b"PK\x03\x04")
