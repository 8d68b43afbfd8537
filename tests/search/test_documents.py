"""Rows → documents: place from the venue, merged accessibility, slots, price band, the one rule."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from portal.activities.models import Activity
from portal.listings.enums import ModerationStatus, PricePeriod
from search.documents import is_searchable, load_documents, searchable_clause
from tests.support.factories import make_activity, make_venue, point


def test_an_activity_takes_place_and_accessibility_from_its_venue(db_session):
    venue = make_venue(name="MJC", commune_code="93048", location=point(2.44, 48.86), access_motor=True,
                       description="<p>Maison &amp; <b>jeunes</b></p>")
    activity = make_activity(title="Jam", venue=venue, has_lsf=True, price_min=12, price_period=PricePeriod.month,
                             slots=[(2, time(10, 0), None), (2, time(19, 0), None), (4, time(14, 0), None)])
    [doc] = load_documents(db_session, "activity", [activity.id])
    assert doc["id"] == f"activity-{activity.id}" and doc["commune_name"] == "Montreuil"
    assert doc["departement_code"] == "93" and doc["_geo"] == {"lat": 48.86, "lng": 2.44}
    assert doc["accessibility"] == ["motor", "lsf"]
    assert doc["weekdays"] == [2, 4] and doc["day_periods"] == ["morning", "afternoon", "evening"]
    assert doc["price_band"] == "10_50" and doc["location_approximate"] is False
    [venue_doc] = load_documents(db_session, "venue", [venue.id])
    assert venue_doc["description"] == "Maison & jeunes"


def test_the_sql_and_python_rules_agree(db_session):
    now = datetime.now(timezone.utc)
    rows = [make_activity(), make_activity(moderation_status=ModerationStatus.pending),
            make_activity(archived_at=now), make_activity(last_verified_at=now - timedelta(days=800)),
            make_activity(last_verified_at=None, last_imported_at=now - timedelta(days=10))]
    in_sql = set(db_session.scalars(select(Activity.id).where(Activity.id.in_([r.id for r in rows]),
                                                              searchable_clause(Activity))))
    assert in_sql == {r.id for r in rows if is_searchable(r)} == {rows[0].id, rows[4].id}


def test_a_merged_venue_is_not_searchable(db_session):
    kept = make_venue(name="Cinéma A")
    merged = make_venue(name="Cinéma A bis", merged_into_id=kept.id)
    assert not is_searchable(merged)
    assert load_documents(db_session, "venue", [kept.id, merged.id])[0]["listing_id"] == kept.id


def test_an_activity_declared_accessible_is_found_as_such_whatever_its_venue_says(db_session):
    venue = make_venue(name="Salle des fêtes", commune_code="93055", access_motor=True)
    event = make_activity(title="Bal", venue=venue, access_motor=True, access_hearing=True, has_subtitles=True)
    [doc] = load_documents(db_session, "activity", [event.id])
    assert doc["accessibility"] == ["motor", "hearing", "subtitles"]  # once each
