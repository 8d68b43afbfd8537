"""The portal's entry point into search: picks the configured backend, understands the typed
query, falls back to the embedded engine when Meilisearch cannot answer, and runs the queue.

The postgres index is always kept current (it is the fallback), Meilisearch too when set.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace

from flask import current_app
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.geo.names import match_name
from search.backends.base import SearchQuery, SearchResult, SearchUnavailable, Suggestion
from search.backends.postgres import PostgresBackend
from search.backends.snapshot import SnapshotStore
from search.cache import cached_search, pinned_generation
from search.understanding import CommuneMatch, Understanding, understand

log = logging.getLogger(__name__)

STATE = "search_state"


def _state() -> dict:
    return current_app.extensions.setdefault(STATE, {})


def snapshots() -> SnapshotStore:
    """The app's in-memory columns of the embedded index (one copy per process)."""
    state = _state()
    if "snapshots" not in state:
        state["snapshots"] = SnapshotStore(engine=lambda: db.engine, mode=current_app.config["SEARCH_SNAPSHOT"])
    return state["snapshots"]


def postgres_backend(session_factory=None) -> PostgresBackend:
    return PostgresBackend(session_factory or (lambda: db.session), snapshots())


def meilisearch_backend():
    """The Meilisearch backend, built once per app, imported only when configured."""
    state = _state()
    if "meilisearch" not in state:
        from search.backends.meilisearch import MeilisearchBackend

        config = current_app.config
        state["meilisearch"] = MeilisearchBackend(config["MEILI_URL"], config["MEILI_MASTER_KEY"],
                                                  config["MEILI_INDEX"], float(config["MEILI_TIMEOUT"]))
    return state["meilisearch"]


def configured_name() -> str:
    name = current_app.config.get("SEARCH_BACKEND", "postgres")
    if name == "meilisearch" and not current_app.config.get("MEILI_URL"):
        return "postgres"
    return name


def get_backend():
    return meilisearch_backend() if configured_name() == "meilisearch" else postgres_backend()


def index_backends(session_factory=None) -> list:
    """Where writes go: the embedded index always (it is the fallback), plus Meilisearch."""
    backends = [postgres_backend(session_factory)]
    if configured_name() == "meilisearch":
        backends.append(meilisearch_backend())
    return backends


def _with_fallback(call):
    backend = get_backend()
    if backend.name == "postgres":
        return call(backend)
    try:
        result = call(backend)
    except SearchUnavailable as exc:
        log.warning("meilisearch unavailable, postgres answers: %s", exc)
        _state()["degraded"] = {"error": str(exc) or exc.__class__.__name__, "at": time.time()}
        return call(postgres_backend())
    _state().pop("degraded", None)
    return result


# --- understanding the typed text -------------------------------------------------------------

def _commune_names() -> dict[str, CommuneMatch]:
    """match_name → commune of the configured départements (the most populous on a tie),
    loaded once per process: the list changes only when geography is reloaded."""
    state = _state()
    if "communes" not in state:
        departements = [d.strip() for d in current_app.config.get("GEO_DEPARTEMENTS", "").split(",") if d.strip()]
        rows = db.session.execute(text("""
            SELECT match_name, insee_code, name, ST_X(centroid), ST_Y(centroid) FROM commune
            WHERE centroid IS NOT NULL AND (cardinality(CAST(:deps AS text[])) = 0
                                            OR departement_code = ANY(CAST(:deps AS text[])))
            ORDER BY population ASC NULLS FIRST
        """), {"deps": departements}).all()
        state["communes"] = {row[0]: CommuneMatch(row[1], row[2], row[3], row[4]) for row in rows}
    return state["communes"]


def find_commune(phrase: str) -> CommuneMatch | None:
    return _commune_names().get(match_name(phrase))


def understood_query(query: SearchQuery) -> tuple[SearchQuery, Understanding]:
    """Filters read from the words fill only what the user did not set explicitly."""
    meaning = understand(query.text or "", find_commune)
    changes: dict = {"text": meaning.text}
    if meaning.free and query.free is None and not query.price_bands:
        changes["free"] = True
    if meaning.age_range and query.age is None and query.age_range is None:
        changes["age_range"] = meaning.age_range
    if meaning.weekdays and not query.weekdays:
        changes["weekdays"] = meaning.weekdays
    if meaning.day_periods and not query.day_periods:
        changes["day_periods"] = meaning.day_periods
    if meaning.commune and query.point is None and query.bbox is None and not query.communes:
        changes["point"] = (meaning.commune.lon, meaning.commune.lat)
        changes["radius_km"] = query.radius_km or meaning.radius_km
    elif meaning.commune:
        changes["text"] = query.text  # the place is already given: keep the words as typed
    return replace(query, **changes), meaning


def search(query: SearchQuery, understand_text: bool = True) -> SearchResult:
    if understand_text and query.text:
        query, _meaning = understood_query(query)
    if configured_name() == "postgres":
        # The embedded engine's results are reused while its index is unchanged (search/cache.py);
        # Meilisearch applies writes asynchronously and answers fast enough on its own.
        backend = postgres_backend()
        with pinned_generation(db.session):
            return cached_search(db.session, query, lambda: backend.search(query))
    return _with_fallback(lambda backend: backend.search(query))


def autocomplete(prefix: str, limit: int = 8) -> list[Suggestion]:
    return _with_fallback(lambda backend: backend.autocomplete(prefix, limit))


def backend_health() -> dict:
    name = configured_name()
    if name == "postgres":
        return postgres_backend().health()
    health = meilisearch_backend().health()
    if health.get("ok"):
        return {"ok": True, "backend": "meilisearch"}
    # Search still answers (from postgres): the portal is up, degraded.
    return {"ok": True, "backend": "meilisearch", "fallback": "postgres",
            "error": health.get("error") or _state().get("degraded", {}).get("error", "unreachable")}


# --- the queue --------------------------------------------------------------------------------

def process_queue(batch_size: int = 500, bind=None):
    """Run the worker in a session of its own (after a commit, or from the CLI / RQ)."""
    from search.indexer import process_queue as run

    with Session(bind=bind if bind is not None else db.engine,
                 join_transaction_mode="create_savepoint") as session:
        return run(session, index_backends(lambda: session), batch_size)


def dispatch_queue(bind=None) -> None:
    """After a commit: an RQ job when Redis is configured, else process now, in-process."""
    url = current_app.config.get("REDIS_URL")
    if url:
        import redis
        from rq import Queue

        Queue("search", connection=redis.Redis.from_url(url)).enqueue(
            "search.service.run_queue_job")
        return
    process_queue(bind=bind)


def run_queue_job() -> dict:
    """RQ entry point: reuse the app of an in-process worker, else build one."""
    from flask import has_app_context

    if has_app_context():
        stats = process_queue()
    else:
        from portal import create_app

        with create_app().app_context():
            stats = process_queue()
    return stats.__dict__


def commune_code_for_name(name: str) -> str | None:
    """INSEE code of a commune named in a URL parameter (configured départements)."""
    match = find_commune(name)
    return match.code if match else None
