"""Structured partner formats through the whole pipeline: activities land at a venue built
from their location, with their timings, and become searchable on the map."""
import json

from sqlalchemy import text

from importers.models import RunStatus
from portal.listings.enums import ListingType
from tests.importers.helpers import run_import


def _agenda(events):
    return json.dumps({"total": len(events), "after": None, "events": events})


EVENTS = [
    {"uid": 1, "title": {"fr": "Atelier de chant choral"}, "description": {"fr": "Chanter ensemble."},
     "keywords": {"fr": ["chorale"]}, "age": {"min": 8, "max": 99}, "updatedAt": "2026-09-02T10:15:00.000Z",
     "location": {"name": "Maison de quartier Franc-Moisin", "address": "12 rue Danielle Casanova",
                  "postalCode": "93200", "city": "Saint-Denis", "latitude": 48.9203, "longitude": 2.3641},
     "timings": [{"begin": "2026-12-05T14:00:00+01:00", "end": "2026-12-05T16:00:00+01:00"}]},
    {"uid": 2, "title": {"fr": "Scène ouverte slam"}, "description": {"fr": "Micro libre."},
     "location": {"name": "Maison de quartier Franc-Moisin", "address": "12 rue Danielle Casanova",
                  "postalCode": "93200", "city": "Saint-Denis", "latitude": 48.9203, "longitude": 2.3641},
     "timings": [{"begin": "2026-12-12T20:00:00+01:00", "end": "2026-12-12T23:00:00+01:00"}]},
]


def test_openagenda_events_become_activities_at_one_shared_venue(app, db_session, tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(_agenda(EVENTS), encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-93", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    assert run.created_count == 2
    rows = db_session.execute(text("""
        SELECT a.title, a.venue_id, v.name, v.commune_code, v.location_precision::text,
               (SELECT count(*) FROM activity_timing t WHERE t.activity_id = a.id) AS timings
        FROM activity a JOIN venue v ON v.id = a.venue_id
        JOIN import_source s ON s.id = a.source_id WHERE s.name = 'agenda-93' ORDER BY a.title
    """)).all()
    assert len(rows) == 2 and rows[0].venue_id == rows[1].venue_id
    assert rows[0].name == "Maison de quartier Franc-Moisin"
    assert (rows[0].commune_code, rows[0].location_precision, rows[0].timings) == ("93066", "given", 1)

    again = run_import(app, db_session, path, source="agenda-93", kind=ListingType.activity)
    assert again.unchanged_count == 2
    assert db_session.execute(text(
        "SELECT count(*) FROM venue WHERE source_id = (SELECT id FROM import_source WHERE name = 'agenda-93')"
    )).scalar_one() == 1


def test_imported_activities_are_found_near_their_venue(app, db_session, tmp_path):
    from search.backends.base import SearchQuery
    from search.service import process_queue, search

    path = tmp_path / "agenda.json"
    path.write_text(_agenda(EVENTS), encoding="utf-8")
    run_import(app, db_session, path, source="agenda-carte", kind=ListingType.activity)
    process_queue(bind=db_session.connection())
    result = search(SearchQuery(text="slam", point=(2.36, 48.92), radius_km=2))
    titles = [hit.document["title"] for hit in result.hits]
    assert "Scène ouverte slam" in titles
    hit = next(h for h in result.hits if h.document["title"] == "Scène ouverte slam")
    assert hit.document["_geo"] and hit.distance_m < 2000


def test_a_place_shared_by_activities_of_different_batches_is_one_venue(app, db_session, tmp_path, monkeypatch):
    from importers import pipeline

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 1)  # as for events 1 and 2 001 of a big agenda
    path = tmp_path / "agenda.json"
    path.write_text(_agenda(EVENTS), encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-big", kind=ListingType.activity)
    assert (run.status, run.created_count, run.failed_count) == (RunStatus.succeeded, 2, 0), run.report_items
    venues = db_session.execute(text(
        "SELECT count(*) FROM venue WHERE source_id = (SELECT id FROM import_source WHERE name = 'agenda-big')"
    )).scalar_one()
    assert venues == 1
