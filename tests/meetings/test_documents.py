"""The minutes as Word and PDF documents hold what the screen shows."""

import io
import shutil
import subprocess
import sys

import pytest
from django.urls import reverse
from docx import Document

from actions.models import Action
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def docx_text(content):
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def test_the_word_minutes_hold_every_action_owner_and_due_wording(client, october):
    client.login(username="commissioner", password="assurance-demo")
    response = client.get(reverse("meetings:docx", args=[october.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="Monthly Assurance Meeting 2017-10 minutes.docx"'
    )
    text = docx_text(response.content)
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in text
    assert "*The ACC left the meeting after item 1.2" in text
    for action in Action.objects.filter(meeting=october):
        assert action.text in text
        assert action.reference in text
    assert "By end January 2018" in text
    assert "in advance of November’s HTA" in text
    assert "DCC ACC JI" in text
    assert text.count("There were no actions arising.") == 3


def pdf_text(content, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_minutes_hold_every_action(client, october, tmp_path):
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("meetings:pdf", args=[october.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in text
    for reference in Action.objects.filter(meeting=october).values_list("reference", flat=True):
        assert reference in text
    assert "DCC to share briefing with PCC's office By end January 2018" in text
    assert "Summary of actions arising" in text


def test_without_the_pdf_libraries_the_page_says_so(client, october, monkeypatch):
    # The operating system's Pango is what goes missing; Python then cannot import WeasyPrint.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.login(username="officer", password="assurance-demo")
    response = client.get(reverse("meetings:pdf", args=[october.pk]), follow=True)
    assert response.redirect_chain == [(october.get_absolute_url(), 302)]
    assert "The PDF of the minutes cannot be made on this server" in response.text


def test_force_officers_cannot_download_draft_minutes(client, demo):
    from tests.factories import MeetingFactory

    draft = MeetingFactory(status="draft")
    client.login(username="dcc", password="assurance-demo")
    assert client.get(reverse("meetings:docx", args=[draft.pk])).status_code == 404
    assert client.get(reverse("meetings:pdf", args=[draft.pk])).status_code == 404
