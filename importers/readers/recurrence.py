"""schema.org Schedule rhythms other than every week (« le 1er mardi du mois », every two weeks,
the 15th of each month): expanded into dated occurrences with dateutil's rrule, since a
weekly slot would promise a class every week. A rhythm with no first date cannot be dated:
the caller keeps its slots as weekly ones, saying their rhythm.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, YEARLY, rrule

from importers.normalise.schedule import NIGHT_ENDS

DAYS = {"monday": MO, "tuesday": TU, "wednesday": WE, "thursday": TH, "friday": FR, "saturday": SA, "sunday": SU}
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
WORDS = {"daily": (DAILY, 1), "weekly": (WEEKLY, 1), "biweekly": (WEEKLY, 2), "monthly": (MONTHLY, 1),
         "yearly": (YEARLY, 1), "annually": (YEARLY, 1)}
HORIZON = timedelta(days=366)  # a rhythm without an end is dated over a year
MAX_OCCURRENCES = 400
RHYTHM_WORDS = {DAILY: ("chaque jour", "tous les {n} jours"), WEEKLY: ("chaque semaine", "toutes les {n} semaines"),
                MONTHLY: ("chaque mois", "tous les {n} mois"), YEARLY: ("chaque année", "tous les {n} ans")}


def frequency(value: object) -> tuple[int, int] | None:
    """(rrule frequency, interval) of a repeatFrequency (« P1M », « P2W », « monthly »), or None
    when absent or unreadable (then weekly, as schema.org's byDay alone means)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().upper()
    found = DURATION.match(text)
    if not found or not any(found.groups()):
        return WORDS.get(value.strip().lower())
    years, months, weeks, days = (int(part) if part else 0 for part in found.groups())
    if [years, months, weeks, days].count(0) != 3:
        return None  # « P1M2D »: no single rhythm
    if days and days % 7 == 0:
        return WEEKLY, days // 7
    return (YEARLY, years) if years else (MONTHLY, months) if months else (WEEKLY, weeks) if weeks else (DAILY, days)


def is_weekly(rhythm: tuple[int, int] | None) -> bool:
    return rhythm is None or rhythm == (WEEKLY, 1)


def rhythm_words(rhythm: tuple[int, int]) -> str:
    """« chaque mois », « toutes les 2 semaines »."""
    one, several = RHYTHM_WORDS[rhythm[0]]
    return one if rhythm[1] == 1 else several.format(n=rhythm[1])


def occurrences(rhythm: tuple[int, int], days: list[str], month_weeks: list[int], month_days: list[int],
                start: str | None, end: str | None, count: object, start_time: str | None,
                end_time: str | None) -> list[dict[str, str | None]] | None:
    """The dated occurrences of a schedule ({"begin", "end"} ISO texts, local time), or None when
    it cannot be dated (no first date, unreadable parts)."""
    first_day, last_day = _day(start), _day(end)
    begins, ends = _clock(start_time), _clock(end_time)
    if first_day is None or (start_time and begins is None):
        return None
    weekdays = [DAYS[day.lower()] for day in days if day.lower() in DAYS]
    if days and not weekdays:
        return None
    if weekdays and month_weeks and rhythm[0] == MONTHLY:
        weekdays = [day(week) for day in weekdays for week in month_weeks if week and -5 <= week <= 5]
    limit = int(count) if isinstance(count, int) or (isinstance(count, str) and count.isdigit()) else None
    dtstart = datetime.combine(first_day, begins or time(0))
    until = datetime.combine(last_day, time(23, 59)) if last_day else dtstart + HORIZON
    bounds = {"count": min(limit, MAX_OCCURRENCES)} if limit and not last_day else {"until": until}
    rule = rrule(rhythm[0], interval=rhythm[1], dtstart=dtstart, **bounds,
                 byweekday=weekdays or None, bymonthday=[day for day in month_days if day] or None)
    # 22:00 → 01:00: a night out ends the next day (a daytime end before the start stays, to be refused).
    next_day = timedelta(days=1) if begins and ends and ends < begins and ends < NIGHT_ENDS else timedelta(0)
    dated = []
    for moment in rule:
        if len(dated) >= MAX_OCCURRENCES:
            break
        finish = datetime.combine(moment.date() + next_day, ends).isoformat(timespec="minutes") if ends else None
        dated.append({"begin": moment.isoformat(timespec="minutes") if begins else moment.date().isoformat(),
                      "end": finish})
    return dated


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _clock(value: str | None) -> time | None:
    found = re.match(r"^(\d{1,2}):(\d{2})", value or "")
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        return None
    return time(int(found[1]), int(found[2]))
