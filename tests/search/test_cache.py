"""Search results reused while the index is unchanged (Redis of the suite), and never after."""
import socket
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from portal import _cache_config
from portal.extensions import cache
from search import service
from search.backends.base import SearchQuery
from search.backends.postgres import PostgresBackend
from search.cache import CHANGED, PAUSED, generation
from tests.search.contract.dataset import build, index_all
from tests.support.services import free_port


def _use_cache(app, **config):
    app.extensions.pop(PAUSED, None)
    cache.init_app(app, config=_cache_config({**app.config, "SEARCH_CACHE_SECONDS": 300, **config}))


def _suite_cache(app):
    app.extensions.pop(PAUSED, None)
    cache.init_app(app, config=_cache_config(app.config))  # the suite's: off


@pytest.fixture
def cached(app):
    _use_cache(app)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()
    _suite_cache(app)


@pytest.fixture
def indexed(db_session):
    backend = PostgresBackend(lambda: db_session)
    backend.clear()
    index_all(db_session, backend, build(db_session))
    return backend


def _titles(query: SearchQuery) -> list[str]:
    return [hit.document["title"] for hit in service.search(query).hits]


def _rename_behind_the_index(session, old: str, new: str) -> None:
    """Change a stored document without going through the backend: only a cached result
    can still show the old title afterwards."""
    session.execute(text("UPDATE search_payload SET document = jsonb_set(document, '{title}', to_jsonb(CAST(:new AS text))) "
                         "WHERE document->>'title' = :old"), {"old": old, "new": new})


def test_a_repeated_search_is_served_from_the_cache(app, db_session, cached, indexed):
    with app.test_request_context():
        first = _titles(SearchQuery(text="chorale"))
        assert first[0] == "Chorale du mercredi"
        _rename_behind_the_index(db_session, "Chorale du mercredi", "Renommée en douce")
        assert _titles(SearchQuery(text="chorale")) == first  # same query: the stored result
        assert _titles(SearchQuery(text="chorale", per_page=5))[0] == "Renommée en douce"  # another query: computed


def test_any_index_write_invalidates_cached_results(app, db_session, cached, indexed):
    with app.test_request_context():
        before = generation(db_session)
        assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
        _rename_behind_the_index(db_session, "Chorale du mercredi", "Renommée en douce")
        indexed.delete(["venue-0"])  # any write, even of an unrelated id
        assert generation(db_session) > before
        assert _titles(SearchQuery(text="chorale"))[0] == "Renommée en douce"


def test_the_generation_moves_on_after_a_committed_or_rolled_back_index_write(app, postgis_url):
    engine = create_engine(postgis_url)
    try:
        for end in ("commit", "rollback"):
            with Session(engine) as session:
                start = generation(session)  # a transaction is open
                session.info[CHANGED] = True  # as the backend's writes leave it
                getattr(session, end)()
                assert generation(session) == start + 1, end
    finally:
        engine.dispose()


def test_searches_still_answer_when_redis_is_down(app, db_session, indexed):
    _use_cache(app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    try:
        with app.test_request_context():
            assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
            assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
    finally:
        _suite_cache(app)


class DeadRedis:
    """A port that accepts connections, counting them, and hangs up at once — or, `silent`,
    keeps them open without ever answering (a Redis that stopped responding)."""

    def __init__(self, silent: bool = False):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.silent, self.held = silent, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            if self.silent:
                self.held.append(connection)
            else:
                connection.close()

    def close(self):
        self.server.close()
        for connection in self.held:
            connection.close()


def test_after_redis_failed_searches_leave_it_alone_for_a_while(app, db_session, indexed):
    dead = DeadRedis()
    _use_cache(app, REDIS_URL=f"redis://127.0.0.1:{dead.port}/0")
    try:
        with app.test_request_context():
            assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
            tried = dead.connections
            assert tried >= 1
            for words in ("chorale", "théâtre", "danse", "chorale"):
                assert _titles(SearchQuery(text=words))  # answered, without knocking again
            assert dead.connections == tried
            app.extensions[PAUSED] = 0.0  # the pause is over: the cache is tried again
            assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
            assert dead.connections > tried
    finally:
        dead.close()
        _suite_cache(app)


def test_a_redis_that_stops_answering_delays_one_search_and_hangs_none(app, db_session, indexed):
    silent = DeadRedis(silent=True)
    _use_cache(app, REDIS_URL=f"redis://127.0.0.1:{silent.port}/0")
    answers = []

    def search_twice():
        with app.test_request_context():
            answers.append(_titles(SearchQuery(text="chorale"))[0])
            answers.append(_titles(SearchQuery(text="théâtre"))[0])

    try:
        searching = threading.Thread(target=search_twice)
        started = time.monotonic()
        searching.start()
        searching.join(timeout=30)
        # A timeout, not a speed figure: redis-py alone would hold each attempt 5 s (its default).
        assert time.monotonic() - started < 3
        assert not searching.is_alive() and answers[0] == "Chorale du mercredi" and len(answers) == 2
        assert silent.connections >= 1
    finally:
        silent.close()
        _suite_cache(app)


def test_a_zero_lifetime_turns_the_cache_off(app, db_session, indexed):
    assert _cache_config({"SEARCH_CACHE_SECONDS": 0, "REDIS_URL": "redis://x"})["CACHE_TYPE"] == "NullCache"
    assert _cache_config({"SEARCH_CACHE_SECONDS": 60, "REDIS_URL": ""})["CACHE_TYPE"] == "SimpleCache"
    with app.test_request_context():
        assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
        _rename_behind_the_index(db_session, "Chorale du mercredi", "Renommée en douce")
        assert _titles(SearchQuery(text="chorale"))[0] == "Renommée en douce"
