"""Dates and OpenAgenda-style timings, always returned time-zone aware: a naive time from a
French partner means Paris time, and storing it naive would shift it by an hour or two."""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from importers.normalise.errors import FieldError, is_blank, quote
from importers.normalise.schedule import NIGHT_ENDS, WEEKDAY_BY_WORD

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


_UNRECOGNISED = "n'est pas une date reconnue (ex. 01/03/2025 18:30 ou 2025-03-01)."


PLAUSIBLE_YEARS = (1900, 2199)  # « 12/03/1026 » is a typing slip, not an event of the Middle Ages


def parse_datetime(value: object, field: str, default_tz: str = "Europe/Paris") -> datetime | None:
    """ISO 8601 with or without offset, '2025-03-01', '01/03/2025', '01/03/2025 18:30',
    epoch seconds or milliseconds, a spreadsheet serial number, or a date/datetime already
    parsed by the reader; a year out of PLAUSIBLE_YEARS is refused."""
    moment = _parse_datetime(value, field, default_tz)
    if moment is not None and not PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]:
        raise FieldError(field, value, f"{quote(value)} : l'année {moment.year} n'est pas plausible.")
    return moment


def _parse_datetime(value: object, field: str, default_tz: str) -> datetime | None:
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
    raise FieldError(field, value, f"{quote(value)} {_UNRECOGNISED}")


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
    """The occurrences a value holds, as {begin, end} objects or single dates (a text's parts
    stay text: _text_occurrence reads them)."""
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
            return [part for part in _SEPARATORS.split(text) if part]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise FieldError("timings", value, f"{quote(value)} n'est pas une liste de dates lisible.")


def _occurrences(item: object) -> list[tuple[datetime, datetime | None]]:
    return _text_occurrences(item) if isinstance(item, str) else [_read_occurrence(item)]


def _read_occurrence(item: object) -> tuple[datetime, datetime | None]:
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
    if end is not None and end < begin and end.date() == begin.date() and end.time() < NIGHT_ENDS:
        end += timedelta(days=1)  # 22:00 → 02:00: a night out ends the next day (as weekly slots)
    if end is not None and end < begin:
        raise FieldError("timings", item, f"La fin ({end:%d/%m/%Y %H:%M}) précède le début "
                                          f"({begin:%d/%m/%Y %H:%M}).")
    return begin, end


def _text_occurrences(part: str) -> list[tuple[datetime, datetime | None]]:
    """The occurrences one text gives: first as read before dates in words were (« 04/10/2025
    20:00 », « du 04/10/2025 au 06/10/2025 »), then in words (_from_words: one occurrence, or
    several for « 14 et 15 mars 2026 » and « du 20 au 24 octobre 2025 de 10h à 16h »). An
    unreadable range is quoted whole, not by its first half."""
    pair = _RANGE.match(part)
    try:
        return [_read_occurrence({"begin": pair.group(1), "end": pair.group(2)} if pair else part)]
    except FieldError as error:
        if not error.message.endswith(_UNRECOGNISED):
            raise  # a day that does not exist, an end before the start: said as before
        words = _from_words(part)
        if words is None:
            raise FieldError("timings", part, f"{quote(part.strip())} {_UNRECOGNISED}") from None
        return [_read_occurrence(word) for word in (words if isinstance(words, list) else [words])]


# Dates in words, as agendas write them: « samedi 8 novembre 2025 à 20h », « 1er déc. 2025 »,
# « 20/10/2025 de 14h à 17h », « 04/10/2025, 20h-22h », « du 20 au 24 octobre 2025 ».
_PARIS = ZoneInfo("Europe/Paris")
_EXTRA_MONTHS = {"jan": 1, "fev": 2, "sep": 9}  # common abbreviations the CLDR does not list


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.replace("\ufeff", "").replace("\x00", "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _word_patterns() -> tuple[dict[str, int], tuple[str, ...], re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """Month names (French CLDR names from Babel, wide and abbreviated, folded), French day
    names, and the single-day, range, daily-hours and list-of-days patterns; built on the first
    date in words."""
    from babel.dates import get_day_names, get_month_names

    months = dict(_EXTRA_MONTHS)
    for width in ("wide", "abbreviated"):
        months.update({_fold(name).rstrip("."): number
                       for number, name in get_month_names(width, locale="fr").items()})
    day_names = tuple(get_day_names("wide", locale="fr")[day] for day in range(7))
    month = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    weekday = "|".join(sorted(map(re.escape, WEEKDAY_BY_WORD), key=len, reverse=True))

    def day(tag: str, partial: bool = False) -> str:
        words = (rf"(?P<{tag}d>\d{{1,2}})(?:er|e|eme)?(?:\s*(?P<{tag}mo>{month})\.?(?![a-z])"
                 rf"(?:\s*(?P<{tag}y>\d{{4}}))?){'?' if partial else ''}")
        numeric = rf"(?P<{tag}nd>\d{{1,2}})[/.-](?P<{tag}nm>\d{{1,2}})(?:[/.-](?P<{tag}ny>\d{{4}}|\d{{2}}))?"
        return rf"(?:(?P<{tag}wd>{weekday})s?\.?\s*,?\s*)?(?:le\s+)?(?:{numeric}|{words})"

    def clock(tag: str) -> str:
        return rf"(?P<{tag}h>\d{{1,2}})\s*(?:h(?:eures?)?|:(?=\d{{2}}))\s*(?P<{tag}m>\d{{2}})?(?!\d)"

    at = r"\s*,?\s*(?:(?:a|de|des|vers)\s+)?"
    until = r"\s*(?:-|–|—|\ba\b|\bjusqu'a\b)\s*"
    single = re.compile(rf"(?:le\s+)?{day('b')}(?:{at}{clock('t')}(?:{until}{clock('u')})?)?")
    to = r"(?:\s+(?:au|jusqu'au)\s+|\s*[–—]\s*|\s+-\s+)"
    span = re.compile(rf"(?:du\s+|de\s+)?{day('b', partial=True)}(?:{at}{clock('t')})?{to}{day('e')}"
                      rf"(?:{at}{clock('u')})?")
    # « du 20 au 24 octobre 2025 de 10h à 16h »: the same hours on every day of the range.
    daily = re.compile(rf"(?:du\s+|de\s+)?{day('b', partial=True)}{to}{day('e')}"
                       rf"\s*,?\s*(?:tous\s+les\s+jours\s*,?\s*)?(?:(?:de|des)\s+)?{clock('t')}{until}{clock('u')}")
    # « 14 et 15 mars 2026 », « samedi 14, dimanche 15 et lundi 16 mars 2026 à 20h »: the days
    # listed before the last one, which gives the month, the year and the time of them all.
    listed = rf"(?:(?:{weekday})s?\s+)?\d{{1,2}}(?:er|e)?"
    days = re.compile(rf"(?:les\s+)?(?P<listed>{listed}(?:\s*,\s*{listed})*)\s*(?:,|\bet\b)\s*(?P<last>.+)")
    return months, day_names, single, span, daily, days


def _day(found: re.Match, tag: str, part: str, after: date | None = None) -> date:
    """The day a pattern's `tag` groups name; a range's first day takes the month and year its
    last day gives when it leaves them out (« du 20 au 24 octobre 2025 »)."""
    months, day_names = _word_patterns()[:2]
    group = found.groupdict()
    if group[f"{tag}nd"]:
        day, month, year = int(group[f"{tag}nd"]), int(group[f"{tag}nm"]), group[f"{tag}ny"]
        year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    else:
        day = int(group[f"{tag}d"])
        month = months[group[f"{tag}mo"]] if group[f"{tag}mo"] else None
        year = int(group[f"{tag}y"]) if group[f"{tag}y"] else None
    if after is not None and year is None:
        # « du 28 décembre au 3 janvier 2026 » starts the year before; « du 28 au 3 novembre »
        # is not guessed (its start would follow its end, which is refused).
        year = after.year - 1 if month is not None and (month, day) > (after.month, after.day) else after.year
        month = after.month if month is None else month
    if year is None:
        raise FieldError("timings", part, f"{quote(part)} : l'année manque (ex. 08/11/2025 ou 8 novembre 2025).")
    try:
        found_day = date(year, month, day)
    except ValueError:
        raise FieldError("timings", part, f"La date {quote(part)} n'existe pas.") from None
    written = group[f"{tag}wd"]
    if written and WEEKDAY_BY_WORD[written] != found_day.weekday():
        actual, said = day_names[found_day.weekday()], day_names[WEEKDAY_BY_WORD[written]]
        raise FieldError("timings", part, f"{quote(part)} : le {found_day:%d/%m/%Y} est un {actual}, pas un {said}.")
    return found_day


def _moment(day: date, found: re.Match, tag: str, part: str) -> date | datetime:
    """The day alone (all of it), or the day at the time the `tag` groups give."""
    hour, minute = found.group(f"{tag}h"), found.group(f"{tag}m")
    if hour is None:
        return day
    try:
        return datetime.combine(day, time(int(hour), int(minute or 0)), tzinfo=_PARIS)
    except ValueError:
        raise FieldError("timings", part, f"{quote(part)} : l'heure {hour}h{minute or ''} n'existe pas.") from None


def _from_words(part: str) -> object | None:
    """A date written in words as an occurrence (a date, an aware datetime or {begin, end});
    None when the text is not one. An evening ending after midnight (« 22h-2h ») ends the next day."""
    _, _, single, span, daily, days = _word_patterns()
    text = _fold(part).rstrip(".")
    found = single.fullmatch(text)
    if found:
        day = _day(found, "b", part.strip())
        begin = _moment(day, found, "t", part.strip())
        if found.group("uh") is None:
            return begin
        end = _moment(day, found, "u", part.strip())
        return {"begin": begin, "end": end if end >= begin else end + timedelta(days=1)}
    found = span.fullmatch(text)
    if found:
        last = _day(found, "e", part.strip())
        first = _day(found, "b", part.strip(), after=last)
        return {"begin": _moment(first, found, "t", part.strip()), "end": _moment(last, found, "u", part.strip())}
    found = daily.fullmatch(text)
    if found:
        return _every_day(found, part.strip())
    found = days.fullmatch(text)
    if found:
        return _listed_days(found, single, part)
    return None


MAX_DAILY = 62  # days of a range with daily hours read as one occurrence each


def _every_day(found: re.Match, part: str) -> list[dict]:
    """One occurrence a day, at the same hours, from the range's first day to its last."""
    last = _day(found, "e", part)
    first = _day(found, "b", part, after=last)
    count = (last - first).days + 1
    if count < 1:
        raise FieldError("timings", part, f"{quote(part)} : le dernier jour précède le premier.")
    if count > MAX_DAILY:
        raise FieldError("timings", part, f"{quote(part)} : plus de {MAX_DAILY} jours aux mêmes heures ; pour une "
                                          "activité de toute une saison, indiquez la saison et les horaires de "
                                          "la semaine.")
    occurrences = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        begin, end = _moment(day, found, "t", part), _moment(day, found, "u", part)
        occurrences.append({"begin": begin, "end": end if end > begin else end + timedelta(days=1)})
    return occurrences


def _listed_days(found: re.Match, single: re.Pattern, part: str) -> list | None:
    """Each listed day with the month, year and hours of the last one, which must name its month."""
    last = single.fullmatch(found.group("last"))
    if last is None or last.group("bmo") is None:
        return None
    tail = found.group("last")[last.end("bd"):]  # « mars 2026 à 20h »
    texts = [item.strip() + tail for item in re.split(r"\s*,\s*", found.group("listed"))] + [found.group("last")]
    occurrences = []
    for text in texts:
        try:
            occurrence = _from_words(text)
        except FieldError as error:  # said of the partner's words, not of the day rebuilt from them
            raise FieldError("timings", part, error.message.replace(quote(text), quote(part.strip()))) from None
        if occurrence is None or isinstance(occurrence, list):
            return None
        occurrences.append(occurrence)
    return occurrences


def parse_season(value: object, field: str = "season_start") -> tuple[date, date] | None:
    """A season written in one cell: « du 15/09/2025 au 27/06/2026 », « 15 septembre 2025 -
    27 juin 2026 », or in months, « de septembre 2025 à juin 2026 » (from the first day of the
    one to the last of the other). None when the cell is not such a range."""
    if not isinstance(value, str):
        return None
    try:
        occurrences = parse_timings(value)
    except FieldError:
        occurrences = []
    if len(occurrences) == 1 and occurrences[0][1] and occurrences[0][1].date() > occurrences[0][0].date():
        return occurrences[0][0].date(), occurrences[0][1].date()
    months = _word_patterns()[0]
    found = _month_range().fullmatch(_fold(value).rstrip("."))
    if not found:
        if _YEARS.fullmatch(_fold(value)):
            raise FieldError(field, value, f"{quote(value.strip())} : indiquez les jours de début et de fin de la "
                                           "saison (ex. du 15/09/2025 au 27/06/2026).")
        return None
    first, last, year = months[found["m1"]], months[found["m2"]], int(found["y2"])
    start_year = int(found["y1"]) if found["y1"] else (year if first <= last else year - 1)
    if not start_year <= year <= start_year + 1 or (start_year, first) >= (year, last):
        return None
    end = date(year + last // 12, last % 12 + 1, 1) - timedelta(days=1)
    return date(start_year, first, 1), end


_YEARS = re.compile(r"(?:saison\s*:?\s*)?\d{4}\s*[-/–]\s*\d{2,4}")


@lru_cache(maxsize=1)
def _month_range() -> re.Pattern:
    month = "|".join(sorted(map(re.escape, _word_patterns()[0]), key=len, reverse=True))
    return re.compile(rf"(?:saison\s*:?\s*)?(?:de\s+|d'|du\s+mois\s+de\s+)?(?P<m1>{month})\.?(?:\s+(?P<y1>\d{{4}}))?"
                      rf"\s*(?:\ba\b|\bau\b|-|–|—|\bjusqu'(?:en|a)\b)\s*(?P<m2>{month})\.?\s+(?P<y2>\d{{4}})")


def parse_timings(value: object, problems: list[str] | None = None) -> list[tuple[datetime, datetime | None]]:
    """Occurrences, sorted by start: OpenAgenda timings (a list of {begin, end}, or that list
    JSON-encoded in one cell as OpenDataSoft exports it), or the dates a spreadsheet's « Date »
    column holds (one date, several, a range), in figures or in words (« samedi 8 novembre 2025
    à 20h », « 20/10/2025 de 14h à 17h », « du 20 au 24 octobre 2025 »; a day without a time
    lasts all day). An occurrence that cannot be read is left out and described in `problems`;
    when none can be read, the whole value is refused."""
    if is_blank(value):
        return []
    items = _items(value)
    timings, refused = [], []
    for number, item in enumerate(items, start=1):
        try:
            timings.extend(_occurrences(item))
        except FieldError as error:
            refused.append(error if len(items) == 1 else
                           FieldError("timings", error.value, f"Date n° {number} ignorée : {error.message}"))
    if refused and not timings:
        raise FieldError("timings", value, refused[0].message)
    if problems is not None:
        problems.extend(error.message for error in refused)
    return sorted(timings, key=lambda pair: pair[0])
