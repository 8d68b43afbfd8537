"""URL parameters → SearchQuery, with one French message per bad parameter."""
from werkzeug.datastructures import MultiDict

from search.params import query_from_args


def parse(**args):
    return query_from_args(MultiDict(args), resolve_commune=lambda name: "93048" if name.lower() == "montreuil" else None)


def test_every_parameter_is_read():
    query, errors = parse(q="danse", lat="48,86", lon="2.44", radius_km="3", commune="Montreuil,93066",
                          discipline="danse,theatre", kind="regular_class", type="activite", age="14",
                          weekday="mercredi,5", period="soir", free="oui", price="under_10", level="beginner",
                          accessibility="motor,lsf", sort="distance", page="2", per_page="50")
    assert errors == {}
    assert query.point == (2.44, 48.86) and query.radius_km == 3
    assert query.communes == ["93048", "93066"] and query.disciplines == ["danse", "theatre"]
    assert query.listing_types == ["activity"] and query.weekdays == [2, 5] and query.day_periods == ["evening"]
    assert query.free is True and query.accessibility == ["motor", "lsf"] and query.sort == "distance"
    assert (query.page, query.per_page, query.age) == (2, 50, 14)


def test_bad_values_get_french_messages_per_parameter():
    _query, errors = parse(lat="north", age="-3", per_page="500", bbox="1,2,3", sort="prix", weekday="funday",
                           commune="Atlantide", free="peut-être", type="salle")
    assert "latitude" in errors["lat"]
    assert "âge" in errors["age"]
    assert "100" in errors["per_page"]
    assert "bbox" in errors["bbox"]
    assert "Tri inconnu" in errors["sort"]
    assert "Jour inconnu" in errors["weekday"]
    assert "Commune introuvable" in errors["commune"]
    assert "oui ou non" in errors["free"]
    assert "Catégorie inconnu" in errors["type"]


def test_distance_sort_and_radius_need_a_point():
    _query, errors = parse(sort="distance", radius_km="5")
    assert "point" in errors["sort"] and "point" in errors["radius_km"]
    _query, errors = parse(lat="48.8")
    assert "ensemble" in errors["lon"]
