"""The embedded engine's in-memory columns: the same answers as SQL, never stale."""
import random
import time

import pytest
from sqlalchemy.orm import Session

from search.backends.base import SearchQuery
from search.backends.postgres import PostgresBackend
from search.backends.snapshot import SnapshotStore
from search.documents import load_documents
from tests.search.contract.dataset import AUBERVILLIERS, MONTREUIL, PARIS_11, build, index_all

WORDS = ["théâtre", "chorale", "chorle", "atelier", "danse hip hop", "bd", "piano", "montreuil", "stage",
         "musique", "impro", "salle"]


def _random_query(r: random.Random) -> SearchQuery:
    query = SearchQuery(per_page=r.choice([3, 5, 20]), page=r.choice([1, 1, 2]))
    if r.random() < 0.6:
        query.text = r.choice(WORDS)
    if r.random() < 0.3:
        query.listing_types = r.sample(["venue", "activity", "resource"], r.randint(1, 2))
    if r.random() < 0.3:
        query.disciplines = r.sample(["theatre", "musique", "danse", "arts-visuels", "chant-chorale"], r.randint(1, 2))
    if r.random() < 0.2:
        query.weekdays = r.sample(range(7), r.randint(1, 3))
    if r.random() < 0.2:
        query.day_periods = [r.choice(["morning", "afternoon", "evening"])]
    if r.random() < 0.2:
        query.free = r.choice([True, False])
    if r.random() < 0.15:
        query.levels = [r.choice(["beginner", "advanced"])]
    if r.random() < 0.15:
        query.accessibility = r.sample(["motor", "lsf", "hearing"], r.randint(1, 2))
    if r.random() < 0.2:
        query.age = r.choice([6, 13, 30])
    if r.random() < 0.15:
        query.departement = r.choice(["93", "75", "77"])
    if r.random() < 0.3:
        query.point = r.choice([MONTREUIL, AUBERVILLIERS, PARIS_11])
        query.radius_km = r.choice([None, 2, 10])
    elif r.random() < 0.2:
        lon, lat = r.choice([MONTREUIL, AUBERVILLIERS])
        query.bbox = (lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05)
    query.sort = r.choice(["relevance", "relevance", "distance", "date"])
    return query


def _answer(result):
    return ([(h.id, None if h.score is None else round(h.score, 6),
              None if h.distance_m is None else round(h.distance_m, 1)) for h in result.hits],
            result.total, result.facets)


def test_memory_and_sql_give_the_same_answers(app, db_session):
    sql = PostgresBackend(lambda: db_session)
    memory = PostgresBackend(lambda: db_session, SnapshotStore(mode="sync"))
    sql.clear()
    index_all(db_session, sql, build(db_session))
    r = random.Random(20261121)
    for _ in range(150):
        query = _random_query(r)
        assert _answer(memory.search(query)) == _answer(sql.search(query)), query


@pytest.fixture
def committed(app):
    """The contract listings, committed (a background load reads committed rows only), and
    removed afterwards."""
    from portal.extensions import db
    from tests.browser.data import keys_of, remove

    with app.app_context():
        session = db.session
        rows = build(session)
        session.flush()
        index_all(session, PostgresBackend(lambda: session), rows)
        session.commit()
        try:
            yield db.engine, session, rows
        finally:
            session.rollback()
            remove(keys_of(rows.values()))


def _wait(store, session, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.rollback()  # a fresh transaction sees the latest generation
        if store.current(session) is not None:
            return store.current(session)
        time.sleep(0.05)
    raise AssertionError("the in-memory columns were never loaded")


def test_sql_answers_while_the_columns_load_and_after_any_index_change(committed):
    engine, session, rows = committed
    store = SnapshotStore(engine=lambda: engine, mode="background")
    backend = PostgresBackend(lambda: session, store)
    query = SearchQuery(text="chorale")
    assert store.current(session) is None  # not loaded yet: SQL answers, a load starts
    first = [h.document["title"] for h in backend.search(query).hits]
    assert first[0] == "Chorale du mercredi"
    snapshot = _wait(store, session)
    assert [h.document["title"] for h in backend.search(query).hits] == first
    # A committed change: the loaded columns are not used again, the change shows at once.
    listing = rows["chorale"]
    listing.title = "Chorale du jeudi"
    session.flush()
    backend.index(load_documents(session, "activity", [listing.id]))
    session.commit()
    assert store.current(session) is not snapshot
    assert backend.search(query).hits[0].document["title"] == "Chorale du jeudi"
    reloaded = _wait(store, session)
    assert reloaded is not snapshot and reloaded.generation > snapshot.generation
    assert backend.search(query).hits[0].document["title"] == "Chorale du jeudi"


def test_a_transaction_writing_to_the_index_never_uses_or_shares_memory(committed):
    engine, session, rows = committed
    store = SnapshotStore(engine=lambda: engine, mode="background")
    backend = PostgresBackend(lambda: session, store)
    shared = _wait(store, session)
    backend.delete([f"activity-{rows['chorale'].id}"])  # not committed
    assert store.current(session) is None
    assert "Chorale du mercredi" not in [h.document["title"] for h in backend.search(SearchQuery(text="chorale")).hits]
    session.rollback()
    with Session(engine) as other:  # another session never saw the delete
        assert store.current(other) is not shared  # even a rolled-back write retires it
        titles = [h.document["title"] for h in PostgresBackend(lambda: other, store).search(
            SearchQuery(text="chorale")).hits]
        assert titles[0] == "Chorale du mercredi"


def _document(number, doc_id, lon, lat):
    from search.backends.snapshot import MULTI, SINGLE

    return (number, doc_id, doc_id, None, None, None, None, lon, lat, *([None] * len(SINGLE)), *([[]] * len(MULTI)))


def test_a_radius_finds_points_across_the_antimeridian_and_nothing_beyond():
    from search.backends.snapshot import Snapshot

    snapshot = Snapshot([_document(5, "est", 179.99, -13.3), _document(6, "ouest", -179.99, -13.3),
                         _document(7, "loin", -179.5, -13.3), _document(9, "sans-point", None, None)], 1)
    near = snapshot.within((179.999, -13.3), 5000)
    assert [doc for doc, inside in zip(snapshot.ids, near) if inside] == ["est", "ouest"]


def test_word_matches_come_back_to_their_documents_and_later_documents_are_left_out():
    import struct

    from search.backends.snapshot import Snapshot

    snapshot = Snapshot([_document(10, "venue-2", 2.4, 48.9), _document(3, "activity-0", 2.4, 48.9),
                         _document(7, "resource-1", 2.4, 48.9)], 1)
    # PostgreSQL's order, with a document (99) indexed after the snapshot was read
    numbers = struct.pack(">4q", 7, 99, 10, 3)
    ranks = struct.pack(">4f", 0.25, 0.5, 0.125, 1.0)
    matches = snapshot._matches(numbers, ranks)
    assert [snapshot.ids[p] for p in matches.positions] == ["venue-2", "activity-0", "resource-1"]
    assert matches.ranks.tolist() == [0.125, 1.0, 0.25]
    assert matches.rank_of(matches.positions[[2, 0]]).tolist() == [0.25, 0.125]
    assert snapshot._matches(None, None).positions.tolist() == []  # no match: string_agg gives NULL


def test_after_an_index_change_the_words_searched_lately_are_ready_in_the_new_columns(committed):
    from search.text import analyse, tsquery_source

    engine, session, rows = committed
    store = SnapshotStore(engine=lambda: engine, mode="background")
    backend = PostgresBackend(lambda: session, store)
    first = _wait(store, session)
    for words in ("chorale", "théâtre"):
        backend.search(SearchQuery(text=words))
    searched = first.searched_words(10)
    assert searched == [tsquery_source(analyse("théâtre")), tsquery_source(analyse("chorale"))]
    listing = rows["chorale"]
    listing.title = "Chorale du jeudi"
    session.flush()
    backend.index(load_documents(session, "activity", [listing.id]))
    session.commit()
    store.current(session)  # the generation moved on: a reload starts
    fresh = _wait(store, session)
    assert fresh is not first
    # Both word sets were asked before the new columns were used, with their new answers.
    assert fresh.searched_words(10) == searched
    matches = fresh.text_matches(searched[1], _Refusing())
    assert f"activity-{listing.id}" in [fresh.ids[p] for p in matches.positions]
    assert backend.search(SearchQuery(text="chorale")).hits[0].document["title"] == "Chorale du jeudi"


class _Refusing:
    def execute(self, *args, **kwargs):
        raise AssertionError("these matches should have been ready")
