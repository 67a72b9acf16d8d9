"""Circulation by email, sent through Django's SMTP backend to a real SMTP server."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from circulation import services
from circulation.models import EmailLog
from tests.factories import ActionFactory
from tests.mail import BASE, free_port, html_of, text_of
from tests.papers import samples

pytestmark = pytest.mark.django_db

AMANDA, JACKIE, JOHN = "dcc@force.example", "ji@opcc.example", "PCC@opcc.example"


def test_the_agenda_goes_to_every_expected_attendee_with_an_email(world, smtp):
    outcome = services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)

    assert smtp.recipients() == sorted([AMANDA, JACKIE, JOHN])
    assert outcome.lines() == [
        "Sent to Amanda Blakeman, Jackie Irvin, John Campion.",
        "Not sent to Una Known: no email address in the directory.",
    ]
    link = f"{BASE}/circulation/meetings/{world.november.pk}/read/"
    [message] = smtp.to(JACKIE)
    assert message["Subject"] == (
        "Agenda: Monthly Assurance Meeting November 2030, 26 November 2030"
    )
    assert message["From"] == "assurance@opcc.example"
    assert text_of(message) == (
        "Dear Jackie Irvin,\n\n"
        "The Monthly Assurance Meeting November 2030 meets on 26 November 2030 at 10:30, "
        "Hindlip.\n\nAgenda\n\n1 Matters arising\n2 Rural crime\n3 Operation Sentinel\n\n"
        f"Read the agenda of the Monthly Assurance Meeting November 2030: {link}\n\n"
        "The Office of the Police and Crime Commissioner\n"
    )
    html = html_of(message)
    assert '<html lang="en-GB">' in html
    assert "<h1>Agenda: Monthly Assurance Meeting November 2030, 26 November 2030</h1>" in html
    assert "<h2>Agenda</h2>" in html
    assert (
        f'<a href="{link}">Read the agenda of the Monthly Assurance Meeting November 2030</a>'
        in html
    )


def test_a_restricted_item_is_withheld_from_the_agenda_of_whoever_may_not_see_it(world, smtp):
    services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)

    [force] = smtp.to(AMANDA)
    for body in (text_of(force), html_of(force)):
        assert "Operation Sentinel" not in body
        assert "Withheld: Operationally sensitive" in body
    assert "\n1 Matters arising\n2 Rural crime\n3 Withheld: Operationally sensitive\n" in (
        text_of(force)
    )
    [commissioner] = smtp.to(JOHN)
    assert "3 Operation Sentinel" in text_of(commissioner)


def test_issuing_the_agenda_again_sends_no_second_email(world, smtp):
    services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)
    again = services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)

    assert len(smtp.messages) == 3
    assert again.lines() == [
        "Already sent to Amanda Blakeman, Jackie Irvin, John Campion: not sent again.",
        "Not sent to Una Known: no email address in the directory.",
    ]
    assert sorted(EmailLog.objects.values_list("recipient", flat=True)) == [
        "dcc@force.example",
        "ji@opcc.example",
        "pcc@opcc.example",
    ]


def test_a_double_click_on_issue_the_agenda_sends_once(world, smtp, client):
    client.force_login(world.jackie_user)
    url = reverse("circulation:agenda", args=[world.november.pk])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == second.status_code == 302
    assert len(smtp.messages) == 3


def test_a_new_attendee_is_sent_the_agenda_alone_when_it_is_issued_again(world, smtp):
    services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)
    world.una.email = "una@force.example"
    world.una.save()

    again = services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)

    assert again.sent == ["Una Known"]
    assert smtp.recipients() == sorted([AMANDA, JACKIE, JOHN, "una@force.example"])


def test_owners_of_actions_coming_to_the_meeting_are_asked_for_updates(world, smtp):
    deadline = datetime.date(2030, 11, 19)
    outcome = services.request_updates(
        world.november, deadline=deadline, by=world.jackie_user, base_url=BASE
    )

    assert smtp.recipients() == [AMANDA, JACKIE]
    assert outcome.lines() == [
        "Sent to Amanda Blakeman, Jackie Irvin.",
        "Action 2030/10-02 has no owner to ask (TBA): allocate it, or ask for its update yourself.",
    ]
    subject = (
        "Update wanted by 19 November 2030: actions for the Monthly Assurance Meeting November 2030"
    )
    [amanda] = smtp.to(AMANDA)
    assert amanda["Subject"] == subject
    link = f"{BASE}/actions/{world.due.pk}/#update-heading"
    assert text_of(amanda) == (
        "Dear Amanda Blakeman,\n\n"
        "These actions of yours come to the Monthly Assurance Meeting November 2030 on "
        "26 November 2030. Please add a progress update to each by 19 November 2030, or mark "
        "it complete.\n\n"
        "Action 2030/10-01: Share the Athena brief\n"
        f"  Item 2 Telford, raised at the {world.october.title}. Due: By 20 November 2030.\n"
        f"  Add an update to action 2030/10-01: {link}\n\n"
        "The Office of the Police and Crime Commissioner\n"
    )
    assert f'<a href="{link}">Add an update to action 2030/10-01</a>' in html_of(amanda)
    # The body ALL's action under a restricted item: only the member who may see it is asked.
    assert "Sentinel" not in text_of(amanda) + html_of(amanda)
    [jackie] = smtp.to(JACKIE)
    assert f"{BASE}/actions/{world.secret_due.pk}/#update-heading" in text_of(jackie)
    assert "Brief the PCC on Sentinel informants" in text_of(jackie)
    assert "Item 3 Operation Sentinel" in text_of(jackie)


def test_requesting_updates_twice_with_the_same_deadline_sends_nothing_more(world, smtp):
    deadline = datetime.date(2030, 11, 19)
    services.request_updates(world.november, deadline=deadline, by=None, base_url=BASE)
    again = services.request_updates(world.november, deadline=deadline, by=None, base_url=BASE)

    assert len(smtp.messages) == 2
    assert again.already == ["Amanda Blakeman", "Jackie Irvin"]


def test_a_deadline_after_the_meeting_is_refused_beside_the_field(world, smtp, client):
    client.force_login(world.jackie_user)
    response = client.post(
        reverse("circulation:updates", args=[world.november.pk]), {"deadline": "27/11/2030"}
    )

    assert response.status_code == 200
    assert response.context["updates_form"].errors == {
        "deadline": ["The deadline must be on or before the day of the meeting."]
    }
    assert 'value="27/11/2030"' in response.content.decode()
    assert smtp.messages == []


def _calendars(message):
    return [
        (part.get_filename(), Calendar.from_ical(part.get_content()))
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def _raw(part_content):
    return part_content if isinstance(part_content, bytes) else part_content.encode()


def test_owners_are_told_of_their_new_actions_with_a_calendar_file_for_each_due_day(world, smtp):
    outcome = services.tell_owners(world.november, by=world.jackie_user, base_url=BASE)

    assert outcome.lines() == ["Sent to Amanda Blakeman, Jackie Irvin."]
    assert smtp.recipients() == [AMANDA, JACKIE]
    [amanda] = smtp.to(AMANDA)
    assert amanda["Subject"] == "Your actions from the Monthly Assurance Meeting November 2030"
    [(filename, calendar)] = _calendars(amanda)
    assert filename == "action-2030-11-01-due.ics"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.date(2030, 12, 15)
    assert str(event["summary"]) == "Action 2030/11-01 due"
    assert f"Open action 2030/11-01: {BASE}/actions/{world.new_dcc.pk}/" in text_of(amanda)
    # The body's action under the restricted item is not the force member's to hear of.
    assert "informant" not in text_of(amanda) + html_of(amanda)

    [jackie] = smtp.to(JACKIE)
    # The action due at a meeting in a month has no day to put in a calendar.
    [(filename, calendar)] = _calendars(jackie)
    assert filename == "action-2030-11-03-due.ics"
    assert calendar.walk("VEVENT")[0].decoded("dtstart") == datetime.date(2030, 12, 1)
    assert "Action 2030/11-02: Invite the farmers' union" in text_of(jackie)
    assert "Action 2030/11-03: Audit the informant payments" in text_of(jackie)


def test_telling_owners_again_tells_only_of_actions_raised_since(world, smtp):
    services.tell_owners(world.november, by=None, base_url=BASE)
    unchanged = services.tell_owners(world.november, by=None, base_url=BASE)
    assert len(smtp.messages) == 2
    assert unchanged.lines() == ["Already sent to Amanda Blakeman, Jackie Irvin: not sent again."]

    ActionFactory(
        item=world.item2,
        meeting=world.november,
        reference="2030/11-04",
        text="Count the stolen quad bikes",
        owners=[world.dcc],
        due_date=datetime.date(2031, 2, 28),
    )
    later = services.tell_owners(world.november, by=None, base_url=BASE)

    assert later.sent == ["Amanda Blakeman"]
    newest = smtp.to(AMANDA)[-1]
    assert "2030/11-04" in text_of(newest)
    assert "2030/11-01" not in text_of(newest)
    [(_, calendar)] = _calendars(newest)
    assert calendar.walk("VEVENT")[0].decoded("dtstart") == datetime.date(2031, 2, 28)


def test_a_send_that_fails_is_not_logged_and_a_retry_sends_it(world, smtp):
    with override_settings(EMAIL_PORT=free_port()):
        failed = services.issue_agenda(world.november, by=None, base_url=BASE)
    unreachable = "the mail server could not be reached. Try again later; if it persists, tell IT."
    assert failed.failed == [
        ("Amanda Blakeman", unreachable),
        ("Jackie Irvin", unreachable),
        ("John Campion", unreachable),
    ]
    assert EmailLog.objects.count() == 0

    retried = services.issue_agenda(world.november, by=None, base_url=BASE)

    assert retried.sent == ["Amanda Blakeman", "Jackie Irvin", "John Campion"]
    assert len(smtp.messages) == 3


def test_the_command_run_twice_sends_each_email_once(world, smtp):
    def run():
        out = io.StringIO()
        call_command(
            "circulate",
            str(world.november.pk),
            "updates",
            "--deadline",
            "2030-11-19",
            "--base-url",
            "https://assurance.opcc.example/",
            stdout=out,
        )
        return out.getvalue().splitlines()

    first, second = run(), run()

    assert first[0] == "Sent to Amanda Blakeman, Jackie Irvin."
    assert second[0] == "Already sent to Amanda Blakeman, Jackie Irvin: not sent again."
    assert len(smtp.messages) == 2
    link = f"https://assurance.opcc.example/actions/{world.due.pk}/#update-heading"
    assert link in text_of(smtp.to(AMANDA)[0])


def pack_for(meeting, user):
    """A stand-in for the meeting pack: the full pack for those who see restricted items."""
    from people import roles

    if not roles.sees_all_minutes(user):
        return None
    return ("pack.pdf", b"%PDF-1.7 full pack", "application/pdf")


def test_the_agenda_attaches_what_a_provider_builds_for_each_recipient(world, smtp):
    with override_settings(
        CIRCULATION_AGENDA_ATTACHMENTS=["tests.circulation.test_emails.pack_for"]
    ):
        services.issue_agenda(world.november, by=None, base_url=BASE)

    [jackie] = smtp.to(JACKIE)
    [pack] = list(jackie.iter_attachments())
    assert pack.get_filename() == "pack.pdf"
    assert pack.get_content() == b"%PDF-1.7 full pack"
    assert list(smtp.to(AMANDA)[0].iter_attachments()) == []
    assert EmailLog.objects.get(recipient=JACKIE).attachments == ["pack.pdf"]


def test_actions_come_to_the_meeting_whether_brought_forward_yet_or_not(world):
    from actions.reviews import bring_forward
    from meetings.models import StandingSection

    coming = ["2030/10-01", "2030/10-02", "2030/10-04"]
    assert [a.reference for a in services.actions_coming_to(world.november)] == coming

    StandingSection.objects.create(
        series=world.series, number="1", heading="Matters arising", brings_forward=True
    )
    reviews = bring_forward(world.november)

    assert sorted(review.action.reference for review in reviews) == coming
    assert [a.reference for a in services.actions_coming_to(world.november)] == coming


def test_the_agenda_carries_the_meeting_pack_each_recipient_may_read(world, smtp):
    services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)

    def pack_text(address):
        [message] = smtp.to(address)
        [pack] = list(message.iter_attachments())
        assert pack.get_filename() == "monthly-assurance-meeting-november-2030-pack.pdf"
        return samples.pdf_text(pack.get_content())

    # The force's DCC gets the pack before the meeting, with the restricted item withheld.
    force = pack_text(AMANDA)
    assert "Rural crime" in force
    assert "Operation Sentinel" not in force
    assert "Operation Sentinel" in pack_text(JOHN)
    assert EmailLog.objects.get(recipient=AMANDA).attachments == [
        "monthly-assurance-meeting-november-2030-pack.pdf"
    ]


def test_a_mail_server_whose_certificate_fails_is_explained_and_logged(world, tmp_path, caplog):
    """A real SMTPS server with a certificate no authority signed, as a relay whose name does
    not match its certificate appears: the officer reads what to ask IT, the log keeps why."""
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    controller = Controller(object(), hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_SSL=True,
            EMAIL_USE_TLS=False,
            EMAIL_TIMEOUT=10,
        ):
            outcome = services.issue_agenda(world.november, by=None, base_url=BASE)
    finally:
        controller.stop()
    assert outcome.lines()[1] == (
        "Could not send to Amanda Blakeman: the mail server's certificate could not be "
        "verified. Ask IT to check the EMAIL_URL setting (the server's name, and whether it "
        "needs TLS)."
    )
    assert "SSLCertVerificationError" not in " ".join(outcome.lines())
    assert "certificate verify failed" in caplog.text
    assert EmailLog.objects.count() == 0


def test_every_circulation_email_passes_a_strict_parser_and_says_it_is_automatic(world, settings):
    """The agenda with its pack, and the owners' emails with their calendar files, read by
    the standard library's strict parser as a strict relay would read them."""
    import email.parser
    import email.policy

    from django.core import mail

    settings.SITE_URL = "https://assurance.opcc.example"
    services.issue_agenda(world.november, by=None, base_url=BASE)
    services.tell_owners(world.october, by=None, base_url=BASE)
    assert len(mail.outbox) >= 4
    for sent in mail.outbox:
        parsed = email.parser.BytesParser(policy=email.policy.strict).parsebytes(
            sent.message().as_bytes()
        )
        defects = [part.defects for part in parsed.walk()]
        assert defects == [[]] * len(defects)
        assert parsed["Auto-Submitted"] == "auto-generated"
        assert parsed["Message-ID"].endswith("@assurance.opcc.example>")


def test_the_agenda_attaches_the_word_papers_the_pack_says_are_circulated_separately(world, smtp):
    """Whoever has no login has no other way to a Word paper; a restricted item's stays with
    those who may see it."""
    from tests.factories import PaperFactory

    word = samples.docx()
    PaperFactory(
        item=world.item2,
        title="Rural plan",
        kind="docx",
        original_name="Rural plan.docx",
        content=word,
    )
    PaperFactory(
        item=world.item3, title="Sentinel", kind="docx", original_name="Sentinel.docx", content=word
    )
    PaperFactory(item=world.item2, title="Figures", content=samples.text_pdf("Figures"))

    services.issue_agenda(world.november, by=None, base_url=BASE)

    def attached(address):
        [message] = smtp.to(address)
        return [
            (part.get_filename(), part.get_content_type()) for part in message.iter_attachments()
        ]

    pack = ("monthly-assurance-meeting-november-2030-pack.pdf", "application/pdf")
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert attached(AMANDA) == [pack, ("Rural plan.docx", docx_type)]
    assert attached(JOHN) == [pack, ("Rural plan.docx", docx_type), ("Sentinel.docx", docx_type)]
    [message] = smtp.to(AMANDA)
    assert list(message.iter_attachments())[1].get_content() == word
