"""An agenda's places kept by the agenda's own id: a point moved, an address corrected, the
same venue (it was a second one while the first waited out its grace period)."""
import copy
import json

from sqlalchemy import text

from portal.listings.enums import ListingType
from tests.importers.helpers import run_import

EVENT = {
    "uid": 61000001, "title": {"fr": "Atelier de chant choral"}, "updatedAt": "2025-09-02T10:15:00.000Z",
    "location": {"uid": 7788, "name": "Maison de quartier Franc-Moisin", "address": "12 rue de la Chorale",
                 "postalCode": "93200", "city": "Saint-Denis", "insee": "93066",
                 "latitude": 48.9203, "longitude": 2.3641},
    "timings": [{"begin": "2025-10-04T14:00:00+02:00", "end": "2025-10-04T16:00:00+02:00"}],
}


def _agenda(path, *events):
    path.write_text(json.dumps({"total": len(events), "events": list(events)}), encoding="utf-8")
    return path


def _event(uid, **location):
    event = copy.deepcopy(EVENT)
    event["uid"] = uid
    event["location"].update(location)
    return event


def _places(session, source):
    return session.execute(text(
        "SELECT id, external_id, ST_Y(location::geometry) AS lat, address, missing_since FROM venue "
        "WHERE source_id = (SELECT id FROM import_source WHERE name = :s) ORDER BY id"), {"s": source}).all()


def test_a_place_the_agenda_moves_stays_one_venue(app, db_session, tmp_path):
    path = _agenda(tmp_path / "agenda.json", _event(61000001), _event(61000002))
    run_import(app, db_session, path, source="agenda-lieux", kind=ListingType.activity)
    [(venue_id, key, lat, _, _)] = _places(db_session, "agenda-lieux")
    assert key == "lieu:ref:7788" and round(lat, 4) == 48.9203
    moved = dict(latitude=48.9212, address="14 rue de la Chorale")  # 100 m further, address corrected
    again = run_import(app, db_session, _agenda(path, _event(61000001, **moved), _event(61000002, **moved)),
                       source="agenda-lieux", kind=ListingType.activity)
    assert again.error is None
    [(same_id, _, lat, address, missing)] = _places(db_session, "agenda-lieux")
    assert (same_id, round(lat, 4), address, missing) == (venue_id, 48.9212, "14 rue de la Chorale", None)
    venues = db_session.execute(text("SELECT DISTINCT venue_id FROM activity WHERE external_id IN "
                                     "('61000001', '61000002')")).scalars().all()
    assert venues == [venue_id]


def test_a_place_stored_before_its_id_was_read_is_adopted_not_duplicated(app, db_session, tmp_path):
    """Stored by name and address (earlier versions, or an export without the place's id): the
    first run that gives the id takes that venue over; nothing is created, nothing changes."""
    nameless = _event(61000001)
    del nameless["location"]["uid"]
    path = _agenda(tmp_path / "agenda.json", nameless)
    run_import(app, db_session, path, source="agenda-adopte", kind=ListingType.activity)
    [(venue_id, key, _, _, _)] = _places(db_session, "agenda-adopte")
    assert key.startswith("lieu:") and not key.startswith("lieu:ref:")
    again = run_import(app, db_session, _agenda(path, _event(61000001)), source="agenda-adopte",
                       kind=ListingType.activity)
    assert (again.created_count, again.updated_count, again.unchanged_count, again.error) == (0, 0, 1, None)
    [(same_id, key, _, _, missing)] = _places(db_session, "agenda-adopte")
    assert (same_id, key, missing) == (venue_id, "lieu:ref:7788", None)


def test_the_dataset_export_gives_the_place_its_id_too(app, db_session, tmp_path):
    """The OpenDataSoft « evenements-publics-openagenda » shape: ``location_uid``."""
    rows = [{"uid": "71000001", "title_fr": "Bal trad", "location_uid": "123", "location_name": "Salle des fêtes",
             "location_address": "2 rue de Paris", "location_postalcode": "93100", "location_city": "Montreuil",
             "location_coordinates": {"lat": 48.8612, "lon": 2.4432},
             "firstdate_begin": "2025-10-04T20:00:00+02:00", "firstdate_end": "2025-10-04T23:00:00+02:00"}]
    path = tmp_path / "evenements.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    run_import(app, db_session, path, source="agenda-ods", kind=ListingType.activity)
    assert [place[1] for place in _places(db_session, "agenda-ods")] == ["lieu:ref:123"]


def test_a_place_cell_the_import_refuses_keeps_what_the_venue_had(app, db_session, tmp_path):
    """An event whose place comes with a broken postal code, or a point at sea: the cell is
    refused with a warning, and the venue keeps the postal code and the point it had; the
    cells that are right still update it."""
    path = _agenda(tmp_path / "agenda.json", _event(61000001))
    run_import(app, db_session, path, source="agenda-refus", kind=ListingType.activity)
    stored = text("SELECT id, postal_code, address, round(ST_Y(location::geometry)::numeric, 4) AS lat, "
                  "commune_code FROM venue WHERE source_id = (SELECT id FROM import_source WHERE name = 'agenda-refus')")
    [(venue_id, postal, _, lat, commune)] = db_session.execute(stored).all()
    assert (postal, float(lat), commune) == ("93200", 48.9203, "93066")
    broken = _event(61000001, postalCode="932OO", latitude=148.9203, address="14 rue de la Chorale")
    again = run_import(app, db_session, _agenda(path, broken), source="agenda-refus", kind=ListingType.activity)
    assert again.failed_count == 0
    warnings = [warning for item in again.report_items for warning in item["warnings"]]
    assert any("932OO" in warning for warning in warnings) and any("148.9203" in warning for warning in warnings)
    assert not any("Position approximative" in warning for warning in warnings)  # the venue's point stays
    assert db_session.execute(stored).all() == [(venue_id, "93200", "14 rue de la Chorale", lat, "93066")]


def test_a_stored_event_whose_place_without_id_has_a_refused_cell_stays_at_its_place(app, db_session, tmp_path):
    """Without the agenda's id, a place is known by its name and address cells: one of them
    refused, the place cannot be told. The event stays at the venue it was at; no second
    venue is made, and the first is not flagged missing."""
    nameless = _event(61000001)
    del nameless["location"]["uid"]
    path = _agenda(tmp_path / "agenda.json", nameless)
    run_import(app, db_session, path, source="agenda-sans-id", kind=ListingType.activity)
    [(venue_id, _, _, _, _)] = _places(db_session, "agenda-sans-id")
    broken = copy.deepcopy(nameless)
    broken["location"]["postalCode"] = "932OO"
    again = run_import(app, db_session, _agenda(path, broken), source="agenda-sans-id", kind=ListingType.activity)
    assert again.failed_count == 0 and any("932OO" in w for item in again.report_items for w in item["warnings"])
    assert [(place[0], place[4]) for place in _places(db_session, "agenda-sans-id")] == [(venue_id, None)]
    assert db_session.execute(text("SELECT venue_id FROM activity WHERE external_id = '61000001'")).scalar_one() \
        == venue_id
