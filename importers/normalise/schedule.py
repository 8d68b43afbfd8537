"""Weekly schedules written in French ("mercredi 18h-19h30 ; samedi 10:00-12:00",
"lundi et jeudi 20h–22h", "du lundi au vendredi 9h-12h", "mer. 14h") → weekly slots.

The text is read left to right: weekday words set the current days (a new day after a
time starts a new group), each time or time range emits one slot per current day. A bare
number is a time only as one end of a range whose other end is written as a time (« 18-20h »):
« (4-6 ans) », « salle 2-3 » are not slots, nor is a length (« (1h) », « durée 1h30 »). An end
before the start is the next day's when it comes before 6h (« vendredi 22h-1h »).
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


def _time_pattern(name: str) -> str:
    """Hours with « h » or « : » and maybe minutes (« 18h30 », « 18:30 », « 18h »), or hours alone
    (« 18 »): the group `<name>_mark` says whether it is written as a time."""
    return rf"(?P<{name}_h>\d{{1,2}})(?P<{name}_mark>\s*(?:h|:)\s*(?P<{name}_m>\d{{2}})?)?"


_STRICT_TIME = r"(?P<single_h>\d{1,2})\s*(?:h|:)\s*(?P<single_m>\d{2})?"
_RANGE_SEPARATOR = r"\s*(?:-|–|—|/|\ba\b|\bjusqu'?a\b|\bto\b)\s*"
_TOKENS = re.compile(
    rf"(?P<day_range>(?P<from_day>{DAY})\s*(?:-|–|\bau\b|\ba\b|\bto\b)\s*(?P<to_day>{DAY}))"
    rf"|(?P<day>{DAY})"
    rf"|(?P<range>{_time_pattern('start')}{_RANGE_SEPARATOR}{_time_pattern('end')}(?=\W|$))"
    rf"|(?P<single>{_STRICT_TIME})"
    r"|(?P<midday>\bmidi\b)",
)
# A length, not a time: « durée 1h30 », or an hour alone in parentheses right after a time (« 18h-19h (1h) »).
_LENGTH = re.compile(r"\bduree\b[^0-9()]{0,15}\d{1,2}\s*h(?:\s*\d{2})?"
                     r"|(?<=[0-9h])\s*\(\s*(?:env(?:iron)?\.?\s*)?\d{1,2}\s*h(?:\s*\d{2})?\s*\)")
# An end before the start is the next day's when it comes before this (« vendredi 22h-1h »),
# in weekly slots and dated occurrences alike; a later one is a mistake (« 20h-18h »).
NIGHT_ENDS = time(6, 0)


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


def _hour(value: time) -> str:
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


def _check_order(start: time, end: time | None, raw: object, shown: str) -> None:
    """An end at the start, or before it but after the night (« 20h-18h »), is refused."""
    if end is None or end > start or end < NIGHT_ENDS <= start:
        return
    if end == start:
        raise FieldError("schedule", raw, f"{shown} : le créneau de {_hour(start)} finit à l'heure où il commence.")
    raise FieldError("schedule", raw, f"{shown} : le créneau finit ({_hour(end)}) avant de commencer "
                                      f"({_hour(start)}) ; seule une fin avant {_hour(NIGHT_ENDS)} est lue "
                                      "comme le lendemain.")


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
        _check_order(start, slot[2], item, quote(f"{item.get('day')} {item.get('start')}-{item.get('end')}"))
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
    text = _LENGTH.sub(" ", _fold(str(value)))
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
            if not (match.group("start_mark") or match.group("end_mark")):
                continue  # « 4-6 ans », « salle 2-3 »: numbers, not times
            start = _time(match.group("start_h"), match.group("start_m"), value)
            end = _time(match.group("end_h"), match.group("end_m"), value)
            if not match.group("end_mark") and end <= start:
                end = None  # « 14h - 4-6 ans »: a time, then a number
        elif kind == "single":
            start, end = _time(match.group("single_h"), match.group("single_m"), value), None
        else:
            start, end = time(12, 0), None
        if not days:
            raise FieldError("schedule", value, f"{quote(value)} : une heure est donnée sans jour de la semaine.")
        _check_order(start, end, value, quote(value))
        for day in days:
            slot = (day, start, end)
            if slot not in slots:
                slots.append(slot)
        days_used = True
    if not slots:
        raise FieldError("schedule", value,
                         f"{quote(value)} : horaire non reconnu (ex. « mercredi 18h-19h30 ; samedi 10h-12h »).")
    return slots
