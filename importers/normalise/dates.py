"""Dates and OpenAgenda-style timings, always returned time-zone aware: a naive time from a
French partner means Paris time, and storing it naive would shift it by an hour or two."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta, timezone
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


EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_SERIALS = (20_000, 80_000)  # 1954 to 2119: a spreadsheet date written as its serial number
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")


def from_serial(number: float) -> datetime | None:
    """A spreadsheet serial number (45915.75 is 15/09/2025 18:00), naive; None out of range."""
    if not EXCEL_SERIALS[0] <= number <= EXCEL_SERIALS[1]:
        return None
    return EXCEL_EPOCH + timedelta(seconds=round(number * 86_400))


def _from_number(number: float, field: str, raw: object, tz: ZoneInfo) -> datetime:
    serial = from_serial(number)
    if serial is not None:
        return serial.replace(tzinfo=tz)
    if abs(number) >= 1e8:  # seconds since 1970 (from 1973 on) or milliseconds
        return _from_epoch(number, field, raw)
    raise FieldError(field, raw, f"{quote(raw)} n'est pas une date (ex. 01/03/2025 18:30).")


def parse_datetime(value: object, field: str, default_tz: str = "Europe/Paris") -> datetime | None:
    """ISO 8601 with or without offset, '2025-03-01', '01/03/2025', '01/03/2025 18:30',
    epoch seconds or milliseconds, a spreadsheet serial number, or a date/datetime already
    parsed by the reader."""
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
        return _from_number(float(value), field, value, tz)
    text = str(value).replace("\ufeff", "").replace("\x00", "").strip()
    if re.fullmatch(r"-?\d{9,13}(\.0+)?", text) or _SERIAL.fullmatch(text):
        return _from_number(float(text.replace(",", ".")), field, value, tz)
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


# Several dates in one cell: « 04/10/2025 20:00 ; 05/10/2025 20:00 », one per line, and a
# range « du 04/10/2025 au 06/10/2025 » or « 2025-10-04 20:00 – 2025-10-04 22:00 ».
_SEPARATORS = re.compile(r"\s*[;|\n]\s*")
_RANGE = re.compile(r"^(?:du\s+|le\s+)?(.+?)\s+(?:au|jusqu'au|jusqu’au|–|—|->)\s+(.+)$", re.IGNORECASE)


def _whole_day(value: object) -> bool:
    """A day without a time (« 04/10/2025 », a spreadsheet's date cell or whole serial number):
    as an end, or as a single date, it lasts until the end of that day."""
    if isinstance(value, datetime):
        return value.tzinfo is None and value.time() == time(0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value).is_integer() and from_serial(float(value)) is not None
    return _date_only(value)


def _items(value: object) -> list:
    """The occurrences a value holds, as {begin, end} objects or single dates."""
    if isinstance(value, (date, int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("[", "{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise FieldError("timings", value, f"{quote(value)} n'est pas une liste de dates lisible.") from None
        else:
            items: list = []
            for part in _SEPARATORS.split(text):
                if part:
                    pair = _RANGE.match(part)
                    items.append({"begin": pair.group(1), "end": pair.group(2)} if pair else part)
            return items
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise FieldError("timings", value, f"{quote(value)} n'est pas une liste de dates lisible.")


def _occurrence(item: object) -> tuple[datetime, datetime | None]:
    if isinstance(item, dict):
        begin_raw, end_raw = item.get("begin", item.get("start")), item.get("end")
    elif isinstance(item, (str, date, int, float)) and not isinstance(item, bool):
        begin_raw, end_raw = item, (item if _whole_day(item) else None)
    else:
        raise FieldError("timings", item, "Chaque date doit avoir un début (begin) et une fin (end).")
    begin = parse_datetime(begin_raw, "timings")
    end = parse_datetime(end_raw, "timings")
    if end is not None and _whole_day(end_raw):
        end = end.replace(hour=23, minute=59)  # "until 18 May" includes the 18th
    if begin is None:
        raise FieldError("timings", item, "Une date n'a pas de début (begin).")
    if end is not None and end < begin:
        raise FieldError("timings", item, f"La fin ({end:%d/%m/%Y %H:%M}) précède le début "
                                          f"({begin:%d/%m/%Y %H:%M}).")
    return begin, end


def parse_timings(value: object, problems: list[str] | None = None) -> list[tuple[datetime, datetime | None]]:
    """Occurrences, sorted by start: OpenAgenda timings (a list of {begin, end}, or that list
    JSON-encoded in one cell as OpenDataSoft exports it), or the dates a spreadsheet's « Date »
    column holds (one date, several, a range). An occurrence that cannot be read is left out
    and described in `problems`; when none can be read, the whole value is refused."""
    if is_blank(value):
        return []
    items = _items(value)
    timings, refused = [], []
    for number, item in enumerate(items, start=1):
        try:
            timings.append(_occurrence(item))
        except FieldError as error:
            refused.append(error if len(items) == 1 else
                           FieldError("timings", error.value, f"Date n° {number} ignorée : {error.message}"))
    if refused and not timings:
        raise FieldError("timings", value, refused[0].message)
    if problems is not None:
        problems.extend(error.message for error in refused)
    return sorted(timings, key=lambda pair: pair[0])
