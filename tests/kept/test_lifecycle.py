"""A kept export ends as ready or failed, never "being prepared" for ever; it goes when its
login's powers change; and the storage holds nothing that no row names."""

import datetime
import io
import os
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_started

from kept.models import ExportStatus, KeptExport
from people import accounts, roles
from tests.factories import ActionFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored(media_root):
    return sorted(
        p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()
    )


def left_by_a_dead_worker(user, minutes_ago, query="status=open"):
    """What a worker killed mid-export leaves: the row, still being prepared, and no file."""
    export = KeptExport.objects.create(user=user, kind="csv", query=query)
    KeptExport.objects.filter(pk=export.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return export


def test_an_export_whose_worker_died_is_failed_and_offered_again(client, opcc_user, settings):
    settings.KEPT_EXPORT_LEASE_SECONDS = 600
    settings.EXPORT_BACKGROUND_ROWS = 0
    ActionFactory()
    client.force_login(opcc_user)
    recent = left_by_a_dead_worker(opcc_user, minutes_ago=5, query="status=closed")
    dead = left_by_a_dead_worker(opcc_user, minutes_ago=11)

    assert "It is being prepared" in client.get(reverse("kept:export", args=[recent.pk])).text
    page = client.get(reverse("kept:export", args=[dead.pk]))
    assert "It could not be prepared" in page.text
    again = f'href="{reverse("kept:action_log_csv")}?status=open">Try again</a>'
    assert again in page.text
    assert "hx-trigger" not in page.text
    dead.refresh_from_db()
    assert dead.status == ExportStatus.FAILED

    # Asking again with the same filters starts afresh rather than finding the dead one.
    response = client.get(reverse("kept:action_log_csv"), {"status": "open"})
    fresh = KeptExport.objects.exclude(pk__in=[recent.pk, dead.pk]).get()
    assert response["Location"] == reverse("kept:export", args=[fresh.pk])
    assert fresh.status == ExportStatus.READY


def test_a_change_of_role_or_deactivation_deletes_the_logins_exports(
    client, opcc_user, media_root, settings
):
    settings.EXPORT_BACKGROUND_ROWS = 0
    ActionFactory()
    manager = user_with_role(roles.OPCC_STAFF, username="manager")
    accounts.change_role(manager, role=roles.OPCC_STAFF, manage_users=True, by=None)
    for user in (opcc_user, manager):
        client.force_login(user)
        client.get(reverse("kept:action_log_csv"))
    assert len(stored(media_root)) == 2
    kept_by_manager = KeptExport.objects.get(user=manager).file.name

    accounts.change_role(opcc_user, role=roles.FORCE_OFFICER, manage_users=False, by=manager)
    assert list(KeptExport.objects.values_list("user__username", flat=True)) == ["manager"]
    assert stored(media_root) == [kept_by_manager]
    client.force_login(opcc_user)
    assert (
        client.get(reverse("kept:download", args=[KeptExport.objects.get().pk])).status_code == 404
    )

    other = user_with_role(roles.OPCC_STAFF, username="other")
    client.force_login(other)
    client.get(reverse("kept:action_log_csv"))
    accounts.deactivate_login(other, by=manager)
    assert list(KeptExport.objects.values_list("user__username", flat=True)) == ["manager"]
    assert stored(media_root) == [kept_by_manager]


def test_prune_storage_keeps_only_what_rows_name(client, opcc_user, media_root, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.KEPT_EXPORT_DAYS = 7
    ActionFactory()
    client.force_login(opcc_user)
    client.get(reverse("kept:action_log_csv"))
    client.get(reverse("kept:action_log_xlsx"))
    old, current = KeptExport.objects.order_by("kind")
    KeptExport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=8)
    )
    dead = left_by_a_dead_worker(opcc_user, minutes_ago=60)
    # What a failed upload leaves: a file no row names, an hour old, and one just written.
    stale = default_storage.save("kept/exports/half-written.csv", ContentFile(b"Ref"))
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(media_root / stale, (an_hour_ago, an_hour_ago))
    fresh = default_storage.save("kept/exports/being-written.csv", ContentFile(b"Ref"))

    out = io.StringIO()
    call_command("prune_storage", stdout=out)
    assert out.getvalue() == (
        "1 abandoned export failed, 1 kept export deleted, 1 file no row names deleted.\n"
    )
    assert sorted(KeptExport.objects.values_list("pk", "status")) == sorted(
        [(current.pk, ExportStatus.READY), (dead.pk, ExportStatus.FAILED)]
    )
    assert stored(media_root) == sorted([current.file.name, fresh])


def test_with_the_immediate_backend_the_request_returns_before_the_export_is_written(
    transactional_db, client, opcc_user, settings, media_root
):
    """The immediate task backend ran the export inside the request, which gunicorn kills at
    30 seconds: the request now returns with it being prepared, and a thread prepares it."""
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.IMMEDIATE_TASKS_IN_THREAD = True
    ActionFactory()
    client.force_login(opcc_user)
    go_on = threading.Event()

    def hold(sender, task_result, **kwargs):
        # The export waits here until the request has been answered (at most 10 s: an
        # export made inside the request waits that long, then is found ready too soon).
        go_on.wait(timeout=10)

    task_started.connect(hold)
    try:
        response = client.get(reverse("kept:action_log_csv"))
        export = KeptExport.objects.get()
        assert response["Location"] == reverse("kept:export", args=[export.pk])
        page = client.get(response["Location"])
        assert (export.status, "It is being prepared" in page.text) == ("preparing", True)
    finally:
        go_on.set()
        task_started.disconnect(hold)
    for _ in range(100):
        export.refresh_from_db()
        if export.status != ExportStatus.PREPARING:
            break
        time.sleep(0.1)
    assert (export.status, export.rows) == (ExportStatus.READY, 1)
    assert "It is ready: 1 action." in client.get(response["Location"]).text
