"""Content detectors for column mapping: what share of a column's sample values look like a
given field. They reuse the normalisers, so "looks like a phone" means "would be accepted as a
phone" — plus stricter shape rules, because a count or a population must not pass for a code."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

from portal.geo.names import normalise_insee_code, normalise_postal_code

from importers.normalise.contact import DECIMAL, clean_email
from importers.normalise.coordinates import FRANCE_BOXES, LAMBERT93_X, LAMBERT93_Y, parse_coordinates
from importers.normalise.dates import parse_datetime
from importers.normalise.errors import FieldError
from importers.normalise.numbers import parse_bool, parse_int
from importers.normalise.schedule import DAY

_CODE = re.compile(r"^(\d{4,5}|\d[AB]\d{3})(\.0+)?$", re.IGNORECASE)
_DECIMAL = re.compile(r"^[-+]?\d{1,3}[.,](\d+)$")
_URL = re.compile(r"^(https?://|www\.)[^\s]+$", re.IGNORECASE)
_PHONE = re.compile(r"^(\+|00)?[\d\s.()/-]{9,20}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}/\d{1,2}/\d{2,4}")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
LAT_RANGES = [(box[1], box[2]) for box in FRANCE_BOXES]
LON_RANGES = [(box[3], box[4]) for box in FRANCE_BOXES]


def _text(value: object) -> str:
    return str(value).replace("\ufeff", "").strip()


def _share(values: list[object], test: Callable[[object], float]) -> float:
    return sum(test(v) for v in values) / len(values)


def _valid_department(code: str) -> bool:
    head = code[:2]
    if head in ("2A", "2B"):
        return True
    if not head.isdigit() or head in ("00", "20", "96", "98", "99"):
        return False
    return head != "97" or code[2] in "12346"


def _insee_like(value: object) -> float:
    text = _text(value)
    if not _CODE.match(text):
        return 0.0
    code = normalise_insee_code(text)
    return 1.0 if code and _valid_department(code) and not code.endswith("000") else 0.0


def _postal_like(value: object) -> float:
    text = _text(value).replace(" ", "")
    if not re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return 0.0
    code = normalise_postal_code(text)
    return 1.0 if code and _valid_department(code) else 0.0


def _round_code_share(values: list[object]) -> float:
    """Postal codes mostly end in 0 (93200, 75008 aside); INSEE codes rarely do."""
    codes = [normalise_postal_code(_text(v)) or "" for v in values]
    return sum(code.endswith("0") for code in codes) / len(codes)


def _coordinate_like(ranges: list[tuple[float, float]]) -> Callable[[object], float]:
    def test(value: object) -> float:
        if isinstance(value, float):
            text = repr(value)
        else:
            text = _text(value)
        match = _DECIMAL.match(text)
        if not match:
            return 0.0
        number = float(text.replace(",", "."))
        if not any(low <= number <= high for low, high in ranges):
            return 0.0
        return 1.0 if len(match.group(1)) >= 3 else 0.3  # counts and ratios seldom have 3+ decimals
    return test


def _metres_like(low: float, high: float) -> Callable[[object], float]:
    """A Lambert-93 easting or northing (whole or decimal metres), read as coordinates later."""
    def test(value: object) -> float:
        try:
            number = float(_text(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
        except ValueError:
            return 0.0
        return 1.0 if low <= number <= high else 0.0
    return test


def _pair_like(value: object) -> float:
    if isinstance(value, (int, float)) or len(re.findall(r"\d+(?:[.,]\d+)?", _text(value))) != 2:
        return 0.0
    try:
        return 1.0 if parse_coordinates(lat_lon=value) else 0.0
    except FieldError:
        return 0.0


def _email_like(value: object) -> float:
    try:
        return 1.0 if "@" in _text(value) and clean_email(value) else 0.0
    except FieldError:
        return 0.0


def _phone_like(value: object) -> float:
    text = _text(value)
    digits = re.sub(r"\D", "", text)
    return 1.0 if (_PHONE.match(text) and 9 <= len(digits) <= 15 and not _CODE.match(text)
                   and not DECIMAL.fullmatch(text)) else 0.0


def _date_like(value: object) -> float:
    text = _text(value)
    if not _DATE.match(text):
        return 0.0
    try:
        parse_datetime(text, "timings")
        return 1.0
    except FieldError:
        return 0.0


_WEEKDAY_OR_TIME = re.compile(rf"\b{DAY}|\b(?:[01]?\d|2[0-3])\s*(?:h|:)", re.IGNORECASE)


def _schedule_like(value: object) -> float:
    """A weekday or a time of day (« Mercredi », « 14h-16h », a time cell): a slot, or part of one."""
    if isinstance(value, time):
        return 1.0
    return 1.0 if _WEEKDAY_OR_TIME.search(_text(value)) else 0.0


def _letters_like(value: object) -> float:
    return 1.0 if _LETTERS.search(_text(value)) else 0.0


def _bool_like(value: object) -> float:
    try:
        return 0.0 if parse_bool(value, "is_free") is None else 1.0
    except FieldError:
        return 0.0


def _age_like(value: object) -> float:
    try:
        age = parse_int(value, "age_min")
    except FieldError:
        return 0.0
    return 1.0 if age is not None and 0 <= age <= 120 else 0.0


def _identifier_like(values: list[object]) -> float:
    """Short, space-free, mostly distinct values: what an identifier column holds."""
    texts = [_text(v) for v in values]
    shaped = sum(1 for t in texts if 0 < len(t) <= 64 and " " not in t) / len(texts)
    return shaped * (len(set(texts)) / len(texts))


CONTENT_DETECTORS: dict[str, Callable[[list[object]], float]] = {
    "insee_code": lambda values: _share(values, _insee_like),
    "postal_code": lambda values: _share(values, _postal_like),
    "latitude": lambda values: _share(values, _coordinate_like(LAT_RANGES)),
    "longitude": lambda values: _share(values, _coordinate_like(LON_RANGES)),
    "lat_lon": lambda values: _share(values, _pair_like),
    "email": lambda values: _share(values, _email_like),
    "website": lambda values: _share(values, lambda v: 1.0 if _URL.match(_text(v)) else 0.0),
    "registration_url": lambda values: _share(values, lambda v: 1.0 if _URL.match(_text(v)) else 0.0),
    "phone": lambda values: _share(values, _phone_like),
    "timings": lambda values: _share(values, _date_like),
    "source_modified_at": lambda values: _share(values, _date_like),
    "name": lambda values: _share(values, _letters_like),
    "commune_name": lambda values: _share(values, _letters_like),
    "address": lambda values: _share(values, _letters_like),
    "is_free": lambda values: _share(values, _bool_like),
    "age_min": lambda values: _share(values, _age_like),
    "age_max": lambda values: _share(values, _age_like),
    "external_id": _identifier_like,
    "schedule": lambda values: _share(values, _schedule_like),
}
# How far content alone may carry a column whose header says nothing (0 = never alone).
RESCUE_WEIGHTS: dict[str, float | Callable[[dict[str, float]], float]] = {
    "latitude": 0.75,
    "longitude": 0.75,
    "lat_lon": 0.8,
    "email": 0.8,
    "website": 0.7,
    "phone": 0.7,
    "insee_code": lambda scores: 0.7 if scores.get(ROUND_CODES, 0) < 0.5 else 0.4,
    "postal_code": lambda scores: 0.4 if scores.get(ROUND_CODES, 0) < 0.5 else 0.7,
}
# A header naming one of these fields is not believed when no sample value fits.
VETO_FIELDS = {"latitude", "longitude", "lat_lon", "insee_code", "postal_code", "email", "schedule"}


ROUND_CODES = "_round_codes"
# Shares of Lambert-93 metres: they keep an "X"/"Y" header mapped to longitude/latitude (the
# veto would drop it), but never carry a column alone (a budget column may hold such numbers).
PROJECTED = {"longitude": "_lambert93_x", "latitude": "_lambert93_y"}
_PROJECTED_TESTS = {"_lambert93_x": _metres_like(*LAMBERT93_X), "_lambert93_y": _metres_like(*LAMBERT93_Y)}


def content_scores(values: list[object]) -> dict[str, float]:
    """Field → share of the sample values that look like that field (1.0 = all of them), plus
    the share of codes ending in 0, which tells postal codes from INSEE codes."""
    if not values:
        return {}
    scores = {field: detector(values) for field, detector in CONTENT_DETECTORS.items()}
    scores[ROUND_CODES] = _round_code_share(values)
    for key, test in _PROJECTED_TESTS.items():
        scores[key] = _share(values, test)
    return scores
