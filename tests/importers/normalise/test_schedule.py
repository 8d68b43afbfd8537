"""Weekly schedules typed in French by partners."""
from datetime import time

import pytest

from importers.normalise import FieldError, parse_schedule

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(("value", "expected"), [
    ("mercredi 18h-19h30 ; samedi 10:00-12:00",
     [(WED, time(18), time(19, 30)), (SAT, time(10), time(12))]),
    ("mer. 14h", [(WED, time(14), None)]),
    ("lundi et jeudi 20h–22h", [(MON, time(20), time(22)), (THU, time(20), time(22))]),
    ("Les mercredis de 18h à 19h30", [(WED, time(18), time(19, 30))]),
    ("Mardi 18-20h, jeudi 14h30 - 16h", [(TUE, time(18), time(20)), (THU, time(14, 30), time(16))]),
    ("mercredi 10h-12h et 14h-16h", [(WED, time(10), time(12)), (WED, time(14), time(16))]),
    ("du lundi au mercredi 9h-12h", [(d, time(9), time(12)) for d in (MON, TUE, WED)]),
    ("DIMANCHE : 17H00 - 18H30", [(SUN, time(17), time(18, 30))]),
    ("sam 10h-12h\nsam 10h-12h", [(SAT, time(10), time(12))]),  # duplicates collapse
    ("", []),
])
def test_parse_schedule(value, expected):
    assert parse_schedule(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("18h-20h", "sans jour"),
    ("tous les jours sauf en mars", "horaire non reconnu"),
    ("mardi 25h", "n'existe pas"),
    ("mercredi", "horaire non reconnu"),
])
def test_parse_schedule_refuses(value, message):
    with pytest.raises(FieldError) as caught:
        parse_schedule(value)
    assert caught.value.field == "schedule"
    assert message in caught.value.message


def test_structured_slots_keep_the_weekdays_and_skip_what_is_not_one():
    slots = parse_schedule([{"day": "https://schema.org/PublicHolidays", "start": "10:00"},
                            {"day": "https://schema.org/Tuesday", "start": "19:00", "end": "20:30:00"}])
    assert slots == [(1, time(19, 0), time(20, 30))]
    with pytest.raises(FieldError):
        parse_schedule([{"day": "PublicHolidays", "start": "10:00"}])


@pytest.mark.parametrize(("value", "expected"), [
    # Ages, rooms and lengths are numbers, not times: only the slots are read.
    ("Mercredi 14h-15h30 (4-6 ans)", [(WED, time(14), time(15, 30))]),
    ("Lundi 18h-20h (salle 2-3)", [(MON, time(18), time(20))]),
    ("mardi 18h-19h (1h)", [(TUE, time(18), time(19))]),
    ("jeudi 19h (durée 1h30)", [(THU, time(19), None)]),
    ("Mercredi : 10h-11h (3-5 ans), 11h-12h (6-8 ans)", [(WED, time(10), time(11)), (WED, time(11), time(12))]),
    ("samedi 10h-11h, 4-6 ans", [(SAT, time(10), time(11))]),
    ("Mercredi 14h - 4-6 ans", [(WED, time(14), None)]),
    # What parentheses say about the schedule is still read.
    ("lundi 18h-20h (et jeudi 19h-21h)", [(MON, time(18), time(20)), (THU, time(19), time(21))]),
    ("samedi 10h (adultes 14h-16h)", [(SAT, time(10), None), (SAT, time(14), time(16))]),
    # « / » between two times is a range.
    ("Vendredi 18h30/20h", [(FRI, time(18, 30), time(20))]),
    ("lundi/jeudi 19h/21h", [(MON, time(19), time(21)), (THU, time(19), time(21))]),
    ("mardi 18/20h", [(TUE, time(18), time(20))]),
    # An end after midnight is the next day's.
    ("vendredi 22h-1h", [(FRI, time(22), time(1))]),
    ("samedi 21h30 - 0h30", [(SAT, time(21, 30), time(0, 30))]),
    ("samedi 20h-24h", [(SAT, time(20), time(0))]),
])
def test_parse_schedule_reads_only_times(value, expected):
    assert parse_schedule(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("mardi 18h-18h", "finit à l'heure où il commence"),
    ("lundi 20h-18h", "finit (18h) avant de commencer (20h)"),
    ("jeudi 14h-9h30", "finit (9h30) avant de commencer (14h)"),
])
def test_parse_schedule_refuses_an_end_not_after_the_start(value, message):
    with pytest.raises(FieldError) as caught:
        parse_schedule(value)
    assert caught.value.field == "schedule"
    assert message in caught.value.message


@pytest.mark.parametrize(("end", "message"), [
    ("22:00", "finit à l'heure où il commence"),
    ("18:00", "finit (18h) avant de commencer (22h)"),
])
def test_structured_slots_may_end_after_midnight_but_not_where_they_start(end, message):
    assert parse_schedule([{"day": "Friday", "start": "22:00", "end": "01:00"}]) == [(FRI, time(22), time(1))]
    with pytest.raises(FieldError) as caught:
        parse_schedule([{"day": "Friday", "start": "22:00", "end": end}])
    assert caught.value.field == "schedule"
    assert message in caught.value.message
