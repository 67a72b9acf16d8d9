"""Reading django-tasks' ``task_finished`` for those who wait on a task."""

from django_tasks import TaskResultStatus


def failed_run_of(task, task_result):
    """The arguments of ``task_result`` when it is a failed run of ``task``, else None: a task
    that ended without a word from what it was making (stopped at its time limit, its worker
    gone too often) leaves that thing waiting unless somebody says it failed."""
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return None
    if task_result.task.func is not task.func:
        return None
    return task_result.args
