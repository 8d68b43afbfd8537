"""An in-memory, columnar copy of the embedded index's filter, facet and sort columns.

PostgreSQL answers a search by visiting every matching row: a broad word ("musique") or a
facet filter over the whole index means tens of thousands of rows, read and counted one at
a time, for each search. While the index does not change, the same columns held as arrays
(one entry per document) answer filters, facet counts, distances and sorts with vector
operations in a few milliseconds. Full text stays in PostgreSQL: the documents matching a
set of words, with their rank, are asked once per index generation and kept beside the
arrays; the final relevance score of the best candidates too.

A snapshot belongs to one index generation (search/cache.py). When the generation moves
on, searches are answered in SQL until a fresh snapshot is loaded: in a background thread
by default (which also asks again for the matches of the word sets searched last), or at
once (``mode="sync"``, used by tests, where the data lives in the test's transaction). A
search inside a transaction that wrote to the index always uses SQL.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.core.collector import fewer_collections
from search.backends.postgres_sql import FACET_COLUMNS, RANK
from search.cache import CHANGED, generation

log = logging.getLogger(__name__)
T = TypeVar("T")

# PostGIS computes sphere distances (use_spheroid = false) on this radius.
EARTH_RADIUS_M = 6371008.7714
REMEMBERED = 512  # PostgreSQL's answers about word sets (matches, corrections) kept per snapshot
PRIVATE = "search_private_snapshot"  # session.info key: a writing transaction's own snapshot

SINGLE = [name for name, (_column, is_array, _cast) in FACET_COLUMNS.items() if not is_array]
MULTI = [name for name, (_column, is_array, _cast) in FACET_COLUMNS.items() if is_array]
# A document's number: its listing's id and type in one integer, computed by PostgreSQL
# (word matches come back as packed numbers, not as rows of text ids).
DOCUMENT_NUMBER = ("(CAST(listing_id AS bigint) * 4 + CASE listing_type WHEN 'venue' THEN 1 "
                   "WHEN 'activity' THEN 2 ELSE 3 END)")
# Every document matching the words, with its rank, as two packed arrays (see _matches):
# tens of thousands of matches cross as two values, not as rows.
TEXT_MATCHES = text(f"""
    SELECT string_agg(int8send({DOCUMENT_NUMBER}), ''), string_agg(float4send({RANK}), '')
    FROM search_document WHERE search_vector @@ to_tsquery('fr_unaccent', :tsquery)
""")
CARRIED = 64  # word sets a new snapshot asks for before it is used (the last searched)
LOAD = text(f"""
    SELECT {DOCUMENT_NUMBER} AS number, id, title_folded, departement_code, age_min, age_max, next_date,
           ST_X(CAST(geog AS geometry)) AS lon, ST_Y(CAST(geog AS geometry)) AS lat,
           {", ".join(f"CAST({FACET_COLUMNS[name][0]} AS text) AS {name}" for name in SINGLE)},
           {", ".join(f"CAST({FACET_COLUMNS[name][0]} AS text[]) AS {name}" for name in MULTI)}
    FROM search_document
""")


def _codes(values: list) -> tuple[np.ndarray, list[str]]:
    """Each document's value as 1 + its index in the list of distinct values; 0 for none."""
    labels: dict[str, int] = {}
    codes = np.fromiter((0 if v is None else 1 + labels.setdefault(v, len(labels)) for v in values),
                        dtype=np.intp, count=len(values))
    return codes, list(labels)


@dataclass
class Pairs:
    """A multi-valued column as (document, value) pairs: one entry per value a document has."""

    documents: np.ndarray   # document positions, in order
    values: np.ndarray      # index into labels
    labels: list[str]
    offsets: np.ndarray     # a document's pairs are values[offsets[d]:offsets[d + 1]]

    def values_of(self, positions: np.ndarray) -> np.ndarray:
        """The values of a few documents, without touching the others' pairs."""
        starts, ends = self.offsets[positions], self.offsets[positions + 1]
        lengths = ends - starts
        firsts = np.repeat(ends - np.cumsum(lengths), lengths)
        return self.values[firsts + np.arange(int(lengths.sum()))]


def _pairs(values: list[list[str]]) -> Pairs:
    labels: dict[str, int] = {}
    documents = [row for row, items in enumerate(values) for _ in items or ()]
    codes = [labels.setdefault(v, len(labels)) for items in values for v in items or ()]
    counts = np.fromiter((len(items or ()) for items in values), dtype=np.intp, count=len(values))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.intp)
    return Pairs(np.array(documents, dtype=np.intp), np.array(codes, dtype=np.intp), list(labels), offsets)


def _equal_any(codes: np.ndarray, chosen: list[int]) -> np.ndarray:
    if len(chosen) > 4:
        return np.isin(codes, chosen)
    found = np.zeros(len(codes), dtype=bool)
    for code in chosen:
        found |= codes == code
    return found


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _ranks(keys: list) -> np.ndarray:
    """Position of each document in the order of `keys` (the SQL sort, collation C)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[order] = np.arange(len(keys))
    return ranks


@dataclass
class TextMatches:
    positions: np.ndarray   # documents matching the words, in order
    ranks: np.ndarray       # their weighted full-text rank
    # folded query text → document position → relevance score, filled as candidates are scored
    scores: dict[str, dict[int, float]] = field(default_factory=dict)

    def rank_of(self, positions: np.ndarray) -> np.ndarray:
        """The rank of matching documents."""
        return self.ranks[np.searchsorted(self.positions, positions)]


class Snapshot:
    def __init__(self, rows: list, generation_: int):
        self.generation = generation_
        columns = list(zip(*rows)) if rows else [[] for _ in range(9 + len(SINGLE) + len(MULTI))]
        (numbers, ids, titles, departements, age_min, age_max, next_date, lon, lat), rest = columns[:9], columns[9:]
        self.ids = list(ids)
        self.size = len(self.ids)
        numbers = np.array(numbers, dtype=np.int64)
        self._by_number = np.argsort(numbers, kind="stable")  # positions, in the order of their numbers
        self._numbers = numbers[self._by_number]
        self.titles = list(titles)
        self.departement, self.departement_labels = _codes(list(departements))
        self.age_min, self.age_max = _floats(list(age_min)), _floats(list(age_max))
        self.next_date = _floats(list(next_date))
        self.lon, self.lat = _floats(list(lon)), _floats(list(lat))
        self.id_rank = _ranks(self.ids)
        self.title_rank = _ranks(list(zip(self.titles, self.ids)))
        self.single = {name: _codes(list(values)) for name, values in zip(SINGLE, rest[:len(SINGLE)])}
        self.multi = {name: _pairs(list(values)) for name, values in zip(MULTI, rest[len(SINGLE):])}
        self._remembered: OrderedDict[tuple, object] = OrderedDict()
        self._having_masks: dict[tuple[str, int], np.ndarray] = {}
        self._by_title: dict[str, list[int]] = {}
        for position, title in enumerate(self.titles):
            self._by_title.setdefault(title, []).append(position)
        self._lock = threading.Lock()

    def titled(self, folded: str) -> list[int]:
        """Documents whose folded title is exactly `folded`."""
        return self._by_title.get(folded, [])

    # --- words (asked of PostgreSQL once per word set and generation) ----------------------

    def remembered(self, key: tuple, compute: Callable[[], T]) -> T:
        """What PostgreSQL answered about a word set at this generation (the last
        REMEMBERED of them); `compute` asks it the first time."""
        with self._lock:
            found = self._remembered.get(key)
            if found is not None:
                self._remembered.move_to_end(key)
                return found
        found = compute()
        with self._lock:
            self._remembered[key] = found
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return found

    def text_matches(self, tsquery: str, session_or_connection) -> TextMatches:
        return self.remembered(("text", tsquery), lambda: self._matches(
            *session_or_connection.execute(TEXT_MATCHES, {"tsquery": tsquery}).one()))

    def searched_words(self, count: int) -> list[str]:
        """The word sets (tsquery) last searched, the latest first."""
        with self._lock:
            keys = list(reversed(self._remembered))
        return [key[1] for key in keys if key[0] == "text"][:count]

    def _matches(self, numbers: bytes | None, ranks: bytes | None) -> TextMatches:
        """From the matching documents' numbers (int8send, packed) and their ranks
        (float4send, packed, in the same order)."""
        found = np.frombuffer(numbers or b"", dtype=">i8").astype(np.int64)
        ranked = np.frombuffer(ranks or b"", dtype=">f4").astype(np.float64)
        at = np.searchsorted(self._numbers, found)
        known = at < self.size  # a document indexed after this snapshot was read is left out
        known[known] = self._numbers[at[known]] == found[known]
        positions = self._by_number[at[known]]
        order = np.argsort(positions)
        return TextMatches(positions[order], ranked[known][order])

    # --- filters ----------------------------------------------------------------------------

    def _in(self, name: str, wanted) -> np.ndarray:
        codes, labels = self.single[name]
        wanted = {str(w) for w in wanted}
        return _equal_any(codes, [1 + i for i, label in enumerate(labels) if label in wanted])

    def _having(self, name: str, label: int) -> np.ndarray:
        """Documents having one value of a multi-valued column (kept: the values of these
        columns are a few dozen)."""
        having = self._having_masks.get((name, label))
        if having is None:
            pairs = self.multi[name]
            having = np.zeros(self.size, dtype=bool)
            having[pairs.documents[pairs.values == label]] = True
            self._having_masks[(name, label)] = having
        return having

    def _overlaps(self, name: str, wanted, every: bool = False) -> np.ndarray:
        """Documents having one of the wanted values (`every`: all of them)."""
        pairs = self.multi[name]
        wanted = {str(w) for w in wanted}
        chosen = [i for i, label in enumerate(pairs.labels) if label in wanted]
        if not chosen or (every and len(chosen) < len(wanted)):
            return np.zeros(self.size, dtype=bool)
        found = self._having(name, chosen[0]).copy()
        for label in chosen[1:]:
            if every:
                found &= self._having(name, label)
            else:
                found |= self._having(name, label)
        return found

    def distances(self, point: tuple[float, float], rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        lon0, lat0 = np.radians(point[0]), np.radians(point[1])
        lon, lat = np.radians(self.lon[rows]), np.radians(self.lat[rows])
        a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))

    def within(self, point: tuple[float, float], radius_m: float) -> np.ndarray:
        """Documents at most `radius_m` from the point: a box around it first (cheap), then
        the sphere distance for the documents in the box."""
        lon0, lat0 = point
        dlat = np.degrees(radius_m / EARTH_RADIUS_M) * 1.01
        cos = np.cos(np.radians(min(abs(lat0) + dlat, 89.0)))
        dlon = dlat / cos
        with np.errstate(invalid="ignore"):
            box = np.abs(self.lat - lat0) <= dlat
            if -180 <= lon0 - dlon and lon0 + dlon <= 180:  # else the box would cross the antimeridian
                box &= np.abs(self.lon - lon0) <= dlon
        rows = np.flatnonzero(box)
        near = np.zeros(self.size, dtype=bool)
        near[rows[self.distances(point, rows) <= radius_m]] = True
        return near

    def filters(self, query) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(rows passing every common condition, facet → rows passing that facet's filter):
        the same split as postgres_sql.build_filters."""
        common = np.ones(self.size, dtype=bool)
        facets: dict[str, np.ndarray] = {}
        for name, wanted in (("listing_type", query.listing_types), ("kind", query.kinds),
                             ("price_band", query.price_bands), ("commune_code", query.communes)):
            if wanted:
                facets[name] = self._in(name, wanted)
        if query.levels:
            facets["level"] = self._in("level", {*query.levels, "all_levels"})
        for name, wanted in (("disciplines", query.disciplines), ("audiences", query.audiences),
                             ("weekdays", query.weekdays), ("day_periods", query.day_periods)):
            if wanted:
                facets[name] = self._overlaps(name, wanted)
        if query.accessibility:
            facets["accessibility"] = self._overlaps("accessibility", query.accessibility, every=True)
        if query.free is not None:
            free = self._in("is_free", ["true"])
            facets["is_free"] = free if query.free else ~free
        if query.departement:
            labels = self.departement_labels
            common &= self.departement == (1 + labels.index(query.departement) if query.departement in labels else -1)
        if query.age is not None:
            common &= _open_below(self.age_min, query.age) & _open_above(self.age_max, query.age)
        if query.age_range is not None:
            low, high = query.age_range
            common &= _open_below(self.age_min, high) & _open_above(self.age_max, low)
        if query.point is not None and query.radius_km:
            common &= self.within(query.point, float(query.radius_km) * 1000)
        if query.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = query.bbox
            with np.errstate(invalid="ignore"):
                common &= (self.lon >= min_lon) & (self.lon <= max_lon) & (self.lat >= min_lat) & (self.lat <= max_lat)
        return common, facets

    # --- order -----------------------------------------------------------------------------

    def first(self, rows: np.ndarray, primary: np.ndarray, k: int) -> np.ndarray:
        """The first `k` of `rows` ordered by `primary` (NaN last), then by id: the SQL order,
        without sorting every row."""
        primary = np.where(np.isnan(primary), np.inf, primary)
        if len(rows) > k > 0:
            kth = np.partition(primary, k - 1)[k - 1]
            keep = np.flatnonzero(primary <= kth)  # ties at the k-th value stay, ordered by id
            rows, primary = rows[keep], primary[keep]
        order = np.lexsort((self.id_rank[rows], primary))
        return rows[order][:k]

    # --- facet counts -----------------------------------------------------------------------

    def facet_counts(self, names, common: np.ndarray, facets: dict[str, np.ndarray],
                     passing: np.ndarray) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        selections = {}  # the rows counted, prepared once per distinct set of rows
        for name in names:
            if name not in FACET_COLUMNS:
                continue
            key, rows = None, passing
            if name in facets:  # counted with every filter but its own
                key, rows = name, common.copy()
                for other, other_rows in facets.items():
                    if other != name:
                        rows &= other_rows
            if key not in selections:
                selections[key] = Selection(rows)
            counts[name] = self._count(name, selections[key])
        return counts

    def _count(self, name: str, selection: "Selection") -> dict[str, int]:
        if name in self.single:
            codes, labels = self.single[name]
            tally = np.bincount(codes[selection.positions], minlength=len(labels) + 1)[1:]
        else:
            pairs = self.multi[name]
            labels = pairs.labels
            # The values of a third of the documents or fewer: gathered; more: every pair weighed.
            if len(selection.positions) * 3 < self.size:
                tally = np.bincount(pairs.values_of(selection.positions), minlength=len(labels))
            else:
                tally = np.bincount(pairs.values, weights=selection.weights[pairs.documents], minlength=len(labels))
        present = np.flatnonzero(tally > 0.5)
        return dict(zip([labels[i] for i in present], np.rint(tally[present]).astype(np.int64).tolist()))


class Selection:
    """The documents a facet is counted over, as positions and as weights (each made once,
    when first needed)."""

    def __init__(self, rows: np.ndarray):
        self.rows = rows

    @cached_property
    def positions(self) -> np.ndarray:
        return np.flatnonzero(self.rows)

    @cached_property
    def weights(self) -> np.ndarray:
        return self.rows.astype(np.float64)


def _open_below(values: np.ndarray, bound: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isnan(values) | (values <= bound)


def _open_above(values: np.ndarray, bound: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isnan(values) | (values >= bound)


def load(connection_or_session) -> Snapshot:
    """Read the columns (one statement) at the current generation."""
    current = generation(connection_or_session)
    with fewer_collections():
        rows = connection_or_session.execute(LOAD).all()
        return Snapshot(rows, current)


class SnapshotStore:
    """The process's snapshot of the embedded index, for the searches of every session."""

    def __init__(self, engine: Callable | None = None, mode: str = "background"):
        self.mode = mode          # "background", "sync" or "off"
        self._engine = engine     # gives the engine background loads connect to
        self._snapshot: Snapshot | None = None
        self._loading = False
        self._lock = threading.Lock()

    def current(self, session) -> Snapshot | None:
        """The snapshot for this session's generation, or None: answer in SQL."""
        if self.mode == "off":
            return None
        current = generation(session)
        if session.info.get(CHANGED) or not isinstance(session.get_bind(), Engine):
            # This transaction wrote to the index (or will never commit: an outer transaction
            # holds it, as in tests): only its own view is right, never shared.
            if self.mode != "sync":
                return None
            private = session.info.get(PRIVATE)
            if private is None or private.generation != current:
                private = session.info[PRIVATE] = load(session)
            return private
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == current:
            return snapshot
        if self.mode == "sync":
            self._snapshot = load(session)
            return self._snapshot
        self._load_in_background()
        return None

    def _load_in_background(self) -> None:
        if self._engine is None:
            return
        engine = self._engine()  # here, where the app is at hand; not in the thread
        with self._lock:
            if self._loading:
                return
            self._loading = True
        threading.Thread(target=self._background_load, args=(engine,), name="search-snapshot", daemon=True).start()

    def _background_load(self, engine) -> None:
        try:
            with engine.connect() as connection:
                fresh = load(connection)
                # The word sets searched lately are asked again before the new columns are
                # used: after an index change, popular searches do not pay for them again.
                previous = self._snapshot
                lately = previous.searched_words(CARRIED) if previous is not None else []
                for tsquery in reversed(lately):  # the latest stays the most recently used
                    fresh.text_matches(tsquery, connection)
                self._snapshot = fresh
        except Exception as exc:  # searches go on in SQL
            log.warning("search snapshot not loaded: %s", exc)
        finally:
            with self._lock:
                self._loading = False


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_private(session) -> None:
    session.info.pop(PRIVATE, None)
