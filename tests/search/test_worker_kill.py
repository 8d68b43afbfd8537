"""A worker killed with SIGKILL in the middle of a big queue loses no update: its claimed
rows were never deleted (same transaction as the index writes), so a restart takes them."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from search.queue import enqueue

ROOT = Path(__file__).resolve().parents[2]
COUNT = 3000
WORKER = """
import sys
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
import portal.models  # noqa: F401
from search.backends.postgres import PostgresBackend
from search.indexer import process_batch
engine = create_engine(sys.argv[1])
with Session(engine) as session:
    backend = PostgresBackend(lambda: session)
    while process_batch(session, [backend], 200):
        print("batch", flush=True)
print("done", flush=True)
"""


def _worker(url):
    return subprocess.Popen([sys.executable, "-c", WORKER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_killing_the_worker_mid_run_loses_no_update(app, postgis_url):
    engine = create_engine(postgis_url)
    with Session(engine) as session:
        ids = session.execute(text("""
            INSERT INTO venue (name, slug, kind, moderation_status, last_verified_at)
            SELECT 'Lieu tué ' || g, 'lieu-tue-' || g, 'other', 'published', now() FROM generate_series(1, :n) g
            RETURNING id
        """), {"n": COUNT}).scalars().all()
        enqueue(session, "venue", ids)
        session.commit()
    try:
        worker = _worker(postgis_url)
        assert worker.stdout.readline().strip() == "batch"
        worker.stdout.readline()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        with engine.connect() as connection:
            indexed = connection.execute(text("SELECT count(*) FROM search_document WHERE id = ANY(:ids)"),
                                         {"ids": [f"venue-{i}" for i in ids]}).scalar_one()
        assert 0 < indexed < COUNT  # really killed mid-run
        restarted = _worker(postgis_url)
        assert restarted.communicate(timeout=120)[0].strip().endswith("done")
        with engine.connect() as connection:
            indexed = connection.execute(text("SELECT count(*) FROM search_document WHERE id = ANY(:ids)"),
                                         {"ids": [f"venue-{i}" for i in ids]}).scalar_one()
            waiting = connection.execute(text("SELECT count(*) FROM search_outbox WHERE listing_id = ANY(:ids)"),
                                         {"ids": ids}).scalar_one()
        assert indexed == COUNT and waiting == 0
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM search_document WHERE id = ANY(:ids)"),
                               {"ids": [f"venue-{i}" for i in ids]})
            connection.execute(text("DELETE FROM search_outbox WHERE listing_id = ANY(:ids)"), {"ids": ids})
            connection.execute(text("DELETE FROM venue WHERE id = ANY(:ids)"), {"ids": ids})
        engine.dispose()
