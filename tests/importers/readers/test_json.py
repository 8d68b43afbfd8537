"""JSON family: plain arrays, wrapped API responses, GeoJSON, and the structured formats
(OpenAgenda v2 and its OpenDataSoft dataset, DATAtourisme, schema.org JSON-LD) that come out
premapped to the canonical fields of importers/fields.py."""
from __future__ import annotations

import json

import pytest

from importers.fields import FIELDS
from importers.readers import Row, open_records
from importers.readers.base import NATURE, NOTES, PLACE_REF
from importers.readers.openagenda import REMOVED

from .conftest import FIXTURES


def read(path, **kwargs):
    with open_records(path, **kwargs) as records:
        return records, list(records)


def test_plain_array_keeps_native_types_and_flattens_objects(write):
    path = write("lieux.json", json.dumps([
        {"nom": "Studio", "places": 12, "gratuit": True, "adresse": {"ville": "Bondy", "cp": "93140"}},
        {"nom": "Salle", "tags": ["répétition", "batterie"]},
    ]))
    records, rows = read(path)
    assert (records.format, records.premapped) == ("json", False)
    assert records.columns == ["nom", "places", "gratuit", "adresse.ville", "adresse.cp", "tags"]
    assert rows[0] == Row(1, {"nom": "Studio", "places": 12, "gratuit": True,
                              "adresse.ville": "Bondy", "adresse.cp": "93140"})
    assert rows[1] == Row(2, {"nom": "Salle", "tags": ["répétition", "batterie"]})


@pytest.mark.parametrize("key", ["results", "records", "data", "events"])
def test_api_response_wrappers(write, key):
    path = write("api.json", json.dumps({"total": 1, key: [{"nom": "Chorale"}]}))
    records, rows = read(path)
    assert records.format == "json"
    assert rows == [Row(1, {"nom": "Chorale"})]


def test_opendatasoft_v1_records_with_geometry():
    records, rows = read(FIXTURES / "ods_v1.json")
    assert records.columns == ["nom", "cp", "ville", "latitude", "longitude"]
    assert rows[0].values == {"nom": "MJC Daniel-André", "cp": "93700", "ville": "Drancy",
                              "latitude": 48.9231, "longitude": 2.4455}
    assert rows[1].values == {"nom": "Conservatoire", "cp": "93140", "ville": "Bondy"}


def test_opendatasoft_v2_records():
    _, rows = read(FIXTURES / "ods_v2.json")
    assert rows == [Row(1, {"nom": "Salle des fêtes", "ville": "Bagnolet"})]


def test_json_lines(write):
    path = write("export.jsonl", '{"nom": "A"}\n{"nom": "B"}\n')
    _, rows = read(path)
    assert [row.values["nom"] for row in rows] == ["A", "B"]


def test_geojson_points_become_latitude_longitude():
    records, rows = read(FIXTURES / "lieux.geojson")
    assert (records.format, records.premapped) == ("geojson", False)
    assert rows[0].values == {"nom": "Studio Répète", "commune": "Bondy", "equipement.batterie": True,
                              "id": "L1", "latitude": 48.9022, "longitude": 2.4823}
    # A site drawn as its outline is placed at a point inside that outline, not at the commune's centre.
    friche = rows[1].values
    assert (friche["nom"], friche["commune"]) == ("Friche", "Saint-Ouen")
    assert 2.3 < friche["longitude"] < 2.31 and 48.9 < friche["latitude"] < 48.91
    assert friche["latitude"] - 48.9 < friche["longitude"] - 2.3  # inside the triangle, under its diagonal


def test_a_geojson_outline_without_area_and_lines_give_no_point(write):
    features = [{"type": "Feature", "properties": {"nom": "Trait"},
                 "geometry": {"type": "LineString", "coordinates": [[2.3, 48.9], [2.31, 48.91]]}},
                {"type": "Feature", "properties": {"nom": "Vide"}, "geometry": {"type": "Polygon", "coordinates": []}}]
    _, rows = read(write("formes.geojson", json.dumps({"type": "FeatureCollection", "features": features})))
    assert [row.values for row in rows] == [{"nom": "Trait"}, {"nom": "Vide"}]


def test_single_geojson_feature(write):
    path = write("un.geojson", json.dumps({"type": "Feature", "properties": {"nom": "Atelier"},
                                            "geometry": {"type": "Point", "coordinates": [2.35, 48.93]}}))
    _, rows = read(path)
    assert rows == [Row(1, {"nom": "Atelier", "latitude": 48.93, "longitude": 2.35})]


def test_json_long_value_and_non_object_items_are_row_errors(write):
    path = write("mixte.json", json.dumps([{"nom": "A", "description": "x" * 100_001}, 42, {"nom": "C"}]))
    _, rows = read(path)
    assert rows[0] == Row(1, {"nom": "A"}, "La cellule « description » dépasse 100 000 caractères.")
    assert rows[1] == Row(2, {}, "L'enregistrement n° 2 n'est pas un objet JSON.")
    assert rows[2] == Row(3, {"nom": "C"})


def assert_canonical(records, rows):
    assert records.premapped
    assert set(records.columns) <= set(FIELDS)
    for row in rows:  # (and what the reader says of the record: its nature, its remarks, its place's id)
        assert set(row.values) - {NATURE, NOTES, PLACE_REF} <= set(FIELDS), set(row.values) - set(FIELDS)


def test_openagenda_v2_export():
    records, rows = read(FIXTURES / "openagenda_v2.json")
    assert records.format == "openagenda"
    assert_canonical(records, rows)
    choir = rows[0].values
    assert choir["external_id"] == "51234567"
    assert choir["name"] == "Atelier de chant choral"
    assert choir["description"].startswith("<p>Un atelier <strong>ouvert à tous</strong>")  # markdown → HTML
    assert (choir["address"], choir["postal_code"], choir["commune_name"], choir["insee_code"]) == (
        "12 rue de la Chorale, 93200 Saint-Denis", "93200", "Saint-Denis", "93066")
    assert (choir["latitude"], choir["longitude"]) == (48.9203, 2.3641)
    assert choir["timings"] == [
        {"begin": "2025-10-04T14:00:00+02:00", "end": "2025-10-04T16:00:00+02:00"},
        {"begin": "2025-10-11T14:00:00+02:00", "end": "2025-10-11T16:00:00+02:00"},
    ]
    assert choir["registration_url"] == "https://exemple.fr/inscription"
    assert (choir["email"], choir["phone"]) == ("chorale@exemple.fr", "01 48 00 00 00")
    assert (choir["age_min"], choir["age_max"], choir["is_free"]) == (8, 99, True)
    assert choir["tags"] == ["chorale", "chant"]
    assert choir["accessibility"] == ["auditif", "moteur"]
    assert choir["source_modified_at"] == "2025-09-02T10:15:00.000Z"
    jam = rows[1].values
    assert jam["name"] == "Jam session"  # no French title: the other language is kept
    assert jam["status"] == "cancelled"
    assert "latitude" not in jam


def test_openagenda_dataset_on_opendatasoft():
    records, rows = read(FIXTURES / "openagenda_ods.json")
    assert records.format == "openagenda"
    assert_canonical(records, rows)
    stage = rows[0].values
    assert stage["external_id"] == "48711204"
    assert stage["name"] == "Stage de danse hip-hop"
    assert (stage["latitude"], stage["longitude"]) == (48.8614, 2.4431)
    assert (stage["postal_code"], stage["commune_name"], stage["insee_code"]) == ("93100", "Montreuil", "93048")
    assert stage["timings"][1] == {"begin": "2025-07-10T12:00:00+02:00", "end": "2025-07-10T14:00:00+02:00"}
    assert stage["registration_url"] == "https://studio.example/inscription"
    assert (stage["age_min"], stage["age_max"], stage["is_free"]) == (12, 25, True)


def test_openagenda_dataset_without_timings_falls_back_on_first_date(write):
    path = write("oa.json", json.dumps([{"uid": "1", "title_fr": "Bal", "firstdate_begin": "2025-05-01T18:00:00+00:00",
                                         "firstdate_end": "2025-05-01T23:00:00+00:00", "location_city": "Sevran"}]))
    _, rows = read(path)
    assert rows[0].values["timings"] == [{"begin": "2025-05-01T18:00:00+00:00", "end": "2025-05-01T23:00:00+00:00"}]


def test_datatourisme_graph():
    records, rows = read(FIXTURES / "datatourisme.jsonld")
    assert records.format == "datatourisme"
    assert_canonical(records, rows)
    festival = rows[0].values
    assert festival["external_id"] == "https://data.datatourisme.fr/13/0a1b2c3d-0000-3aaa-bbbb-123456789abc"
    assert festival["name"] == "Festival des fanfares"
    assert festival["description"] == "Les fanfares amateurs défilent en ville."
    assert festival["address"] == "Parc de la Légion d'Honneur, Rue de Strasbourg"
    assert (festival["postal_code"], festival["commune_name"], festival["insee_code"]) == ("93200", "Saint-Denis", "93066")
    assert (festival["latitude"], festival["longitude"]) == ("48.9358", "2.3577")
    assert (festival["email"], festival["website"]) == ("contact@fanfares.example", "https://fanfares.example")
    assert festival["timings"] == [{"begin": "2025-06-21T15:00:00", "end": "2025-06-21T22:00:00"}]
    assert festival["source_modified_at"] == "2025-05-12"
    assert festival["tags"] == ["Musique"]
    assert festival["kind"] == "amateur_event"  # a DATAtourisme event class, in Boussole's words
    assert rows[1].values["name"] == "Salle de répétition du Fort"


def test_datatourisme_single_object(write):
    node = {"@id": "https://data.datatourisme.fr/1/x", "@type": ["PointOfInterest"],
            "rdfs:label": {"fr": ["Kiosque à musique"]}, "lastUpdate": "2025-01-01"}
    records, rows = read(write("poi.json", json.dumps(node)))
    assert records.format == "datatourisme"
    assert rows[0].values["name"] == "Kiosque à musique"


def test_schema_org_event_and_course():
    records, rows = read(FIXTURES / "schema_org.jsonld")
    assert records.format == "jsonld"
    assert_canonical(records, rows)
    concert, course = rows[0].values, rows[1].values
    assert concert["name"] == "Concert de l'harmonie municipale"
    assert (concert["address"], concert["postal_code"], concert["commune_name"]) == (
        "5 rue de l'Harmonie", "93000", "Bobigny")
    assert (concert["latitude"], concert["longitude"]) == (48.9077, 2.4397)
    assert concert["timings"] == [{"begin": "2025-06-14T20:30:00+02:00", "end": "2025-06-14T22:00:00+02:00"}]
    assert (concert["is_free"], concert["status"], concert["organization"]) == (True, "scheduled", "Conservatoire de Bobigny")
    assert concert["tags"] == ["harmonie", "vents"]
    assert (concert["kind"], concert["venue_name"]) == ("amateur_event", "Auditorium")
    assert course["kind"] == "regular_class"
    assert (course["age_min"], course["age_max"]) == (12, 17)
    assert course["commune_name"] == "Pantin"
    assert course["schedule"] == [{"day": "Wednesday", "start": "17:00", "end": "19:00",
                                   "from": "2025-09-10", "until": "2026-06-24"}]
    assert (course["price_min"], course["registration_url"]) == ("120", "https://mjc.example/inscription")


def test_schema_org_graph_resolves_references_to_places():
    records, rows = read(FIXTURES / "places_graph.jsonld")
    assert records.format == "jsonld"
    names = [row.values["name"] for row in rows]
    # The Place only referenced by the event is the event's location, not a record of its own.
    assert names == ["Atelier de gravure", "Théâtre de la Commune"]
    assert rows[0].values["address"] == "10 quai de l'Ourcq, 93500 Pantin"
    assert (rows[0].values["latitude"], rows[0].values["longitude"]) == (48.895, 2.41)
    assert rows[1].values["website"] == "https://theatre.example"


def test_a_blog_export_with_slugs_and_rendered_titles_is_plain_json(write):
    path = write("posts.json", json.dumps([
        {"id": 7, "slug": "atelier-chant", "title": {"rendered": "Atelier chant"}, "link": "https://blog.example/7"},
        {"id": 8, "slug": "chorale", "title": {"rendered": "Chorale"}, "link": "https://blog.example/8"},
    ]))
    records, rows = read(path)
    assert (records.format, records.premapped) == ("json", False)
    assert rows[0].values["title.rendered"] == "Atelier chant"


def test_openagenda_removed_stubs_ahead_of_events_do_not_hide_the_format(write):
    stubs = [{"uid": n, "removed": True} for n in range(25)]
    event = {"uid": 99, "title": {"fr": "Atelier slam"}, "timings": [{"begin": "2026-12-02T18:00:00+01:00"}]}
    records, rows = read(write("changes.json", json.dumps({"events": stubs + [event]})))
    assert records.format == "openagenda" and not records.removals_only
    assert [row.values["name"] for row in rows if not row.values.get(REMOVED)] == ["Atelier slam"]
    # Each stub stands for a deletion to apply, by its id.
    assert [row.values["external_id"] for row in rows if row.values.get(REMOVED)] == [str(n) for n in range(25)]
    records, rows = read(write("deleted.json", json.dumps({"events": stubs})))
    assert records.removals_only and len(rows) == 25


def test_datatourisme_price_range_keeps_a_zero_minimum_and_free_only_at_zero(write):
    def offer(spec):
        return {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"},
                "@id": "https://data.datatourisme.fr/93/x", "@type": ["schema:Event"], "rdfs:label": "Bal",
                "isLocatedAt": {"schema:address": {"schema:addressLocality": "Pantin"}},
                "offers": {"schema:priceSpecification": spec}}

    _, [row] = read(write("range.jsonld", json.dumps(offer({"schema:minPrice": 0, "schema:maxPrice": 15}))))
    assert (row.values.get("price_min"), row.values.get("price_max"), row.values.get("is_free")) == (0, 15, False)
    _, [row] = read(write("free.jsonld", json.dumps(offer({"schema:minPrice": "0", "schema:maxPrice": "0"}))))
    assert row.values.get("is_free") is True
    # Several price lines: from the lowest to the highest.
    lines = [{"schema:minPrice": 0, "schema:maxPrice": 0}, {"schema:minPrice": "10", "schema:maxPrice": "15"}]
    _, [row] = read(write("lines.jsonld", json.dumps(offer(lines))))
    assert (row.values.get("price_min"), row.values.get("price_max"), row.values.get("is_free")) == (0, "15", False)


def test_schema_org_offers_are_read_all_not_only_the_first(write):
    event = {"@context": "https://schema.org", "@type": "Event", "name": "Concert", "startDate": "2025-10-04T20:00",
             "location": {"@type": "Place", "name": "MJC", "address": "1 rue X, 93500 Pantin"},
             "offers": [{"@type": "Offer", "name": "Enfants", "price": 0, "url": "https://mjc.example/billets"},
                        {"@type": "Offer", "name": "Plein tarif", "price": "12"},
                        {"@type": "Offer", "name": "Réduit", "price": "8,50"}]}
    _, [row] = read(write("offers.jsonld", json.dumps(event)))
    assert (row.values.get("price_min"), row.values.get("price_max"), row.values.get("is_free")) == (0, "12", False)
    assert row.values["registration_url"] == "https://mjc.example/billets"
    event["offers"] = {"@type": "Offer", "price": "5"}
    _, [row] = read(write("one.jsonld", json.dumps(event)))
    assert (row.values.get("price_min"), row.values.get("price_max"), row.values.get("is_free")) == ("5", None, False)


def test_the_most_precise_class_gives_the_kind_whatever_its_rank(write):
    place = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"},
             "@id": "https://data.datatourisme.fr/93/bib", "@type": ["PlaceOfInterest", "CulturalSite", "schema:Library"],
             "rdfs:label": {"fr": ["Médiathèque Elsa Triolet"]},
             "isLocatedAt": {"schema:address": {"schema:addressLocality": "Pantin", "schema:postalCode": "93500"}}}
    _, [row] = read(write("bib.jsonld", json.dumps(place)))
    assert row.values["kind"] == "library"
    place["@type"] = ["PlaceOfInterest", "CulturalSite"]
    _, [row] = read(write("site.jsonld", json.dumps(place)))
    assert row.values["kind"] == "cultural_centre"


def test_a_theme_named_by_a_plain_iri_is_not_a_record(tmp_path):
    """A context may declare hasTheme as « @id »: its values are then IRI strings, not objects."""
    path = tmp_path / "flux.jsonld"
    path.write_text(json.dumps({
        "@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#", "kb": "https://www.datatourisme.fr/resource/core#",
                     "schema": "http://schema.org/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                     "hasTheme": {"@type": "@id"}},
        "@graph": [
            {"@id": "https://data.datatourisme.fr/13/poi-1", "@type": ["PlaceOfInterest", "CulturalSite", "Library"],
             "rdfs:label": {"@language": "fr", "@value": "Médiathèque Elsa Triolet"}, "hasTheme": ["kb:Reading"],
             "isLocatedAt": {"schema:address": {"schema:postalCode": "93000", "schema:addressLocality": "Bobigny"}}},
            {"@id": "kb:Reading", "@type": "Theme", "rdfs:label": {"@language": "fr", "@value": "Lecture"}},
        ]}), encoding="utf-8")
    with open_records(path) as records:
        assert records.format == "datatourisme"
        assert [row.values["name"] for row in records] == ["Médiathèque Elsa Triolet"]


def test_a_single_geojson_feature_in_lambert_93_is_placed(write):
    feature = {"type": "Feature", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
               "properties": {"nom": "MC93"}, "geometry": {"type": "Point", "coordinates": [658916.12, 6867868.46]}}
    _, rows = read(write("mc93.geojson", json.dumps(feature)))
    assert rows[0].values["nom"] == "MC93"
    assert abs(rows[0].values["longitude"] - 2.4395) < 1e-3 and abs(rows[0].values["latitude"] - 48.9095) < 1e-3


def test_an_event_of_no_precise_class_is_what_its_title_says(write):
    """schema.org and DATAtourisme events are read as an agenda's are: « Stage de danse » is a
    short course, « Scène ouverte slam » an open practice, an « Atelier » met three times a
    series of classes; a class that says more (EducationEvent) is kept."""
    def event(name, kind="Event", dates=("2026-03-14T10:00:00",)):
        node = {"@type": kind, "name": name, "location": {"@type": "Place", "name": "MJC", "address": "Bondy"}}
        if len(dates) == 1:
            return {**node, "startDate": dates[0]}
        return {**node, "subEvent": [{"@type": "Event", "startDate": date} for date in dates]}
    graph = {"@context": "https://schema.org", "@graph": [
        event("Stage de danse hip-hop"), event("Scène ouverte slam"), event("Concert de printemps"),
        event("Atelier d'écriture", dates=("2026-03-14T10:00:00", "2026-03-21T10:00:00", "2026-03-28T10:00:00")),
        event("Stage de danse", kind="EducationEvent")]}
    _, rows = read(write("agenda.jsonld", json.dumps(graph)))
    kinds = {row.values["name"]: row.values["kind"] for row in rows}
    assert kinds == {"Stage de danse hip-hop": "short_course", "Scène ouverte slam": "open_practice",
                     "Concert de printemps": "amateur_event", "Atelier d'écriture": "regular_class",
                     "Stage de danse": "short_course"}
    datatourisme = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@graph": [{
        "@id": "https://data.datatourisme.fr/1/stage", "@type": ["schema:Event", "EntertainmentAndEvent"],
        "rdfs:label": {"fr": ["Stage de théâtre"]},
        "takesPlaceAt": {"startDate": "2026-04-20", "endDate": "2026-04-24"}}]}
    _, rows = read(write("dt.jsonld", json.dumps(datatourisme)))
    assert rows[0].values["kind"] == "short_course"
