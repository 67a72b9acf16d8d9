"""``manage.py run_worker``: the task worker the README's unit runs (operations.worker)."""

from django_tasks_db.management.commands import db_worker

from operations.worker import Worker, new_worker_id


class Command(db_worker.Command):
    help = (
        "Run the task worker: django-tasks-db's db_worker with a time limit per task, tasks "
        "of a worker that died given back or failed, and a database that may restart."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=new_worker_id(), reload=False)

    def handle(self, *, verbosity, queue_name, exclude_queues, **options):
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        worker.configure_signals()
        worker.run()
