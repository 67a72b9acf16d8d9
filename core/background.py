"""Handing work to the task queue so that it never runs inside the request that asks for it.

With ``TASK_BACKEND=database`` the worker takes it, and the request only queues it. The
default "immediate" backend would run it at once, inside ``enqueue``, and so inside the
request: a PDF of long minutes takes longer than gunicorn's 30 s timeout on a loaded host,
and a request killed half way keeps nothing, so the next request starts again, for ever.
So with the immediate backend the work runs in a thread of its own, started once the
request's transaction has committed (the thread's own connection then sees what the request
wrote), while the reader is answered "being prepared". A thread rather than after the
response on the request's own thread: gunicorn's sync worker counts a request as running
until its thread is free, and would kill it at the timeout just the same.

``IMMEDIATE_TASKS_IN_THREAD=False`` (the tests' settings) runs them in the request again:
a test's transaction is never committed, so a thread would not see its rows. The tests of
the background itself use the dummy or the database backend, as for the other tasks.
"""

import threading

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django_tasks.backends.immediate import ImmediateBackend

# Threads still running, for a test (or a clean shut-down) to wait for.
running = set()


def enqueue_in_background(task, *args):
    """Queue ``task(*args)``; with the immediate backend, run it after the commit in a
    thread, never in the request."""
    in_thread = isinstance(task.get_backend(), ImmediateBackend) and getattr(
        settings, "IMMEDIATE_TASKS_IN_THREAD", True
    )
    if not in_thread:
        task.enqueue(*args)
        return
    transaction.on_commit(lambda: _start(task, args))


def _start(task, args):
    thread = threading.Thread(target=_run, args=(task, args), daemon=True)
    running.add(thread)
    thread.start()


def _run(task, args):
    try:
        close_old_connections()
        # The immediate backend records a failure on the task's result and tells
        # ``task_finished``: what failed is marked failed by the task itself.
        task.enqueue(*args)
    finally:
        connections.close_all()
        running.discard(threading.current_thread())
