"""OpenAgenda events as agendas export them: status objects, moderation states, kinds of
events, prices and keywords in any language."""
import json

import pytest
from sqlalchemy import text

from importers.models import RunStatus
from importers.readers import open_records
from importers.kinds import event_kind
from importers.readers.openagenda import map_ods, map_v2
from tests.importers.helpers import run_import


def test_the_dataset_s_status_object_gives_the_event_status():
    cancelled = "{\"id\": 6, \"label\": {\"fr\": \"Annulé\", \"en\": \"Cancelled\"}}"
    assert map_ods({"uid": "1", "title_fr": "Spectacle", "status": cancelled})["status"] == "cancelled"
    assert map_ods({"uid": "1", "title_fr": "Spectacle", "status": {"id": 5}})["status"] == "full"
    assert map_v2({"uid": 1, "title": {"fr": "Bal"}, "status": 4})["status"] == "postponed"


@pytest.mark.parametrize("title, occurrences, kind", [
    ("Concert de la chorale", 1, "amateur_event"),
    ("Stage de danse africaine", 3, "short_course"),
    ("Scène ouverte slam", 1, "open_practice"),
    ("Atelier BD", 1, "short_course"),
    ("Atelier hip-hop ados", 12, "regular_class"),
    ("Lecture musicale", 1, "amateur_event"),
    ("Répétitions publiques", 5, "regular_class"),
])
def test_an_event_s_kind_comes_from_its_title_and_how_often_it_recurs(title, occurrences, kind):
    assert event_kind(title, occurrences) == kind


def test_prices_and_keywords_are_read_whatever_the_wording_or_language():
    event = map_v2({"uid": 1, "title": {"fr": "Bal"}, "conditions": {"fr": "Prix : 0 €"},
                    "keywords": {"fr": None, "en": ["choir", "singing"]}})
    assert event["is_free"] is True and "price_max" not in event
    assert event["tags"] == ["choir", "singing"]
    paid = map_v2({"uid": 1, "title": {"fr": "Bal"}, "conditions": {"fr": "Payant"}})
    assert paid["is_free"] is False


def _agenda(tmp_path, events):
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps({"total": len(events), "after": None, "events": events}), encoding="utf-8")
    return path


def _event(uid, title, **more):
    return {"uid": uid, "title": {"fr": title}, "location": {"name": "MJC", "city": "Bobigny", "insee": "93008"},
            "timings": [{"begin": "2026-12-05T14:00:00+01:00", "end": "2026-12-05T16:00:00+01:00"}], **more}


def test_a_new_source_of_an_agenda_imports_activities_without_being_told(app, db_session, tmp_path):
    path = _agenda(tmp_path, [_event(1, "Concert de la chorale"),
                              _event(2, "Atelier BD", description={"fr": "=> Sur inscription à la médiathèque"})])
    run = run_import(app, db_session, path, source="agenda-neuf", kind=None)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 2), run.report_items
    rows = db_session.execute(text(
        "SELECT a.title, a.kind::text, a.description, s.listing_type::text FROM activity a "
        "JOIN import_source s ON s.id = a.source_id WHERE s.name = 'agenda-neuf' ORDER BY a.title")).all()
    assert [(r.title, r.kind) for r in rows] == [("Atelier BD", "short_course"),
                                                 ("Concert de la chorale", "amateur_event")]
    assert rows[0].description.startswith("<p>=&gt; Sur inscription") and rows[0].listing_type == "activity"


def test_events_the_agenda_does_not_publish_are_not_published_here(app, db_session, tmp_path):
    first = _agenda(tmp_path, [_event(1, "Atelier chant"), _event(2, "Atelier danse")])
    run_import(app, db_session, first, source="moderee", kind=None)
    later = _agenda(tmp_path, [_event(1, "Atelier chant", state=2), _event(2, "Atelier danse", state=-1),
                               _event(3, "Proposition à modérer", state=0)])
    run = run_import(app, db_session, later, source="moderee", kind=None)
    assert (run.unchanged_count, run.created_count, run.archived_count) == (1, 0, 1)
    assert "2 événement(s) non publié(s) par l'agenda" in run.error
    visible = db_session.execute(text(
        "SELECT a.title FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = 'moderee' "
        "AND a.archived_at IS NULL")).scalars().all()
    assert visible == ["Atelier chant"]


def test_a_file_of_unpublished_events_only_is_not_a_changes_feed(tmp_path):
    path = _agenda(tmp_path, [_event(1, "Atelier chant", state=0)])
    with open_records(path) as records:
        assert records.format == "openagenda" and records.incomplete is None


def test_an_agenda_s_keywords_give_disciplines_and_stay_tags(app, db_session, tmp_path):
    path = _agenda(tmp_path, [_event(1, "Atelier", keywords={"fr": ["danse", "hip-hop", "jeune public"]})])
    run_import(app, db_session, path, source="mots-cles", kind=None)
    disciplines = db_session.execute(text(
        "SELECT d.slug FROM activity a JOIN activity_discipline ad ON ad.activity_id = a.id "
        "JOIN discipline d ON d.id = ad.discipline_id JOIN import_source s ON s.id = a.source_id "
        "WHERE s.name = 'mots-cles' ORDER BY d.slug")).scalars().all()
    tags = db_session.execute(text(
        "SELECT t.label FROM activity a JOIN activity_tag at ON at.activity_id = a.id JOIN tag t ON t.id = at.tag_id "
        "JOIN import_source s ON s.id = a.source_id WHERE s.name = 'mots-cles' ORDER BY t.label")).scalars().all()
    assert disciplines == ["danse", "danse-hip-hop"]
    assert tags == ["danse", "hip-hop", "jeune public"]


def test_an_event_located_by_its_commune_alone_says_it_is_not_on_the_map(app, db_session, tmp_path):
    event = {"uid": 9, "title": {"fr": "Lecture musicale"},
             "timings": [{"begin": "2026-10-02T18:00:00+02:00", "end": "2026-10-02T20:00:00+02:00"}],
             "location": {"city": "Tremblay-en-France", "postalCode": "93290", "insee": "93073"}}
    run = run_import(app, db_session, _agenda(tmp_path, [event]), source="commune-seule", kind=None)
    assert run.created_count == 1
    assert run.report_items[0]["warnings"] == [
        "Seule la commune est donnée (Tremblay-en-France), sans lieu ni adresse : la fiche n'est pas placée sur "
        "la carte."]
