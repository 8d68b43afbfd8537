"""GET /api/v1/search and /api/v1/autocomplete, as a map widget or a partner calls them."""
import pytest

from search.backends.postgres import PostgresBackend
from tests.search.contract.dataset import build, index_all


@pytest.fixture
def listings(db_session):
    backend = PostgresBackend(lambda: db_session)
    backend.clear()
    rows = build(db_session)
    index_all(db_session, backend, rows)
    return rows


def test_search_returns_hits_facets_and_highlights(client, listings):
    response = client.get("/api/v1/search?q=théâtre&type=activity")
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["total"] >= 2 and payload["page"] == 1
    first = payload["hits"][0]
    assert first["type"] == "activity" and "<mark>" in first["highlights"]["title"]
    assert payload["facets"]["listing_type"]["venue"] >= 1


def test_words_in_the_query_become_filters(client, listings):
    payload = client.get("/api/v1/search?q=gratuit près de Montreuil").get_json()
    titles = {hit["title"] for hit in payload["hits"]}
    assert "Chorale du mercredi" in titles
    assert all(hit["document"]["is_free"] for hit in payload["hits"])
    assert all(hit["distance_m"] <= 5000 for hit in payload["hits"])


def test_bad_parameters_are_a_400_with_french_messages(client, listings):
    response = client.get("/api/v1/search?lat=abc&lon=2&per_page=1000")
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"lat", "per_page"} and "latitude" in errors["lat"]


def test_autocomplete(client, listings):
    payload = client.get("/api/v1/autocomplete?q=impro").get_json()
    assert {"type": "discipline", "label": "Improvisation", "value": "improvisation"} in payload["suggestions"]
    assert client.get("/api/v1/autocomplete?q=").get_json() == {"suggestions": []}
    assert client.get("/api/v1/autocomplete?q=" + "a" * 300).status_code == 400
