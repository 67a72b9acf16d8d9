from operations.worker import Worker, new_worker_id


def in_process_worker():
    """A worker in the test's own process, that runs what is queued and stops."""
    return Worker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=new_worker_id(),
    )
