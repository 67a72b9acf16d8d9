"""Kept files' answers to what others announce: the directory (``people.signals``) and the
task queue (django-tasks' ``task_finished``)."""

from django.dispatch import receiver
from django.utils import timezone
from django_tasks.signals import task_finished

from kept.models import ExportStatus, KeptExport
from kept.tasks import prepare_export
from operations.signals import failed_run_of
from people.signals import login_powers_changed


@receiver(login_powers_changed, dispatch_uid="kept.forget_exports")
def forget_exports(sender, user, **kwargs):
    """An export was made with what its login could see then: it goes when that changes."""
    KeptExport.objects.filter(user=user).delete_with_files()


@receiver(task_finished, dispatch_uid="kept.export_task_finished")
def export_task_finished(sender, task_result, **kwargs):
    """A task that failed without a word from the export (stopped at its time limit, or its
    worker gone too often) fails the export, so the person who asked is offered to try
    again at once rather than after the export's lease."""
    if args := failed_run_of(prepare_export, task_result):
        KeptExport.objects.filter(pk=args[0], status=ExportStatus.PREPARING).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
