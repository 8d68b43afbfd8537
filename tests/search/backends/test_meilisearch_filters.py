"""The filter and sort expressions the Meilisearch backend builds from a SearchQuery.

A wrong expression is a wrong answer shown to a person (a dance class listed for "chorale", a
venue outside the map box), so each kind of filter is pinned to its exact Meilisearch syntax.
"""
import pytest

from search.backends.base import SearchQuery
from search.backends.meili.filters import build_filter, build_sort, filtered_facets, quote


def test_no_condition_means_no_filter():
    assert build_filter(SearchQuery(text="chorale")) is None


@pytest.mark.parametrize(("query", "expected"), [
    (SearchQuery(disciplines=["chant-chorale", "danse"]), 'disciplines IN ["chant-chorale", "danse"]'),
    (SearchQuery(listing_types=["venue"]), 'listing_type IN ["venue"]'),
    (SearchQuery(kinds=["rehearsal_room", "regular_class"]), 'kind IN ["rehearsal_room", "regular_class"]'),
    (SearchQuery(communes=["93066", "93001"]), 'commune_code IN ["93066", "93001"]'),
    (SearchQuery(departement="93"), 'departement_code = "93"'),
    (SearchQuery(audiences=["teenagers"]), 'audiences IN ["teenagers"]'),
    (SearchQuery(weekdays=[0, 2]), "weekdays IN [0, 2]"),
    (SearchQuery(day_periods=["evening"]), 'day_periods IN ["evening"]'),
    (SearchQuery(price_bands=["free", "under_10"]), 'price_band IN ["free", "under_10"]'),
    (SearchQuery(levels=["beginner"]), 'level IN ["all_levels", "beginner"]'),  # all-levels classes welcome
    (SearchQuery(free=True), "is_free = true"),
    (SearchQuery(free=False), "is_free != true"),  # unknown price counts as "not free"
    (SearchQuery(age=14), "(age_min IS NULL OR age_min <= 14) AND (age_max IS NULL OR age_max >= 14)"),
    (SearchQuery(age_range=(12, 17)), "(age_min IS NULL OR age_min <= 17) AND (age_max IS NULL OR age_max >= 12)"),
    (SearchQuery(accessibility=["lsf", "hearing_loop"]), 'accessibility = "lsf" AND accessibility = "hearing_loop"'),
])
def test_each_filter_kind(query, expected):
    assert build_filter(query) == expected


def test_conditions_are_joined_with_and_in_a_stable_order():
    query = SearchQuery(disciplines=["danse"], communes=["93066"], age=8, free=True, accessibility=["lsf"])
    assert build_filter(query) == (
        'disciplines IN ["danse"] AND commune_code IN ["93066"] AND is_free = true AND accessibility = "lsf" '
        'AND (age_min IS NULL OR age_min <= 8) AND (age_max IS NULL OR age_max >= 8)')


def test_a_facet_can_be_left_out_for_its_own_counts():
    query = SearchQuery(disciplines=["danse"], accessibility=["lsf", "visual"], departement="93")
    assert build_filter(query, except_facet="disciplines") == (
        'accessibility = "lsf" AND accessibility = "visual" AND departement_code = "93"')
    assert build_filter(query, except_facet="accessibility") == 'disciplines IN ["danse"] AND departement_code = "93"'
    assert filtered_facets(query) == ["disciplines", "accessibility"]
    assert filtered_facets(SearchQuery(departement="93", age=5)) == []


def test_values_with_quotes_and_backslashes_cannot_escape_their_string():
    assert quote('Chœur "Les Voix" de l\'Est') == '"Chœur \\"Les Voix\\" de l\'Est"'
    assert quote("a\\b") == '"a\\\\b"'
    injected = build_filter(SearchQuery(kinds=['x" OR kind != "y']))
    assert injected == 'kind IN ["x\\" OR kind != \\"y"]'


def test_radius_is_latitude_first_in_meters():
    query = SearchQuery(point=(2.3574, 48.9362), radius_km=2.5)  # SearchQuery points are (lon, lat)
    assert build_filter(query) == "_geoRadius(48.9362, 2.3574, 2500)"


def test_point_without_radius_filters_nothing():
    assert build_filter(SearchQuery(point=(2.3574, 48.9362))) is None


def test_bounding_box_is_north_east_corner_then_south_west_corner():
    query = SearchQuery(bbox=(2.28, 48.81, 2.60, 48.99))  # (min_lon, min_lat, max_lon, max_lat)
    assert build_filter(query) == "_geoBoundingBox([48.99, 2.6], [48.81, 2.28])"


def test_tiny_coordinates_are_written_without_exponent():
    assert build_filter(SearchQuery(point=(0.00001, -0.00002), radius_km=1)) == "_geoRadius(-0.00002, 0.00001, 1000)"


def test_sorts_follow_the_postgres_engine():
    point = (2.3574, 48.9362)
    assert build_sort(SearchQuery(text="chorale")) == []  # Meilisearch's relevance
    assert build_sort(SearchQuery()) == ["title:asc"]  # nothing to rank by: alphabetical
    assert build_sort(SearchQuery(point=point)) == ["_geoPoint(48.9362, 2.3574):asc"]  # nearest first
    assert build_sort(SearchQuery(sort="date", point=point)) == ["next_date:asc"]
    assert build_sort(SearchQuery(text="chorale", sort="distance", point=point)) == ["_geoPoint(48.9362, 2.3574):asc"]
    assert build_sort(SearchQuery(text="chorale", sort="distance")) == []  # nowhere to measure from
    assert build_sort(SearchQuery(text="x", sort="distance", bbox=(2.0, 48.0, 3.0, 49.0))) == []


def test_unknown_sort_is_refused_with_a_french_message():
    with pytest.raises(ValueError, match="Tri inconnu"):
        build_sort(SearchQuery(sort="price"))
