"""Changes reach the index through the outbox: same transaction, after commit, never lost."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from portal.listings.enums import ModerationStatus
from search.backends.base import SearchQuery, SearchUnavailable
from search.backends.postgres import PostgresBackend
from search.indexer import process_queue
from search.models import SearchOutbox
from search.queue import enqueue
from tests.support.factories import make_activity, make_venue, point


def outbox(session) -> set[tuple[str, int]]:
    return {(r.listing_type.value, r.listing_id) for r in session.scalars(select(SearchOutbox))}


@pytest.fixture
def backend(db_session):
    engine = PostgresBackend(lambda: db_session)
    engine.clear()
    db_session.execute(text("DELETE FROM search_outbox"))
    return engine


@pytest.fixture
def in_process(app):
    """The embedded set-up: no Redis, the queue is processed right after commit."""
    saved = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = ""
    yield
    app.config["REDIS_URL"] = saved


def test_an_orm_change_is_queued_in_the_same_transaction(db_session, backend, app):
    app.config["SEARCH_PROCESS_AFTER_COMMIT"] = False
    try:
        nested = db_session.begin_nested()
        venue = make_venue(name="Maison des pratiques")
        assert ("venue", venue.id) in outbox(db_session)
        nested.rollback()
        assert outbox(db_session) == set()  # rolled back with the change: never indexed
    finally:
        app.config["SEARCH_PROCESS_AFTER_COMMIT"] = True


def test_a_venue_change_requeues_its_activities_and_slot_changes_their_activity(db_session, backend, app):
    app.config["SEARCH_PROCESS_AFTER_COMMIT"] = False
    try:
        venue = make_venue(name="MJC Centre")
        activity = make_activity(title="Atelier slam", venue=venue)
        db_session.execute(text("DELETE FROM search_outbox"))
        venue.access_motor = True
        db_session.flush()
        assert {("venue", venue.id), ("activity", activity.id)} <= outbox(db_session)
        db_session.execute(text("DELETE FROM search_outbox"))
        from datetime import time
        from portal.activities.models import ActivitySlot
        activity.slots.append(ActivitySlot(weekday=3, starts_at=time(18, 0)))
        db_session.flush()
        assert ("activity", activity.id) in outbox(db_session)
    finally:
        app.config["SEARCH_PROCESS_AFTER_COMMIT"] = True


def test_after_commit_the_change_is_searchable_in_process(db_session, backend, in_process):
    make_activity(title="Fanfare des Lilas", last_verified_at=datetime.now(timezone.utc))
    db_session.commit()
    assert [h.document["title"] for h in backend.search(SearchQuery(text="fanfare")).hits] == ["Fanfare des Lilas"]
    assert outbox(db_session) == set()


def test_unpublishing_removes_the_listing_from_the_index(db_session, backend, in_process):
    venue = make_venue(name="Cinéma Le Trianon", location=point(2.43, 48.89), commune_code="93063")
    db_session.commit()
    assert backend.search(SearchQuery(text="trianon")).total == 1
    venue.moderation_status = ModerationStatus.refused
    db_session.commit()
    assert backend.search(SearchQuery(text="trianon")).total == 0


def test_with_redis_an_rq_job_processes_the_queue(db_session, backend, app, redis_url):
    import redis
    from rq import Queue

    from tests.support.rq_worker import work_burst

    connection = redis.Redis.from_url(redis_url)
    queue = Queue("search", connection=connection)
    queue.empty()
    make_activity(title="Batucada du canal")
    db_session.commit()
    assert backend.search(SearchQuery(text="batucada")).total == 0  # not yet: a job waits
    assert queue.count >= 1
    work_burst(["search"], connection)
    assert backend.search(SearchQuery(text="batucada")).total == 1


def test_bulk_writes_use_enqueue(db_session, backend):
    venue = make_venue(name="Salle Pina Bausch")
    db_session.execute(text("DELETE FROM search_outbox"))
    assert enqueue(db_session, "venue", [venue.id, venue.id]) == 1
    assert outbox(db_session) == {("venue", venue.id)}


class FailingBackend:
    name = "broken"

    def index(self, documents):
        raise SearchUnavailable("moteur injoignable")

    def delete(self, ids):
        raise SearchUnavailable("moteur injoignable")


def test_a_down_engine_keeps_the_rows_with_back_off_then_they_are_indexed(db_session, backend, app):
    app.config["SEARCH_PROCESS_AFTER_COMMIT"] = False
    try:
        venue = make_venue(name="Conservatoire Jean Wiener")
        db_session.commit()
    finally:
        app.config["SEARCH_PROCESS_AFTER_COMMIT"] = True
    stats = process_queue(db_session, [backend, FailingBackend()])
    assert stats.failed == 1
    row = db_session.scalars(select(SearchOutbox)).one()
    assert row.attempts == 1 and "injoignable" in row.last_error
    assert row.available_at > datetime.now(timezone.utc) + timedelta(seconds=3)
    assert process_queue(db_session, [backend]).batches == 0  # not due yet: the engine is left alone
    assert backend.search(SearchQuery(text="wiener")).total == 0  # the failed batch wrote nothing
    db_session.execute(text("UPDATE search_outbox SET available_at = now()"))
    assert process_queue(db_session, [backend]).indexed == 1
    assert backend.search(SearchQuery(text="wiener")).hits[0].id == f"venue-{venue.id}"
    assert outbox(db_session) == set()
