"""Search results reused while the index is unchanged (Redis of the suite), and never after."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from portal import _cache_config
from portal.extensions import cache
from search import service
from search.backends.base import SearchQuery
from search.backends.postgres import PostgresBackend
from search.cache import CHANGED, generation
from tests.search.contract.dataset import build, index_all
from tests.support.services import free_port


def _use_cache(app, **config):
    cache.init_app(app, config=_cache_config({**app.config, "SEARCH_CACHE_SECONDS": 300, **config}))


@pytest.fixture
def cached(app):
    _use_cache(app)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()
    cache.init_app(app, config=_cache_config(app.config))  # the suite's: off


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
        cache.init_app(app, config=_cache_config(app.config))


def test_a_zero_lifetime_turns_the_cache_off(app, db_session, indexed):
    assert _cache_config({"SEARCH_CACHE_SECONDS": 0, "REDIS_URL": "redis://x"})["CACHE_TYPE"] == "NullCache"
    assert _cache_config({"SEARCH_CACHE_SECONDS": 60, "REDIS_URL": ""})["CACHE_TYPE"] == "SimpleCache"
    with app.test_request_context():
        assert _titles(SearchQuery(text="chorale"))[0] == "Chorale du mercredi"
        _rename_behind_the_index(db_session, "Chorale du mercredi", "Renommée en douce")
        assert _titles(SearchQuery(text="chorale"))[0] == "Renommée en douce"
