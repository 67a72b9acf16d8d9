"""The office's names and logo: set by those who manage users, read by emails, the public
site, the sign-in page and the PDF minutes, with the defaults before anyone has set them."""

import base64
import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import update_links
from actions.models import UpdateLink
from actions.reminders import send_reminders
from core.forms import STALE_MESSAGE
from people import accounts, roles
from people.models import OFFICE_PK, Office
from people.templatetags.office_tags import logo_data_uri
from tests.factories import (
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    user_with_role,
)
from tests.papers import samples

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/office/"
SAVED = (
    "The office's details are saved: emails, the public site and documents use them from now on."
)
PFCC = {
    "name": "Office of the Police, Fire and Crime Commissioner",
    "short_name": "OPFCC",
    "force_name": "Staffordshire Police",
    "commissioner_title": "Police, Fire and Crime Commissioner",
    "commissioner_short_title": "PFCC",
}
NOT_AN_IMAGE = (
    "This file is not a PNG or JPEG image, whatever its name says: its content was checked. "
    "Save the logo as a PNG and choose it again."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's logos in a folder of its own, to see exactly what was stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def make_manager(username="manager"):
    person = PersonFactory(name="Mary Manager", initials="MM")
    user = user_with_role(roles.OPCC_STAFF, username=username, person=person)
    user.user_permissions.add(accounts.manage_users_permission())
    return User.objects.get(pk=user.pk)


@pytest.fixture
def manager():
    return make_manager()


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def form_data(version=0, **changes):
    """The form as posted; version 0 is a form opened before anyone saved the office."""
    return {**PFCC, "version": version, **changes}


def field_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# The defaults, with no row


def test_an_installation_no_one_has_set_up_reads_the_defaults():
    assert Office.objects.count() == 0
    office = Office.current()
    assert (
        office.pk,
        office.name,
        office.short_name,
        office.force_name,
        office.commissioner_title,
        office.commissioner_short_title,
        bool(office.logo),
        office.logo_url,
    ) == (
        None,
        "Office of the Police and Crime Commissioner",
        "OPCC",
        "",
        "Police and Crime Commissioner",
        "PCC",
        False,
        "",
    )


def test_the_public_site_and_sign_in_page_name_the_default_office(client):
    index = client.get(reverse("public:index")).text
    assert "<title>Published minutes · Office of the Police and Crime Commissioner</title>" in (
        index
    )
    assert (
        "<p>The minutes of the Police and Crime Commissioner's meetings with the force's chief "
        "officers," in index
    )
    sign_in = client.get(reverse("login")).text
    assert '<p class="office-name">Office of the Police and Crime Commissioner</p>' in sign_in
    assert (
        "<p>The minutes and action log of the Police and Crime Commissioner's assurance "
        "meetings.</p>" in sign_in
    )
    assert Office.objects.count() == 0


def test_the_page_shows_the_defaults_before_the_first_save(manager_client):
    form = manager_client.get(URL).context["form"]
    assert {name: form[name].value() for name in PFCC} == {
        "name": "Office of the Police and Crime Commissioner",
        "short_name": "OPCC",
        "force_name": "",
        "commissioner_title": "Police and Crime Commissioner",
        "commissioner_short_title": "PCC",
    }
    assert "remove_logo" not in form.fields


# Who may see and change it


def _opcc_without_the_permission():
    return user_with_role(roles.OPCC_STAFF, username="plain")


@pytest.mark.parametrize(
    "make_user",
    [
        _opcc_without_the_permission,
        lambda: user_with_role(roles.COMMISSIONER, username="pcc"),
        lambda: user_with_role(roles.FORCE_OFFICER, username="dcc"),
    ],
    ids=["OPCC staff who do not manage users", "Commissioner", "force officer"],
)
def test_every_other_role_gets_403_and_changes_nothing(client, make_user):
    client.force_login(make_user())
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert Office.objects.count() == 0


def test_a_commissioner_given_the_permission_by_the_admin_is_still_refused(client):
    # The permission counts only for OPCC staff (people.roles.can_manage_users).
    pcc = user_with_role(roles.COMMISSIONER, username="pcc")
    pcc.user_permissions.add(accounts.manage_users_permission())
    client.force_login(User.objects.get(pk=pcc.pk))
    assert client.get(URL).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/office/")
    response = client.post(URL, form_data())
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/office/")
    assert Office.objects.count() == 0


def test_a_deactivated_manager_is_refused(manager, client):
    client.force_login(manager)
    User.objects.filter(pk=manager.pk).update(is_active=False)
    # A deactivated login's session no longer signs it in.
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/office/")


def test_the_navigation_links_the_page_for_user_managers_only(manager_client, client):
    link = '<a class="nav-link" href="/office/">The office</a>'
    current = '<a class="nav-link active" aria-current="page" href="/office/">The office</a>'
    assert link in manager_client.get(reverse("logins:list")).text
    assert current in manager_client.get(URL).text
    client.force_login(_opcc_without_the_permission())
    assert "/office/" not in client.get(reverse("meetings:list")).text


def test_a_manager_sets_the_names_and_the_change_is_recorded(manager_client, manager):
    response = manager_client.post(URL, form_data(), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert [str(m) for m in response.context["messages"]] == [SAVED]
    office = Office.objects.get()
    assert (
        office.pk,
        office.name,
        office.short_name,
        office.force_name,
        office.commissioner_title,
        office.commissioner_short_title,
        office.version,
    ) == (OFFICE_PK, *PFCC.values(), 1)
    assert [(h.history_type, h.history_user, h.name) for h in office.history.all()] == [
        ("+", manager, PFCC["name"])
    ]
    # And again, from the page as it now stands.
    manager_client.post(URL, form_data(version=1, short_name="SOPFCC"))
    office = Office.objects.get()
    assert (office.short_name, office.version) == ("SOPFCC", 2)
    assert [h.history_type for h in office.history.all()] == ["~", "+"]


def test_a_save_from_a_page_opened_before_another_save_is_refused(manager_client):
    manager_client.post(URL, form_data())
    # Two pages opened at version 1: the first saved wins.
    manager_client.post(URL, form_data(version=1, short_name="FIRST"))
    stale = manager_client.post(URL, form_data(version=1, short_name="LATE"))
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors() == [STALE_MESSAGE]
    assert (Office.objects.get().short_name, Office.objects.get().version) == ("FIRST", 2)


def test_a_first_save_from_a_page_opened_before_someone_else_saved_first_is_refused(
    manager_client, manager
):
    assert manager_client.get(URL).context["form"]["version"].value() == 0
    Office.objects.create(pk=OFFICE_PK, name="Office of the Mayor")
    stale = manager_client.post(URL, form_data(version=0))
    assert stale.context["form"].non_field_errors() == [STALE_MESSAGE]
    assert Office.objects.get().name == "Office of the Mayor"


def test_required_names_and_a_leading_the_are_refused_beside_their_fields(manager_client):
    response = manager_client.post(
        URL, form_data(name="The Office of the PCC", short_name="", commissioner_title="")
    )
    assert response.status_code == 200
    assert field_errors(response) == {
        "name": ["Leave out the leading “The”: emails and pages add it where a sentence needs it."],
        "short_name": ["Enter the office's short name."],
        "commissioner_title": ["Enter the Commissioner's title."],
    }
    assert Office.objects.count() == 0


# The logo


def test_a_logo_is_stored_under_a_name_of_our_own_and_shown_to_anyone(
    manager_client, client, media_root
):
    logo = samples.png(size=(120, 60))
    response = manager_client.post(
        URL, form_data(new_logo=samples.upload("crest.png", logo, "image/png"))
    )
    assert response.status_code == 302
    office = Office.objects.get()
    assert re.fullmatch(r"office/logo-[0-9a-f]{32}\.png", office.logo.name)
    assert stored_files(media_root) == [office.logo.name]
    version = office.logo.name.removeprefix("office/logo-").removesuffix(".png")
    assert office.logo_url == f"/office/logo/?v={version}"

    served = client.get(office.logo_url)
    assert (served.status_code, served["Content-Type"], served["Cache-Control"]) == (
        200,
        "image/png",
        "public, max-age=86400",
    )
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == logo

    header = (
        '<p class="navbar-text text-white mb-0 me-3 office-name"><img class="office-logo me-2" '
        f'src="{office.logo_url}" alt="" height="40">{PFCC["name"]}</p>'
    )
    assert header in client.get(reverse("public:index")).text
    sign_in = client.get(reverse("login")).text
    assert f'<img class="office-logo me-2" src="{office.logo_url}" alt="" height="48">' in sign_in


def test_a_jpeg_logo_is_served_as_a_jpeg(manager_client, client):
    jpeg = samples.png(size=(80, 80), fmt="JPEG")
    manager_client.post(URL, form_data(new_logo=samples.upload("crest.jpg", jpeg, "image/jpeg")))
    office = Office.objects.get()
    assert office.logo.name.endswith(".jpg")
    assert client.get(office.logo_url)["Content-Type"] == "image/jpeg"


def test_there_is_no_logo_to_serve_until_one_is_set(client):
    assert client.get(reverse("office:logo")).status_code == 404


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("crest.png", b"Not an image at all, only text.", NOT_AN_IMAGE),
        # Starts like a PNG, and is not one.
        ("crest.png", samples.png()[:40], NOT_AN_IMAGE),
        ("crest.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', NOT_AN_IMAGE),
        ("crest.pdf", samples.blank_pdf(), NOT_AN_IMAGE),
        (
            "crest.png",
            samples.png(size=(2001, 2000)),
            "This image is 2,001 x 2,000 pixels: a logo may be at most 4 megapixels "
            "(2,000 x 2,000). Save it smaller and choose it again.",
        ),
        (
            "crest.png",
            b"\x89PNG\r\n\x1a\n" + bytes(1024 * 1024),
            "The logo is 1.0 MB; it may be at most 1 MB. Save it smaller and choose it again.",
        ),
    ],
    ids=["text", "truncated PNG", "SVG", "PDF", "too many pixels", "too large"],
)
def test_a_bad_logo_is_refused_beside_the_field_and_nothing_is_saved(
    manager_client, media_root, name, content, error
):
    response = manager_client.post(URL, form_data(new_logo=samples.upload(name, content)))
    assert response.status_code == 200
    assert field_errors(response) == {"new_logo": [error]}
    page = response.content.decode()
    # Beside the field, and tied to it for screen readers.
    assert re.search(
        r'<input type="file" name="new_logo"[^>]* aria-invalid="true" '
        r'aria-describedby="id_new_logo_helptext id_new_logo_error">',
        page,
    )
    assert (
        '<div id="id_new_logo_error" class="invalid-feedback"> <span id="error_1_id_new_logo">'
        f"<strong>{error}</strong></span> </div>" in page.replace("&#x27;", "'")
    )
    # What was typed stays, and nothing is stored.
    assert f'value="{PFCC["name"]}"' in page
    assert (Office.objects.count(), stored_files(media_root)) == (0, [])


def test_a_logo_is_removed_or_replaced_but_not_both_at_once(manager_client, media_root):
    first = samples.upload("crest.png", samples.png(), "image/png")
    manager_client.post(URL, form_data(new_logo=first))
    old_name = Office.objects.get().logo.name
    both = manager_client.post(
        URL,
        form_data(
            version=1,
            remove_logo="on",
            new_logo=samples.upload("new.png", samples.png(), "image/png"),
        ),
    )
    assert field_errors(both) == {
        "remove_logo": ["Choose a new logo or remove the logo, not both."]
    }
    assert Office.objects.get().logo.name == old_name

    manager_client.post(URL, form_data(version=1, remove_logo="on"))
    office = Office.objects.get()
    assert (office.logo.name, office.version) == ("", 2)
    # The old file stays until prune_storage finds no row naming it: the history names it.
    assert stored_files(media_root) == [old_name]
    assert [h.logo for h in office.history.all()] == ["", old_name]


def test_the_pdf_has_the_logo_inline(manager_client):
    logo = samples.png()
    manager_client.post(URL, form_data(new_logo=samples.upload("crest.png", logo, "image/png")))
    office = Office.objects.get()
    assert logo_data_uri(office) == f"data:image/png;base64,{base64.b64encode(logo).decode()}"
    assert logo_data_uri(Office.current()) == logo_data_uri(office)
    assert logo_data_uri(Office()) == ""


def test_the_pdf_minutes_are_headed_by_the_office_s_name_and_logo(client, demo, media_root):
    from pypdf import PdfReader

    from meetings.models import Meeting

    october = Meeting.objects.get(date="2017-10-31")
    client.login(username="officer", password="assurance-demo")
    # The demo's officer manages users; the demo saved the office with its force's name.
    assert Office.objects.get().force_name == "West Mercia Police"
    logo = samples.upload("crest.png", samples.png(size=(300, 150)), "image/png")
    assert client.post(URL, form_data(version=1, new_logo=logo)).status_code == 302
    url = reverse("meetings:pdf", args=[october.pk])
    first_page = PdfReader(io.BytesIO(client.get(url).content)).pages[0]
    assert first_page.extract_text().splitlines()[0] == PFCC["name"]
    [image] = first_page.images
    assert image.image.size == (300, 150)
    # Agreed minutes' PDF is made once and kept (meetings.kept_pdf): it keeps the office as
    # it stood when it was made, as it keeps everything else.
    client.post(URL, form_data(version=2, name="Office of the Mayor"))
    first_page = PdfReader(io.BytesIO(client.get(url).content)).pages[0]
    assert first_page.extract_text().splitlines()[0] == PFCC["name"]


def test_the_word_and_screen_minutes_are_headed_by_the_office_s_name_and_logo(client, demo):
    from docx import Document

    from meetings.models import Meeting

    october = Meeting.objects.get(date="2017-10-31")
    client.login(username="officer", password="assurance-demo")
    logo = samples.upload("crest.png", samples.png(size=(300, 150)), "image/png")
    assert client.post(URL, form_data(version=1, new_logo=logo)).status_code == 302
    office = Office.objects.get()
    word = Document(io.BytesIO(client.get(reverse("meetings:docx", args=[october.pk])).content))
    [heading] = word.sections[0].header.paragraphs
    assert heading.text == f" {PFCC['name']}"
    [picture] = heading._p.xpath(".//pic:pic")
    assert picture is not None
    screen = client.get(october.get_absolute_url()).text
    assert (
        f'<p class="minutes-office d-print-none"><img src="{office.logo_url}" alt="" height="48" '
        f'class="me-2">{PFCC["name"]}</p>'
    ) in screen


def test_a_template_rendered_outside_a_request_looks_the_office_up():
    template = Template("{% load office_tags %}{% current_office as office %}{{ office.name }}")
    assert template.render(Context()) == "Office of the Police and Crime Commissioner"
    Office.objects.create(pk=OFFICE_PK, **PFCC)
    assert template.render(Context()) == PFCC["name"]
    # One passed in is used as it is.
    assert template.render(Context({"office": Office(name="Given")})) == "Given"


# What an edit changes


def test_an_edit_renames_the_public_site_and_signs_the_emails(manager_client, client):
    manager_client.post(URL, form_data())
    index = client.get(reverse("public:index")).text
    assert (
        "<title>Published minutes · Office of the Police, Fire and Crime Commissioner</title>"
        in index
    )
    assert (
        "<p>The minutes of the Police, Fire and Crime Commissioner's meetings with Staffordshire "
        "Police's chief officers," in index
    )
    feed = client.get(reverse("public:feed")).text
    assert (
        "<title>Published minutes · Office of the Police, Fire and Crime Commissioner</title>"
        in (feed)
    )
    assert (
        "<subtitle>Minutes of the Police, Fire and Crime Commissioner's meetings, as published."
        "</subtitle>" in feed
    )

    # An invitation, rendered outside any page's context.
    manager_client.post(
        reverse("logins:invite"),
        {
            "name": "Rachel Hartley",
            "initials": "RH",
            "organisation": "force",
            "email": "rh@example.org",
            "role": roles.FORCE_OFFICER,
        },
    )
    [invitation] = mail.outbox
    assert invitation.body.startswith(
        "Dear Rachel Hartley,\n\nMary Manager has given you a login to the holding to account "
        "tracker of the Office of the Police, Fire and Crime Commissioner, as Force officer.\n"
    )
    assert invitation.body.endswith("\n\nThe Office of the Police, Fire and Crime Commissioner\n\n")

    # A password reset, rendered by Django's form.
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "rh@example.org"})
    [reset] = mail.outbox
    assert reset.body.endswith("\n\nThe Office of the Police, Fire and Crime Commissioner\n\n")
    assert (
        "to the holding to account tracker of the Office of the Police, Fire and Crime "
        "Commissioner.\n" in reset.body
    )


def test_a_reminder_is_signed_by_the_office_as_it_stands_when_sent():
    Office.objects.create(pk=OFFICE_PK, **PFCC)
    owner = PersonFactory(name="Dr Rhiannon Lloyd", initials="RL", email="rl@example.org")
    meeting = MeetingFactory(status="agreed")
    ActionFactory(
        item=ItemFactory(meeting=meeting),
        owners=[owner],
        due_kind="date",
        due_date=datetime.date(2017, 11, 22),
    )
    send_reminders(datetime.date(2017, 11, 20))
    [reminder] = mail.outbox
    assert reminder.body.endswith("\n\nThe Office of the Police, Fire and Crime Commissioner\n\n")


def test_a_spent_update_link_says_whom_to_ask_by_the_office_s_name(client):
    Office.objects.create(pk=OFFICE_PK, **PFCC)
    owner = PersonFactory(name="Dr Rhiannon Lloyd", initials="RL", email="rl@example.org")
    action = ActionFactory(item=ItemFactory(meeting=MeetingFactory(status="agreed")))
    path = update_links.issue(action, owner)
    UpdateLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(path)
    assert page.status_code == 410
    assert (
        '<p role="status">This link has expired. Ask the Office of the Police, Fire and Crime '
        "Commissioner for another, or wait for your next reminder.</p>" in page.text
    )
    gone = client.get(reverse("actions:update_by_link", args=["no-such-token"])).text
    assert "or ask the Office of the Police, Fire and Crime Commissioner for another." in gone


# What the page costs


@pytest.mark.parametrize("with_logo", [False, True])
def test_the_page_costs_the_same_queries_with_or_without_a_row_or_a_logo(manager_client, with_logo):
    manager_client.get(URL)
    with CaptureQueriesContext(connection) as before_any_row:
        assert manager_client.get(URL).status_code == 200
    new_logo = samples.upload("crest.png", samples.png(), "image/png") if with_logo else ""
    manager_client.post(URL, form_data(new_logo=new_logo))
    manager_client.get(URL)  # the first page after a save writes the session (core.keep_typed)
    with CaptureQueriesContext(connection) as saved:
        page = manager_client.get(URL)
    assert ("Remove the logo" in page.text) is with_logo
    # The session and the login with its roles (2), the request's transaction (2) and the
    # office (1): the office is one query by primary key, logo or not.
    assert len(before_any_row) == len(saved) == 5
    assert [q["sql"] for q in saved if '"people_office"' in q["sql"]] == [
        next(q["sql"] for q in before_any_row if '"people_office"' in q["sql"])
    ]


def test_a_page_that_names_the_office_looks_it_up_once(client):
    Office.objects.create(pk=OFFICE_PK, **PFCC)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("login"))
    office_queries = [q for q in queries if '"people_office"' in q["sql"]]
    assert len(office_queries) == 1


def test_a_page_that_does_not_name_the_office_does_not_look_it_up(manager_client):
    with CaptureQueriesContext(connection) as queries:
        manager_client.get(reverse("logins:list"))
    assert [q for q in queries if '"people_office"' in q["sql"]] == []
