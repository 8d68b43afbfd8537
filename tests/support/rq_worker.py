"""Run an RQ worker in the test process, in burst mode, without keeping its signal handlers
(RQ replaces SIGINT/SIGTERM handlers and would turn the runner's signals into job stops)."""
from __future__ import annotations

import signal

from rq import Queue, SimpleWorker


def work_burst(queue_names: list[str], connection) -> None:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        queues = [Queue(name, connection=connection) for name in queue_names]
        SimpleWorker(queues, connection=connection).work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
