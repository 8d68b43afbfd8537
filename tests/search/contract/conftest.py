"""The `backend` fixture: every contract test runs against each engine (the embedded one
both ways it answers). Meilisearch runs only when MEILI_URL points at a server (none can be
installed on the build machines)."""
from __future__ import annotations

import os
import uuid

import pytest

from tests.search.contract.dataset import build, index_all


@pytest.fixture(params=["postgres-sql", "postgres-memory", "meilisearch"])
def backend(request, app, db_session):
    if request.param.startswith("postgres"):
        from search.backends.postgres import PostgresBackend
        from search.backends.snapshot import SnapshotStore

        # The embedded engine answers in SQL, or from its in-memory columns: both the same.
        snapshots = SnapshotStore(mode="sync") if request.param == "postgres-memory" else None
        engine = PostgresBackend(lambda: db_session, snapshots)
        engine.clear()
        yield engine
        return
    url = os.environ.get("MEILI_URL")
    if not url:
        pytest.skip("MEILI_URL not set")
    from search.backends.meilisearch import MeilisearchBackend

    engine = MeilisearchBackend(url, os.environ.get("MEILI_MASTER_KEY", ""), f"contract-{uuid.uuid4().hex[:8]}", 10.0)
    engine.apply_settings()
    yield engine
    engine.clear()


@pytest.fixture
def listings(backend, db_session):
    rows = build(db_session)
    index_all(db_session, backend, rows)
    return rows


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def doc_id(row) -> str:
    return f"{row.__tablename__}-{row.id}"
