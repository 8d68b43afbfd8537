"""Backend selection and fallback: Meilisearch down → postgres answers, /healthz says so."""
import pytest

from search import service
from search.backends.base import SearchQuery
from search.backends.postgres import PostgresBackend
from tests.search.contract.dataset import build, index_all
from tests.support.services import free_port


@pytest.fixture
def unreachable_meilisearch(app):
    saved = {k: app.config[k] for k in ("SEARCH_BACKEND", "MEILI_URL", "MEILI_TIMEOUT")}
    app.config.update(SEARCH_BACKEND="meilisearch", MEILI_URL=f"http://127.0.0.1:{free_port()}", MEILI_TIMEOUT=0.5)
    app.extensions.pop(service.STATE, None)
    yield
    app.config.update(saved)
    app.extensions.pop(service.STATE, None)


def test_search_falls_back_to_postgres_and_health_reports_it(app, db_session, client, unreachable_meilisearch):
    backend = PostgresBackend(lambda: db_session)
    backend.clear()
    index_all(db_session, backend, build(db_session))
    result = service.search(SearchQuery(text="chorale"))
    assert result.backend == "postgres" and result.hits[0].document["title"] == "Chorale du mercredi"
    health = client.get("/healthz").get_json()["search"]
    assert health["ok"] is True and health["backend"] == "meilisearch" and health["fallback"] == "postgres"
    assert health["error"]


def test_the_service_understands_words_before_searching(app, db_session):
    backend = PostgresBackend(lambda: db_session)
    backend.clear()
    rows = build(db_session)
    index_all(db_session, backend, rows)
    with app.test_request_context():
        result = service.search(SearchQuery(text="théâtre ado"))
    assert [h.document["title"] for h in result.hits] == ["Atelier théâtre ados", "Théâtre de la Commune"] or \
        result.hits[0].document["title"] == "Atelier théâtre ados"
