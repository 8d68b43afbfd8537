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
RANGE = re.compile(rf"{_N}\s*(?:ans?\s*)?(?:\s*(?:a|–)\s*|\s+){_N}\s*ans?\b")  # "6-11": fold made "-" a space
FROM = re.compile(rf"(?:a partir de|des|plus de|\+\s*de|\+|au moins)\s*{_N}\s*ans?\b|{_N}\s*ans?\s*(?:et\s*)?(?:\+|plus)")
UNDER = re.compile(rf"(?:moins de)\s*{_N}\s*ans?\b")
UP_TO = re.compile(rf"jusqu a\s*{_N}\s*ans?\b")


@dataclass(frozen=True)
class Audiences:
    codes: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    left: tuple[str, ...]  # phrases kept in the partner's own words


def _ages(text: str) -> tuple[int | None, int | None]:
    folded = fold(text)
    if found := RANGE.search(folded):
        low, high = int(found[1]), int(found[2])
        return (low, high) if low <= high <= 120 else (None, None)
    if found := FROM.search(folded):
        return min(int(found[1] or found[2]), 120), None
    if found := UNDER.search(folded):
        return None, max(int(found[1]) - 1, 0)
    if found := UP_TO.search(folded):
        return None, min(int(found[1]), 120)
    return None, None


def _covered(low: int | None, high: int | None) -> tuple[str, ...]:
    low, high = low or 0, 120 if high is None else high
    return tuple(code for code, (first, last) in AGE_BANDS.items() if first <= high and low <= last)


@lru_cache(maxsize=2048)  # a file repeats the same few phrases
def _read(phrase: str) -> tuple[tuple[str, ...], int | None, int | None, bool]:
    reading = VOCABULARY.read(phrase)
    low, high = _ages(phrase)
    codes = reading.keys or (_covered(low, high) if (low, high) != (None, None) else ())
    return codes, low, high, reading.understood and bool(codes)


def resolve_audiences(phrases: list[str]) -> Audiences:
    codes: set[str] = set()
    lows, highs, left = [], [], []
    for phrase in phrases:
        found, low, high, understood = _read(phrase)
        codes.update(found)
        if low is not None or high is not None:
            lows.append(low or 0)
            highs.append(high)
        if not understood:
            left.append(phrase)
    age_min = (min(lows) or None) if lows else None  # 0 says no more than no minimum
    age_max = None if not highs or None in highs else max(highs)
    return Audiences(tuple(c for c in AUDIENCES if c in codes), age_min, age_max, tuple(left))
