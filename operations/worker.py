"""The task worker that runs unattended: django-tasks-db's ``db_worker`` with what it lacks.

- **A time limit.** A task running longer than ``TASK_TIME_LIMIT_SECONDS`` is stopped and
  marked failed, so that nobody waits for ever on a task that hangs.
- **A lease.** A task left "running" by a worker that died (killed, out of memory, its host
  gone) is given back to the queue by the next worker, or marked failed once it has had
  ``TASK_ATTEMPTS`` runs: a task that kills its worker must not kill every worker in turn.
  A worker on the same host knows at once that the one named on the task is gone (its
  process is not there); from another host, once the task has run past the time limit, which
  a live worker would have enforced.
- **The database may go away.** A restart of PostgreSQL, or a connection cut, makes the
  library's loop raise and the process exit; this one waits and tries again.
- **The maintenance switch.** While a restore runs, the worker takes nothing.

A task marked failed here sends django-tasks' ``task_finished``, as one failed by its own
exception does, so that whoever waits on it (a kept export) hears of it.
"""

import datetime
import logging
import os
import random
import signal
import socket
import time

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from operations import maintenance

logger = logging.getLogger("operations.worker")

# Waits between tries while the database is away: short at first, then no shorter than this.
DATABASE_RETRY_SECONDS = (1, 2, 5, 10)


class TimeLimitExceeded(BaseException):
    """Raised inside a task that ran past TASK_TIME_LIMIT_SECONDS. A BaseException, so that
    a task's own ``except Exception`` (an email that failed, say) does not swallow it."""


class WorkerDied(Exception):
    """What a task is marked failed with when its worker stopped under it, too many times."""


def new_worker_id():
    """``host:pid:random``: another worker on this host can tell whether this one is alive."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def is_gone(worker_id, *, me, now, started_at):
    """Whether the worker ``worker_id``, named on a task it started at ``started_at``, has
    stopped running it."""
    if worker_id == me:
        # Called between tasks: a task still running in my name was cut off by an error.
        return True
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname()[:40] and pid.isdigit() and not _process_exists(int(pid)):
        return True
    limit = datetime.timedelta(seconds=settings.TASK_TIME_LIMIT_SECONDS + 60)
    return started_at is not None and started_at < now - limit


def recover_abandoned(backend_name, me):
    """Give back to the queue, or fail, every task whose worker stopped under it. Returns
    (given back, failed)."""
    now = timezone.now()
    given_back, failed = [], []
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for result in running:
        last = result.worker_ids[-1] if result.worker_ids else ""
        if not is_gone(last, me=me, now=now, started_at=result.started_at):
            continue
        with transaction.atomic():
            # Another worker may have recovered it meanwhile: only one of us acts.
            locked = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .running()
                .filter(pk=result.pk, started_at=result.started_at)
                .first()
            )
            if locked is None:
                continue
            if len(locked.worker_ids) >= settings.TASK_ATTEMPTS:
                locked.set_failed(
                    WorkerDied(
                        f"Its worker stopped under it {len(locked.worker_ids)} times (last {last})."
                    )
                )
                failed.append(locked)
            else:
                locked.status = TaskResultStatus.READY
                locked.started_at = None
                locked.save(update_fields=["status", "started_at"])
                given_back.append(locked)
    for result in failed:
        logger.error("Task %s (%s) failed: its worker stopped", result.pk, result.task_path)
        _announce_failure(result)
    for result in given_back:
        logger.warning("Task %s (%s) given back: its worker stopped", result.pk, result.task_path)
    return given_back, failed


def _announce_failure(result):
    try:
        sender = type(result.task.get_backend())
        task_result = result.task_result
    except ImportError:
        return
    task_finished.send(sender=sender, task_result=task_result)


def _on_time_limit(signum, frame):
    raise TimeLimitExceeded(f"The task ran longer than {settings.TASK_TIME_LIMIT_SECONDS} s.")


class Worker(db_worker.Worker):
    """The library's loop (``db_worker.Worker.run``) with the lease, the time limit, the
    maintenance switch and a database that may go away."""

    def run(self):
        logger.info("Starting worker %s", self.worker_id)
        if self.startup_delay and self.interval:
            # As the library does: workers started together do not all ask at once.
            time.sleep(random.random())  # noqa: S311
        failures = 0
        while self.running:
            try:
                done = self.step()
            except DatabaseError as error:
                if is_locked_database_exception(error):
                    done = False
                else:
                    wait = DATABASE_RETRY_SECONDS[min(failures, len(DATABASE_RETRY_SECONDS) - 1)]
                    failures += 1
                    logger.warning("The database is not answering (%s): again in %s s", error, wait)
                    connections.close_all()
                    time.sleep(wait)
                    continue
            else:
                if failures:
                    logger.info("The database answers again")
                failures = 0
            if done:
                return
        return

    def step(self):
        """One turn of the loop: True when the worker should stop."""
        close_old_connections()
        if maintenance.is_on():
            connections.close_all()
            time.sleep(self.interval or 1)
            return False
        recover_abandoned(self.backend_name, self.worker_id)
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self.run_task(task_result)
        elif self.batch:
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            return True
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return False

    def run_task(self, db_task_result):
        previous = signal.signal(signal.SIGALRM, _on_time_limit)
        signal.setitimer(signal.ITIMER_REAL, settings.TASK_TIME_LIMIT_SECONDS)
        try:
            super().run_task(db_task_result)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
