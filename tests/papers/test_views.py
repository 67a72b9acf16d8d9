"""Attaching, downloading and withdrawing papers through the pages."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from papers.models import Paper
from people import roles
from tests.factories import (
    ActionEventFactory,
    ActionFactory,
    ItemFactory,
    MeetingFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    user_with_role,
)
from tests.papers import samples

pytestmark = pytest.mark.django_db

BOUNDARY = "----PaperBoundary"


def raw_multipart(fields, filename, content):
    """A request body written by hand, as a client that is not a browser may send it: the
    test client would trim the file's name itself."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def opcc(client):
    user = user_with_role(roles.OPCC_STAFF)
    client.force_login(user)
    return user


@pytest.fixture
def item():
    return ItemFactory(meeting=MeetingFactory(status="draft"), number="4", heading="Demand")


def stored_files(media_root):
    return sorted(
        path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file()
    )


def test_officer_attaches_a_pdf_stored_under_a_name_of_our_making(client, opcc, item, media_root):
    content = samples.blank_pdf()
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {"title": "Demand briefing", "file": samples.upload("demand.pdf", content)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("papers:meeting", args=[item.meeting_id])
    paper = Paper.objects.get()
    assert (paper.item, paper.title, paper.original_name, paper.kind, paper.size) == (
        item,
        "Demand briefing",
        "demand.pdf",
        "pdf",
        len(content),
    )
    assert paper.uploaded_by == opcc
    assert re.fullmatch(r"papers/[0-9a-f]{32}\.pdf", paper.file.name)
    assert stored_files(media_root) == [paper.file.name]
    assert (media_root / paper.file.name).read_bytes() == content


def test_a_fake_pdf_is_refused_beside_the_field_keeping_the_title(client, opcc, item, media_root):
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {
            "title": "Typed with care",
            "file": samples.upload("briefing.pdf", b"<html>not a pdf</html>", "application/pdf"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Typed with care"' in html
    field_error = re.search(r'<p id="error_1_id_file"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    assert field_error.group(1).startswith("This file is not a PDF, a Word, Excel or PowerPoint")
    assert "There is a problem" in html
    assert Paper.objects.count() == 0
    assert stored_files(media_root) == []


def test_an_over_size_file_is_refused_beside_the_field(client, opcc, item, settings, media_root):
    settings.PAPERS_MAX_BYTES = 2048
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {"title": "Big", "file": samples.upload("big.pdf", samples.blank_pdf() + bytes(4096))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file is 4 KB; a paper may be at most 2 KB. Choose a smaller file."]
    }
    assert 'value="Big"' in response.content.decode()
    assert stored_files(media_root) == []


def test_an_image_of_too_many_pixels_is_refused_beside_the_field(client, opcc, item, media_root):
    # 12,000 x 12,000 of one colour: well within the size allowed, and 144 megapixels.
    huge = samples.png(size=(12000, 12000))
    assert len(huge) < 1_000_000
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {"title": "Scan", "file": samples.upload("scan.png", huge, "image/png")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "This image is 12,000 x 12,000 pixels (144 megapixels): the most a paper may be "
            "is 40 megapixels. Save it smaller (an A4 page scanned at 300 dpi is about 9 "
            "megapixels) or as a PDF."
        ]
    }
    assert 'value="Scan"' in response.content.decode()
    assert stored_files(media_root) == []


def test_the_same_form_posted_twice_stores_the_paper_once(client, opcc, item, media_root):
    form = client.get(reverse("papers:item_add", args=[item.pk]))
    token = re.search(r'name="submission" value="([^"]+)"', form.text).group(1)
    content = samples.blank_pdf()
    for _ in range(2):
        response = client.post(
            reverse("papers:item_add", args=[item.pk]),
            {
                "title": "Budget",
                "submission": token,
                "file": samples.upload("budget.pdf", content),
            },
        )
        assert response.status_code == 302
    assert Paper.objects.count() == 1
    assert len(stored_files(media_root)) == 1
    assert "it has not been saved twice" in client.get(response["Location"]).text


def test_a_disk_that_fills_during_an_upload_keeps_nothing_and_says_so(
    client, opcc, item, media_root, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.papers.full_storage.FullDiskStorage"},
    }
    form = client.get(reverse("papers:item_add", args=[item.pk]))
    token = re.search(r'name="submission" value="([^"]+)"', form.text).group(1)
    data = {"title": "Budget", "submission": token}
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {**data, "file": samples.upload("budget.pdf", samples.blank_pdf())},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "The paper could not be stored: the file storage refused it (it may be full). "
            "Nothing was kept; try again later, and tell your administrator if it happens again."
        ]
    }
    assert 'value="Budget"' in response.text
    assert (Paper.objects.count(), stored_files(media_root)) == (0, [])
    # Room made again, the same form goes through: its token was not spent on the failure.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {**data, "file": samples.upload("budget.pdf", samples.blank_pdf())},
    )
    assert response.status_code == 302
    assert (Paper.objects.count(), len(stored_files(media_root))) == (1, 1)


def test_a_name_with_a_leading_dot_is_refused_beside_the_field(client, opcc, item):
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        raw_multipart({"title": "Hidden"}, ".htaccess.pdf", samples.blank_pdf()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file's name must not start with a dot. Rename it and choose it again."]
    }
    assert 'value="Hidden"' in response.content.decode()
    assert Paper.objects.count() == 0


def test_a_path_in_the_sent_name_never_reaches_the_storage(client, opcc, item, media_root):
    """Django keeps only the last part of a path a client sends; the stored name is ours."""
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        raw_multipart({"title": "Tricky"}, "../../etc/passwd.pdf", samples.blank_pdf()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.original_name == "passwd.pdf"
    assert stored_files(media_root) == [paper.file.name]
    assert paper.file.name.startswith("papers/")


def test_papers_of_agreed_minutes_cannot_be_changed(client, opcc, media_root):
    item = ItemFactory(meeting=MeetingFactory(status="agreed"), number="1")
    paper = PaperFactory(item=item)
    before = stored_files(media_root)
    response = client.post(
        reverse("papers:item_add", args=[item.pk]),
        {"title": "Late", "file": samples.upload("late.pdf", samples.blank_pdf())},
        follow=True,
    )
    assert response.redirect_chain == [(item.meeting.get_absolute_url(), 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0].startswith("The minutes are agreed and locked.")
    assert messages[1] == "What you typed, not saved: Late"
    response = client.post(reverse("papers:withdraw", args=[paper.pk]), {"reason": "Wrong"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.withdrawn_at is None
    assert Paper.objects.count() == 1
    assert stored_files(media_root) == before


def test_withdrawing_keeps_the_paper_and_says_who_when_and_why(client, opcc, item, media_root):
    paper = PaperFactory(item=item, title="Old version")
    response = client.post(reverse("papers:withdraw", args=[paper.pk]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the paper is withdrawn."]}
    response = client.post(
        reverse("papers:withdraw", args=[paper.pk]), {"reason": "The wrong version"}
    )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.withdrawn_by, paper.withdrawal_reason) == (opcc, "The wrong version")
    assert paper.withdrawn_at is not None
    assert stored_files(media_root) == [paper.file.name]
    assert [record.withdrawal_reason for record in paper.history.order_by("history_id")] == [
        "",
        "The wrong version",
    ]
    # Still downloadable by OPCC staff, for the record; no longer by the force.
    assert client.get(reverse("papers:download", args=[paper.pk])).status_code == 200
    page = client.get(reverse("papers:meeting", args=[item.meeting_id])).content.decode()
    assert "<del>Old version</del>" in page
    assert "Reason: The wrong version" in page


def test_an_item_with_papers_is_not_deleted(client, opcc, item):
    PaperFactory(item=item)
    response = client.post(reverse("meetings:item_delete", args=[item.pk]))
    assert response.status_code == 409
    assert response.context["blockers"] == [
        "papers are attached to it, and are kept with the record"
    ]


@pytest.fixture
def restricted_paper():
    item = ItemFactory(
        meeting=MeetingFactory(status="published"),
        number="5",
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    child = ItemFactory(meeting=item.meeting, parent=item, number="5.1")
    return PaperFactory(item=item, title="Covert plan"), PaperFactory(item=child)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.OPCC_STAFF, 200),
        (roles.COMMISSIONER, 200),
        (roles.FORCE_OFFICER, 404),
        (None, 302),
    ],
)
def test_a_restricted_items_papers_reach_only_those_who_may_see_it(
    client, restricted_paper, role, expected
):
    if role:
        user = user_with_role(role, person=PersonFactory())
        # Even the owner of an action raised under the item: the item itself is withheld.
        ActionFactory(item=restricted_paper[0].item, owners=[user.person])
        client.force_login(user)
    for paper in restricted_paper:
        assert client.get(reverse("papers:download", args=[paper.pk])).status_code == expected
    if role:
        page = client.get(reverse("papers:meeting", args=[restricted_paper[0].item.meeting_id]))
        assert ("Covert plan" in page.content.decode()) is (expected == 200)


def test_a_download_is_an_attachment_never_shown_in_the_browser(client, opcc, item):
    paper = PaperFactory(
        item=item, kind="png", original_name="Chart <b>.png", content=samples.png()
    )
    response = client.get(reverse("papers:download", args=[paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="Chart <b>.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == samples.png()


def test_the_pack_downloads_as_a_pdf_named_after_the_meeting(client, opcc, item):
    PaperFactory(item=item, title="Demand briefing")
    response = client.get(reverse("papers:pack", args=[item.meeting_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{item.meeting.title} meeting pack.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.fixture
def update():
    post = PostFactory(abbreviation="DCC")
    action = ActionFactory(item=ItemFactory(meeting=MeetingFactory(status="agreed")), owners=[post])
    return ActionEventFactory(action=action, text="Briefing shared with the PCC's office")


def test_an_owner_attaches_a_briefing_to_their_update(client, update, media_root):
    owner = user_with_role(roles.FORCE_OFFICER, person=update.action.owner_posts.get().holder)
    client.force_login(owner)
    response = client.post(
        reverse("papers:update_add", args=[update.pk]),
        {"title": "Briefing", "file": samples.upload("briefing.docx", samples.docx())},
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert (paper.update, paper.item, paper.kind, paper.uploaded_by) == (
        update,
        None,
        "docx",
        owner,
    )
    page = client.get(reverse("papers:action", args=[update.action_id])).content.decode()
    assert "Briefing shared with the PCC&#x27;s office" in page
    assert f'href="{reverse("papers:download", args=[paper.pk])}">Briefing</a>' in page


def test_another_force_officer_may_read_but_not_attach(client, update):
    PaperFactory(item=None, update=update, title="Briefing")
    other = user_with_role(roles.FORCE_OFFICER, person=PersonFactory())
    client.force_login(other)
    assert client.get(reverse("papers:action", args=[update.action_id])).status_code == 200
    response = client.post(
        reverse("papers:update_add", args=[update.pk]),
        {"title": "Mine", "file": samples.upload("mine.pdf", samples.blank_pdf())},
    )
    assert response.status_code == 403
    assert Paper.objects.count() == 1


def test_only_an_update_takes_papers(client, opcc, update):
    status = ActionEventFactory(action=update.action, kind="status", to_status="closed")
    assert client.get(reverse("papers:update_add", args=[status.pk])).status_code == 404


def test_the_meeting_papers_page_costs_the_same_with_many_items(
    client, opcc, django_assert_num_queries
):
    meeting = MeetingFactory(status="draft")
    PaperFactory(item=ItemFactory(meeting=meeting, number="1"))
    url = reverse("papers:meeting", args=[meeting.pk])
    client.get(url)  # a first visit, as the count is of a page seen again
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for number in range(2, 12):
        item = ItemFactory(meeting=meeting, number=str(number))
        PaperFactory(item=item)
        PaperFactory(item=item, withdrawn_at=timezone.now(), withdrawal_reason="Replaced")
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["rows"]) == 11


def test_the_action_papers_page_costs_the_same_with_many_updates(
    client, opcc, update, django_assert_num_queries
):
    PaperFactory(item=None, update=update)
    url = reverse("papers:action", args=[update.action_id])
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for _ in range(10):
        more = ActionEventFactory(action=update.action)
        PaperFactory(item=None, update=more)
        PaperFactory(item=None, update=more)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["updates"]) == 11
