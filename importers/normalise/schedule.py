"""Weekly schedules written in French ("mercredi 18h-19h30 ; samedi 10:00-12:00",
"lundi et jeudi 20h–22h", "du lundi au vendredi 9h-12h", "mer. 14h") → weekly slots.

The text is read left to right: weekday words set the current days (a new day after a
time starts a new group), each time or time range emits one slot per current day.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import time

from importers.normalise.errors import FieldError, is_blank, quote

_DAY_WORDS = {
    0: ("lundi", "lun", "monday", "mon"),
    1: ("mardi", "mar", "tuesday", "tue"),
    2: ("mercredi", "mer", "wednesday", "wed"),
    3: ("jeudi", "jeu", "thursday", "thu"),
    4: ("vendredi", "ven", "friday", "fri"),
    5: ("samedi", "sam", "saturday", "sat"),
    6: ("dimanche", "dim", "sunday", "sun"),
}
WEEKDAY_BY_WORD = {word: day for day, words in _DAY_WORDS.items() for word in words}
# Full names may be plural ("les mercredis"); abbreviations may not (so "mars" is not Tuesday).
DAY = (r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday"
        r"|friday|saturday|sunday)s?|lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun)\b\.?")
_TIME = r"(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?)?"
_STRICT_TIME = r"(?P<single_h>\d{1,2})\s*(?:h|:)\s*(?P<single_m>\d{2})?"
_RANGE_SEPARATOR = r"\s*(?:-|–|—|\ba\b|\bjusqu'?a\b|\bto\b)\s*"
_TOKENS = re.compile(
    rf"(?P<day_range>(?P<from_day>{DAY})\s*(?:-|–|\bau\b|\ba\b|\bto\b)\s*(?P<to_day>{DAY}))"
    rf"|(?P<day>{DAY})"
    rf"|(?P<range>{_TIME}{_RANGE_SEPARATOR}{_TIME}(?=\W|$))"
    rf"|(?P<single>{_STRICT_TIME})"
    r"|(?P<midday>\bmidi\b)",
)


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def _weekday(word: str) -> int:
    word = word.rstrip(".").strip()
    if word.endswith("s") and word[:-1] in WEEKDAY_BY_WORD:
        word = word[:-1]
    return WEEKDAY_BY_WORD[word]


def _time(hour: str | None, minute: str | None, raw: object) -> time:
    try:
        return time(int(hour) % 24 if hour == "24" else int(hour), int(minute or 0))
    except ValueError:
        raise FieldError("schedule", raw, f"{quote(raw)} : l'heure {hour}h{minute or ''} n'existe pas.") from None


_CLOCK = re.compile(r"^T?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _clock(value: object, raw: object) -> time | None:
    if is_blank(value):
        return None
    found = _CLOCK.match(str(value).strip())
    if not found:
        raise FieldError("schedule", raw, f"{quote(value)} : heure non reconnue (ex. « 18:30 »).")
    return _time(found[1], found[2], raw)


def _structured(items: list) -> list[tuple[int, time, time | None]]:
    """Slots a structured source already split: [{"day": "Wednesday", "start": "17:00", "end": "19:00"}]
    (schema.org Schedule); an item without a day or a start is refused, not guessed."""
    slots: list[tuple[int, time, time | None]] = []
    for item in items:
        if not isinstance(item, dict):
            return parse_schedule(" ; ".join(str(i) for i in items))
        day = _fold(str(item.get("day") or "")).rsplit("/", 1)[-1].strip()
        start = _clock(item.get("start"), item)
        if day not in WEEKDAY_BY_WORD or start is None:
            continue  # "PublicHolidays", or no start: not a weekly slot; the others still are
        slot = (WEEKDAY_BY_WORD[day], start, _clock(item.get("end"), item))
        if slot not in slots:
            slots.append(slot)
    if items and not slots:
        raise FieldError("schedule", items, f"{quote(items)} : aucun jour de la semaine avec une heure de début.")
    return slots


def parse_schedule(value: object) -> list[tuple[int, time, time | None]]:
    """(weekday 0=Monday, start, end or None) for each weekly slot, in reading order."""
    if isinstance(value, (list, tuple)):
        return _structured(list(value))
    if is_blank(value):
        return []
    text = _fold(str(value))
    slots: list[tuple[int, time, time | None]] = []
    days: list[int] = []
    days_used = False
    for match in _TOKENS.finditer(text):
        kind = next(name for name in ("day_range", "day", "range", "single", "midday") if match.group(name))
        if kind in ("day", "day_range"):
            if days_used:
                days, days_used = [], False
            if kind == "day":
                days.append(_weekday(match.group("day")))
            else:
                first, last = _weekday(match.group("from_day")), _weekday(match.group("to_day"))
                span = (last - first) % 7
                days.extend((first + offset) % 7 for offset in range(span + 1))
            continue
        if kind == "range":
            hours = re.findall(r"(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?)?", match.group("range"))
            (start_h, start_m), (end_h, end_m) = hours[0], hours[-1]
            start, end = _time(start_h, start_m, value), _time(end_h, end_m, value)
        elif kind == "single":
            start, end = _time(match.group("single_h"), match.group("single_m"), value), None
        else:
            start, end = time(12, 0), None
        if not days:
            raise FieldError("schedule", value, f"{quote(value)} : une heure est donnée sans jour de la semaine.")
        for day in days:
            slot = (day, start, end)
            if slot not in slots:
                slots.append(slot)
        days_used = True
    if not slots:
        raise FieldError("schedule", value,
                         f"{quote(value)} : horaire non reconnu (ex. « mercredi 18h-19h30 ; samedi 10h-12h »).")
    return slots
