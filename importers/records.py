"""Mapping + normalising: one raw row (partner column names) → one canonical record
(importers/fields.py names, clean Python values), with every problem as a French row error."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from importers.disciplines import match_disciplines
from importers.fields import FIELDS
from importers.normalise import (
    FieldError,
    clean_email,
    clean_phone,
    clean_text,
    clean_url,
    parse_bool,
    parse_coordinates,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_schedule,
    parse_timings,
    plain_text,
    reject_formula,
    sanitise_html,
)
from importers.schema import validate_record
from portal.geo.names import normalise_insee_code, normalise_postal_code

MAX_TEXT = 500
MAX_DESCRIPTION = 20_000


@dataclass
class RowError:
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return {"column": self.column, "value": self.value, "message": self.message}


@dataclass
class CanonicalRecord:
    values: dict
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _text(value, name: str, limit: int = MAX_TEXT):
    return clean_text(plain_text(value) if isinstance(value, str) else value, name, limit)


PARSERS = {
    "external_id": lambda v: clean_text(v, "external_id", 200),
    "name": lambda v: _text(v, "name"),
    "description": lambda v: sanitise_html(clean_text(v, "description", MAX_DESCRIPTION)),
    "kind": lambda v: _text(v, "kind", 100),
    "organization": lambda v: _text(v, "organization"),
    "address": lambda v: _text(v, "address"),
    "commune_name": lambda v: _text(v, "commune_name", 200),
    "website": lambda v: clean_url(v, "website"),
    "registration_url": lambda v: clean_url(v, "registration_url"),
    "email": clean_email,
    "phone": clean_phone,
    "age_min": lambda v: parse_int(v, "age_min"),
    "age_max": lambda v: parse_int(v, "age_max"),
    "is_free": lambda v: parse_bool(v, "is_free"),
    "price_min": lambda v: parse_decimal(v, "price_min"),
    "price_max": lambda v: parse_decimal(v, "price_max"),
    "level": lambda v: _text(v, "level", 50),
    "status": lambda v: _text(v, "status", 50),
    "source_modified_at": lambda v: parse_datetime(v, "source_modified_at"),
    "schedule": lambda v: parse_schedule(v),
    "timings": lambda v: parse_timings(v),
}


def map_row(values: dict, mapping: dict[str, str], constants: dict[str, object]) -> dict:
    """Partner columns → canonical field names (raw values); constants fill empty fields."""
    mapped: dict = {}
    for column, target in mapping.items():
        if target in FIELDS and column in values and values[column] not in (None, ""):
            mapped[target] = values[column]
    for name, value in constants.items():
        mapped.setdefault(name, value)
    return mapped


def normalise(raw: dict, column_of: dict[str, str]) -> CanonicalRecord:
    """Clean every mapped value; an unusable value becomes a row error naming its column."""
    record = CanonicalRecord(values={})
    for name, value in raw.items():
        if isinstance(value, str):
            try:
                reject_formula(value, name)
            except FieldError as exc:
                record.errors.append(RowError(column_of.get(name, name), exc.value, exc.message))
                continue
        try:
            if name in PARSERS:
                record.values[name] = PARSERS[name](value)
            elif name == "postal_code":
                record.values[name] = normalise_postal_code(value)
                if record.values[name] is None:
                    raise FieldError(name, value, f"Code postal invalide : « {value} ».")
            elif name == "insee_code":
                record.values[name] = normalise_insee_code(value)
                if record.values[name] is None:
                    raise FieldError(name, value, f"Code INSEE invalide : « {value} ».")
            elif name in ("disciplines", "tags", "audiences", "accessibility"):
                record.values[name] = _as_list(value)
        except FieldError as exc:
            record.errors.append(RowError(column_of.get(exc.field or name, name), exc.value, exc.message))
    try:
        record.values["point"] = parse_coordinates(
            raw.get("latitude"), raw.get("longitude"), raw.get("lat_lon"),
        )
    except FieldError as exc:
        record.errors.append(RowError(column_of.get(exc.field or "latitude", "latitude"), exc.value, exc.message))
        record.values["point"] = None
    slugs, free_tags = [], list(record.values.get("tags", []))
    for text in record.values.get("disciplines", []):
        found, left = match_disciplines(text)
        slugs += [s for s in found if s not in slugs]
        free_tags += [t for t in left if t not in free_tags]
    record.values["disciplines"], record.values["tags"] = slugs, free_tags
    for error in validate_record(record.values):
        record.errors.append(RowError(column_of.get(error.field, error.field), error.value, error.message))
    return record


def content_hash(values: dict) -> str:
    """Stable hash of the normalised values: equal hash = nothing changed at the source."""
    payload = json.dumps({k: values[k] for k in sorted(values) if k != "source_modified_at"},
                         default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stable_key(values: dict) -> str:
    """Identity for sources without ids: normalised name + commune + address."""
    parts = [str(values.get(k) or "").strip().lower() for k in ("name", "insee_code", "postal_code",
                                                               "commune_name", "address")]
    return "key:" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:20]
