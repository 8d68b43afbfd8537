"""A run's items belong to a run that exists, and go with it: what a foreign key guaranteed,
kept by triggers that check each statement once (an import writes thousands of items at once)."""
import psycopg
import pytest
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from importers.bulk import copy_insert
from importers.models import ImportItem, ImportRun, ImportSource
from importers.options import get_or_create_source
from importers.runs import record_run
from portal.listings.enums import ListingType


def _items(run_id: int, rows: range) -> list[dict]:
    return [{"run_id": run_id, "row_number": row, "external_id": f"L{row}", "status": "created",
             "listing_id": None, "errors": [], "warnings": []} for row in rows]


def _runs(session, source_name: str, count: int) -> list[int]:
    source = get_or_create_source(session, source_name, ListingType.venue)
    runs = [record_run(session, source.id, "lieux.csv", False) for _ in range(count)]
    session.flush()
    return [run.id for run in runs]


def _count(session, run_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ImportItem).where(ImportItem.run_id == run_id))


def test_items_of_a_run_that_does_not_exist_are_refused_and_none_of_them_is_written(db_session):
    (run_id,) = _runs(db_session, "runs-absents", 1)
    missing = run_id + 1000
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as error, db_session.begin_nested():
        copy_insert(db_session, ImportItem.__tablename__, _items(run_id, range(2, 5)) + _items(missing, range(5, 6)))
    assert f"import_run {missing} does not exist" in str(error.value)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(ImportItem(run_id=missing, row_number=2, status="created"))
        db_session.flush()
    with pytest.raises(IntegrityError), db_session.begin_nested():  # moved to a run that does not exist
        copy_insert(db_session, ImportItem.__tablename__, _items(run_id, range(2, 3)))
        db_session.execute(text("UPDATE import_item SET run_id = :missing WHERE run_id = :run"),
                           {"missing": missing, "run": run_id})
    assert _count(db_session, run_id) == _count(db_session, missing) == 0


def test_deleting_a_run_or_its_source_deletes_the_run_s_items(db_session):
    first, second = _runs(db_session, "runs-supprimes", 2)
    copy_insert(db_session, ImportItem.__tablename__, _items(first, range(2, 6)) + _items(second, range(2, 4)))
    db_session.execute(delete(ImportRun).where(ImportRun.id == first))
    assert (_count(db_session, first), _count(db_session, second)) == (0, 2)
    db_session.execute(delete(ImportSource).where(ImportSource.name == "runs-supprimes"))  # its runs go too
    assert _count(db_session, second) == 0


def test_a_run_cannot_be_deleted_while_its_items_are_being_written(app):
    """The items' statement locks their run as a foreign key would (FOR KEY SHARE): a deletion
    waits for the import's transaction instead of leaving items without their run."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with Session(engine) as session:
            (run_id,) = _runs(session, "runs-verrou", 1)
            session.commit()
        with engine.connect() as importing, engine.connect() as deleting:
            writing = importing.begin()
            importing.execute(ImportItem.__table__.insert(), _items(run_id, range(2, 4)))
            deleting.execute(text("SET lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                deleting.execute(delete(ImportRun).where(ImportRun.id == run_id))
            deleting.rollback()
            writing.commit()
            with deleting.begin():
                deleting.execute(delete(ImportRun).where(ImportRun.id == run_id))
            assert deleting.scalar(select(func.count()).select_from(ImportItem)
                                   .where(ImportItem.run_id == run_id)) == 0
    finally:
        with engine.begin() as connection:
            connection.execute(delete(ImportSource).where(ImportSource.name == "runs-verrou"))
        engine.dispose()
