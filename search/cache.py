"""Search results reused for the same query while the index has not changed.

Popular searches (the home page, a discipline page, the default map view) repeat far more
often than the index changes. A result is stored under the query and the index *generation*,
a database sequence that every write to the embedded index advances twice: inside the
writing transaction, and again when that transaction ends (commit or rollback), so that a
search run while the write was in flight is never served afterwards. Results also expire
after SEARCH_CACHE_SECONDS, which bounds what time alone changes (dates that pass, listings
that turn stale).

The cache is an optimisation only: when Redis is down, searches are computed as if it was
empty, and leave it alone for PAUSE_SECONDS: a Redis that does not answer costs each attempt
its socket timeout (portal._cache_config), many times a search's own time.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.extensions import cache
from search.backends.base import SearchQuery, SearchResult

log = logging.getLogger(__name__)

CHANGED = "search_index_changed"
PINNED = "search_generation_pinned"  # session.info: the generation one search works at
BUMP = text("SELECT nextval('search_generation')")
PAUSE_SECONDS = 30  # after the cache failed, searches do without it this long
PAUSED = "search_cache_paused_until"  # app.extensions: time.monotonic() the pause ends at


def mark_changed(session) -> None:
    """Called by the embedded backend on every write, in the writing transaction."""
    session.execute(BUMP)
    session.info[CHANGED] = True
    session.info.pop(PINNED, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _bump_after_transaction(session) -> None:
    """After a commit (the new rows are now visible to all) or a rollback (a search in the
    writing transaction saw rows that never were), the generation moves on again."""
    if not session.info.pop(CHANGED, False):
        return
    bind = session.get_bind()
    if not isinstance(bind, Engine):  # a session inside an outer transaction (tests): no commit yet
        return
    try:
        with bind.connect() as connection:
            connection.execute(BUMP)
            connection.commit()
    except Exception as exc:  # results expire on their own
        log.warning("search generation not advanced after the transaction: %s", exc)


def generation(session) -> int:
    """The current generation; inside `pinned_generation`, the one read when it began."""
    pinned = session.info.get(PINNED)
    if pinned is not None:
        return pinned
    return session.execute(text("SELECT last_value FROM search_generation")).scalar_one()


@contextmanager
def pinned_generation(session) -> Iterator[int]:
    """Read the generation once for everything one search does (its cache key, the
    in-memory columns it may use): one round trip instead of one per step."""
    if session.info.get(PINNED) is not None:  # nested: the outer search's reading stands
        yield session.info[PINNED]
        return
    session.info[PINNED] = current = generation(session)
    try:
        yield current
    finally:
        session.info.pop(PINNED, None)


def _key(session, query: SearchQuery) -> str:
    digest = hashlib.sha256(repr(query).encode("utf-8")).hexdigest()[:32]
    return f"search:{generation(session)}:{digest}"


def _paused() -> bool:
    return time.monotonic() < current_app.extensions.get(PAUSED, 0.0)


def _failed(exc: Exception) -> None:
    current_app.extensions[PAUSED] = time.monotonic() + PAUSE_SECONDS
    log.warning("search cache unavailable, searches computed without it for %d s: %s", PAUSE_SECONDS, exc)


def cached_search(session, query: SearchQuery, compute: Callable[[], SearchResult]) -> SearchResult:
    if _paused():
        return compute()
    key = _key(session, query)
    try:
        found = cache.get(key)
    except Exception as exc:  # Redis down: compute
        _failed(exc)
        return compute()
    if found is not None:
        return found
    result = compute()
    try:
        cache.set(key, result)
    except Exception as exc:
        _failed(exc)
    return result
