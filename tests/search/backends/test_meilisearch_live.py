"""A real round trip against a Meilisearch server — runs only when MEILI_URL points at one
(e.g. `docker compose up meilisearch`, then MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=…).

The HTTP-boundary tests pin the requests we send; this checks that a real engine understands
them the way we mean: typo tolerance, synonyms, filter syntax, geography, facets, swap.
"""
import os
import uuid

import pytest

from search.backends.base import SearchQuery
from search.backends.meilisearch import InvalidSearchRequest, MeilisearchBackend
from tests.support.fake_meili import listing_document

pytestmark = [
    pytest.mark.live_meili,
    pytest.mark.skipif(not os.environ.get("MEILI_URL"), reason="MEILI_URL not set"),
]

SAINT_DENIS = {"lat": 48.9362, "lng": 2.3574}
MONTREUIL = {"lat": 48.8638, "lng": 2.4485}
DOCUMENTS = [
    listing_document(1, "Chorale du jeudi soir", description="Chanter ensemble sans audition.",
                     disciplines=["musique", "chant-chorale"], discipline_labels=["Musique", "Chant & chorale"],
                     is_free=True, price_band="free", weekdays=[3], age_min=16, accessibility=["lsf"],
                     _geo=SAINT_DENIS, next_date=1_800_000_000),
    listing_document(2, "Atelier d'improvisation théâtrale", disciplines=["theatre", "improvisation"],
                     discipline_labels=["Théâtre", "Improvisation"], is_free=False, price_band="10_50",
                     weekdays=[1], age_min=12, age_max=17, commune_code="93048", commune_name="Montreuil",
                     _geo=MONTREUIL, next_date=1_700_000_000),
    listing_document(3, "Médiathèque Colette", listing_type="venue", kind="library", commune_code="93048",
                     commune_name="Montreuil", _geo={"lat": 48.8610, "lng": 2.4420}),
]


@pytest.fixture(scope="module")
def backend():
    backend = MeilisearchBackend(os.environ["MEILI_URL"], os.environ.get("MEILI_MASTER_KEY", ""),
                                 f"boussole_test_{uuid.uuid4().hex[:8]}", timeout=5)
    backend.apply_settings()
    backend.index(DOCUMENTS)
    yield backend
    backend.client.delete_index(backend.index_name)


def ids(result):
    return [hit.id for hit in result.hits]


def test_settings_are_applied_once(backend):
    assert backend.apply_settings(dry_run=True)["changed"] == {}
    assert backend.health()["ok"] and backend.health()["documents"] == 3


def test_typo_and_synonyms(backend):
    assert ids(backend.search(SearchQuery(text="chorake"))) == ["activity-1"]
    assert "activity-2" in ids(backend.search(SearchQuery(text="impro")))
    assert "activity-1" in ids(backend.search(SearchQuery(text="chœur")))


def test_filters(backend):
    assert ids(backend.search(SearchQuery(disciplines=["musique"]))) == ["activity-1"]
    assert ids(backend.search(SearchQuery(free=True))) == ["activity-1"]
    assert sorted(ids(backend.search(SearchQuery(age=14)))) == ["activity-2", "venue-3"]  # null bounds fit
    assert ids(backend.search(SearchQuery(accessibility=["lsf"]))) == ["activity-1"]
    assert ids(backend.search(SearchQuery(weekdays=[1, 5]))) == ["activity-2"]
    assert ids(backend.search(SearchQuery(kinds=['library" OR kind = "x']))) == []


def test_geography(backend):
    near = backend.search(SearchQuery(point=(2.4485, 48.8638), radius_km=2, sort="distance"))
    assert ids(near) == ["activity-2", "venue-3"]
    assert near.hits[0].distance_m == pytest.approx(0, abs=5)
    box = backend.search(SearchQuery(bbox=(2.30, 48.90, 2.40, 48.95)))
    assert ids(box) == ["activity-1"]


def test_facets_sort_highlight(backend):
    result = backend.search(SearchQuery(text="chorale", facets=("is_free", "disciplines")))
    assert result.facets["is_free"] == {"true": 1}
    assert result.hits[0].highlights["title"].startswith("<mark>Chorale</mark>")
    assert ids(backend.search(SearchQuery(listing_types=["activity"], sort="date"))) == ["activity-2", "activity-1"]


def test_autocomplete(backend):
    suggestions = backend.autocomplete("mont")
    assert ("commune", "93048") in [(s.type, s.value) for s in suggestions]


def test_invalid_request_is_a_value_error(backend):
    with pytest.raises(InvalidSearchRequest, match="atitude"):
        backend.search(SearchQuery(point=(2.0, 123.0), radius_km=1))


def test_delete_and_rebuild(backend):
    backend.delete(["venue-3"])
    assert backend.document_ids() == {"activity-1", "activity-2"}
    backend.rebuild(iter(DOCUMENTS))
    assert backend.document_ids() == {"activity-1", "activity-2", "venue-3"}
