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
