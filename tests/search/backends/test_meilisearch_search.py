"""Searching through the Meilisearch backend, checked at the HTTP boundary: the request it sends
and how the answer becomes a SearchResult a page can show."""
import pytest

from search.backends.base import FACETS, SearchQuery
from search.backends.meilisearch import MeilisearchBackend
from tests.support.fake_meili import fake_meili, listing_document  # noqa: F401 - fixture

CHORALE = listing_document(
    1, "Chorale du jeudi", description="Une chorale <b>ouverte</b> à tous, sans audition.",
    disciplines=["musique", "chant-chorale"], discipline_labels=["Musique", "Chant & chorale"],
    weekdays=[3], is_free=True, price_band="free", _geo={"lat": 48.9362, "lng": 2.3574})
THEATRE = listing_document(
    2, "Atelier théâtre ados", disciplines=["theatre", "theatre-jeu"], discipline_labels=["Théâtre", "Théâtre"],
    weekdays=[2, 5], is_free=False, price_band="10_50", commune_code="93001", commune_name="Aubervilliers",
    _geo={"lat": 48.9146, "lng": 2.3821})


@pytest.fixture
def backend(fake_meili):
    backend = MeilisearchBackend(fake_meili.url, "test-key", "listings", timeout=2.0)
    fake_meili.processing_polls = 0
    backend.index([CHORALE, THEATRE])
    fake_meili.requests.clear()
    return backend


def last_search(fake):
    (request,) = fake.requests_to("POST", "/indexes/listings/search")
    return request


def test_search_sends_query_filter_facets_sort_and_pagination(backend, fake_meili):
    backend.search(SearchQuery(text="chorale", departement="93", age=10, point=(2.36, 48.93), radius_km=5,
                               sort="distance", page=2, per_page=10))
    request = last_search(fake_meili)
    assert request.headers["Authorization"] == "Bearer test-key"
    body = request.body
    assert body["q"] == "chorale"
    assert body["filter"] == ('departement_code = "93" AND (age_min IS NULL OR age_min <= 10) '
                              'AND (age_max IS NULL OR age_max >= 10) AND _geoRadius(48.93, 2.36, 5000)')
    assert body["sort"] == ["_geoPoint(48.93, 2.36):asc"]
    assert body["facets"] == list(FACETS)
    assert (body["page"], body["hitsPerPage"]) == (2, 10)
    assert body["showRankingScore"] is True
    assert body["attributesToHighlight"][:2] == ["title", "description"]


def test_facet_filters_get_disjunctive_counts_in_one_multi_search(backend, fake_meili):
    result = backend.search(SearchQuery(text="", disciplines=["chant-chorale"], free=True, departement="93",
                                        facets=("disciplines", "is_free", "weekdays")))
    assert not fake_meili.requests_to("POST", "/indexes/listings/search")
    (multi,) = fake_meili.requests_to("POST", "/multi-search")
    main, disciplines, is_free = multi.body["queries"]
    assert main["filter"] == 'disciplines IN ["chant-chorale"] AND is_free = true AND departement_code = "93"'
    assert main["facets"] == ["weekdays"] and main["hitsPerPage"] == 20
    assert disciplines == {"indexUid": "listings", "q": "", "facets": ["disciplines"], "limit": 0,
                           "filter": 'is_free = true AND departement_code = "93"'}
    assert is_free["filter"] == 'disciplines IN ["chant-chorale"] AND departement_code = "93"'
    # the fake does not filter, so each count covers both documents: what matters is the merge
    assert result.facets["disciplines"] == {"musique": 1, "chant-chorale": 1, "theatre": 1, "theatre-jeu": 1}
    assert result.facets["is_free"] == {"true": 1, "false": 1}
    assert result.facets["weekdays"] == {"3": 1, "2": 1, "5": 1}
    assert result.total == 2


def test_empty_text_sends_no_filter_no_highlight_and_sorts_by_title(backend, fake_meili):
    result = backend.search(SearchQuery())
    body = last_search(fake_meili).body
    assert body["q"] == ""
    assert "filter" not in body and "attributesToHighlight" not in body
    assert body["sort"] == ["title:asc"]
    assert [hit.document["title"] for hit in result.hits] == ["Atelier théâtre ados", "Chorale du jeudi"]


def test_hits_carry_document_score_distance_and_escaped_highlights(backend):
    result = backend.search(SearchQuery(text="chorale", point=(2.3574, 48.9362), sort="distance"))
    assert result.backend == "meilisearch"
    assert result.total == 1 and [hit.id for hit in result.hits] == ["activity-1"]
    hit = result.hits[0]
    assert hit.document["title"] == "Chorale du jeudi"
    assert not any(key.startswith("_") and key != "_geo" for key in hit.document)
    assert hit.score == 1.0
    assert hit.distance_m == 0.0
    assert hit.highlights["title"] == "<mark>Chorale</mark> du jeudi"
    # the partner's HTML stays text, only our marks are markup
    assert hit.highlights["description"] == (
        "Une <mark>chorale</mark> &lt;b&gt;ouverte&lt;/b&gt; à tous, sans audition.")


def test_distance_is_computed_when_meilisearch_sends_none(backend):
    """A radius search sorted by relevance gets no _geoDistance from Meilisearch."""
    result = backend.search(SearchQuery(text="atelier", point=(2.3574, 48.9362), radius_km=10))
    assert result.hits[0].distance_m == pytest.approx(3_000, rel=0.1)


def test_no_point_no_distance(backend):
    assert all(hit.distance_m is None for hit in backend.search(SearchQuery()).hits)


def test_total_pages_and_facets(backend):
    result = backend.search(SearchQuery(per_page=1, page=2, facets=("weekdays", "is_free", "level")))
    assert (result.total, result.page, result.per_page) == (2, 2, 1)
    assert [hit.id for hit in result.hits] == ["activity-1"]  # alphabetical: Atelier…, Chorale…
    assert result.facets == {"weekdays": {"3": 1, "2": 1, "5": 1}, "is_free": {"true": 1, "false": 1}, "level": {}}


def test_date_sort(backend, fake_meili):
    backend.search(SearchQuery(sort="date"))
    assert last_search(fake_meili).body["sort"] == ["next_date:asc"]


def test_autocomplete_suggests_disciplines_communes_and_titles(backend, fake_meili):
    suggestions = backend.autocomplete("th", limit=8)
    assert [(s.type, s.label, s.value) for s in suggestions] == [
        ("discipline", "Théâtre", "theatre"),
        ("title", "Atelier théâtre ados", "activity-2"),
    ]
    (facet,) = fake_meili.requests_to("POST", "/indexes/listings/facet-search")
    assert facet.body["facetName"] == "discipline_labels" and facet.body["facetQuery"] == "th"
    (multi,) = fake_meili.requests_to("POST", "/multi-search")
    communes, titles = multi.body["queries"]
    assert communes["attributesToSearchOn"] == ["commune_name"] and communes["distinct"] == "commune_code"
    assert titles["attributesToSearchOn"] == ["title"] and titles["limit"] == 8


def test_autocomplete_communes_once_each(backend):
    suggestions = backend.autocomplete("saint")
    assert [(s.type, s.label, s.value) for s in suggestions] == [("commune", "Saint-Denis", "93066")]


def test_autocomplete_respects_limit_and_mixes_types(backend):
    suggestions = backend.autocomplete("chorale", limit=2)
    assert [s.type for s in suggestions] == ["discipline", "title"]
    assert suggestions[0].value == "chant-chorale"


def test_blank_prefix_asks_nothing(backend, fake_meili):
    assert backend.autocomplete("   ") == []
    assert fake_meili.requests == []
