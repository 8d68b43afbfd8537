"""Find a commune from whatever a partner file gives: an INSEE code (current, former, or
with its leading zero lost), a postal code, a name with or without its article, a point.

`CommuneIndex` holds the small attributes of every commune in memory (≈35 000 rows,
a few MB) so that an import of 15 000 rows does not make 15 000 queries; points are
resolved in SQL, in batches, where the GiST index on boundaries does the work.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from sqlalchemy import text

from portal.geo.names import match_name, normalise_insee_code, normalise_postal_code
from portal.geo.overseas import OVERSEAS_BOXES, box_centre, territory_at


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
                 extent: tuple[float, float, float, float] | None = None,
                 former_names: dict[str, list[CommuneRef]] | None = None):
        self.by_code = {c.insee_code: c for c in communes}
        # (west, south, east, north) around every loaded boundary: a point outside it lies in
        # no known commune, no query needed (boundaries cover a few départements).
        self.extent = extent
        self.former = former
        self.by_former_name = former_names or {}  # « bellegarde sur valserine » → [Valserhône]
        self.by_postal: dict[str, list[CommuneRef]] = {}
        self.by_name: dict[str, list[CommuneRef]] = {}
        for commune in communes:
            for postal in commune.postal_codes:
                self.by_postal.setdefault(postal, []).append(commune)
            self.by_name.setdefault(commune.match_name, []).append(commune)

    @classmethod
    def load(cls, session, where: str = "true", params: dict | None = None) -> "CommuneIndex":
        """All communes, or only the candidates `where` selects (single look-ups)."""
        # The arrays come as text, split here: the driver's array parsing took most of the load.
        rows = session.execute(text(
            "SELECT insee_code, name, departement_code, array_to_string(postal_codes, ' '), "
            "array_to_string(former_codes, ' '), boundary IS NOT NULL, match_name, array_to_string(former_names, '|') "
            f"FROM commune WHERE {where}"
        ), params or {}).all()
        communes = [CommuneRef(r[0], r[1], r[2], tuple(r[3].split()), r[5], r[6]) for r in rows]
        former = {old: r[0] for r in rows if r[4] for old in r[4].split()}
        former_names: dict[str, list[CommuneRef]] = {}
        for commune, row in zip(communes, rows):
            if row[7]:
                for name in row[7].split("|"):
                    former_names.setdefault(name, []).append(commune)
        return cls(communes, former, former_names=former_names)

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
        code or a département when they tell them apart; by a former name (a commune merged
        into another) when no current commune of that name fits."""
        if not name or not str(name).strip():
            return []
        key = match_name(str(name))
        return (self._narrowed(self.by_name.get(key, []), postal_code, departement)
                or self._narrowed(self.by_former_name.get(key, []), postal_code, departement))

    @staticmethod
    def _narrowed(candidates: list[CommuneRef], postal_code: object, departement: str | None) -> list[CommuneRef]:
        postal = normalise_postal_code(postal_code)
        if postal and candidates:
            narrowed = [c for c in candidates if postal in c.postal_codes]
            if not narrowed:  # a CEDEX or new code: its département
                narrowed = [c for c in candidates if c.departement_code in postal_departements(postal)]
            if not narrowed:
                return []  # a code of another département than the name's commune(s): no guess
            candidates = narrowed
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


def postal_departements(postal: str) -> tuple[str, ...]:
    """The départements a postal code may belong to: its first two digits, three overseas,
    either Corsican département for 20xxx."""
    if postal.startswith("20"):
        return ("2A", "2B")
    return (postal[:3],) if postal.startswith("97") else (postal[:2],)


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


def departements_at_points(session, points: list[tuple[float, float]]) -> list[str | None]:
    """The département each (lon, lat) lies in: by the loaded boundaries (metropolitan France),
    by its bounding box overseas; None at sea or abroad."""
    if not points:
        return []
    rows = dict(session.execute(text("""
        SELECT p.ord, (SELECT d.code FROM departement d
                       WHERE ST_Intersects(d.boundary, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
                       ORDER BY d.code LIMIT 1)
        FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS p(lon, lat, ord)
    """), {"lons": [p[0] for p in points], "lats": [p[1] for p in points]}).all())
    return [rows.get(i + 1) or territory_at(*point) for i, point in enumerate(points)]


def departement_gaps(session, points: list[tuple[float, float]], codes: list[str]) -> list[float | None]:
    """How far (km) each (lon, lat) lies from département `codes[i]`: 0 inside it; None when
    that département's boundary is unknown (overseas: 0 inside its box, else from its centre)."""
    if not points:
        return []
    rows = dict(session.execute(text("""
        SELECT p.ord, CASE WHEN ST_Intersects(d.boundary, g.point) THEN 0
                           ELSE ST_Distance(d.boundary::geography, g.point::geography) / 1000 END
        FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[]), CAST(:codes AS text[]))
             WITH ORDINALITY AS p(lon, lat, code, ord)
        CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS point) g
        JOIN departement d ON d.code = p.code AND d.boundary IS NOT NULL
    """), {"lons": [p[0] for p in points], "lats": [p[1] for p in points], "codes": codes}).all())
    gaps: list[float | None] = []
    for i, (point, code) in enumerate(zip(points, codes)):
        if i + 1 in rows:
            gaps.append(float(rows[i + 1]))
        elif code in OVERSEAS_BOXES:
            gaps.append(0.0 if territory_at(*point) == code else _km(point, box_centre(code)))
        else:
            gaps.append(None)
    return gaps


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat), in km."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))
