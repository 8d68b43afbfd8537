"""JSON files → records: plain arrays, API responses that wrap their records (OpenDataSoft
v1/v2, generic {"results"|"records"|"data"|"events": [...]}), JSON Lines, GeoJSON, and the
structured formats (OpenAgenda, DATAtourisme, schema.org JSON-LD) routed to their mappers.

A JSON document is parsed whole (it cannot be split without a streaming parser, and the
file was already bounded by max_bytes); rows are then produced one by one.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from importers.fields import FIELDS

from . import jsonld, openagenda
from .base import BrokenRecord, ImportFileError, Row, check_cells, safe_map

WRAPPERS = ("results", "records", "data", "events", "items", "features", "objects")
JSON_MESSAGES = {
    "Expecting value": "une valeur est attendue",
    "Expecting ',' delimiter": "une virgule est attendue",
    "Expecting ':' delimiter": "deux-points « : » sont attendus",
    "Expecting property name enclosed in double quotes": "un nom de propriété entre guillemets doubles est attendu",
    "Unterminated string starting at": "une chaîne de caractères n'est pas fermée",
    "Invalid control character at": "un caractère de contrôle est interdit dans une chaîne",
    "Extra data": "du contenu suit la fin du document JSON",
    "Invalid \\escape": "une séquence d'échappement « \\ » est invalide",
}
NOT_RECORDS = ("Le fichier JSON ne contient pas d'enregistrements : une liste d'objets est attendue, seule ou "
               "sous une clé « results », « records », « data », « items » ou « events ».")


def load(path: Path, encoding: str) -> object:
    with open(path, encoding=encoding) as handle:
        content = handle.read().lstrip("\ufeff")
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            lines = _json_lines(content)
            if lines is not None:
                return lines
        reason = JSON_MESSAGES.get(error.msg, error.msg)
        raise ImportFileError(
            "bad_json",
            f"Le fichier JSON est invalide à la ligne {error.lineno}, colonne {error.colno} : {reason}.",
        ) from None
    except (RecursionError, ValueError):
        raise ImportFileError("bad_json", "Le fichier JSON est invalide (imbrication ou nombre hors limites).") from None


def _json_lines(content: str) -> list | None:
    """JSON Lines (one object per line), as some APIs export; None when it is not that."""
    records = []
    try:
        for line in content.splitlines():
            if line.strip():
                records.append(json.loads(line))
    except (ValueError, RecursionError):
        return None
    return records if all(isinstance(item, dict) for item in records) else None


def flatten(value: dict, prefix: str = "") -> dict[str, object]:
    """Nested objects become dotted columns (« location.city ») the mapping stage can offer."""
    flat: dict[str, object] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            flat.update(flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


WGS84 = re.compile(r"(?:EPSG::?4326|CRS:?84)\s*$", re.IGNORECASE)


def _projection(collection: dict):
    """A transformer to WGS 84 when the collection declares another projection (GeoJSON written
    before RFC 7946, such as Lambert-93 from QGIS or ogr2ogr); None for WGS 84 or no « crs »."""
    crs = collection.get("crs")
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str) or not name.strip() or WGS84.search(name):
        return None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        return Transformer.from_crs(CRS.from_user_input(name.strip()), 4326, always_xy=True)
    except CRSError:
        raise ImportFileError("bad_structure", f"Le fichier GeoJSON déclare une projection inconnue (« {name[:80]} ») : "
                                               "exportez-le en WGS 84 (EPSG:4326).") from None


def _reprojected(coordinates: list, projection) -> list:
    if projection is None or not all(isinstance(c, (int, float)) for c in coordinates[:2]):
        return coordinates
    lon, lat = projection.transform(coordinates[0], coordinates[1])
    return [round(lon, 7), round(lat, 7)]


def _feature_values(feature: dict, projection=None) -> dict[str, object]:
    values = flatten(feature.get("properties") or {}) if isinstance(feature.get("properties") or {}, dict) else {}
    if "id" in feature and "id" not in values:
        values["id"] = feature["id"]
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") in ("Point", "MultiPoint", "Polygon", "MultiPolygon"):
        coordinates = geometry.get("coordinates")
        if geometry["type"] == "MultiPoint":  # one place drawn as several points: the first
            coordinates = coordinates[0] if isinstance(coordinates, list) and coordinates else None
        elif geometry["type"] in ("Polygon", "MultiPolygon"):  # a building's outline: a point inside it
            coordinates = _inside(geometry)
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            coordinates = _reprojected(coordinates, projection)
            lat_key = "latitude" if "latitude" not in values else "geometry.latitude"
            lon_key = "longitude" if "longitude" not in values else "geometry.longitude"
            values[lat_key], values[lon_key] = coordinates[1], coordinates[0]
    return values


def _inside(geometry: dict) -> list[float] | None:
    """A point within a (multi)polygon, in its own coordinates; None for a broken outline."""
    from shapely.geometry import shape

    try:
        outline = shape(geometry)
        if outline.is_empty:
            return None
        point = outline.point_on_surface() if outline.is_valid else outline.centroid
        return [point.x, point.y]
    except (ValueError, TypeError, AttributeError, IndexError):
        return None


def _ods_unwrap(item: object) -> object:
    """OpenDataSoft v2.0 {"record": {"fields": …}} and v1 {"fields": …, "geometry": …} records."""
    if isinstance(item, dict) and isinstance(item.get("record"), dict):
        item = item["record"]
    if isinstance(item, dict) and isinstance(item.get("fields"), dict) and ("recordid" in item or "datasetid" in item
                                                                            or "id" in item or "geometry" in item):
        fields = dict(item["fields"])
        geometry = item.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point" and "latitude" not in fields:
            coordinates = geometry.get("coordinates") or []
            if len(coordinates) >= 2:
                fields["latitude"], fields["longitude"] = coordinates[1], coordinates[0]
        return fields
    return item


def _page_of(data: object, count: int) -> str | None:
    """An API answer that says it holds one page of more records: OpenAgenda's « after »
    cursor, or a total (OpenDataSoft « total_count », « nhits », OpenAgenda « total ») above
    the records received."""
    if not isinstance(data, dict):
        return None
    if data.get("after") not in (None, [], ""):
        return "une page d'un flux paginé (la suite est annoncée par « after »)"
    total = next((data[key] for key in ("total_count", "nhits", "total") if isinstance(data.get(key), int)
                  and not isinstance(data.get(key), bool)), None)
    if total is not None and total > count:
        return f"une page d'un flux paginé ({count} enregistrements reçus sur {total} annoncés)"
    return None


def _wrapped(data: dict) -> list | None:
    """The records an API response wraps: a list under a usual key, or one level down
    ({"data": {"items": [...]}}, as GraphQL answers), or the one record of {"data": {...}}."""
    lists = [data[key] for key in WRAPPERS if isinstance(data.get(key), list)]
    inner = [value for key in WRAPPERS if isinstance(value := data.get(key), dict)]
    lists += [value[name] for value in inner for name in WRAPPERS if isinstance(value.get(name), list)]
    if lists:
        return lists[0]
    # A record, not a wrapper: it has values of its own.
    return next(([value] for value in inner if any(isinstance(item, (str, int, float)) for item in value.values())),
                None)


class JsonTable:
    """Records of a JSON document with the format it was recognised as."""

    def __init__(self, path: Path, encoding: str):
        self.removals_only = False  # a changes feed listing deletions only
        self.incomplete: str | None = None  # why the file does not list every record, if it says so
        data = load(path, encoding)
        self.format, self.premapped, self._items = self._route(data)
        if not self._items:
            raise ImportFileError("empty", "Le fichier JSON ne contient aucun enregistrement.")
        self.incomplete = self.incomplete or _page_of(data, len(self._items))
        self.columns = self._columns()

    def _route(self, data: object) -> tuple[str, bool, list]:
        if isinstance(data, dict):
            if data.get("type") == "FeatureCollection":
                features = data.get("features")
                if not isinstance(features, list):
                    raise ImportFileError("bad_structure", "La FeatureCollection GeoJSON n'a pas de liste « features ».")
                return self._features(features, _projection(data))
            if data.get("type") == "Feature":
                return self._features([data], _projection(data))
            if "@graph" in data or "@type" in data or "@context" in data:
                fmt, items = jsonld.records(data)
                return fmt, True, items
            if isinstance(data.get("event"), dict):
                data = {"events": [data["event"]]}
            items = _wrapped(data)
            if items is None:
                raise ImportFileError("bad_structure", NOT_RECORDS)
        elif isinstance(data, list):
            items = data
        else:
            raise ImportFileError("bad_structure", NOT_RECORDS)
        items = [_ods_unwrap(item) for item in items]
        if items and not any(isinstance(item, dict) for item in items):
            raise ImportFileError("bad_structure", NOT_RECORDS)
        dicts = [item for item in items if isinstance(item, dict)]
        if dicts and all(item.get("type") == "Feature" for item in dicts):
            return self._features(items)
        if dicts and any("@type" in item for item in dicts[:20]):
            fmt, mapped = jsonld.records(dicts)
            return fmt, True, mapped
        if openagenda.looks_like_v2(dicts):
            # (An event its agenda no longer publishes is withdrawn like a deleted one.)
            self.removals_only = all(openagenda.is_removed(item) or openagenda.is_unpublished(item)
                                     for item in dicts)
            if any(openagenda.is_removed(item) for item in dicts):
                self.incomplete = "un flux de changements (il signale des suppressions)"
            return "openagenda", True, [self._v2(i) if isinstance(i, dict) else i for i in items]
        if openagenda.looks_like_ods(dicts):
            return "openagenda", True, [safe_map(openagenda.map_ods, i) if isinstance(i, dict) else i for i in items]
        return "json", False, [flatten(item) if isinstance(item, dict) else item for item in items]

    @staticmethod
    def _v2(item: dict) -> object:
        if openagenda.is_removed(item):
            return openagenda.map_removed(item)
        if openagenda.is_unpublished(item):
            return openagenda.map_unpublished(item)
        return safe_map(openagenda.map_v2, item)

    @staticmethod
    def _features(items: list, projection=None) -> tuple[str, bool, list]:
        rows = [_feature_values(item, projection) if isinstance(item, dict) else item for item in items]
        if openagenda.looks_like_ods([row for row in rows if isinstance(row, dict)]):
            return "openagenda", True, [safe_map(openagenda.map_ods, r) if isinstance(r, dict) else r for r in rows]
        return "geojson", False, rows

    def _columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self._items:
            if isinstance(item, dict):
                seen.update(dict.fromkeys(str(key) for key in item))
        if self.premapped:
            return [name for name in FIELDS if name in seen]
        return list(seen)

    def rows(self) -> Iterator[Row]:
        for number, item in enumerate(self._items, start=1):
            if isinstance(item, BrokenRecord):
                yield Row(number, {}, item.message)
                continue
            if not isinstance(item, dict):
                yield Row(number, {}, f"L'enregistrement n° {number} n'est pas un objet JSON.")
                continue
            yield check_cells(number, {str(key): value for key, value in item.items()})
