"""Loads the reference geography: régions, départements and communes of the current COG
(attributes from @etalab/decoupage-administratif) with boundaries from france-geojson.

Boundary files are older than the COG: a feature whose code is no longer a current commune
(Pierrefitte-sur-Seine, 93059, merged into Saint-Denis, 93066) is unioned into the commune
that absorbed it. Everything is read and checked before the first write, and written in
one transaction: a missing or corrupt file leaves the database as it was.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import unary_union
from shapely.validation import make_valid
from sqlalchemy import text

from portal.geo.names import match_name, slugify


class GeoDataError(Exception):
    """A reference file is missing or unusable; the message names the file (in French)."""


@dataclass
class LoadReport:
    regions: int = 0
    departements: int = 0
    communes: int = 0
    communes_with_boundary: int = 0
    changed: dict[str, int] = field(default_factory=dict)


def _read_json(path: Path):
    if not path.is_file():
        raise GeoDataError(f"{path} : fichier introuvable.")
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoDataError(f"{path} : fichier illisible ou corrompu ({exc}).") from exc


def _features(path: Path) -> list[dict]:
    """Features of a GeoJSON file holding either a FeatureCollection or a bare Feature."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        raise GeoDataError(f"{path} : ce n'est ni un Feature ni une FeatureCollection GeoJSON.")
    if not isinstance(features, list):
        raise GeoDataError(f"{path} : « features » doit être une liste.")
    for index, feature in enumerate(features):
        props = (feature or {}).get("properties") or {}
        if not props.get("code") or not (feature.get("geometry") or {}).get("type"):
            raise GeoDataError(f"{path} : l'objet n° {index + 1} n'a pas de code ou de géométrie.")
    return features


def _multipolygon(geometries: list, path: Path, code: str) -> MultiPolygon:
    try:
        merged = make_valid(unary_union([shape(g) for g in geometries]))
    except Exception as exc:  # shapely raises several types on broken coordinates
        raise GeoDataError(f"{path} : géométrie invalide pour le code {code} ({exc}).") from exc
    if isinstance(merged, Polygon):
        return MultiPolygon([merged])
    if isinstance(merged, MultiPolygon):
        return merged
    polygons = [g for g in getattr(merged, "geoms", []) if isinstance(g, Polygon)]
    polygons += [p for g in getattr(merged, "geoms", []) if isinstance(g, MultiPolygon) for p in g.geoms]
    if not polygons:
        raise GeoDataError(f"{path} : la géométrie du code {code} n'est pas surfacique.")
    return MultiPolygon(polygons)


def _boundary_files(directory: Path, prefixes: tuple[str, ...]) -> list[Path]:
    """Matching files, simplified versions first so that detailed ones win."""
    files = sorted(p for prefix in prefixes for p in directory.glob(f"{prefix}*.geojson"))
    return sorted(files, key=lambda p: (0 if "simplifiee" in p.name else 1, p.name))


class ReferenceData:
    """Everything read from the directory, checked, ready to write."""

    def __init__(self, directory: Path):
        self.directory = directory
        if not directory.is_dir():
            raise GeoDataError(f"{directory} : dossier de données de référence introuvable.")
        self.regions = {r["code"]: r["nom"] for r in self._records("regions.json", ("code", "nom"))}
        self.departements = {d["code"]: d for d in self._records("departements.json", ("code", "nom", "region"))}
        entries = self._records("communes.json", ("code", "nom", "type"))
        self.communes = {c["code"]: c for c in entries if c["type"] == "commune-actuelle"}
        self.ept = self._ept()
        self.aliases = self._aliases(entries)
        self.former_names = self._former_names(entries)
        self.commune_boundaries = self._commune_boundaries()
        self.departement_boundaries = self._departement_boundaries()

    def _records(self, name: str, required: tuple[str, ...]) -> list[dict]:
        path = self.directory / name
        data = _read_json(path)
        if not isinstance(data, list) or not data:
            raise GeoDataError(f"{path} : une liste d'enregistrements est attendue.")
        for index, record in enumerate(data):
            if not isinstance(record, dict) or any(not record.get(key) for key in required):
                raise GeoDataError(
                    f"{path} : l'enregistrement n° {index + 1} n'a pas les champs {', '.join(required)}."
                )
        return data

    def _ept(self) -> dict[str, tuple[str, str]]:
        path = self.directory / "ept.json"
        if not path.exists():
            return {}
        members = {}
        for ept in self._records("ept.json", ("code", "nom", "membres")):
            for member in ept["membres"]:
                members[member["code"]] = (ept["code"], ept["nom"])
        return members

    def _aliases(self, entries: list[dict]) -> dict[str, str]:
        """Old or secondary code → current commune code (merged, delegated, arrondissements)."""
        aliases: dict[str, str] = {}
        for entry in entries:
            if entry["type"] == "commune-actuelle":
                for old in entry.get("anciensCodes", []):
                    aliases.setdefault(old, entry["code"])
            elif entry.get("chefLieu") and entry["code"] not in self.communes:
                aliases.setdefault(entry["code"], entry["chefLieu"])
            elif entry["type"] == "arrondissement-municipal" and entry.get("commune"):
                aliases.setdefault(entry["code"], entry["commune"])
        return {old: new for old, new in aliases.items() if old != new and new in self.communes}

    def _former_names(self, entries: list[dict]) -> dict[str, list[str]]:
        """Current commune code → the match names of its delegated and associated communes
        (the communes it absorbed, still named on signs and in partners' files)."""
        names: dict[str, set[str]] = {}
        for entry in entries:
            current = entry.get("chefLieu")
            if entry["type"] in ("commune-deleguee", "commune-associee") and current in self.communes:
                name = match_name(entry["nom"])
                if name != match_name(self.communes[current]["nom"]):
                    names.setdefault(current, set()).add(name)
        return {code: sorted(found) for code, found in names.items()}

    def _commune_boundaries(self) -> dict[str, MultiPolygon]:
        parts: dict[str, list] = {}
        origin: dict[str, Path] = {}
        for path in _boundary_files(self.directory, ("communes-",)):
            seen_here: dict[str, list] = {}
            for feature in _features(path):
                code = feature["properties"]["code"]
                current = code if code in self.communes else self.aliases.get(code)
                if current is None:
                    continue  # a commune that no longer exists and merged nowhere we know
                seen_here.setdefault(current, []).append(feature["geometry"])
            for current, geometries in seen_here.items():
                parts[current] = geometries  # a later (more detailed) file replaces
                origin[current] = path
        return {code: _multipolygon(geoms, origin[code], code) for code, geoms in parts.items()}

    def _departement_boundaries(self) -> dict[str, MultiPolygon]:
        result = {}
        for path in _boundary_files(self.directory, ("departements-", "departement-")):
            for feature in _features(path):
                code = feature["properties"]["code"]
                if code in self.departements:
                    result[code] = _multipolygon([feature["geometry"]], path, code)
        return result


def _copy_rows(connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def write(connection, data: ReferenceData) -> LoadReport:
    """Upsert everything; rows whose values did not change are not touched."""
    report = LoadReport()
    connection.execute(text("""
        CREATE TEMP TABLE stage_commune (
            insee_code text, name text, match_name text, slug text, departement_code text,
            region_code text, ept_code text, ept_name text, postal_codes text[],
            former_codes text[], former_names text[], population integer, boundary_wkt text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE stage_departement (
            code text, name text, region_code text, boundary_wkt text
        ) ON COMMIT DROP;
    """))
    former: dict[str, list[str]] = {}
    for old, new in data.aliases.items():
        former.setdefault(new, []).append(old)
    commune_rows = []
    for code, c in data.communes.items():
        ept = data.ept.get(code)
        boundary = data.commune_boundaries.get(code)
        commune_rows.append((
            code, c["nom"], match_name(c["nom"]), slugify(c["nom"]), c.get("departement"),
            c.get("region"), ept[0] if ept else None, ept[1] if ept else None,
            sorted(c.get("codesPostaux", [])), sorted(former.get(code, [])), data.former_names.get(code, []),
            c.get("population"),
            boundary.wkt if boundary is not None else None,
        ))
    _copy_rows(connection, "stage_commune",
               ["insee_code", "name", "match_name", "slug", "departement_code", "region_code", "ept_code",
                "ept_name", "postal_codes", "former_codes", "former_names", "population", "boundary_wkt"],
               commune_rows)
    _copy_rows(connection, "stage_departement", ["code", "name", "region_code", "boundary_wkt"], [
        (code, d["nom"], d["region"],
         data.departement_boundaries[code].wkt if code in data.departement_boundaries else None)
        for code, d in data.departements.items()
    ])

    def upsert(sql: str) -> int:
        return len(connection.execute(text(sql)).all())

    report.changed["region"] = 0
    for code, name in data.regions.items():
        report.changed["region"] += len(connection.execute(text("""
            INSERT INTO region (code, name) VALUES (:code, :name)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name
            WHERE region.name IS DISTINCT FROM excluded.name RETURNING code
        """), {"code": code, "name": name}).all())
    report.changed["departement"] = upsert("""
        INSERT INTO departement (code, name, region_code, boundary)
        SELECT code, name, region_code, ST_Multi(ST_GeomFromText(boundary_wkt, 4326)) FROM stage_departement
        ON CONFLICT (code) DO UPDATE SET name = excluded.name, region_code = excluded.region_code,
            boundary = excluded.boundary
        WHERE (departement.name, departement.region_code) IS DISTINCT FROM (excluded.name, excluded.region_code)
           OR NOT (departement.boundary IS NOT DISTINCT FROM excluded.boundary)
        RETURNING code
    """)
    report.changed["commune"] = upsert("""
        INSERT INTO commune (insee_code, name, match_name, slug, departement_code, region_code, ept_code,
                             ept_name, postal_codes, former_codes, former_names, population, boundary, centroid)
        SELECT s.insee_code, s.name, s.match_name, s.slug, s.departement_code, s.region_code, s.ept_code,
               s.ept_name, s.postal_codes, s.former_codes, s.former_names, s.population, g.geom,
               ST_PointOnSurface(g.geom)
        FROM stage_commune s
        LEFT JOIN LATERAL (SELECT ST_Multi(ST_GeomFromText(s.boundary_wkt, 4326)) AS geom) g ON true
        ON CONFLICT (insee_code) DO UPDATE SET
            name = excluded.name, match_name = excluded.match_name, slug = excluded.slug,
            departement_code = excluded.departement_code, region_code = excluded.region_code,
            ept_code = excluded.ept_code, ept_name = excluded.ept_name,
            postal_codes = excluded.postal_codes, former_codes = excluded.former_codes,
            former_names = excluded.former_names, population = excluded.population,
            boundary = excluded.boundary, centroid = excluded.centroid
        WHERE (commune.name, commune.match_name, commune.slug, commune.departement_code,
               commune.region_code, commune.ept_code, commune.ept_name, commune.postal_codes,
               commune.former_codes, commune.former_names, commune.population)
              IS DISTINCT FROM
              (excluded.name, excluded.match_name, excluded.slug, excluded.departement_code,
               excluded.region_code, excluded.ept_code, excluded.ept_name, excluded.postal_codes,
               excluded.former_codes, excluded.former_names, excluded.population)
           OR NOT (commune.boundary IS NOT DISTINCT FROM excluded.boundary)
        RETURNING insee_code
    """)
    report.changed["departement"] += upsert("""
        UPDATE departement d SET population = p.total
        FROM (SELECT departement_code, sum(population)::int AS total FROM commune GROUP BY 1) p
        WHERE p.departement_code = d.code AND d.population IS DISTINCT FROM p.total
        RETURNING d.code
    """)
    report.regions = len(data.regions)
    report.departements = len(data.departements)
    report.communes = len(data.communes)
    report.communes_with_boundary = len(data.commune_boundaries)
    return report


def load_reference_geography(session, directory: Path) -> LoadReport:
    """Read and check every file, then write in the session's transaction and commit."""
    data = ReferenceData(Path(directory))
    report = write(session.connection(), data)
    session.commit()
    return report
