"""Slots that end after midnight (a bal, a jam session), from a partner's file to the page:
« vendredi 22h-1h » is stored as it is said, not refused by the database; a slot ending when it
starts is still refused, in French, without failing its row."""
import json

from sqlalchemy import select, text

from importers.models import RunStatus
from portal.activities.models import Activity
from portal.discovery.presenters import slot_rows
from portal.listings.enums import ListingType
from tests.importers.helpers import TIMINGS, run_import, warnings_of
from tests.importers.test_structured_variants import PLACE


def _stored(session, source):
    return {row["title"]: row for row in session.execute(text(f"""
        SELECT a.title,
               array(SELECT s.weekday || ' ' || to_char(s.starts_at, 'HH24:MI') || '-'
                            || coalesce(to_char(s.ends_at, 'HH24:MI'), '?')
                     FROM activity_slot s WHERE s.activity_id = a.id ORDER BY s.weekday, s.starts_at) AS slots,
               {TIMINGS}
        FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = :source
    """), {"source": source}).mappings()}


def test_a_csv_slot_ending_after_midnight_is_stored_and_shown(app, db_session, tmp_path):
    path = tmp_path / "bals.csv"
    path.write_text("Nom;Commune;Code INSEE;Horaires\n"
                    "Bal folk;Pantin;93055;vendredi 22h-1h\n"
                    "Jam session;Pantin;93055;samedi 21h30-0h30 et dimanche 17h-19h\n"
                    "Éveil musical;Pantin;93055;Mercredi 14h-15h30 (4-6 ans)\n"
                    "Soirée sans fin;Pantin;93055;mardi 18h-18h\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="bals", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, [(item["errors"], item["warnings"]) for item in run.report_items]
    assert run.created_count == 4
    rows = _stored(db_session, "bals")
    assert rows["Bal folk"]["slots"] == ["4 22:00-01:00"]
    assert rows["Jam session"]["slots"] == ["5 21:30-00:30", "6 17:00-19:00"]
    assert rows["Éveil musical"]["slots"] == ["2 14:00-15:30"]  # not 4h-6h as well
    # A slot ending when it starts: the row is stored, its schedule left out with a French warning.
    assert rows["Soirée sans fin"]["slots"] == []
    assert any("Horaires" in warning and "finit à l'heure où il commence" in warning for warning in warnings_of(run))

    bal, jam = (db_session.scalar(select(Activity).where(Activity.title == title))
                for title in ("Bal folk", "Jam session"))
    with app.test_request_context():
        assert slot_rows(bal) == [("vendredi", "22 h à 1 h")]
        assert slot_rows(jam) == [("samedi", "21 h 30 à 0 h 30"), ("dimanche", "17 h à 19 h")]


def test_a_schema_org_schedule_ending_after_midnight_gives_slots_and_next_day_dates(app, db_session, tmp_path):
    def course(name, schedule):
        return {"@context": "https://schema.org", "@type": "EventSeries", "@id": f"https://bal.example/{name}",
                "name": name, "location": PLACE, "eventSchedule": {"@type": "Schedule", **schedule}}

    path = tmp_path / "bals.jsonld"
    path.write_text(json.dumps([
        course("Bal du vendredi", {"byDay": "https://schema.org/Friday", "startTime": "22:00", "endTime": "01:00"}),
        course("Bal du mois", {"byDay": "Saturday", "byMonthWeek": -1, "repeatFrequency": "P1M",
                               "startDate": "2026-10-01", "endDate": "2026-11-30", "startTime": "22:00",
                               "endTime": "01:00"}),
    ]), encoding="utf-8")
    run = run_import(app, db_session, path, source="bals-so", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    rows = _stored(db_session, "bals-so")
    assert rows["Bal du vendredi"]["slots"] == ["4 22:00-01:00"]
    assert rows["Bal du mois"]["timings"] == ["2026-10-31 22:00 → 2026-11-01 01:00",
                                              "2026-11-28 22:00 → 2026-11-29 01:00"]
