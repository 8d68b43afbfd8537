"""A partner row as canonical fields, before any cleaning: columns mapped to fields (a field
spread over several columns joined into one value), and spreadsheet total lines recognised."""
from __future__ import annotations

import re
from datetime import time

from importers.fields import FIELDS, MULTI_COLUMN_FIELDS

# Fields whose cell may show a text while its link holds the value (« Site de la MJC »).
LINK_FIELDS = {"website": ("http://", "https://"), "registration_url": ("http://", "https://"), "email": ("mailto:",)}


def map_row(values: dict, mapping: dict[str, str], constants: dict[str, object],
            links: dict[str, str] | None = None) -> dict:
    """Partner columns → canonical field names (raw values); constants fill empty fields. A
    link field's cell that shows a text (« Site de la MJC », « Écrire ») gives its link."""
    mapped: dict = {}
    spread: dict[str, list[tuple[str, object]]] = {}  # a multi-column field's (column, value) pairs
    for column, target in mapping.items():
        if target in FIELDS and column in values and values[column] not in (None, ""):
            if target in MULTI_COLUMN_FIELDS:
                spread.setdefault(target, []).append((column, values[column]))
            mapped[target] = values[column]
        if links and column in links and target in LINK_FIELDS:
            link = links[column]
            if link.lower().startswith(LINK_FIELDS[target]) and not _looks_like(target, mapped.get(target)):
                mapped[target] = link.split(":", 1)[1].split("?")[0] if target == "email" else link
    for target, pairs in spread.items():
        if len(pairs) > 1:
            mapped[target] = JOINED[target](pairs)
    for name, value in constants.items():
        mapped.setdefault(name, value)
    return mapped


def _accessibility_columns(pairs: list[tuple[str, object]]) -> list[str]:
    """One column per need: « Handicap auditif : Oui », read as the header's answer."""
    return [f"{column} : {value}" for column, value in pairs]


def _slot_columns(pairs: list[tuple[str, object]]) -> str:
    """« Mercredi » + « 14h-16h », or « Mercredi » + 14:30 + 16:00 (time cells) → one slot text."""
    parts = [value.strftime("%H:%M") if isinstance(value, time) else str(value).strip() for _, value in pairs]
    times = [index for index, part in enumerate(parts) if TIME_ONLY.fullmatch(part)]
    if len(times) == 2 and times[1] == times[0] + 1:  # a start and an end
        parts[times[0]:times[1] + 1] = [f"{parts[times[0]]}-{parts[times[1]]}"]
    return " ".join(parts)


def _address_columns(pairs: list[tuple[str, object]]) -> str:
    """« 12 » + « rue » + « de la Paix » → « 12 rue de la Paix »; an address given twice, once."""
    parts: list[str] = []
    for _, value in pairs:
        part = str(value).strip()
        if part and part not in parts and not (" " in part and part in " ".join(parts)):
            parts.append(part)
    return " ".join(parts)


JOINED = {"accessibility": _accessibility_columns, "schedule": _slot_columns, "address": _address_columns,
          "disciplines": lambda pairs: [value for _, value in pairs]}
TIME_ONLY = re.compile(r"(?:[01]?\d|2[0-3])\s*(?:h|:)\s*(?:[0-5]\d)?(?::00)?", re.IGNORECASE)


def _looks_like(target: str, value: object) -> bool:
    """Whether a cell's own text is already the value of its link field."""
    text = str(value or "").strip().lower()
    return "@" in text if target == "email" else text.startswith(("http://", "https://", "www."))


# A spreadsheet's summary line (« Total », « Sous-total », « TOTAL GÉNÉRAL : 12 », « Total : 2 lieux »,
# « Nombre de lieux : 2 ») is not a listing; « Total danse » may be one.
SUMMARY_ROW = re.compile(r"^\s*(?:sous[- ]?)?total(?:\s+g[ée]n[ée]ral)?\s*(?::|$)"
                         r"|^\s*(?:somme|nombre\s+(?:de|d['’])[^:]*)\s*(?::\s*[\d\s.,€]*)?$", re.IGNORECASE)
# Fields a total line never fills: a row giving one of them is a listing, however broken.
NOT_IN_TOTALS = ("postal_code", "insee_code", "phone", "email", "website", "address", "commune_name", "latitude",
                 "longitude", "lat_lon")
SUMMARY_INITIALS = "tTsSnN0123456789"
COUNT_LINE = re.compile(r"^\s*(?:soit\s+)?\d+\s+[^\W\d]+(?:\s+[^\W\d]+)?\s*(?:au total|en tout)?\s*\.?\s*$",
                        re.IGNORECASE)
NUMBER_CELL = re.compile(r"^\s*[-+]?[\d\s\u00a0\u202f]+(?:[.,]\d+)?\s*(?:€|%)?\s*$")


def is_summary_row(raw: dict, cells: dict | None = None) -> bool:
    """A total line: its name says so, or it has neither name nor id and only numbers (the sums
    under a column) among its `cells` (all of the row's, mapped or not; else its mapped values),
    with at most a « Total » label beside them."""
    name, identifier = raw.get("name"), raw.get("external_id")
    if identifier not in (None, ""):  # « Total » in the first column, the id's, and no name
        return name in (None, "") and isinstance(identifier, str) and bool(SUMMARY_ROW.match(identifier))
    if name not in (None, ""):  # (most rows: one look at the name's first letter)
        if not isinstance(name, str) or name.lstrip()[:1] not in SUMMARY_INITIALS:
            return False
        if SUMMARY_ROW.match(name):
            return True
        # « 5 ateliers », « Soit 12 lieux » alone on its line under the table: a count, not a listing.
        others = (raw if cells is None else cells).values()
        return bool(COUNT_LINE.match(name)) and sum(value not in (None, "") for value in others) == 1
    if any(raw.get(field_) not in (None, "") for field_ in NOT_IN_TOTALS):
        return False
    cells = [value for value in (raw if cells is None else cells).values() if value not in (None, "")]
    words = [value for value in cells if not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                              or isinstance(value, str) and NUMBER_CELL.match(value))]
    # Only sums, or sums and their label in a column not imported (« Total » under « N° »).
    return bool(cells) and (not words or len(words) == 1 and isinstance(words[0], str)
                            and bool(SUMMARY_ROW.match(words[0])))
