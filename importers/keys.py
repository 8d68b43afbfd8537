"""What tells a stored record apart and whether it changed: the content hash, and the keys
made up for records that have no id of their own."""
from __future__ import annotations

import hashlib
import json

from importers.readers.base import PLACE_REF
from importers.records import REFUSED


# Built once: json.dumps with options builds an encoder per call (a first import hashes every row).
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False, sort_keys=True)


# Not content: a date, the cells refused (their values are absent, kept as stored), the id of
# the place (it says which venue, already part of what is stored).
NOT_CONTENT = frozenset(("source_modified_at", REFUSED, PLACE_REF))


def content_hash(values: dict) -> str:
    """Stable hash of the normalised values (NOT_CONTENT aside): equal hash = nothing changed
    at the source."""
    payload = _ENCODER.encode({k: v for k, v in values.items() if k not in NOT_CONTENT})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# What tells apart activities of one name at one address: the children's workshop on Wednesday
# and the adults' on Thursday, the concert of the 4th and that of the 11th.
DISTINCT_FIELDS = ("venue_name", "schedule", "timings", "age_min", "age_max", "level")


def stable_key(values: dict, distinct: bool = False) -> str:
    """Identity for sources without ids: normalised name + commune + address, and for
    activities and resources (`distinct`) their place name, times, ages and level when given
    (a row giving none of them keeps the same key)."""
    parts = [str(values.get(k) or "").strip().lower() for k in ("name", "insee_code", "postal_code",
                                                               "commune_name", "address")]
    if distinct:
        given = [f"{k}={values[k]!s}" for k in DISTINCT_FIELDS if values.get(k) not in (None, "", [])]
        if given:
            parts.append(";".join(given).lower())
    return "key:" + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:20]


def is_generated_key(external_id: str | None) -> bool:
    return bool(external_id) and external_id.startswith("key:")


PLACE_KEY = "lieu:"  # the key of the place an agenda's events are at (it has no id of its own)


def made_up_key(external_id: str | None) -> bool:
    """A key the import made for a record without an id, not one the partner would know."""
    return bool(external_id) and external_id.startswith(("key:", PLACE_KEY))


class StoredIds:
    """Numeric ids as the source's records were stored: a spreadsheet drops leading zeros
    (« 00123 » exported as 123) and another export keeps them; the same record is meant."""

    def __init__(self, stored):
        groups: dict[str, list[str]] = {}
        for key in stored:
            if key.isdigit():
                groups.setdefault(key.lstrip("0"), []).append(key)
        self._by_digits = {digits: keys[0] for digits, keys in groups.items() if len(keys) == 1}
        self.restored = 0  # rows given back their stored id this run

    def restore(self, row, stored) -> None:
        """Give a row whose numeric id is not stored the stored id with the same digits."""
        external_id = row.external_id
        if not external_id or external_id in stored or not external_id.isdigit():
            return
        found = self._by_digits.get(external_id.lstrip("0"))
        if found is None or found == external_id:
            return
        row.external_id = row.record.values["external_id"] = found
        row.digest = content_hash(row.record.values)
        self.restored += 1
