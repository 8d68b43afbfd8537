"""Changed listings → `search_outbox`, in the same transaction as the change.

A session listener notices Venue/Activity/Resource/ActivitySlot/ActivityTiming writes made
through the ORM; bulk Core writes (the importer) call `enqueue()` themselves. After the
transaction commits, the queue is processed in-process (embedded setup) or handed to an RQ
worker (REDIS_URL set). That step is guarded: a failing search engine never breaks the
user's commit; the rows simply wait in the outbox.
"""
from __future__ import annotations

import logging

from sqlalchemy import event, insert, text
from sqlalchemy.orm import Session

from portal.activities.models import Activity, ActivitySlot, ActivityTiming
from portal.resources.models import Resource
from portal.venues.models import Venue
from search.models import SearchOutbox

log = logging.getLogger(__name__)

PENDING = "search_outbox_pending"
DIRECT = {Venue: "venue", Activity: "activity", Resource: "resource"}
CHILDREN = (ActivitySlot, ActivityTiming)
# A venue gives its activities and resources their place, commune and accessibility.
DEPENDANTS = text("""
    INSERT INTO search_outbox (listing_type, listing_id)
    SELECT CAST('activity' AS listing_type), id FROM activity WHERE venue_id = ANY(:ids)
    UNION ALL
    SELECT CAST('resource' AS listing_type), id FROM resource WHERE venue_id = ANY(:ids)
""")


def enqueue(session, listing_type: str, ids) -> int:
    """Queue listings for (re)indexing in the caller's transaction (bulk Core writes)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return 0
    # One statement for the whole batch (an import queues thousands of ids at once).
    session.execute(text("INSERT INTO search_outbox (listing_type, listing_id) "
                         "SELECT CAST(:listing_type AS listing_type), unnest(CAST(:ids AS integer[]))"),
                    {"listing_type": getattr(listing_type, "value", listing_type), "ids": ids})
    session.info[PENDING] = True
    return len(ids)


def _changed(session) -> dict[str, set[int]]:
    changed: dict[str, set[int]] = {}
    for obj in [*session.new, *session.dirty, *session.deleted]:
        listing_type = DIRECT.get(type(obj))
        if listing_type and obj.id is not None:
            changed.setdefault(listing_type, set()).add(obj.id)
        elif isinstance(obj, CHILDREN) and obj.activity_id is not None:
            changed.setdefault("activity", set()).add(obj.activity_id)
    return changed


def _after_flush(session, _flush_context) -> None:
    changed = _changed(session)
    if not changed:
        return
    connection = session.connection()
    rows = [{"listing_type": t, "listing_id": i} for t, ids in changed.items() for i in sorted(ids)]
    connection.execute(insert(SearchOutbox.__table__), rows)
    if changed.get("venue"):
        connection.execute(DEPENDANTS, {"ids": sorted(changed["venue"])})
    session.info[PENDING] = True


def _after_commit(session) -> None:
    if not session.info.pop(PENDING, False):
        return
    try:
        from flask import current_app, has_app_context

        if not has_app_context() or not current_app.config.get("SEARCH_PROCESS_AFTER_COMMIT", True):
            return
        from search.service import dispatch_queue

        dispatch_queue(session.get_bind())
    except Exception:  # never let indexing break a committed change; the outbox keeps it
        log.exception("search queue processing after commit failed; rows stay in the outbox")


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


_installed = False


def install() -> None:
    """Listen on every ORM session (the portal's and the importer's). Idempotent."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    _installed = True
