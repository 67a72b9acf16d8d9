"""The PDF of agreed minutes is made once per frozen version, in each variant, and kept
through the storage API: agreed minutes do not change, and a correction is a new version
with PDFs of its own. Whoever may not see restricted items never gets the full PDF."""

import shutil

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from meetings.models import KeptMinutesPdf, Meeting
from meetings.services import set_minutes_status
from tests.factories import MeetingFactory
from tests.meetings.test_documents import pdf_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed"),
]

ATHENA = "Athena update brief"


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def kept(meeting):
    return sorted(
        KeptMinutesPdf.objects.filter(version__meeting=meeting).values_list(
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
    stored = KeptMinutesPdf.objects.get()
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
    assert KeptMinutesPdf.objects.count() == 0


def test_a_kept_pdf_lost_from_the_storage_is_made_again(client, october):
    client.login(username="officer", password="assurance-demo")
    first = pdf(client, october)
    stored = KeptMinutesPdf.objects.get()
    default_storage.delete(stored.file.name)
    assert pdf(client, october)[:1000] == first[:1000]
    remade = KeptMinutesPdf.objects.get()
    assert remade.pk != stored.pk
    assert default_storage.exists(remade.file.name)
