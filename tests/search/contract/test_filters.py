"""Filters, geography, sorts, pagination and facets, as the results page uses them."""
from search.backends.base import SearchQuery
from tests.search.contract.conftest import doc_id, ids
from tests.search.contract.dataset import AUBERVILLIERS, MONTREUIL


def test_free_filter_keeps_only_free_listings(backend, listings):
    result = backend.search(SearchQuery(free=True, per_page=100))
    assert result.hits and all(h.document["is_free"] for h in result.hits)
    assert doc_id(listings["chorale"]) in ids(result)


def test_age_filter_keeps_listings_open_to_that_age(backend, listings):
    found = ids(backend.search(SearchQuery(age=13, listing_types=["activity"], per_page=100)))
    assert doc_id(listings["theatre_ados"]) in found and doc_id(listings["hiphop"]) in found
    assert doc_id(listings["chorale"]) not in found


def test_a_family_discipline_matches_its_children(backend, listings):
    found = ids(backend.search(SearchQuery(disciplines=["theatre"], per_page=100)))
    assert doc_id(listings["impro"]) in found and doc_id(listings["theatre_ados"]) in found
    assert doc_id(listings["chorale"]) not in found


def test_weekday_period_level_and_accessibility_filters(backend, listings):
    assert set(ids(backend.search(SearchQuery(weekdays=[2], listing_types=["activity"])))) == {
        doc_id(listings["chorale"]), doc_id(listings["theatre_ados"])}
    assert ids(backend.search(SearchQuery(weekdays=[2], day_periods=["evening"]))) == [doc_id(listings["chorale"])]
    beginners = ids(backend.search(SearchQuery(levels=["beginner"], per_page=100)))
    assert doc_id(listings["impro"]) in beginners  # all levels welcome beginners
    both = ids(backend.search(SearchQuery(accessibility=["motor", "lsf"])))
    assert both == [doc_id(listings["theatre_ados"])]


def test_radius_keeps_listings_near_the_point_and_sorts_by_distance(backend, listings):
    result = backend.search(SearchQuery(point=MONTREUIL, radius_km=2, sort="distance", per_page=100))
    found = ids(result)
    assert found[0] == doc_id(listings["conservatoire"]) or result.hits[0].distance_m < 50
    assert doc_id(listings["piano"]) not in found and doc_id(listings["theatre_ados"]) not in found
    distances = [h.distance_m for h in result.hits]
    assert distances == sorted(distances)


def test_bbox_keeps_listings_inside_the_map_view(backend, listings):
    lon, lat = AUBERVILLIERS
    found = ids(backend.search(SearchQuery(bbox=(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), per_page=100)))
    assert set(found) == {doc_id(listings[n]) for n in ("theatre_commune", "theatre_ados", "festival")}


def test_date_sort_puts_the_next_event_first(backend, listings):
    found = ids(backend.search(SearchQuery(listing_types=["activity"], kinds=["short_course", "amateur_event"],
                                           sort="date")))
    assert found == [doc_id(listings["stage"]), doc_id(listings["festival"])]


def test_pages_do_not_overlap_and_cover_the_total(backend, listings):
    first = backend.search(SearchQuery(per_page=5, page=1))
    second = backend.search(SearchQuery(per_page=5, page=2))
    assert first.total == second.total >= 10
    assert not set(ids(first)) & set(ids(second))
    assert len(first.hits) == 5


def test_facets_count_each_value_with_the_other_filters_applied(backend, listings):
    result = backend.search(SearchQuery(listing_types=["activity"], free=True, per_page=100))
    # The type facet ignores its own filter: venues stay visible as an option.
    assert result.facets["listing_type"]["activity"] == result.total
    assert result.facets["listing_type"].get("venue", 0) == 0  # venues have no price: not free
    # The free facet ignores the free filter but keeps the activity filter.
    all_activities = backend.search(SearchQuery(listing_types=["activity"], per_page=100)).total
    assert sum(result.facets["is_free"].values()) <= all_activities
    assert result.facets["is_free"]["true"] == result.total
    disciplines = backend.search(SearchQuery(disciplines=["danse-hip-hop"])).facets["disciplines"]
    assert disciplines["danse-hip-hop"] == 1 and disciplines["chant-chorale"] >= 1


def test_text_and_filters_combine(backend, listings):
    assert ids(backend.search(SearchQuery(text="théâtre", age=13))) [0] == doc_id(listings["theatre_ados"])
    assert ids(backend.search(SearchQuery(text="théâtre", communes=["75056"]))) == [doc_id(listings["impro"])]


def test_autocomplete_suggests_disciplines_communes_and_titles(backend, listings):
    suggestions = backend.autocomplete("chor")
    assert ("discipline", "chant-chorale") in {(s.type, s.value) for s in suggestions}
    assert ("title", doc_id(listings["chorale"])) in {(s.type, s.value) for s in suggestions}
    communes = backend.autocomplete("montr")
    assert ("commune", "93048") in {(s.type, s.value) for s in communes}
    assert any(s.value == doc_id(listings["impro"]) for s in backend.autocomplete("improvisaton"))
    assert backend.autocomplete("") == []
