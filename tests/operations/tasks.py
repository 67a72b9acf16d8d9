"""Tasks for the worker's tests: one that takes its time, one that kills its worker."""

import os
import signal
import time
from pathlib import Path

from django_tasks import task


@task()
def sleepy(seconds, marker):
    """Sleep ``seconds``, then write "done" into the file ``marker``."""
    Path(marker).with_suffix(".started").write_text(str(os.getpid()))
    time.sleep(seconds)
    Path(marker).write_text("done")
    return "done"


@task()
def fatal(marker):
    """Kill the worker running it, as the kernel's out-of-memory killer would."""
    with Path(marker).open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGKILL)
