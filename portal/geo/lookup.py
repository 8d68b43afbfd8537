"""Find a commune from whatever a partner file gives: an INSEE code (current, former, or
with its leading zero lost), a postal code, a name with or without its article, a point.

`CommuneIndex` holds the small attributes of every commune in memory (≈35 000 rows,
a few MB) so that an import of 15 000 rows does not make 15 000 queries; points are
resolved in SQL, in batches, where the GiST index on boundaries does the work.
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import text

from portal.geo.names import match_name, normalise_insee_code, normalise_postal_code


class CommuneRef(NamedTuple):  # a tuple: 35 000 of them are built per index
    insee_code: str
    name: str
    departement_code: str
    postal_codes: tuple[str, ...]
    has_boundary: bool
    match_name: str


_CACHE: dict = {}


class CommuneIndex:
    def __init__(self, communes: list[CommuneRef], former: dict[str, str],
                 extent: tuple[float, float, float, float] | None = None):
        self.by_code = {c.insee_code: c for c in communes}
        # (west, south, east, north) around every loaded boundary: a point outside it lies in
        # no known commune, no query needed (boundaries cover a few départements).
        self.extent = extent
        self.former = former
        self.by_postal: dict[str, list[CommuneRef]] = {}
        self.by_name: dict[str, list[CommuneRef]] = {}
        for commune in communes:
            for postal in commune.postal_codes:
                self.by_postal.setdefault(postal, []).append(commune)
            self.by_name.setdefault(commune.match_name, []).append(commune)

    @classmethod
    def load(cls, session, where: str = "true", params: dict | None = None) -> "CommuneIndex":
        """All communes, or only the candidates `where` selects (single look-ups)."""
        rows = session.execute(text(
            "SELECT insee_code, name, departement_code, postal_codes, former_codes, boundary IS NOT NULL, match_name "
            f"FROM commune WHERE {where}"
        ), params or {}).all()
        communes = [CommuneRef(r[0], r[1], r[2], tuple(r[3]), r[5], r[6]) for r in rows]
        former = {old: r[0] for r in rows for old in r[4]}
        return cls(communes, former)

    @classmethod
    def cached(cls, session) -> "CommuneIndex":
        """All communes, built once per process and rebuilt when the table changes (a geography
        load): every import needs the whole index, and building it costs more than a query."""
        fingerprint = tuple(session.execute(text(
            "SELECT count(*), max(xmin::text::bigint) FROM commune")).one())
        if _CACHE.get("fingerprint") != fingerprint:
            index = cls.load(session)
            extent = session.execute(text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary) AS e "
                "FROM commune) AS s")).one()
            index.extent = tuple(extent) if extent[0] is not None else (0.0, 0.0, 0.0, 0.0)
            _CACHE.update(fingerprint=fingerprint, index=index)
        return _CACHE["index"]

    def by_insee(self, raw: object) -> CommuneRef | None:
        code = normalise_insee_code(raw)
        if code is None:
            return None
        if code in self.by_code:
            return self.by_code[code]
        current = self.former.get(code)
        return self.by_code.get(current) if current else None

    def by_postal_code(self, raw: object) -> list[CommuneRef]:
        code = normalise_postal_code(raw)
        return list(self.by_postal.get(code, [])) if code else []

    def by_commune_name(self, name: str, postal_code: object = None,
                        departement: str | None = None) -> CommuneRef | None:
        """A name resolves when it is unambiguous, or made so by a postal code or département."""
        candidates = self.name_candidates(name, postal_code, departement)
        return candidates[0] if len(candidates) == 1 else None

    def name_candidates(self, name: object, postal_code: object = None,
                        departement: str | None = None) -> list[CommuneRef]:
        """The communes a name may mean (several for « Saint-Denis » alone), narrowed by a postal
        code or a département when they tell them apart."""
        if not name or not str(name).strip():
            return []
        candidates = self.by_name.get(match_name(str(name)), [])
        postal = normalise_postal_code(postal_code)
        if postal and candidates:
            narrowed = [c for c in candidates if postal in c.postal_codes]
            if not narrowed:  # a CEDEX or new code: its département (3 digits overseas)
                departement = postal[:3] if postal.startswith("97") else postal[:2]
                narrowed = [c for c in candidates if c.departement_code == departement]
            if not narrowed and len(candidates) > 1:
                return []  # a code none of the same-named communes has: no guess
            candidates = narrowed or candidates
        if departement:
            candidates = [c for c in candidates if c.departement_code == departement] or candidates
        return list(candidates)

    def resolve(self, insee: object = None, postal_code: object = None, name: object = None) -> CommuneRef | None:
        """The best commune for the evidence a row gives, most reliable evidence first."""
        found = self.by_insee(insee) if insee not in (None, "") else None
        if found:
            return found
        if name not in (None, ""):
            found = self.by_commune_name(str(name), postal_code)
            if found:
                return found
        by_postal = self.by_postal_code(postal_code)
        return by_postal[0] if len(by_postal) == 1 else None


def communes_at_points(session, points: list[tuple[float, float]],
                       extent: tuple[float, float, float, float] | None = None) -> list[str | None]:
    """INSEE code of the commune containing each (lon, lat), or None outside loaded boundaries
    (outside `extent`, their bounding box when known, without asking the database)."""
    if extent is not None:
        west, south, east, north = extent
        inside = [i for i, (lon, lat) in enumerate(points) if west <= lon <= east and south <= lat <= north]
        found: list[str | None] = [None] * len(points)
        for i, code in zip(inside, communes_at_points(session, [points[i] for i in inside])):
            found[i] = code
        return found
    if not points:
        return []
    rows = session.execute(text("""
        SELECT p.ord, c.insee_code
        FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS p(lon, lat, ord)
        LEFT JOIN LATERAL (
            SELECT insee_code FROM commune
            WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
            ORDER BY insee_code LIMIT 1
        ) c ON true
        ORDER BY p.ord
    """), {"lons": [p[0] for p in points], "lats": [p[1] for p in points]}).all()
    return [r[1] for r in rows]


def commune_at(session, lon: float, lat: float) -> str | None:
    return communes_at_points(session, [(lon, lat)])[0]
