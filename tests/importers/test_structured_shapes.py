"""Shapes of the structured formats that their documentation allows and exporters write, beyond
the common ones: enumeration values as IRIs, references inside lists, files that mix places and
events, several places for one record, nights past midnight, wrapped API answers."""
import json

from sqlalchemy import text

from importers.models import RunStatus
from portal.listings.enums import ListingType
from tests.importers.helpers import run_import
from tests.importers.test_structured_variants import PLACE, PLACE_OA, _activities


def _write(tmp_path, data, name="flux.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _messages(run) -> list[str]:
    return [message for item in run.report_items
            for message in item["warnings"] + [error["message"] for error in item["errors"]]]


def test_schema_org_enumerations_written_as_iris_or_references_are_understood(app, db_session, tmp_path):
    events = [
        {"@context": "https://schema.org", "@type": "Event", "@id": "e1", "name": "Bal annulé",
         "startDate": "2026-12-05T20:00:00+01:00", "location": PLACE,
         "eventStatus": {"@id": "http://schema.org/EventCancelled"}},
        {"@context": "https://schema.org", "@type": "Event", "@id": "e2", "name": "Concert annulé",
         "startDate": "2026-12-06T20:00:00+01:00", "location": PLACE, "eventStatus": "schema:EventCancelled"},
        {"@context": "https://schema.org", "@type": "Event", "@id": "e3", "name": "Chorale du mardi",
         "location": PLACE, "eventSchedule": {"@type": "Schedule", "byDay": [{"@id": "http://schema.org/Tuesday"}],
                                              "startTime": "18:00", "endTime": "20:00"}},
    ]
    run = run_import(app, db_session, _write(tmp_path, events), source="so-iri", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    statuses = dict(db_session.execute(text("SELECT title, status::text FROM activity")).all())
    assert statuses["Bal annulé"] == statuses["Concert annulé"] == "cancelled"
    slots = {row["title"]: row["slots"] for row in _activities(db_session, "so-iri")}
    assert slots["Chorale du mardi"] == ["18:00-20:00/1"]


def test_references_inside_lists_are_followed_to_the_address_and_the_commune(app, db_session, tmp_path):
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Course", "@id": "#cours", "name": "Solfège adultes",
         "hasCourseInstance": [{"@id": "#session"}]},
        {"@type": "CourseInstance", "@id": "#session", "location": [{"@id": "#ecole"}],
         "courseSchedule": {"@type": "Schedule", "byDay": "Monday", "startTime": "19:00", "endTime": "20:00"}},
        {"@type": "Place", "@id": "#ecole", "name": "École de musique", "address": [{"@id": "#adresse"}]},
        {"@type": "PostalAddress", "@id": "#adresse", "streetAddress": "3 rue Hoche", "postalCode": "93300",
         "addressLocality": "Aubervilliers"},
    ]}
    run = run_import(app, db_session, _write(tmp_path, graph, "cours.jsonld"), source="so-refs",
                     kind=ListingType.activity)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1), run.report_items
    venue = db_session.execute(text("SELECT v.name, v.address, v.commune_code FROM activity a "
                                    "JOIN venue v ON v.id = a.venue_id WHERE a.title = 'Solfège adultes'")).one()
    assert tuple(venue) == ("École de musique", "3 rue Hoche", "93001")

    base = "https://data.datatourisme.fr/95/"
    flat = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@graph": [
        {"@id": base + "poi", "@type": ["PlaceOfInterest", "schema:Library"], "rdfs:label": ["Médiathèque"],
         "isLocatedAt": [{"@id": base + "place"}]},
        {"@id": base + "place", "schema:address": [{"@id": base + "address"}]},
        {"@id": base + "address", "schema:postalCode": ["95400"], "hasAddressCity": [{"@id": base + "city"}]},
        {"@id": base + "city", "rdfs:label": ["Villiers-le-Bel"], "insee": ["95680"]},
    ]}
    run = run_import(app, db_session, _write(tmp_path, flat, "dt.jsonld"), source="dt-refs")
    assert run.status is RunStatus.succeeded, run.report_items
    assert db_session.execute(text("SELECT commune_code FROM venue WHERE name = 'Médiathèque'")).scalar_one() == "95680"


def test_a_file_mixing_places_and_events_stores_each_only_in_a_source_of_its_kind(app, db_session, tmp_path):
    mixed = [
        {"@context": "https://schema.org", "@type": "Library", "@id": "b1", "name": "Médiathèque Elsa Triolet",
         "address": {"@type": "PostalAddress", "streetAddress": "102 av. Jean Lolive", "postalCode": "93500",
                     "addressLocality": "Pantin"}},
        {"@context": "https://schema.org", "@type": "MovieTheater", "@id": "c1", "name": "Ciné 104",
         "address": {"@type": "PostalAddress", "streetAddress": "104 av. Jean Lolive", "postalCode": "93500",
                     "addressLocality": "Pantin"}},
        {"@context": "https://schema.org", "@type": "Event", "@id": "s1", "name": "Scène ouverte slam",
         "startDate": "2026-11-27T19:00:00+01:00", "location": PLACE},
    ]
    path = _write(tmp_path, mixed)
    run = run_import(app, db_session, path, source="mixte-lieux", kind=None)
    assert (run.status, run.created_count, run.failed_count) == (RunStatus.partial, 2, 1)
    assert any("« Scène ouverte slam » est un événement ou un cours, pas un lieu" in message
               and "--kind activity" in message for message in _messages(run))
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE name = 'Scène ouverte slam'")).scalar_one() == 0
    run = run_import(app, db_session, path, source="mixte-agenda", kind=ListingType.activity)
    assert (run.created_count, run.failed_count) == (1, 2)
    assert any("« Ciné 104 » est un lieu, pas une activité" in message for message in _messages(run))


def test_a_record_with_several_places_keeps_the_first_and_names_the_others(app, db_session, tmp_path):
    montreuil = {"@type": "Place", "name": "Salle Pina Bausch",
                 "address": {"@type": "PostalAddress", "streetAddress": "3 rue Hector Berlioz",
                             "postalCode": "93100", "addressLocality": "Montreuil"}}
    course = {"@context": "https://schema.org", "@type": "Course", "@id": "danse", "name": "Danse contemporaine",
              "hasCourseInstance": [
                  {"@type": "CourseInstance", "location": PLACE,
                   "courseSchedule": {"@type": "Schedule", "byDay": "Monday", "startTime": "19:00"}},
                  {"@type": "CourseInstance", "location": montreuil,
                   "courseSchedule": {"@type": "Schedule", "byDay": "Wednesday", "startTime": "18:00"}}]}
    run = run_import(app, db_session, _write(tmp_path, [course]), source="so-places", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded
    [row] = _activities(db_session, "so-places")
    assert row["venue"] == "Salle des fêtes"
    assert any("1 autre(s) lieu(x) donné(s) (« Salle Pina Bausch »)" in message for message in _messages(run))

    event = {"uid": 7, "title": {"fr": "Festival des fanfares"}, "location": [PLACE_OA, {**PLACE_OA, "name": "Parc"}],
             "timings": {"begin": "2026-06-20T15:00:00+02:00", "end": "2026-06-20T18:00:00+02:00"}}
    run = run_import(app, db_session, _write(tmp_path, {"events": [event]}), source="oa-places",
                     kind=ListingType.activity)
    [row] = _activities(db_session, "oa-places")
    assert (row["venue"], row["timings"]) == ("MJC", ["2026-06-20 15:00 → 2026-06-20 18:00"])  # one timing, no list
    assert any("(« Parc »)" in message for message in _messages(run))


def test_a_night_ending_after_midnight_ends_the_next_day(app, db_session, tmp_path):
    base = "https://data.datatourisme.fr/93/"
    night = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@graph": [
        {"@id": base + "bal", "@type": ["schema:Event"], "rdfs:label": "Bal folk", "isLocatedAt": PLACE,
         "takesPlaceAt": [{"startDate": "2026-10-03", "startTime": "22:00:00", "endTime": "02:00:00"}]}]}
    run = run_import(app, db_session, _write(tmp_path, night, "bal.jsonld"), source="dt-night",
                     kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [row] = _activities(db_session, "dt-night")
    assert row["timings"] == ["2026-10-03 22:00 → 2026-10-04 02:00"]


def test_an_event_the_agenda_no_longer_publishes_is_archived_and_said_so(app, db_session, tmp_path):
    event = {"uid": 6001, "title": {"fr": "Atelier d'écriture"}, "location": PLACE_OA, "state": 2,
             "timings": [{"begin": "2026-12-02T18:00:00+01:00", "end": "2026-12-02T20:00:00+01:00"}]}
    run_import(app, db_session, _write(tmp_path, {"events": [event]}), source="oa-state", kind=ListingType.activity)
    run = run_import(app, db_session, _write(tmp_path, {"events": [{**event, "state": 0}]}), source="oa-state",
                     kind=ListingType.activity)
    assert (run.status, run.archived_count) == (RunStatus.succeeded, 1), run.error
    assert db_session.execute(text("SELECT archived_at IS NOT NULL FROM activity WHERE external_id = '6001'")
                              ).scalar_one()
    assert db_session.execute(text("SELECT warnings FROM import_item WHERE run_id = :run"), {"run": run.id}
                              ).scalar_one() == ["« Atelier d'écriture » : retiré de la publication par l'agenda "
                                                 "(refusé ou en attente de modération), archivé."]


def test_api_answers_wrapping_an_object_under_data(app, db_session, tmp_path):
    record = {"id": "X1", "nom": "Studio Aria", "commune": "Pantin", "code_postal": "93500"}
    run = run_import(app, db_session, _write(tmp_path, {"data": {"items": [record], "total": 1}}), source="gql")
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1), run.error
    run = run_import(app, db_session, _write(tmp_path, {"data": {**record, "id": "X2", "nom": "Studio Bis"}}),
                     source="one")
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1), run.error
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE name IN ('Studio Aria', 'Studio Bis')")
                              ).scalar_one() == 2


def test_a_datatourisme_place_without_label_is_a_row_error_not_silence(app, db_session, tmp_path):
    base = "https://data.datatourisme.fr/93/"
    graph = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@graph": [
        {"@id": base + "a", "@type": ["PlaceOfInterest"], "rdfs:label": "Salle Jacques Brel",
         "isLocatedAt": {"schema:address": {"schema:addressLocality": "Pantin", "schema:postalCode": "93500"}}},
        {"@id": base + "b", "@type": ["PlaceOfInterest"],
         "isLocatedAt": {"schema:address": {"schema:addressLocality": "Bondy", "schema:postalCode": "93140"}}}]}
    run = run_import(app, db_session, _write(tmp_path, graph, "dt.jsonld"), source="dt-nolabel")
    assert (run.processed_rows, run.created_count, run.failed_count) == (2, 1, 1)
    assert any("Nom / titre" in message for message in _messages(run))


def test_an_online_event_keeps_the_link_to_join_it(app, db_session, tmp_path):
    event = {"@context": "https://schema.org", "@type": "Event", "@id": "w1", "name": "Atelier d'écriture en ligne",
             "startDate": "2026-12-03T18:00:00+01:00", "eventAttendanceMode": "OnlineEventAttendanceMode",
             "location": {"@type": "VirtualLocation", "url": "https://meet.example.org/ecriture"}}
    run = run_import(app, db_session, _write(tmp_path, [event]), source="so-online", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [row] = _activities(db_session, "so-online")
    assert row["website"] == "https://meet.example.org/ecriture"


def test_an_agenda_place_abroad_is_not_given_a_french_commune(app, db_session, tmp_path):
    tournai = {"name": "Maison de la culture", "address": "Boulevard des Frères Rimbaut", "city": "Tournai",
               "postalCode": "7500", "countryCode": "BE"}
    events = [{"uid": 8, "title": {"fr": "Rencontre de chorales"}, "location": tournai,
               "timings": [{"begin": "2026-05-09T15:00:00+02:00", "end": "2026-05-09T18:00:00+02:00"}]},
              {"uid": 9, "title": {"fr": "Bal"}, "location": {**PLACE_OA, "countryCode": "FR"},
               "timings": [{"begin": "2026-05-10T15:00:00+02:00", "end": "2026-05-10T18:00:00+02:00"}]}]
    run = run_import(app, db_session, _write(tmp_path, {"events": events}), source="oa-abroad",
                     kind=ListingType.activity)
    assert run.created_count == 2
    places = dict(db_session.execute(text(
        "SELECT v.name, coalesce(v.commune_code, '-') || ' ' || coalesce(v.postal_code, '-') || ' ' || v.address "
        "FROM venue v JOIN import_source s ON s.id = v.source_id WHERE s.name = 'oa-abroad'")).all())
    assert places == {"Maison de la culture": "- - Boulevard des Frères Rimbaut, 7500 Tournai, BE",
                      "MJC": "93055 93500 3 rue X"}
    assert any("Lieu hors de France (BE)" in message for message in _messages(run))
