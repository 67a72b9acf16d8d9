"""The meeting pack is made once per version of what it holds, in the background, and kept:
asked again it is the same file; a paper added or withdrawn makes a new one and the old one
goes; a pack whose worker died, or that failed, is offered again."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from papers.models import KeptPack, PackStatus
from papers.services import withdraw
from people import roles
from tests.factories import ItemFactory, MeetingFactory, PaperFactory, user_with_role
from tests.operations import in_process_worker
from tests.papers import samples


@pytest.fixture
def meeting(db):
    meeting = MeetingFactory(status="agreed", title="Monthly Assurance Meeting October 2017")
    open_item = ItemFactory(meeting=meeting, number="1", heading="Demand", position=1)
    secret = ItemFactory(
        meeting=meeting,
        number="2",
        heading="Covert operations",
        position=2,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    PaperFactory(item=open_item, title="Demand briefing", content=samples.text_pdf("Demand"))
    PaperFactory(item=secret, title="Source handling", content=samples.text_pdf("Informant"))
    return meeting


def downloaded(response):
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def pack_url(meeting):
    return reverse("papers:pack", args=[meeting.pk])


def test_asked_twice_the_pack_is_made_once_and_kept(client, meeting, media_root):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    first = downloaded(client.get(pack_url(meeting)))
    [pack] = KeptPack.objects.all()
    stored = sorted(p.name for p in (media_root / "kept" / "packs").iterdir())
    assert downloaded(client.get(pack_url(meeting))) == first
    assert list(KeptPack.objects.values_list("pk", "status")) == [(pack.pk, PackStatus.READY)]
    assert sorted(p.name for p in (media_root / "kept" / "packs").iterdir()) == stored
    assert "Informant" in first and pack.full is True


def test_the_force_has_a_pack_of_its_own_without_the_restricted_papers(client, meeting, media_root):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    client.get(pack_url(meeting))
    client.force_login(user_with_role(roles.FORCE_OFFICER))
    text = downloaded(client.get(pack_url(meeting)))
    assert "Demand" in text
    assert "Informant" not in text and "Source handling" not in text
    assert sorted(KeptPack.objects.values_list("full", flat=True)) == [False, True]


def test_a_paper_withdrawn_makes_a_new_pack_and_the_old_one_goes(db, client, media_root):
    # Papers are withdrawn while the meeting's record is open, before agreement.
    item = ItemFactory(meeting=MeetingFactory(status="draft"), number="1", heading="Demand")
    paper = PaperFactory(item=item, title="Demand briefing", content=samples.text_pdf("Demand"))
    officer = user_with_role(roles.OPCC_STAFF)
    client.force_login(officer)
    assert "Demand briefing" in downloaded(client.get(pack_url(item.meeting)))
    [old] = KeptPack.objects.all()
    withdraw(paper, by=officer, reason="Superseded")
    text = downloaded(client.get(pack_url(item.meeting)))
    [new] = KeptPack.objects.all()
    assert new.pk != old.pk and new.fingerprint != old.fingerprint
    assert "Demand briefing" not in text
    assert [p.name for p in (media_root / "kept" / "packs").iterdir()] == [
        new.file.name.rsplit("/", 1)[1]
    ]


def test_with_the_queue_in_the_database_the_page_waits_and_the_worker_makes_it(
    transactional_db, client, meeting, media_root, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(user_with_role(roles.OPCC_STAFF))
    page = client.get(pack_url(meeting))
    assert page.status_code == 200
    assert "It is being made." in page.content.decode()
    poll = client.get(pack_url(meeting), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in poll.content.decode()
    assert DBTaskResult.objects.count() == 1

    in_process_worker().run()
    poll = client.get(pack_url(meeting), headers={"HX-Request": "true"}).content.decode()
    assert "It is ready." in poll and "hx-trigger" not in poll
    assert "Informant" in downloaded(client.get(pack_url(meeting)))


def test_a_failed_pack_says_so_and_try_again_makes_it(client, meeting, media_root):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    client.get(pack_url(meeting))
    KeptPack.objects.update(status=PackStatus.FAILED, finished_at=timezone.now(), file="")
    page = client.get(pack_url(meeting)).content.decode()
    assert "It could not be made" in page
    assert f'href="{pack_url(meeting)}?again=1">Try again</a>' in page
    assert "Demand" in downloaded(client.get(pack_url(meeting) + "?again=1"))


def test_a_pack_whose_worker_died_is_asked_for_again(client, meeting, media_root, settings):
    client.force_login(user_with_role(roles.OPCC_STAFF))
    client.get(pack_url(meeting))
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.TASK_TIME_LIMIT_SECONDS + 61)
    KeptPack.objects.update(status=PackStatus.PREPARING, requested_at=long_ago, file="")
    assert "Demand" in downloaded(client.get(pack_url(meeting)))
    assert KeptPack.objects.get().status == PackStatus.READY
