"""A venue's communes and source exist, and stay while it names them: what foreign keys
guaranteed, kept by triggers that check an insert statement once (an import inserts thousands
of venues at once) and an update only when it changes them."""
import psycopg
import pytest
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from importers.bulk import copy_insert
from importers.models import ImportSource
from importers.options import get_or_create_source
from portal.geo.models import Commune
from portal.listings.enums import ListingType
from portal.venues.models import Venue

MONTREUIL, SAINT_DENIS = "93048", "93066"


def _venues(source_id: int, names: list[str], commune: str | None = MONTREUIL, **columns) -> list[dict]:
    return [{"name": name, "slug": name.lower(), "kind": "other", "source_id": source_id, "external_id": name,
             "commune_code": commune, "location_commune_code": None, **columns} for name in names]


def _count(session, source_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Venue).where(Venue.source_id == source_id))


def _source(session, name: str) -> int:
    source = get_or_create_source(session, name, ListingType.venue)
    session.flush()
    return source.id


def test_venues_naming_a_commune_or_source_that_does_not_exist_are_refused_and_none_is_written(db_session):
    source_id = _source(db_session, "references-absentes")
    for bad in (_venues(source_id, ["B"], "99999"), _venues(source_id, ["B"], location_commune_code="99998"),
                _venues(source_id + 1000, ["B"])):
        with pytest.raises(psycopg.errors.ForeignKeyViolation) as error, db_session.begin_nested():
            copy_insert(db_session, Venue.__tablename__, _venues(source_id, ["A1", "A2"]) + bad)
        assert "does not exist" in str(error.value)
    assert "commune 99999 does not exist" in _refusal(db_session, Venue(name="C", slug="c", commune_code="99999"))
    assert "import_source" in _refusal(db_session, Venue(name="C", slug="c", source_id=source_id + 1000))
    assert _count(db_session, source_id) == 0
    copy_insert(db_session, Venue.__tablename__, _venues(source_id, ["A1"]) + _venues(source_id, ["A2"], None))
    assert _count(db_session, source_id) == 2


def _refusal(session, venue: Venue) -> str:
    with pytest.raises(IntegrityError) as error, session.begin_nested():
        session.add(venue)
        session.flush()
    return str(error.value)


def test_a_venue_moved_to_a_commune_or_source_that_does_not_exist_is_refused(db_session):
    source_id = _source(db_session, "references-modifiees")
    copy_insert(db_session, Venue.__tablename__, _venues(source_id, ["A"]))
    for change in ({"commune_code": "99999"}, {"location_commune_code": "99999"}, {"source_id": source_id + 1000}):
        with pytest.raises(IntegrityError, match="does not exist"), db_session.begin_nested():
            db_session.execute(update(Venue).where(Venue.source_id == source_id).values(**change))
    db_session.execute(update(Venue).where(Venue.source_id == source_id)
                       .values(commune_code=SAINT_DENIS, location_commune_code=MONTREUIL))
    assert db_session.scalar(select(Venue.commune_code).where(Venue.source_id == source_id)) == SAINT_DENIS


def test_a_commune_or_source_named_by_a_venue_cannot_be_deleted_nor_have_its_key_changed(db_session):
    source_id = _source(db_session, "references-gardees")
    copy_insert(db_session, Venue.__tablename__, _venues(source_id, ["A"], location_commune_code=SAINT_DENIS))
    refused = [
        delete(Commune).where(Commune.insee_code == MONTREUIL),
        delete(Commune).where(Commune.insee_code == SAINT_DENIS),  # where the point lies
        update(Commune).where(Commune.insee_code == MONTREUIL).values(insee_code="93999"),
        delete(ImportSource).where(ImportSource.id == source_id),
        update(ImportSource).where(ImportSource.id == source_id).values(id=source_id + 1000),
    ]
    for statement in refused:
        with pytest.raises(IntegrityError, match="still referenced"), db_session.begin_nested():
            db_session.execute(statement)
    # Rewriting a commune's other columns (a geography load does) is not a change of key.
    db_session.execute(update(Commune).where(Commune.insee_code == MONTREUIL).values(name=Commune.name))
    db_session.execute(delete(Venue).where(Venue.source_id == source_id))
    db_session.execute(delete(ImportSource).where(ImportSource.id == source_id))  # no venue left: it goes


def test_a_commune_cannot_be_deleted_while_venues_naming_it_are_being_written(app):
    """The venues' statement locks their communes as a foreign key would (FOR KEY SHARE): a
    deletion waits for the import's transaction, then finds the venues and is refused."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with Session(engine) as session:
            source_id = _source(session, "references-verrou")
            session.commit()
        with engine.connect() as importing, engine.connect() as deleting:
            writing = importing.begin()
            importing.execute(Venue.__table__.insert(), _venues(source_id, ["A", "B"], SAINT_DENIS))
            deleting.execute(text("SET lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                deleting.execute(delete(Commune).where(Commune.insee_code == SAINT_DENIS))
            deleting.rollback()
            writing.commit()
            with pytest.raises(IntegrityError, match="still referenced"):
                deleting.execute(delete(Commune).where(Commune.insee_code == SAINT_DENIS))
            deleting.rollback()
    finally:
        with engine.begin() as connection:
            connection.execute(delete(Venue).where(Venue.source_id == source_id))
            connection.execute(delete(ImportSource).where(ImportSource.name == "references-verrou"))
        engine.dispose()
