"""Dates always come out time-zone aware, Paris time by default."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from importers.normalise import FieldError, parse_datetime, parse_timings

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-01", datetime(2025, 3, 1, tzinfo=PARIS)),
    ("01/03/2025", datetime(2025, 3, 1, tzinfo=PARIS)),
    ("01/03/2025 18:30", datetime(2025, 3, 1, 18, 30, tzinfo=PARIS)),
    ("1/3/2025 à 18h30", datetime(2025, 3, 1, 18, 30, tzinfo=PARIS)),
    ("2025-07-01T18:30:00", datetime(2025, 7, 1, 18, 30, tzinfo=PARIS)),  # summer time
    ("2025-03-01 18:30", datetime(2025, 3, 1, 18, 30, tzinfo=PARIS)),
    ("2025-03-01T18:30:00+01:00", datetime(2025, 3, 1, 17, 30, tzinfo=timezone.utc)),
    ("2025-03-01T17:30:00Z", datetime(2025, 3, 1, 17, 30, tzinfo=timezone.utc)),
    (1740850200000, datetime(2025, 3, 1, 17, 30, tzinfo=timezone.utc)),  # epoch milliseconds
    ("1740850200000", datetime(2025, 3, 1, 17, 30, tzinfo=timezone.utc)),
    (date(2025, 3, 1), datetime(2025, 3, 1, tzinfo=PARIS)),
    (datetime(2025, 3, 1, 18, 30), datetime(2025, 3, 1, 18, 30, tzinfo=PARIS)),
    ("", None),
])
def test_parse_datetime(value, expected):
    parsed = parse_datetime(value, "source_modified_at")
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_parse_datetime_uses_the_given_default_time_zone():
    parsed = parse_datetime("01/03/2025 18:30", "timings", default_tz="America/Cayenne")
    assert parsed.utcoffset().total_seconds() == -3 * 3600


@pytest.mark.parametrize(("value", "message"), [
    ("31/02/2025", "n'existe pas"),
    ("bientôt", "date reconnue"),
    ("2025-13-01", "date reconnue"),
])
def test_parse_datetime_refuses(value, message):
    with pytest.raises(FieldError) as caught:
        parse_datetime(value, "source_modified_at")
    assert message in caught.value.message


def test_parse_timings_reads_openagenda_lists_and_opendatasoft_json_strings():
    timings = [{"begin": "2025-06-21T20:00:00+02:00", "end": "2025-06-21T22:00:00+02:00"},
               {"begin": "2025-06-20T20:00:00+02:00", "end": "2025-06-20T22:00:00+02:00"}]
    import json
    for value in (timings, json.dumps(timings)):
        parsed = parse_timings(value)
        assert [begin.day for begin, _ in parsed] == [20, 21]  # sorted
        assert parsed[0][1] - parsed[0][0] == (parsed[1][1] - parsed[1][0])
    assert parse_timings([{"start": "2025-06-21", "end": None}]) == [(datetime(2025, 6, 21, tzinfo=PARIS), None)]
    assert parse_timings("") == []


@pytest.mark.parametrize(("value", "message"), [
    ("pas du json", "liste de dates"),
    ([{"end": "2025-06-21"}], "pas de début"),
    ([{"begin": "2025-06-21T20:00:00", "end": "2025-06-21T18:00:00"}], "précède le début"),
    (["2025-06-21"], "début (begin)"),
])
def test_parse_timings_refuses(value, message):
    with pytest.raises(FieldError) as caught:
        parse_timings(value)
    assert caught.value.field == "timings"
    assert message in caught.value.message
