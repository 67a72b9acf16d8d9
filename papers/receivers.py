"""Papers' answers to the task queue (django-tasks' ``task_finished``)."""

from django.dispatch import receiver
from django.utils import timezone
from django_tasks.signals import task_finished

from operations.signals import failed_run_of
from papers.kept_pack import prepare_pack
from papers.models import KeptPack, PackStatus


@receiver(task_finished, dispatch_uid="papers.pack_task_finished")
def pack_task_finished(sender, task_result, **kwargs):
    """A pack's task that failed without a word from the pack (stopped at its time limit, or
    its worker gone too often) fails the pack: its readers are offered to try again."""
    if args := failed_run_of(prepare_pack, task_result):
        KeptPack.objects.filter(pk=args[0], status=PackStatus.PREPARING).update(
            status=PackStatus.FAILED, finished_at=timezone.now()
        )
