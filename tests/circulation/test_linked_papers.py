"""An agenda whose papers will not fit in one email under MAIL_ATTACHMENTS_MAX_MB: what fits is
attached in agenda order, the rest linked, each link working for its recipient alone.

Sent through Django's SMTP backend to a real SMTP server; each message is read as received by
the standard library's strict parser."""

import email.parser
import email.policy
import re

import pytest
import time_machine
from django.test import Client

from circulation import services
from circulation.models import EmailLog
from papers import emailed
from tests.factories import PaperFactory
from tests.mail import BASE, html_of, text_of
from tests.papers import samples

pytestmark = pytest.mark.django_db

AMANDA, JOHN = "dcc@force.example", "PCC@opcc.example"
PACK = "monthly-assurance-meeting-november-2030-pack.pdf"
MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def paper(item, name, kind, content):
    title = name.rsplit(".", 1)[0]
    return PaperFactory(item=item, title=title, kind=kind, original_name=name, content=content)


@pytest.fixture
def papers(world, settings):
    """Two Word papers of 800 KB (each over 1 MB as sent), one under the restricted item 3,
    and a small workbook after them; the cap is 1 MB."""
    settings.MAIL_ATTACHMENTS_MAX_MB = 1
    world.rural_bytes = samples.large_docx(800 * 1024)
    world.rural = paper(world.item2, "Rural plan.docx", "docx", world.rural_bytes)
    world.budget = paper(world.item2, "Budget.xlsx", "xlsx", samples.xlsx())
    world.sentinel_bytes = samples.large_docx(800 * 1024)
    world.sentinel = paper(world.item3, "Sentinel.docx", "docx", world.sentinel_bytes)
    return world


def received(smtp, address):
    """The one message to ``address``, as its bytes and as the strict parser reads them."""
    [raw] = smtp.raw_to(address)
    parsed = email.parser.BytesParser(policy=email.policy.strict).parsebytes(raw)
    defects = [part.defects for part in parsed.walk()]
    assert defects == [[]] * len(defects)
    return raw, parsed


def attached(message):
    return [(part.get_filename(), part.get_content_type()) for part in message.iter_attachments()]


def link_to(message, name):
    [url] = re.findall(rf"^{re.escape(name)} \(.*?\): (\S+)$", text_of(message), re.M)
    assert url.startswith(f"{BASE}/papers/emailed/")
    return url.removeprefix(BASE)


@time_machine.travel("2030-11-27 09:00 +0000", tick=False)
def test_a_pack_over_the_cap_attaches_what_fits_in_order_and_links_the_rest(papers, smtp):
    services.issue_agenda(papers.november, by=None, base_url=BASE)

    raw, amanda = received(smtp, AMANDA)
    assert len(raw) <= MB
    # The first Word paper does not fit after the pack; the workbook after it still does.
    assert attached(amanda) == [
        (PACK, "application/pdf"),
        ("Budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    assert EmailLog.objects.get(recipient=AMANDA).attachments == [PACK, "Budget.xlsx"]
    assert EmailLog.objects.get(recipient=AMANDA).linked == ["Rural plan.docx"]
    text = text_of(amanda)
    size = f"{papers.rural.size / 1024:.1f}\xa0KB"
    assert (
        "Too large to attach to this email, so linked instead (each link is for you alone "
        f"and works until 26 January 2031):\n\nRural plan.docx ({size}): {BASE}/papers/emailed/"
    ) in text
    assert "Sentinel" not in text
    url = link_to(amanda, "Rural plan.docx")
    assert f'<a href="{BASE}{url}">Rural plan.docx</a>' in html_of(amanda)

    raw, john = received(smtp, JOHN)
    assert len(raw) <= MB
    assert [name for name, _ in attached(john)] == [PACK, "Budget.xlsx"]
    linked = ["Rural plan.docx", "Sentinel.docx"]
    assert EmailLog.objects.get(recipient=JOHN.lower()).linked == linked


@time_machine.travel("2030-11-27 09:00 +0000", tick=False)
def test_the_link_in_the_email_downloads_exactly_that_paper_without_signing_in(papers, smtp):
    services.issue_agenda(papers.november, by=None, base_url=BASE)
    _, amanda = received(smtp, AMANDA)
    _, john = received(smtp, JOHN)

    response = Client().get(link_to(amanda, "Rural plan.docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="Rural plan.docx"'
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == papers.rural_bytes
    sentinel = Client().get(link_to(john, "Sentinel.docx"))
    assert b"".join(sentinel.streaming_content) == papers.sentinel_bytes


def test_a_link_to_a_restricted_paper_works_only_for_whoever_may_see_it(papers, client):
    forced = emailed.link(papers.amanda, emailed.PAPER, papers.sentinel.pk)

    response = Client().get(forced)

    assert response.status_code == 404
    assert "This paper is no longer available from this link" in response.text
    assert "Ask the Office of the Police and Crime Commissioner" in response.text

    # John's own link, followed by the force's DCC signed in, is not hers to use.
    johns = emailed.link(papers.john, emailed.PAPER, papers.sentinel.pk)
    client.force_login(papers.amanda_user)
    response = client.get(johns)
    assert response.status_code == 403
    assert "This link was sent to someone else" in response.text


def test_a_link_stops_working_once_its_recipient_may_no_longer_see_the_paper(papers):
    url = emailed.link(papers.john, emailed.PAPER, papers.sentinel.pk)
    assert Client().get(url).status_code == 200

    papers.john_user.is_active = False
    papers.john_user.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_a_withdrawn_paper_is_no_longer_given_by_its_link(papers):
    from papers.services import withdraw

    url = emailed.link(papers.amanda, emailed.PAPER, papers.rural.pk)
    withdraw(papers.rural, by=papers.jackie_user, reason="Superseded by the final plan")

    response = Client().get(url)

    assert response.status_code == 404
    assert "This paper is no longer available from this link" in response.text


def test_an_altered_link_answers_a_page_saying_to_ask_again(papers):
    url = emailed.link(papers.amanda, emailed.PAPER, papers.rural.pk)
    token = url.removeprefix("/papers/emailed/").removesuffix("/")
    # Another paper's number in a link signed for the first: the signature no longer holds.
    other = emailed.link(papers.amanda, emailed.PAPER, papers.budget.pk)
    payload, _, signature = token.partition(":")
    forged = other.removeprefix("/papers/emailed/").partition(":")[0] + ":" + signature

    for bad in (forged, token[:-3], "not-a-link"):
        response = Client().get(f"/papers/emailed/{bad}/")
        assert response.status_code == 404
        assert "This link is not recognised" in response.text
        assert "Check that the whole link from the email was copied." in response.text


def test_a_link_works_to_the_end_of_the_day_the_email_names(papers, settings):
    settings.MAIL_FILE_LINK_DAYS = 60
    with time_machine.travel("2030-11-01 09:00 +0000", tick=False):
        url = emailed.link(papers.amanda, emailed.PAPER, papers.rural.pk)
    with time_machine.travel("2030-12-31 23:30 +0000", tick=False):
        assert Client().get(url).status_code == 200
    with time_machine.travel("2031-01-01 00:30 +0000", tick=False):
        response = Client().get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert "A link in an agenda email works for 60 days." in response.text
    assert "Ask the Office of the Police and Crime Commissioner to send you the paper again" in (
        response.text
    )


def test_a_signed_in_reader_is_sent_to_the_papers_usual_address(papers, client):
    url = emailed.link(papers.amanda, emailed.PAPER, papers.sentinel.pk)
    client.force_login(papers.john_user)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/papers/{papers.sentinel.pk}/download/"


def test_a_pack_too_large_to_attach_is_linked_as_each_recipient_may_read_it(papers, smtp, settings):
    settings.MAIL_ATTACHMENTS_MAX_MB = 0.01
    services.issue_agenda(papers.november, by=None, base_url=BASE)

    def pack_text(address):
        raw, message = received(smtp, address)
        assert len(raw) <= 0.01 * MB
        assert attached(message) == []
        response = Client().get(link_to(message, PACK))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        return samples.pdf_text(b"".join(response.streaming_content))

    force = pack_text(AMANDA)
    assert "Rural crime" in force
    assert "Operation Sentinel" not in force
    assert "Operation Sentinel" in pack_text(JOHN)
    assert EmailLog.objects.get(recipient=AMANDA).linked == [
        PACK,
        "Rural plan.docx",
        "Budget.xlsx",
    ]
