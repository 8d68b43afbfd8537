"""The embedded search engine: PostgreSQL full-text (French, accent-folded) + pg_trgm + PostGIS.

It needs nothing beyond the database the portal already runs on, so it is the default and
the fallback when Meilisearch is down. Documents live in `search_document` (migration 0002);
writes go through the caller's session, so indexing commits or rolls back together with
the outbox rows that asked for it.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
from sqlalchemy import text

from search.backends.base import SearchHit, SearchQuery, SearchResult, Suggestion
from search.backends.postgres_sql import CANDIDATE_WINDOW, build_filters, facets_sql, hits_sql, score_sql
from search.backends.snapshot import Snapshot, SnapshotStore
from search.cache import mark_changed
from search.text import Unit, analyse, highlight, highlight_stems, tsquery_source, words

MIN_CORRECTED_LENGTH = 4
CORRECTION_SIMILARITY = 0.4
CORRECTIONS_PER_WORD = 3
SNIPPET_WORDS = 30
# Words a searcher uses for a kind ("cinéma Méliès" finds the venue named just "Méliès").
KIND_WORDS = {
    "library": "bibliothèque médiathèque", "cinema": "cinéma", "conservatoire": "conservatoire",
    "cultural_centre": "centre culturel", "theatre": "théâtre", "rehearsal_studio": "studio répétition",
    "school": "école", "regular_class": "atelier cours", "short_course": "stage", "trial_session": "séance d'essai",
    "recruiting_group": "groupe recrute", "open_practice": "pratique libre jam", "amateur_event": "spectacle",
    "rehearsal_room": "salle de répétition", "equipment_loan": "prêt de matériel", "funding": "aide financement",
    "training": "formation", "advice": "conseil", "network": "réseau",
}

UPSERT = text("""
    INSERT INTO search_document (id, listing_type, listing_id, kind, title, title_folded, disciplines,
        audiences, weekdays, day_periods, accessibility, level, is_free, price_band, age_min, age_max,
        commune_code, departement_code, ept_code, status, next_date, last_verified_at, geog,
        search_vector)
    VALUES (:id, :listing_type, :listing_id, :kind, :title, search_fold(:title), :disciplines,
        :audiences, :weekdays, :day_periods, :accessibility, :level, :is_free, :price_band, :age_min,
        :age_max, :commune_code, :departement_code, :ept_code, :status, :next_date, :last_verified_at,
        CASE WHEN CAST(:lng AS float8) IS NULL THEN NULL
             ELSE CAST(ST_SetSRID(ST_MakePoint(:lng, :lat), 4326) AS geography) END,
        setweight(to_tsvector('fr_unaccent', :title), 'A')
          || setweight(to_tsvector('fr_unaccent', :labels), 'B')
          || setweight(to_tsvector('fr_unaccent', :context), 'C')
          || setweight(to_tsvector('fr_unaccent', :description), 'D'))
    ON CONFLICT (id) DO UPDATE SET listing_type = EXCLUDED.listing_type, listing_id = EXCLUDED.listing_id,
        kind = EXCLUDED.kind, title = EXCLUDED.title, title_folded = EXCLUDED.title_folded,
        disciplines = EXCLUDED.disciplines, audiences = EXCLUDED.audiences, weekdays = EXCLUDED.weekdays,
        day_periods = EXCLUDED.day_periods, accessibility = EXCLUDED.accessibility, level = EXCLUDED.level,
        is_free = EXCLUDED.is_free, price_band = EXCLUDED.price_band, age_min = EXCLUDED.age_min,
        age_max = EXCLUDED.age_max, commune_code = EXCLUDED.commune_code,
        departement_code = EXCLUDED.departement_code, ept_code = EXCLUDED.ept_code,
        status = EXCLUDED.status, next_date = EXCLUDED.next_date,
        last_verified_at = EXCLUDED.last_verified_at, geog = EXCLUDED.geog,
        search_vector = EXCLUDED.search_vector
""")
PAYLOAD = text("""
    INSERT INTO search_payload (id, document) VALUES (:id, CAST(:document AS jsonb))
    ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document
""")
PAYLOADS = text("SELECT id, document FROM search_payload WHERE id = ANY(:ids)")
TERMS = text("""
    INSERT INTO search_term (word) SELECT DISTINCT unnest(CAST(:words AS text[]))
    ON CONFLICT (word) DO UPDATE SET weight = search_term.weight + 1
""")
KNOWN = text("""
    SELECT q.word, EXISTS (SELECT 1 FROM search_term t WHERE t.word = q.word)
        OR (q.prefix AND EXISTS (SELECT 1 FROM search_term t WHERE t.word LIKE q.word || '%'))
    FROM unnest(CAST(:words AS text[]), CAST(:prefixes AS boolean[])) AS q(word, prefix)
""")
CORRECT = text("""
    SELECT q.word, c.word
    FROM unnest(CAST(:words AS text[])) AS q(word)
    CROSS JOIN LATERAL (
        SELECT t.word FROM search_term t
        WHERE t.word % q.word AND similarity(t.word, q.word) >= :threshold
        ORDER BY similarity(t.word, q.word) DESC, t.weight DESC LIMIT :per_word
    ) AS c
""")

# The score of candidates whose folded title and rank are known (the in-memory columns):
# the same expression as in SQL search, without reading their rows.
SCORES = text(f"""
    SELECT CAST({score_sql("u.title", "u.rank")} AS float8)
    FROM unnest(CAST(:titles AS text[]), CAST(:ranks AS real[])) WITH ORDINALITY AS u(title, rank, n)
    ORDER BY u.n
""")


class Ranked(NamedTuple):
    id: str
    score: float | None
    distance: float | None


def _rounded(score: float) -> Decimal:
    """round(CAST(score AS numeric), 2) as PostgreSQL computes it (15 digits, half up)."""
    return Decimal(f"{score:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _row(doc: dict) -> dict:
    geo = doc.get("_geo") or {}
    context = " ".join(filter(None, [doc.get("organization"), doc.get("commune_name"),
                                     KIND_WORDS.get(doc.get("kind") or "")]))
    return {
        **{key: doc.get(key) for key in (
            "id", "listing_type", "listing_id", "kind", "title", "level", "is_free", "price_band", "age_min",
            "age_max", "commune_code", "departement_code", "ept_code", "status", "next_date",
            "last_verified_at")},
        "disciplines": doc.get("disciplines") or [], "audiences": doc.get("audiences") or [],
        "weekdays": doc.get("weekdays") or [], "day_periods": doc.get("day_periods") or [],
        "accessibility": doc.get("accessibility") or [],
        "lng": geo.get("lng"), "lat": geo.get("lat"),
        "labels": " ".join((doc.get("discipline_labels") or []) + (doc.get("tags") or [])),
        "context": context, "description": doc.get("description") or "",
        "document": json.dumps(doc, ensure_ascii=False),
    }


def _terms(doc: dict) -> set[str]:
    """Words a searcher may mistype: titles, disciplines, tags, organisations, communes."""
    sources = [doc.get("title") or "", doc.get("organization") or "", doc.get("commune_name") or "",
               *(doc.get("discipline_labels") or []), *(doc.get("tags") or [])]
    return {word for source in sources for word in words(source) if len(word) >= 3 and not word.isdigit()}


class PostgresBackend:
    name = "postgres"

    def __init__(self, session_factory: Callable, snapshots: SnapshotStore | None = None):
        self._session = session_factory
        self._snapshots = snapshots

    # --- writing ----------------------------------------------------------------------------

    def index(self, documents: list[dict]) -> None:
        if not documents:
            return
        session = self._session()
        rows = [_row(doc) for doc in documents]
        mark_changed(session)
        session.execute(UPSERT, rows)
        session.execute(PAYLOAD, [{"id": row["id"], "document": row["document"]} for row in rows])
        vocabulary = set().union(*(_terms(doc) for doc in documents))
        if vocabulary:
            session.execute(TERMS, {"words": sorted(vocabulary)})

    def delete(self, ids: list[str]) -> None:
        if ids:
            session = self._session()
            mark_changed(session)
            session.execute(text("DELETE FROM search_document WHERE id = ANY(:ids)"), {"ids": list(ids)})

    def clear(self) -> None:
        session = self._session()
        mark_changed(session)
        session.execute(text("DELETE FROM search_document"))  # payloads go with them (cascade)
        session.execute(text("DELETE FROM search_term"))

    def document_ids(self) -> set[str]:
        return set(self._session().execute(text("SELECT id FROM search_document")).scalars())

    def apply_settings(self, dry_run: bool = False) -> dict:
        """Settings live in migration 0002 (text search configuration, indexes)."""
        return {"backend": self.name, "changed": False, "detail": "réglages portés par les migrations"}

    def health(self) -> dict:
        try:
            self._session().execute(text("SELECT 1 FROM search_document LIMIT 1"))
        except Exception as exc:  # the probe reports any failure
            return {"ok": False, "backend": self.name, "error": exc.__class__.__name__}
        return {"ok": True, "backend": self.name}

    # --- reading ----------------------------------------------------------------------------

    def _correct(self, units: list[Unit], snapshot: Snapshot | None) -> None:
        """Add close indexed words to the units the index does not know (typos)."""
        single = [u for u in units if " " not in u.phrase and len(u.phrase) >= MIN_CORRECTED_LENGTH
                  and not u.phrase.isdigit()]
        if not single:
            return
        typed = tuple((u.phrase, u.prefix) for u in single)
        found = snapshot.remembered(("corrections", typed), lambda: self._corrections(typed)) \
            if snapshot is not None else self._corrections(typed)
        for unit in single:
            unit.corrections.update(found.get(unit.phrase, ()))

    def _corrections(self, typed: tuple[tuple[str, bool], ...]) -> dict[str, frozenset[str]]:
        """Typed word → close indexed words, for the words the index does not know."""
        session = self._session()
        known = dict(session.execute(KNOWN, {"words": [phrase for phrase, _ in typed],
                                             "prefixes": [prefix for _, prefix in typed]}).all())
        unknown = [phrase for phrase, _ in typed if not known.get(phrase)]
        if not unknown:
            return {}
        rows = session.execute(CORRECT, {"words": unknown, "threshold": CORRECTION_SIMILARITY,
                                         "per_word": CORRECTIONS_PER_WORD}).all()
        return {phrase: frozenset(word for typed_word, word in rows if typed_word == phrase) for phrase in unknown}

    def search(self, query: SearchQuery) -> SearchResult:
        session = self._session()
        snapshot = self._snapshots.current(session) if self._snapshots is not None else None
        units = analyse(query.text or "")
        if units:
            self._correct(units, snapshot)
        per_page = max(1, min(query.per_page, 100))
        page = max(1, query.page)
        offset = (page - 1) * per_page
        if snapshot is not None:
            ranked, total, counts = self._from_snapshot(snapshot, session, query, units, offset, per_page)
        else:
            ranked, total, counts = self._from_sql(session, query, units, offset, per_page)
        facets: dict[str, dict[str, int]] = {name: {} for name in query.facets}
        facets.update(counts)
        documents = dict(session.execute(PAYLOADS, {"ids": [row.id for row in ranked]}).all()) if ranked else {}
        stems = highlight_stems(units) if (units and query.highlight) else []
        hits = [self._hit(row, documents[row.id], stems) for row in ranked if row.id in documents]
        return SearchResult(hits=hits, total=total, page=page, per_page=per_page, facets=facets,
                            backend=self.name)

    def _from_sql(self, session, query: SearchQuery, units: list[Unit], offset: int, per_page: int):
        has_text = bool(units)
        filters = build_filters(query, has_text)
        params = dict(filters.params)
        if has_text:
            params["tsquery"] = tsquery_source(units)
            params["folded"] = " ".join(words(query.text))
        params.setdefault("lon", None)
        params.setdefault("lat", None)
        rows = session.execute(text(hits_sql(query, filters, has_text)),
                               {**params, "limit": per_page, "offset": offset,
                                "window": max(CANDIDATE_WINDOW, offset + per_page)}).all()
        ranked = [Ranked(row.id, row.score, row.distance) for row in rows]
        counts: dict[str, dict[str, int]] = {}
        total = 0
        for facet, value, count in session.execute(text(facets_sql(query, filters)), params):
            if facet == "__total__":
                total = count
            else:
                counts.setdefault(facet, {})[value] = count
        return ranked, total, counts

    def _from_snapshot(self, snapshot: Snapshot, session, query: SearchQuery, units: list[Unit],
                       offset: int, per_page: int):
        """The same answer as _from_sql, from the in-memory columns (see snapshot.py)."""
        common, facets = snapshot.filters(query)
        tsquery = folded = matches = None
        if units:
            tsquery, folded = tsquery_source(units), " ".join(words(query.text))
            matches = snapshot.text_matches(tsquery, session)
            in_text = np.zeros(snapshot.size, dtype=bool)
            in_text[matches.positions] = True
            common = common & in_text
        passing = common.copy()
        for rows in facets.values():
            passing &= rows
        counts = snapshot.facet_counts(query.facets, common, facets, passing)
        sort = "relevance" if query.sort == "distance" and query.point is None else query.sort
        if matches is not None and sort == "relevance":
            keep = passing[matches.positions]
            window = max(CANDIDATE_WINDOW, offset + per_page)
            positions, ranks = matches.positions[keep], matches.ranks[keep]
            if len(positions) > window:
                positions = positions[np.argpartition(-ranks, window - 1)[:window]]
            candidates = {*positions.tolist(), *(p for p in snapshot.titled(folded) if passing[p])}
            chosen = list(candidates)
        else:
            rows = np.flatnonzero(passing)
            if sort == "date":
                primary = snapshot.next_date[rows]
            elif query.point is not None:
                primary = snapshot.distances(query.point, rows)
            else:
                primary = snapshot.title_rank[rows].astype(np.float64)
            chosen = snapshot.first(rows, primary, offset + per_page)[offset:].tolist()
        scores = self._scores(session, snapshot, matches, folded, chosen) if matches is not None else {}
        distances = snapshot.distances(query.point, np.array(chosen, dtype=np.int64)).tolist() \
            if query.point is not None and chosen else [None] * len(chosen)
        ranked = [Ranked(snapshot.ids[p], scores.get(p), None if d is None or d != d else d)
                  for p, d in zip(chosen, distances)]
        if matches is not None and sort == "relevance":
            far = float("inf")
            ranked.sort(key=lambda r: (-_rounded(r.score or 0.0),
                                       (far if r.distance is None else r.distance) if query.point else 0, r.id))
            ranked = ranked[offset:offset + per_page]
        return ranked, int(passing.sum()), counts

    @staticmethod
    def _scores(session, snapshot: Snapshot, matches, folded: str, chosen: list[int]) -> dict[int, float]:
        """The relevance score of the chosen candidates (all of them match the words); each
        document's is computed once per word set and generation."""
        known = matches.scores.setdefault(folded, {})
        missing = [p for p in chosen if p not in known]
        if missing:
            ranks = matches.rank_of(np.array(missing, dtype=np.int64)).tolist()
            found = session.execute(SCORES, {"folded": folded, "titles": [snapshot.titles[p] for p in missing],
                                             "ranks": ranks}).scalars().all()
            known.update(zip(missing, found))
        return {p: known[p] for p in chosen}

    @staticmethod
    def _hit(row, doc: dict, stems: list[str]) -> SearchHit:
        highlights = {}
        if stems:
            for field, value, window in (("title", doc.get("title"), None),
                                         ("description", doc.get("description"), SNIPPET_WORDS)):
                marked = highlight(value, stems, window)
                if marked:
                    highlights[field] = marked
        return SearchHit(id=row.id, document=doc, score=float(row.score) if row.score is not None else None,
                         distance_m=float(row.distance) if row.distance is not None else None,
                         highlights=highlights)

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Disciplines, communes and titles starting like the prefix (typos tolerated on titles)."""
        folded = " ".join(words(prefix))
        if len(folded) < 2:
            return []
        session = self._session()
        like = folded + "%"
        disciplines = session.execute(text("""
            SELECT slug, label_fr FROM discipline d
            WHERE search_fold(label_fr) LIKE :like OR search_fold(label_fr) LIKE :inner
               OR EXISTS (SELECT 1 FROM unnest(d.synonyms) s WHERE search_fold(s) LIKE :like)
            ORDER BY (search_fold(label_fr) LIKE :like) DESC, parent_id NULLS FIRST, position LIMIT 3
        """), {"like": like, "inner": "% " + like}).all()
        communes = session.execute(text("""
            SELECT c.insee_code, c.name FROM commune c
            WHERE c.match_name LIKE :like AND EXISTS (SELECT 1 FROM search_document d WHERE d.commune_code = c.insee_code)
            ORDER BY c.population DESC NULLS LAST LIMIT 3
        """), {"like": like}).all()
        titles = session.execute(text("""
            SELECT id, title FROM search_document
            WHERE title_folded LIKE :like OR title_folded LIKE :inner OR :folded <% title_folded
            ORDER BY (title_folded LIKE :like) DESC, word_similarity(:folded, title_folded) DESC, title LIMIT :limit
        """), {"like": like, "inner": "% " + like, "folded": folded, "limit": limit}).all()
        suggestions = [Suggestion("discipline", label, slug) for slug, label in disciplines]
        suggestions += [Suggestion("commune", name, code) for code, name in communes]
        room = max(limit - len(suggestions), min(3, limit))
        suggestions += [Suggestion("title", title, doc_id) for doc_id, title in titles[:room]]
        return suggestions[:limit]
