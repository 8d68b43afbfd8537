"""Variants of the structured formats as partners' tools really produce them, through the
whole pipeline: what a partner would check afterwards (slots, dates, venue, links, tags)."""
import json
from pathlib import Path

from sqlalchemy import select, text

from importers.models import RunStatus
from importers.readers.base import NATURE
from portal.listings.enums import ListingType
from tests.importers.helpers import TIMINGS, run_import

FIXTURES = Path(__file__).parent / "readers" / "fixtures"
PLACE = {"@type": "Place", "name": "Salle des fêtes",
         "address": {"@type": "PostalAddress", "streetAddress": "1 place de la Mairie", "postalCode": "93500",
                     "addressLocality": "Pantin"},
         "geo": {"@type": "GeoCoordinates", "latitude": "48.8944", "longitude": "2.4094"}}
PLACE_OA = {"name": "MJC", "address": "3 rue X", "city": "Pantin", "postalCode": "93500",
            "latitude": 48.8944, "longitude": 2.4094}


def _activities(session, source):
    return session.execute(text(f"""
        SELECT a.title, a.kind::text, a.website, a.registration_url, a.is_free, v.name AS venue,
               array(SELECT t.slug FROM activity_tag x JOIN tag t ON t.id = x.tag_id
                     WHERE x.activity_id = a.id ORDER BY t.slug) AS tags,
               array(SELECT to_char(s.starts_at, 'HH24:MI') || '-' || to_char(s.ends_at, 'HH24:MI') || '/' || s.weekday
                     FROM activity_slot s WHERE s.activity_id = a.id ORDER BY s.weekday) AS slots,
               {TIMINGS}
        FROM activity a LEFT JOIN venue v ON v.id = a.venue_id
        JOIN import_source s ON s.id = a.source_id WHERE s.name = :source ORDER BY a.title
    """), {"source": source}).mappings().all()


def test_schema_org_weekly_course_schedule_becomes_slots_and_the_event_keeps_its_place_name(app, db_session):
    run = run_import(app, db_session, FIXTURES / "schema_org.jsonld", source="so", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    rows = {row["title"]: row for row in _activities(db_session, "so")}
    course = rows["Théâtre pour adolescents"]
    assert course["slots"] == ["17:00-19:00/2"]  # Wednesday
    assert course["kind"] == "regular_class"
    concert = rows["Concert de l'harmonie municipale"]
    assert (concert["venue"], concert["kind"]) == ("Auditorium", "amateur_event")
    assert not any("kind" in warning for item in run.report_items for warning in item["warnings"])


def test_schema_org_series_festivals_mixed_locations_and_dates_without_time(app, db_session, tmp_path):
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": "https://ville.example/#site", "name": "Ville",
         "publisher": {"@id": "https://ville.example/#org"}},
        {"@type": "Organization", "@id": "https://ville.example/#org", "name": "Ville de Pantin",
         "address": {"@type": "PostalAddress", "streetAddress": "Mairie", "addressLocality": "Pantin"}},
        {"@type": "EventSeries", "@id": "https://ville.example/jam", "name": "Jam du jeudi",
         "location": PLACE, "eventSchedule": {"@type": "Schedule", "byDay": "https://schema.org/Thursday",
                                              "startTime": "20:00", "endTime": "23:00"}},
        {"@type": "Festival", "@id": "https://ville.example/festival", "name": "Festival des amateurs",
         "startDate": "2026-06-12", "endDate": "2026-06-14", "isAccessibleForFree": "true",
         "location": [{"@type": "VirtualLocation", "url": "https://live.example"}, PLACE]},
        {"@type": "TheaterEvent", "@id": "https://ville.example/impro", "name": "Match d'impro",
         "startDate": "2026-12-05T20:30:00+01:00", "location": PLACE},
    ]}
    path = tmp_path / "site.jsonld"
    path.write_text(json.dumps(graph), encoding="utf-8")
    run = run_import(app, db_session, path, source="site", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    rows = {row["title"]: row for row in _activities(db_session, "site")}
    assert set(rows) == {"Jam du jeudi", "Festival des amateurs", "Match d'impro"}  # not the publisher
    assert rows["Jam du jeudi"]["slots"] == ["20:00-23:00/3"] and rows["Jam du jeudi"]["kind"] == "regular_class"
    festival = rows["Festival des amateurs"]
    assert festival["venue"] == "Salle des fêtes" and festival["is_free"] is True
    assert festival["timings"] == ["2026-06-12 00:00 → 2026-06-14 23:59"]  # the last day included
    assert rows["Match d'impro"]["timings"] == ["2026-12-05 20:30 → ?"]  # no end invented


def test_schema_org_places_of_any_type_with_an_address_become_venues(app, db_session, tmp_path):
    places = [{"@context": "https://schema.org", "@type": kind, "@id": f"https://lieux.example/{kind}",
               "name": f"Lieu {kind}", "address": PLACE["address"], "geo": PLACE["geo"]}
              for kind in ("Park", "HighSchool", "TouristAttraction", "PerformingArtsTheater")]
    path = tmp_path / "lieux.jsonld"
    path.write_text(json.dumps(places), encoding="utf-8")
    run = run_import(app, db_session, path, source="lieux-so")
    assert run.created_count == 4, run.report_items
    kinds = dict(db_session.execute(text("SELECT name, kind::text FROM venue WHERE name LIKE 'Lieu %'")).all())
    assert kinds == {"Lieu Park": "other", "Lieu HighSchool": "school", "Lieu TouristAttraction": "other",
                     "Lieu PerformingArtsTheater": "theatre"}


def test_openagenda_list_with_removed_stubs_and_without_detailed_timings(app, db_session, tmp_path):
    event = {"uid": 77, "slug": "atelier-slam", "title": {"fr": "Atelier slam"},
             "description": {"fr": "Écrire et dire."}, "conditions": {"fr": "Gratuit sur inscription"},
             "registration": [{"type": "link", "value": "https://mjc.example/slam"}],
             "links": [{"link": "https://www.youtube.com/watch?v=abc", "data": {}},
                       {"link": "https://mjc.example/agenda/slam", "data": {}}],
             "firstTiming": {"begin": "2026-12-02T18:00:00+01:00", "end": "2026-12-02T20:00:00+01:00"},
             "lastTiming": {"begin": "2027-01-13T18:00:00+01:00", "end": "2027-01-13T20:00:00+01:00"},
             "location": {"name": "MJC", "address": "3 rue X", "city": "Pantin", "postalCode": "93500",
                          "latitude": 48.8944, "longitude": 2.4094}}
    once = {"begin": "2026-12-20T15:00:00+0100", "end": "2026-12-20T17:00:00+0100"}
    concert = {"slug": "concert-chorale", "title": {"fr": "Concert de la chorale"}, "nextTiming": once,
               "lastTiming": once, "location": event["location"]}  # no uid in a default listing
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps({"total": 3, "events": [{"uid": 12, "removed": True}, event, concert]}),
                    encoding="utf-8")
    run = run_import(app, db_session, path, source="oa-list", kind=ListingType.activity)
    assert (run.status, run.created_count, run.failed_count) == (RunStatus.succeeded, 2, 0), run.report_items
    row, chorale = _activities(db_session, "oa-list")
    assert chorale["timings"] == ["2026-12-20 15:00 → 2026-12-20 17:00"]
    assert row["website"] == "https://mjc.example/agenda/slam"  # not the video
    assert (row["registration_url"], row["is_free"]) == ("https://mjc.example/slam", True)
    assert row["timings"] == ["2026-12-02 18:00 → 2026-12-02 20:00", "2027-01-13 18:00 → 2027-01-13 20:00"]


ODS_HEADER = ("uid;title_fr;description_fr;keywords_fr;conditions_fr;registration;timings;location_name;"
              "location_address;location_postalcode;location_city;location_coordinates;firstdate_begin")
ODS_ROW = ('5501;Stage de danse hip hop;Deux jours de stage.;danse;hip-hop;Gratuit;'
           '"[{""type"": ""link"", ""value"": ""https://danse.example/inscription""}]";'
           '"[{""begin"": ""2026-11-28T10:00:00+01:00"", ""end"": ""2026-11-28T17:00:00+01:00""}]";'
           'Studio 93;10 rue Y;93200;Saint-Denis;48.9362, 2.3574;2026-11-28T10:00:00+01:00')


def test_the_openagenda_dataset_csv_export_is_read_as_openagenda(app, db_session, tmp_path):
    path = tmp_path / "evenements-publics-openagenda.csv"
    # keywords_fr holds "danse;hip-hop" quoted in the real export.
    path.write_text(ODS_HEADER + "\n" + ODS_ROW.replace("danse;hip-hop", '"danse;hip-hop"') + "\n",
                    encoding="utf-8-sig")
    run = run_import(app, db_session, path, source="ods-csv", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [row] = _activities(db_session, "ods-csv")
    assert row["registration_url"] == "https://danse.example/inscription" and row["is_free"] is True
    assert row["timings"] == ["2026-11-28 10:00 → 2026-11-28 17:00"]
    assert row["venue"] == "Studio 93" and row["tags"] == ["danse", "hip-hop"]  # split on « ; »


def test_the_openagenda_dataset_geojson_export_is_read_as_openagenda(app, db_session, tmp_path):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3574, 48.9362]},
               "properties": {"uid": "5502", "title_fr": "Scène ouverte", "conditions_fr": "Entrée libre",
                              "location_name": "Studio 93", "location_city": "Saint-Denis",
                              "timings": '[{"begin": "2026-12-01T20:00:00+01:00", "end": "2026-12-01T23:00:00+01:00"}]'}}
    path = tmp_path / "export.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    run = run_import(app, db_session, path, source="ods-geo", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [row] = _activities(db_session, "ods-geo")
    assert (row["is_free"], row["venue"]) == (True, "Studio 93")
    assert row["timings"] == ["2026-12-01 20:00 → 2026-12-01 23:00"]
    point = db_session.execute(text("SELECT ST_Y(location::geometry) FROM venue WHERE name = 'Studio 93'")).scalar_one()
    assert round(point, 4) == 48.9362


def test_a_flattened_datatourisme_graph_gives_only_its_points_of_interest(app, db_session, tmp_path):
    base = "https://data.datatourisme.fr/93/"
    graph = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@graph": [
        {"@id": base + "poi", "@type": ["schema:Event", "Concert"], "rdfs:label": {"@language": "fr", "@value":
                                                                                   "Concert des chorales"},
         "isLocatedAt": {"@id": base + "place"}, "hasTheme": {"@id": base + "theme"},
         "takesPlaceAt": {"@id": base + "period"}, "lastUpdate": "2026-10-01"},
        {"@id": base + "place", "@type": "schema:Place", "schema:address": {"@id": base + "address"},
         "schema:geo": {"@id": base + "geo"}},
        {"@id": base + "address", "@type": "schema:PostalAddress", "schema:streetAddress": "Place de la Mairie",
         "schema:postalCode": "93100", "schema:addressLocality": "Montreuil",
         "hasAddressCity": {"@id": base + "city"}},
        {"@id": base + "city", "@type": "City", "rdfs:label": "Montreuil", "insee": "93048"},
        {"@id": base + "geo", "schema:latitude": "48.8638", "schema:longitude": "2.4485"},
        {"@id": base + "theme", "@type": "Theme", "rdfs:label": "Musique"},
        {"@id": base + "period", "startDate": "2026-12-19", "startTime": "20:00:00"},
    ]}
    path = tmp_path / "flux.jsonld"
    path.write_text(json.dumps(graph), encoding="utf-8")
    run = run_import(app, db_session, path, source="dt-flat", kind=ListingType.activity)
    assert (run.status, run.processed_rows) == (RunStatus.succeeded, 1), run.report_items
    [row] = _activities(db_session, "dt-flat")
    assert (row["title"], row["kind"]) == ("Concert des chorales", "amateur_event")
    assert row["timings"] == ["2026-12-19 20:00 → ?"]
    commune = db_session.execute(text(
        "SELECT v.commune_code FROM activity a JOIN venue v ON v.id = a.venue_id WHERE a.title = 'Concert des chorales'"
    )).scalar_one()
    assert commune == "93048"


def test_a_datatourisme_api_response_is_unwrapped(app, db_session, tmp_path):
    from importers.readers import open_records

    poi = json.loads((FIXTURES / "datatourisme.jsonld").read_text(encoding="utf-8"))
    nodes = poi["@graph"] if isinstance(poi, dict) and "@graph" in poi else poi
    with open_records(FIXTURES / "datatourisme.jsonld") as records:  # its events, not its places
        names = sorted(row.values["name"] for row in records if row.values[NATURE] == "activity")
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"objects": nodes, "meta": {"total": len(nodes), "next": None}}), encoding="utf-8")
    run = run_import(app, db_session, path, source="dt-api", kind=ListingType.activity)
    assert (run.processed_rows, run.failed_count) == (len(nodes), len(nodes) - len(names)), run.error
    assert sorted(row["title"] for row in _activities(db_session, "dt-api")) == names


def _lambert_collection(crs_name):
    return {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": crs_name}},
            "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [658920.30, 6862640.10]},
                          "properties": {"identifiant": "L01", "nom": "Maison Populaire", "commune": "Montreuil"}}]}


def test_a_geojson_in_lambert_93_is_reprojected_to_its_real_place(app, db_session, tmp_path):
    path = tmp_path / "lieux-l93.geojson"
    path.write_text(json.dumps(_lambert_collection("urn:ogc:def:crs:EPSG::2154")), encoding="utf-8")
    run = run_import(app, db_session, path, source="qgis")
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1), run.report_items
    lon, lat, precision, commune = db_session.execute(text(
        "SELECT ST_X(location::geometry), ST_Y(location::geometry), location_precision::text, commune_code "
        "FROM venue WHERE name = 'Maison Populaire'")).one()
    assert (round(lon, 4), round(lat, 4), precision, commune) == (2.4401, 48.8625, "given", "93048")


def test_a_geojson_in_an_unknown_projection_is_refused_clearly(app, db_session, tmp_path):
    from tests.importers.helpers import fingerprint

    before = fingerprint(db_session)
    path = tmp_path / "lieux.geojson"
    path.write_text(json.dumps(_lambert_collection("urn:ogc:def:crs:EPSG::999999")), encoding="utf-8")
    run = run_import(app, db_session, path, source="qgis-bad")
    assert run.status is RunStatus.failed
    assert "projection inconnue" in run.error and "WGS 84" in run.error
    assert fingerprint(db_session) == before


def test_audiences_accessibility_and_seasons_of_structured_formats_are_stored(app, db_session, tmp_path):
    """OpenAgenda's accessibility codes, schema.org audienceType / amenityFeature / Schedule
    dates, DATAtourisme hasAudience / reducedMobilityAccess: kept on the activity."""
    query = text("""
        SELECT a.title, a.audiences, a.access_motor, a.access_hearing, a.access_visual, a.accessibility_notes,
               a.season_start::text, a.season_end::text,
               array(SELECT t.label FROM activity_tag x JOIN tag t ON t.id = x.tag_id
                     WHERE x.activity_id = a.id ORDER BY t.label) AS tags
        FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = :source
    """)
    run = run_import(app, db_session, FIXTURES / "openagenda_v2.json", source="oa", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    choir = {r["title"]: r for r in db_session.execute(query, {"source": "oa"}).mappings()}["Atelier de chant choral"]
    # {"hi": true, "vi": false, "mi": true}: hearing and motor said, visual not
    assert (choir["access_hearing"], choir["access_motor"], choir["access_visual"]) == (True, True, None)

    course = {"@context": "https://schema.org", "@type": "Course", "@id": "https://mjc.example/theatre",
              "name": "Théâtre ados", "audience": {"@type": "PeopleAudience", "audienceType": "Adolescents, Familles"},
              "hasCourseInstance": {"@type": "CourseInstance", "location": {
                  **PLACE, "amenityFeature": [
                      {"@type": "LocationFeatureSpecification", "name": "Accès fauteuil roulant", "value": True},
                      {"@type": "LocationFeatureSpecification", "name": "Vestiaire", "value": True},
                      {"@type": "LocationFeatureSpecification", "name": "Ascenseur", "value": False}]},
                  "courseSchedule": {"@type": "Schedule", "byDay": "https://schema.org/Wednesday",
                                     "startTime": "17:00", "endTime": "19:00",
                                     "startDate": "2026-09-16", "endDate": "2027-06-23"}}}
    path = tmp_path / "course.jsonld"
    path.write_text(json.dumps(course), encoding="utf-8")
    run = run_import(app, db_session, path, source="so", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [theatre] = db_session.execute(query, {"source": "so"}).mappings().all()
    assert theatre["audiences"] == ["teenagers", "families"]
    assert (theatre["season_start"], theatre["season_end"]) == ("2026-09-16", "2027-06-23")
    assert theatre["access_motor"] is True and theatre["accessibility_notes"] == "Vestiaire"  # not "Ascenseur": false

    event = {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"}, "@id": "https://dt.example/1",
             "@type": ["EntertainmentAndEvent", "ShowEvent"], "rdfs:label": {"fr": "Bal folk"},
             "reducedMobilityAccess": True, "hasAudience": [{"@id": "kb:Family"}, {"@id": "kb:Youngsters"}],
             "isLocatedAt": {"address": {"streetAddress": "1 place de la Mairie", "postalCode": "93500",
                                         "addressLocality": "Pantin"},
                             "geo": {"latitude": "48.8944", "longitude": "2.4094"}}}
    path = tmp_path / "dt.jsonld"
    path.write_text(json.dumps({"@graph": [event]}), encoding="utf-8")
    run = run_import(app, db_session, path, source="dt", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    [ball] = db_session.execute(query, {"source": "dt"}).mappings().all()
    assert ball["audiences"] == ["families"] and "Youngsters" in ball["tags"]  # an unknown audience is kept
    assert ball["access_motor"] is True


def test_events_the_source_deleted_are_archived_at_once_even_by_a_partial_feed(app, db_session, tmp_path):
    from importers.models import ImportSource

    def agenda(events):
        path = tmp_path / "changes.json"
        path.write_text(json.dumps({"events": events}), encoding="utf-8")
        return path

    def event(uid, title):
        return {"uid": uid, "title": {"fr": title}, "location": PLACE_OA,
                "timings": [{"begin": "2026-12-02T18:00:00+01:00", "end": "2026-12-02T20:00:00+01:00"}]}

    def archived():
        return dict(db_session.execute(text(
            "SELECT a.external_id, a.archived_at IS NOT NULL FROM activity a JOIN import_source s "
            "ON s.id = a.source_id WHERE s.name = 'oa-changes'")).all())

    first = run_import(app, db_session, agenda([event(1, "Atelier slam"), event(2, "Jam"), event(3, "Bal")]),
                       source="oa-changes", kind=ListingType.activity)
    assert first.created_count == 3
    db_session.scalar(select(ImportSource).where(ImportSource.name == "oa-changes")).is_full_feed = False
    db_session.commit()
    # A changes feed: one event updated, one deleted; the third is merely absent.
    run = run_import(app, db_session, agenda([event(1, "Atelier slam (complet)"), {"uid": 2, "removed": True}]),
                     source="oa-changes", kind=ListingType.activity)
    assert (run.status, run.updated_count, run.archived_count) == (RunStatus.succeeded, 1, 1)
    assert archived() == {"1": False, "2": True, "3": False}
    assert db_session.execute(text("SELECT external_id, warnings FROM import_item WHERE run_id = :run "
                                   "AND status = 'archived'"), {"run": run.id}).all() == [
        ("2", ["« Jam » : supprimé par la source, archivé."])]
    # Deletions only: the run succeeds and touches nothing else, even for a full feed.
    db_session.scalar(select(ImportSource).where(ImportSource.name == "oa-changes")).is_full_feed = True
    db_session.commit()
    run = run_import(app, db_session, agenda([{"uid": 3, "removed": True}, {"uid": 404, "removed": True}]),
                     source="oa-changes", kind=ListingType.activity)
    assert (run.status, run.archived_count, run.error) == (RunStatus.succeeded, 1, None)
    assert archived() == {"1": False, "2": True, "3": True}
    # Published again: back.
    run = run_import(app, db_session, agenda([event(2, "Jam")]), source="oa-changes", kind=ListingType.activity)
    assert archived()["2"] is False


def test_an_event_listing_page_s_item_list_and_a_free_price_word(app, db_session, tmp_path):
    path = tmp_path / "agenda.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {
            "@type": "Event", "@id": "urn:il:1", "name": "Atelier chant", "startDate": "2026-10-01T18:00:00+02:00",
            "offers": {"@type": "Offer", "price": "gratuit"},
            "location": {"@type": "Place", "name": "Centre social", "address": {
                "@type": "PostalAddress", "streetAddress": "3 rue Jean Moulin", "postalCode": "93270",
                "addressLocality": "Sevran"}}}},
        {"@type": "ListItem", "position": 2, "item": {
            "@type": "Event", "@id": "urn:il:2", "name": "Bal folk", "startDate": "2026-10-03T20:00:00+02:00",
            "offers": {"@type": "Offer", "price": "Free"}}},
    ]}), encoding="utf-8")
    run = run_import(app, db_session, path, source="liste", kind=ListingType.activity)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 2), run.report_items
    rows = db_session.execute(text(
        "SELECT a.title, a.is_free, a.price_min FROM activity a JOIN import_source s ON s.id = a.source_id "
        "WHERE s.name = 'liste' ORDER BY a.title")).all()
    assert [(r.title, r.is_free, float(r.price_min)) for r in rows] == [("Atelier chant", True, 0.0),
                                                                       ("Bal folk", True, 0.0)]


def test_a_new_source_of_schema_org_events_imports_activities_without_being_told(app, db_session):
    run = run_import(app, db_session, FIXTURES / "schema_org.jsonld", source="so-neuf", kind=None)
    assert run.status is RunStatus.succeeded, run.report_items
    assert run.source.listing_type is ListingType.activity
    assert "Théâtre pour adolescents" in [row["title"] for row in _activities(db_session, "so-neuf")]
    # A graph of places stays a source of venues.
    places = run_import(app, db_session, FIXTURES / "places_graph.jsonld", source="lieux-neuf", kind=None)
    assert places.source.listing_type is ListingType.venue and places.created_count


def test_schema_org_schedules_that_are_not_weekly_are_dated_not_promised_every_week(app, db_session, tmp_path):
    """« The first Tuesday of each month », every other Saturday: their dates, not a weekly slot;
    a monthly rhythm without a first date cannot be dated: its slot is kept, with a warning."""
    def course(name, schedule):
        return {"@context": "https://schema.org", "@type": "Course", "@id": f"https://mjc.example/{name}",
                "name": name, "location": PLACE,
                "hasCourseInstance": {"@type": "CourseInstance", "courseSchedule": {"@type": "Schedule", **schedule}}}

    path = tmp_path / "rythmes.jsonld"
    path.write_text(json.dumps([
        course("Scène ouverte", {"byDay": "https://schema.org/Tuesday", "byMonthWeek": 1, "repeatFrequency": "P1M",
                                 "startDate": "2026-09-01", "endDate": "2026-12-31", "startTime": "20:00",
                                 "endTime": "23:00"}),
        course("Bal folk", {"byDay": "Saturday", "repeatFrequency": "P2W", "startDate": "2026-10-03",
                            "repeatCount": 3, "startTime": "15:00"}),
        course("Chorale", {"byDay": "https://schema.org/Wednesday", "repeatFrequency": "P1W", "startTime": "18:00",
                           "endTime": "20:00"}),
        course("Atelier mensuel", {"byDay": "Friday", "repeatFrequency": "monthly", "startTime": "10:00",
                                   "endTime": "12:00"}),
    ]), encoding="utf-8")
    run = run_import(app, db_session, path, source="so-rythmes", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    rows = {row["title"]: row for row in _activities(db_session, "so-rythmes")}
    assert (rows["Scène ouverte"]["slots"], rows["Scène ouverte"]["timings"]) == ([], [
        "2026-09-01 20:00 → 2026-09-01 23:00", "2026-10-06 20:00 → 2026-10-06 23:00",
        "2026-11-03 20:00 → 2026-11-03 23:00", "2026-12-01 20:00 → 2026-12-01 23:00"])
    assert rows["Bal folk"]["timings"] == ["2026-10-03 15:00 → ?", "2026-10-17 15:00 → ?", "2026-10-31 15:00 → ?"]
    assert (rows["Chorale"]["slots"], rows["Chorale"]["timings"]) == (["18:00-20:00/2"], [])
    assert rows["Atelier mensuel"]["slots"] == ["10:00-12:00/4"]
    warnings = [w for item in run.report_items for w in item["warnings"]]
    assert any("« chaque mois » n'est pas chaque semaine" in w for w in warnings)


def test_schema_org_unit_prices_keep_what_they_pay_for(app, db_session, tmp_path):
    def course(name, spec):
        return {"@context": "https://schema.org", "@type": "Course", "@id": f"https://mjc.example/{name}",
                "name": name, "location": PLACE,
                "offers": {"@type": "Offer", "priceSpecification": {"@type": "UnitPriceSpecification", **spec}}}

    path = tmp_path / "tarifs.jsonld"
    path.write_text(json.dumps([course("Piano", {"price": 450, "priceCurrency": "EUR", "unitCode": "ANN"}),
                                course("Studio", {"price": "12", "unitText": "la séance"}),
                                course("Chant", {"price": 90})]), encoding="utf-8")
    run = run_import(app, db_session, path, source="so-tarifs", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    periods = dict(db_session.execute(text(
        "SELECT a.title, a.price_period::text FROM activity a JOIN import_source s ON s.id = a.source_id "
        "WHERE s.name = 'so-tarifs'")).all())
    assert periods == {"Piano": "year", "Studio": "session", "Chant": None}
