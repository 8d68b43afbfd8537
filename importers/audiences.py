"""Partner words for audiences ("Enfants", "Tout public", "Adultes et seniors", "6-11 ans")
→ the portal's audience codes (portal.listings.enums.AUDIENCES) and an age range.

An age range written in the text ("de 6 à 11 ans", "dès 8 ans", "+ de 60 ans") also gives the
audiences it covers when no audience word is written. A phrase with words the vocabulary does
not know is returned whole, so the caller keeps it as a free tag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from importers.disciplines import fold
from importers.wording import Vocabulary
from portal.listings.enums import AUDIENCES

EVERYONE = AUDIENCES
VOCABULARY = Vocabulary(
    [
        (r"tou(?:t|s|tes?) (?:les )?(?:publics?|ages)|all (?:audiences?|ages)|everyone|pour tous", EVERYONE),
        (r"jeunes? adultes?|young adults?|etudiants?|students?", ("young_adults",)),
        (r"parents? enfants?|en famille|famil(?:le|les|ial|iale|iaux|y|ies)|intergenerationnel(?:le)?s?",
         ("families",)),
        (r"jeune public|petite enfance|enfan(?:t|ts|ce)|kids?|child(?:ren)?|tout petits?|bebes?",
         ("children",)),
        (r"jeunesse|youth", ("children", "teenagers")),
        (r"ados?|adolescen(?:t|te|ts|tes|ce)|teen(?:s|agers?)?|collegiens?|lyceens?", ("teenagers",)),
        (r"jeunes", ("teenagers", "young_adults")),
        (r"adultes?|adults?", ("adults",)),
        (r"seniors?|retraites?|personnes? agees?|aines?|(?:3e|3eme|troisieme) age|elders?", ("seniors",)),
    ],
    filler=("et", "de", "des", "du", "les", "la", "le", "l", "d", "a", "au", "aux", "pour", "public", "publics",
            "and", "for", "the", "ans", "an", "age", "ages", "years", "old", "y", "o", "partir", "plus", "moins",
            "jusqu", "entre", "accompagnes", "accompagne", "ou", "or", "vise", "visee", "cible"),
)

# (lowest, highest) age of each audience, to read an age range as audiences.
AGE_BANDS = {"children": (0, 11), "teenagers": (12, 17), "young_adults": (18, 25), "adults": (18, 120),
             "seniors": (60, 120)}
_N = r"(\d{1,3})"
# "6-11 ans", "de 6 à 11 ans", "12/17 ans" (fold made "-" a space); "dès" is read before folding.
RANGE = re.compile(rf"{_N}\s*(?:ans?\s*)?(?:\s*(?:a|–|/)\s*|\s+){_N}\s*ans?\b")
FROM = re.compile(rf"(?:a partir de|plus de|\+\s*de|\+|au moins)\s*{_N}\s*ans?\b|{_N}\s*ans?\s*(?:et\s*)?(?:\+|plus)")
UNDER = re.compile(rf"moins de\s*{_N}\s*ans?\b")
UP_TO = re.compile(rf"jusqu a\s*{_N}\s*ans?\b")
MAX_AGE = 120


@dataclass(frozen=True)
class Audiences:
    codes: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    left: tuple[str, ...]  # phrases kept in the partner's own words


def _age(found: str, shift: int = 0) -> int | None:
    age = int(found) + shift
    return age if 0 <= age <= MAX_AGE else None


def _ages(text: str) -> tuple[int | None, int | None]:
    """The age range a phrase states: several ranges widen it ("3-6 ans et 7-11 ans"), a lower
    and an upper bound close it ("dès 8 ans et moins de 12 ans"). Ages over 120 are not ages."""
    folded = fold(text.lower().replace("dès", "à partir de"))  # "des" alone is an article
    ranges = [(_age(a), _age(b)) for a, b in RANGE.findall(folded)]
    ranges = [(low, high) for low, high in ranges if low is not None and high is not None and low <= high]
    folded = RANGE.sub(" ", folded)
    lows = [age for a, b in FROM.findall(folded) if (age := _age(a or b)) is not None]
    highs = [age for found in UNDER.findall(folded) if (age := _age(found, -1)) is not None]
    highs += [age for found in UP_TO.findall(folded) if (age := _age(found)) is not None]
    return combine(ranges, lows, highs)


def combine(ranges: list[tuple[int, int]], lows: list[int], highs: list[int]) -> tuple[int | None, int | None]:
    """Ranges are alternatives (their union); a lone lower or upper bound is a condition."""
    if ranges:
        low = min([r[0] for r in ranges] + lows)
        high = None if lows and max(lows) > max(r[1] for r in ranges) else max([r[1] for r in ranges] + highs)
        return low, high
    return (min(lows) if lows else None), (max(highs) if highs else None)


def _covered(low: int | None, high: int | None) -> tuple[str, ...]:
    low, high = low or 0, 120 if high is None else high
    return tuple(code for code, (first, last) in AGE_BANDS.items() if first <= high and low <= last)


@lru_cache(maxsize=2048)  # a file repeats the same few phrases
def _read(phrase: str) -> tuple[tuple[str, ...], int | None, int | None, bool]:
    """(audience words' codes, ages, whether the phrase said nothing more)."""
    reading = VOCABULARY.read(phrase)
    low, high = _ages(phrase)
    aged = (low, high) != (None, None)
    return reading.keys, low, high, reading.understood and bool(reading.keys or aged)


def resolve_audiences(phrases: list[str]) -> Audiences:
    codes: set[str] = set()
    ranges, lows, highs, left = [], [], [], []
    ages_alone = False  # a phrase with ages and no audience word: the ages tell the audiences
    for phrase in phrases:
        found, low, high, understood = _read(phrase)
        codes.update(found)
        ages_alone = ages_alone or (not found and (low, high) != (None, None))
        if low is not None and high is not None:
            ranges.append((low, high))
        elif low is not None:
            lows.append(low)
        elif high is not None:
            highs.append(high)
        if not understood:
            left.append(phrase)
    age_min, age_max = combine(ranges, lows, highs)
    if ages_alone:
        codes.update(_covered(age_min, age_max))
    return Audiences(tuple(c for c in AUDIENCES if c in codes), age_min or None, age_max, tuple(left))
