"""Fewer garbage-collector passes while bulk work builds many objects.

CPython frees objects by reference counting; its cyclic collector only looks for reference
cycles. It runs a pass every 700 new container objects, and every tenth pass covers older
objects too. An import builds a dict and a few tuples per field for every row, and the
objects it keeps (the commune index, the stored records) are walked again and again:
with the default thresholds, a third of an import went to the collector (bench/import).

`fewer_collections()` raises the first threshold for the duration of the work and puts
the previous thresholds back when the last such block ends. Objects are freed as before;
only cycles wait longer. The setting is process-wide, so threads share one count.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(threshold, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
