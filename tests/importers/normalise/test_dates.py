"""Dates always come out time-zone aware, Paris time by default."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from importers.normalise import FieldError, parse_datetime, parse_season, parse_timings

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


def _day(year, month, day):
    """A day without a time, as parse_timings gives it: from midnight to 23:59 (Paris)."""
    return [(datetime(year, month, day, tzinfo=PARIS), datetime(year, month, day, 23, 59, tzinfo=PARIS))]


@pytest.mark.parametrize(("value", "expected"), [
    ("20/10/2025 de 14h à 17h", [(datetime(2025, 10, 20, 14, tzinfo=PARIS), datetime(2025, 10, 20, 17, tzinfo=PARIS))]),
    ("04/10/2025, 20h-22h", [(datetime(2025, 10, 4, 20, tzinfo=PARIS), datetime(2025, 10, 4, 22, tzinfo=PARIS))]),
    ("04/10/2025 20h30", [(datetime(2025, 10, 4, 20, 30, tzinfo=PARIS), None)]),
    ("04/10/2025 de 20h30 à 22h", [(datetime(2025, 10, 4, 20, 30, tzinfo=PARIS), datetime(2025, 10, 4, 22, tzinfo=PARIS))]),
    ("samedi 8 novembre 2025 à 20h", [(datetime(2025, 11, 8, 20, tzinfo=PARIS), None)]),
    ("Sam. 8 nov. 2025, 20h30", [(datetime(2025, 11, 8, 20, 30, tzinfo=PARIS), None)]),
    ("le 8 novembre 2025 de 22h à 2h", [(datetime(2025, 11, 8, 22, tzinfo=PARIS), datetime(2025, 11, 9, 2, tzinfo=PARIS))]),
    ("8 novembre 2025", _day(2025, 11, 8)),
    ("1er décembre 2025", _day(2025, 12, 1)),
    ("Samedi 8\u00a0novembre 2025", _day(2025, 11, 8)),
])
def test_a_date_column_reads_dates_and_times_in_words(value, expected):
    assert parse_timings(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("12 février 2026", (2026, 2, 12)), ("12 fevrier 2026", (2026, 2, 12)), ("15 août 2025", (2025, 8, 15)),
    ("15 aout 2025", (2025, 8, 15)), ("3 decembre 2025", (2025, 12, 3)), ("3 DÉCEMBRE 2025", (2025, 12, 3)),
    ("3 janv. 2026", (2026, 1, 3)), ("3 févr. 2026", (2026, 2, 3)), ("3 fév. 2026", (2026, 2, 3)),
    ("3 sept. 2025", (2025, 9, 3)), ("3 oct. 2025", (2025, 10, 3)), ("3 nov. 2025", (2025, 11, 3)),
    ("3 déc. 2025", (2025, 12, 3)), ("3 dec 2025", (2025, 12, 3)), ("3 mars 2026", (2026, 3, 3)),
    ("3 juil. 2026", (2026, 7, 3)), ("3 mai 2026", (2026, 5, 3)),
])
def test_month_names_with_or_without_accents_and_abbreviated(value, expected):
    assert parse_timings(value) == _day(*expected)


@pytest.mark.parametrize(("value", "begin", "end"), [
    ("du 20 au 24 octobre 2025", (2025, 10, 20), (2025, 10, 24)),
    ("du 20 octobre au 3 novembre 2025", (2025, 10, 20), (2025, 11, 3)),
    ("du 28/10/2025 au 31/10/2025", (2025, 10, 28), (2025, 10, 31)),
    ("du 20/10 au 24/10/2025", (2025, 10, 20), (2025, 10, 24)),
    ("du 28 décembre au 3 janvier 2026", (2025, 12, 28), (2026, 1, 3)),
    ("Du lundi 20 au vendredi 24 oct. 2025", (2025, 10, 20), (2025, 10, 24)),
])
def test_a_range_in_words_is_one_occurrence_from_its_first_day_to_the_end_of_its_last(value, begin, end):
    """As « du 04/10/2025 au 06/10/2025 » always was: from the first day's midnight to 23:59 of the last."""
    assert parse_timings(value) == [(datetime(*begin, tzinfo=PARIS), datetime(*end, 23, 59, tzinfo=PARIS))]


def test_several_dates_in_words_in_one_cell():
    problems = []
    timings = parse_timings("9 novembre 2025 à 15h ; 8 novembre 2025 ; plus tard", problems)
    assert timings == _day(2025, 11, 8) + [(datetime(2025, 11, 9, 15, tzinfo=PARIS), None)]
    assert problems == ["Date n° 3 ignorée : « plus tard » n'est pas une date reconnue (ex. 01/03/2025 18:30 ou 2025-03-01)."]


@pytest.mark.parametrize("value", ["bientôt", "à définir", "du 20 au 24", "du bientôt au jamais", "20 octobre - à définir"])
def test_nonsense_is_refused_quoting_the_whole_value(value):
    with pytest.raises(FieldError) as caught:
        parse_timings(value)
    assert caught.value.field == "timings"
    assert caught.value.message == f"« {value} » n'est pas une date reconnue (ex. 01/03/2025 18:30 ou 2025-03-01)."


@pytest.mark.parametrize(("value", "message"), [
    ("8 novembre", "« 8 novembre » : l'année manque (ex. 08/11/2025 ou 8 novembre 2025)."),
    ("20/10 de 14h à 17h", "« 20/10 de 14h à 17h » : l'année manque (ex. 08/11/2025 ou 8 novembre 2025)."),
    ("31 février 2025", "La date « 31 février 2025 » n'existe pas."),
    ("8 novembre 2025 à 25h", "« 8 novembre 2025 à 25h » : l'heure 25h n'existe pas."),
    ("lundi 8 novembre 2025", "« lundi 8 novembre 2025 » : le 08/11/2025 est un samedi, pas un lundi."),
    ("du 24 au 20 octobre 2025", "La fin (20/10/2025 23:59) précède le début (24/10/2025 00:00)."),
    # Days listed before their month: said of the partner's words, not of a day rebuilt from them.
    ("samedi 15 et dimanche 15 mars 2026",
     "« samedi 15 et dimanche 15 mars 2026 » : le 15/03/2026 est un dimanche, pas un samedi."),
    ("14 et 15 mars", "« 14 et 15 mars » : l'année manque (ex. 08/11/2025 ou 8 novembre 2025)."),
    ("14 et 15", "« 14 et 15 » n'est pas une date reconnue (ex. 01/03/2025 18:30 ou 2025-03-01)."),
])
def test_dates_in_words_that_cannot_be_trusted_are_refused_in_french(value, message):
    with pytest.raises(FieldError) as caught:
        parse_timings(value)
    assert caught.value.message == message


def test_what_parsed_before_dates_in_words_parses_the_same():
    with pytest.raises(FieldError, match="La date « 31/02/2025 » n'existe pas."):
        parse_timings("du 31/02/2025 au 03/03/2025")
    assert parse_timings("2025-10-04 20:00 – 2025-10-04 22:00") == [
        (datetime(2025, 10, 4, 20, tzinfo=PARIS), datetime(2025, 10, 4, 22, tzinfo=PARIS))]
    assert parse_timings(["8 novembre 2025"]) == _day(2025, 11, 8)  # a JSON list's text items too


def test_a_range_with_daily_hours_is_one_occurrence_a_day():
    """A course « du 20 au 24 octobre 2025 de 10h à 16h » meets five days at those hours, not
    once from Monday 10h to Friday 16h."""
    expected = [(datetime(2025, 10, day, 10, tzinfo=PARIS), datetime(2025, 10, day, 16, tzinfo=PARIS))
                for day in range(20, 25)]
    assert parse_timings("du 20 au 24 octobre 2025 de 10h à 16h") == expected
    assert parse_timings("Du lundi 20 au vendredi 24 octobre 2025, de 10h à 16h") == expected
    assert parse_timings("du 20/10/2025 au 24/10/2025 de 10h à 16h") == expected
    assert parse_timings("du 20 au 21 octobre 2025 de 22h à 2h") == [  # each night ends the next day
        (datetime(2025, 10, 20, 22, tzinfo=PARIS), datetime(2025, 10, 21, 2, tzinfo=PARIS)),
        (datetime(2025, 10, 21, 22, tzinfo=PARIS), datetime(2025, 10, 22, 2, tzinfo=PARIS))]


def test_a_whole_season_with_daily_hours_is_refused_with_what_to_write_instead():
    with pytest.raises(FieldError) as caught:
        parse_timings("du 1er septembre 2025 au 30 juin 2026 de 14h à 18h")
    assert caught.value.message == (
        "« du 1er septembre 2025 au 30 juin 2026 de 14h à 18h » : plus de 62 jours aux mêmes heures ; pour une "
        "activité de toute une saison, indiquez la saison et les horaires de la semaine.")
    with pytest.raises(FieldError, match="le dernier jour précède le premier"):
        parse_timings("du 24 au 20 octobre 2025 de 10h à 16h")


@pytest.mark.parametrize(("value", "days", "hour"), [
    ("14 et 15 mars 2026", (14, 15), None),
    ("les 14 et 15 mars 2026", (14, 15), None),
    ("samedi 14 et dimanche 15 mars 2026", (14, 15), None),
    ("14, 15 et 16 mars 2026 à 20h", (14, 15, 16), 20),
    ("1er et 2 mars 2026 à 10h", (1, 2), 10),
])
def test_days_listed_before_their_month_are_each_an_occurrence(value, days, hour):
    if hour is None:
        assert parse_timings(value) == [occurrence for day in days for occurrence in _day(2026, 3, day)]
    else:
        assert parse_timings(value) == [(datetime(2026, 3, day, hour, tzinfo=PARIS), None) for day in days]


@pytest.mark.parametrize(("value", "season"), [
    ("du 15/09/2025 au 27/06/2026", (date(2025, 9, 15), date(2026, 6, 27))),
    ("15/09/2025 - 27/06/2026", (date(2025, 9, 15), date(2026, 6, 27))),
    ("du 15 septembre 2025 au 27 juin 2026", (date(2025, 9, 15), date(2026, 6, 27))),
    ("de septembre 2025 à juin 2026", (date(2025, 9, 1), date(2026, 6, 30))),
    ("Saison : sept. 2025 - juin 2026", (date(2025, 9, 1), date(2026, 6, 30))),
    ("d'octobre à juin 2026", (date(2025, 10, 1), date(2026, 6, 30))),
    ("de janvier à décembre 2026", (date(2026, 1, 1), date(2026, 12, 31))),
    ("15/09/2025", None), ("de juin 2026 à septembre 2025", None), ("bientôt", None),
])
def test_a_season_in_one_cell_gives_its_first_and_last_days(value, season):
    assert parse_season(value) == season


def test_a_season_given_in_years_only_asks_for_its_days():
    with pytest.raises(FieldError) as caught:
        parse_season("2025-2026")
    assert caught.value.message == ("« 2025-2026 » : indiquez les jours de début et de fin de la saison "
                                    "(ex. du 15/09/2025 au 27/06/2026).")


@pytest.mark.parametrize("value", ["12/03/1026", "0001-01-01", "31/12/9999"])
def test_a_year_no_event_can_have_is_refused(value):
    """« 12/03/1026 » is a slip of the keyboard: stored, it became 1026 with Paris's 1026 offset."""
    with pytest.raises(FieldError) as caught:
        parse_timings(value)
    assert caught.value.message.endswith("n'est pas plausible.")
