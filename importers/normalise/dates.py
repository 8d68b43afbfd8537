"""Dates and OpenAgenda-style timings, always returned time-zone aware: a naive time from a
French partner means Paris time, and storing it naive would shift it by an hour or two."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from importers.normalise.errors import FieldError, is_blank, quote

_FRENCH = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:\s*(?:à|a|-|,)?\s*(\d{1,2})\s*[h:]\s*(\d{2})?(?::(\d{2}))?)?$",
    re.IGNORECASE,
)


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _from_epoch(number: float, field: str, raw: object) -> datetime:
    seconds = number / 1000 if abs(number) >= 1e11 else number  # epoch milliseconds or seconds
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise FieldError(field, raw, f"{quote(raw)} n'est pas une date.") from None


def parse_datetime(value: object, field: str, default_tz: str = "Europe/Paris") -> datetime | None:
    """ISO 8601 with or without offset, '2025-03-01', '01/03/2025', '01/03/2025 18:30',
    epoch milliseconds, or a date/datetime already parsed by the reader."""
    if is_blank(value):
        return None
    tz = ZoneInfo(default_tz)
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=tz)
    if isinstance(value, bool):
        raise FieldError(field, value, f"{quote(value)} n'est pas une date.")
    if isinstance(value, (int, float)):
        return _from_epoch(float(value), field, value)
    text = str(value).replace("\ufeff", "").replace("\x00", "").strip()
    if re.fullmatch(r"-?\d{9,13}(\.0+)?", text):
        return _from_epoch(float(text), field, value)
    iso = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if iso.endswith(("z", "Z")):
        iso = iso[:-1] + "+00:00"
    try:
        return _aware(datetime.fromisoformat(iso), tz)
    except ValueError:
        pass
    match = _FRENCH.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        year_number = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return datetime(year_number, int(month), int(day), int(hour or 0), int(minute or 0),
                            int(second or 0), tzinfo=tz)
        except ValueError:
            raise FieldError(field, value, f"La date {quote(value)} n'existe pas.") from None
    raise FieldError(field, value, f"{quote(value)} n'est pas une date reconnue (ex. 01/03/2025 18:30 ou 2025-03-01).")


_DATE_ONLY = re.compile(r"^\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\s*$")


def _date_only(value: object) -> bool:
    if isinstance(value, datetime):
        return False
    return isinstance(value, date) or (isinstance(value, str) and bool(_DATE_ONLY.match(value)))


def parse_timings(value: object) -> list[tuple[datetime, datetime | None]]:
    """OpenAgenda timings: a list of {begin, end} (or {start, end}), or that list JSON-encoded
    in one cell as OpenDataSoft exports it. Sorted by start."""
    if is_blank(value):
        return []
    items = value
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            raise FieldError("timings", value, f"{quote(value)} n'est pas une liste de dates lisible.") from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise FieldError("timings", value, f"{quote(value)} n'est pas une liste de dates lisible.")
    timings = []
    for item in items:
        if not isinstance(item, dict):
            raise FieldError("timings", value, "Chaque date doit avoir un début (begin) et une fin (end).")
        begin = parse_datetime(item.get("begin", item.get("start")), "timings")
        end = parse_datetime(item.get("end"), "timings")
        if end is not None and _date_only(item.get("end")):
            end = end.replace(hour=23, minute=59)  # "until 18 May" includes the 18th
        if begin is None:
            raise FieldError("timings", value, "Une date n'a pas de début (begin).")
        if end is not None and end < begin:
            raise FieldError("timings", value, f"La fin ({end:%d/%m/%Y %H:%M}) précède le début "
                                               f"({begin:%d/%m/%Y %H:%M}).")
        timings.append((begin, end))
    return sorted(timings, key=lambda pair: pair[0])
