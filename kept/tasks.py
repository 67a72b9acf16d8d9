"""Background work for kept files, on the task queue (django-tasks: see settings.TASKS)."""

from django_tasks import task


@task()
def prepare_export(export_id):
    from kept.exports import prepare

    return prepare(export_id)
