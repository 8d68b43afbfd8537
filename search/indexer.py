"""The worker: turns outbox rows into index writes.

It claims rows with FOR UPDATE SKIP LOCKED (several workers never take the same row), loads
the listings in batches, upserts the searchable ones and deletes the others by the one
`is_searchable` rule, then deletes the outbox rows in the same transaction. A worker killed
mid-batch releases its locks with its connection, so the rows are claimed again: nothing is
lost. A failing engine makes the batch go back with attempts + 1 and an exponential delay.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text

from portal.core.collector import fewer_collections
from search.backends.base import SearchBackend
from search.documents import document_id, iter_documents, load_documents

log = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 3600
CLAIM = text("""
    SELECT id, CAST(listing_type AS text), listing_id FROM search_outbox
    WHERE available_at <= now()
    ORDER BY id
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
""")
RETRY = text("""
    UPDATE search_outbox
    SET attempts = attempts + 1,
        available_at = now() + make_interval(secs => least(:max_delay, 5 * power(2, attempts))),
        last_error = :error
    WHERE id = ANY(:ids)
""")


@dataclass
class QueueStats:
    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    batches: int = 0


def process_batch(session, backends: list[SearchBackend], batch_size: int = 500) -> QueueStats | None:
    """One claimed batch, committed or sent back for retry; None when nothing is due."""
    claimed = session.execute(CLAIM, {"limit": batch_size}).all()
    if not claimed:
        session.rollback()
        return None
    outbox_ids = [row[0] for row in claimed]
    wanted: dict[str, set[int]] = {}
    for _id, listing_type, listing_id in claimed:
        wanted.setdefault(listing_type, set()).add(listing_id)
    stats = QueueStats(batches=1)
    try:
        for listing_type, ids in wanted.items():
            documents = load_documents(session, listing_type, sorted(ids))
            found = {doc["listing_id"] for doc in documents}
            gone = [document_id(listing_type, i) for i in sorted(ids - found)]
            for backend in backends:
                backend.index(documents)
                backend.delete(gone)
            stats.indexed += len(documents)
            stats.deleted += len(gone)
        session.execute(text("DELETE FROM search_outbox WHERE id = ANY(:ids)"), {"ids": outbox_ids})
        session.commit()
    except Exception as exc:  # any failure: the rows go back to the queue, never lost
        session.rollback()
        log.warning("search batch of %d failed, will retry: %s", len(outbox_ids), exc)
        session.execute(RETRY, {"ids": outbox_ids, "error": f"{exc.__class__.__name__}: {exc}"[:1000],
                                "max_delay": MAX_DELAY_SECONDS})
        session.commit()
        return QueueStats(failed=len(outbox_ids), batches=1)
    return stats


def process_queue(session, backends: list[SearchBackend], batch_size: int = 500,
                  max_batches: int | None = None) -> QueueStats:
    """Process every due outbox row; a failed batch stops the run (its rows wait for their
    retry time) so a down engine is not hammered."""
    total = QueueStats()
    with fewer_collections():
        while max_batches is None or total.batches < max_batches:
            stats = process_batch(session, backends, batch_size)
            if stats is None:
                break
            total.indexed += stats.indexed
            total.deleted += stats.deleted
            total.failed += stats.failed
            total.batches += 1
            if stats.failed:
                break
    return total


def rebuild(session, backend: SearchBackend, batch_size: int = 500) -> int:
    """Full rebuild; searchers see the old index until the new one is complete (postgres:
    the caller commits once; meilisearch: a temporary index swapped in)."""
    batches = iter_documents(session, batch_size, release=True)
    with fewer_collections():
        if hasattr(backend, "rebuild"):
            # Meilisearch: a fresh index beside the live one, swapped in when complete.
            return backend.rebuild(document for batch in batches for document in batch)["documents"]
        backend.clear()
        count = 0
        for documents in batches:
            backend.index(documents)
            count += len(documents)
    return count
