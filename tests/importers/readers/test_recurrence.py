"""schema.org Schedule rhythms other than every week, dated occurrence by occurrence."""
from dateutil.rrule import MONTHLY, WEEKLY

from importers.readers.recurrence import frequency, occurrences


def test_a_monthly_rhythm_gives_its_dates_with_their_hours():
    dated = occurrences(frequency("P1M"), ["Tuesday"], [1], [], "2026-09-01", "2026-10-31", None, "20:00", "23:00")
    assert dated == [{"begin": "2026-09-01T20:00", "end": "2026-09-01T23:00"},
                     {"begin": "2026-10-06T20:00", "end": "2026-10-06T23:00"}]


def test_an_evening_ending_after_midnight_ends_the_next_day():
    dated = occurrences((MONTHLY, 1), ["Saturday"], [-1], [], "2026-10-01", "2026-11-30", None, "22:00", "01:00")
    assert dated == [{"begin": "2026-10-31T22:00", "end": "2026-11-01T01:00"},
                     {"begin": "2026-11-28T22:00", "end": "2026-11-29T01:00"}]


def test_an_end_before_the_start_in_the_daytime_is_left_for_the_dates_to_refuse():
    # Not a night out: the end stays on the start's day, and reading the timings says it precedes the start.
    dated = occurrences((WEEKLY, 2), ["Monday"], [], [], "2026-10-05", None, 1, "20:00", "18:00")
    assert dated == [{"begin": "2026-10-05T20:00", "end": "2026-10-05T18:00"}]
