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
    ('[{"begin": "2025-06-21"', "liste de dates"),
    ("pas une date", "date reconnue"),
    ([{"end": "2025-06-21"}], "pas de début"),
    ([{"begin": "2025-06-21T20:00:00", "end": "2025-06-21T18:00:00"}], "précède le début"),
    ([True], "début (begin)"),
    ("bientôt ; un jour", "date reconnue"),
])
def test_parse_timings_refuses(value, message):
    with pytest.raises(FieldError) as caught:
        parse_timings(value)
    assert caught.value.field == "timings"
    assert message in caught.value.message


def test_a_spreadsheet_date_column_gives_its_dates_as_timings():
    """A « Date » column: one date and time, a day (all of it), several dates, a range, a date
    cell or a serial number from a spreadsheet."""
    assert parse_timings("04/10/2025 20:00") == [(datetime(2025, 10, 4, 20, 0, tzinfo=PARIS), None)]
    assert parse_timings("04/10/2025") == [(datetime(2025, 10, 4, tzinfo=PARIS),
                                            datetime(2025, 10, 4, 23, 59, tzinfo=PARIS))]
    assert [b.day for b, _ in parse_timings("05/10/2025 20:00 ; 04/10/2025 20:00")] == [4, 5]
    assert parse_timings("du 04/10/2025 au 06/10/2025") == [(datetime(2025, 10, 4, tzinfo=PARIS),
                                                             datetime(2025, 10, 6, 23, 59, tzinfo=PARIS))]
    assert parse_timings(datetime(2025, 10, 4, 20, 0)) == [(datetime(2025, 10, 4, 20, 0, tzinfo=PARIS), None)]
    assert parse_timings(45934.5) == [(datetime(2025, 10, 4, 12, 0, tzinfo=PARIS), None)]
    assert parse_timings(45934) == [(datetime(2025, 10, 4, tzinfo=PARIS), datetime(2025, 10, 4, 23, 59, tzinfo=PARIS))]


def test_one_unreadable_occurrence_is_left_out_and_said_the_others_are_kept():
    problems = []
    timings = parse_timings([{"begin": "2025-10-01T18:00:00+02:00", "end": "2025-10-01T20:00:00+02:00"},
                             {"begin": "2025-10-15T19:00:00+02:00", "end": "2025-10-15T17:00:00+02:00"},
                             {"begin": "2025-10-22T18:00:00+02:00"}], problems)
    assert [begin.day for begin, _ in timings] == [1, 22]
    assert problems == ["Date n° 2 ignorée : La fin (15/10/2025 17:00) précède le début (15/10/2025 19:00)."]


@pytest.mark.parametrize(("value", "expected"), [
    (45900, datetime(2025, 8, 31, tzinfo=PARIS)),              # a spreadsheet's date cell read as a number
    ("45900,75", datetime(2025, 8, 31, 18, 0, tzinfo=PARIS)),
    (1740850200, datetime(2025, 3, 1, 17, 30, tzinfo=timezone.utc)),  # epoch seconds
])
def test_numbers_are_spreadsheet_serials_or_epoch_times_never_1970(value, expected):
    assert parse_datetime(value, "source_modified_at") == expected


def test_a_small_number_is_not_a_date():
    with pytest.raises(FieldError) as caught:
        parse_datetime(2025, "source_modified_at")
    assert "n'est pas une date" in caught.value.message
