"""Name and code normalisation shared by the loader and the lookup."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ARTICLES = ("les ", "le ", "la ", "l'", "l ")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s/": "sur", "lez": "les"}  # « Saint-Christol-lez-Alès »
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "OE", "Æ": "AE"})  # not decomposed by NFKD
# « Paris 11e », « PARIS XIe », « Lyon 7e arrondissement », « Marseille 3ème »: the city itself.
SPLIT_CITIES = ("paris", "lyon", "marseille")
_FLOAT_INTEGER = re.compile(r"\d+\.0+")  # « 93048.0 »: an integer a spreadsheet wrote as a float
_FOUR_DIGITS, _FIVE_DIGITS, _INSEE = re.compile(r"\d{4}"), re.compile(r"\d{5}"), re.compile(r"\d[\dAB]\d{3}")
ARRONDISSEMENT = re.compile(r"(?:\d{1,2}|[ivx]+)(?:e|er|eme|em|ieme)?|arr|arrt|arrondissement")


class _Marks(dict):
    """str.translate table dropping combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_MARKS = _Marks()


def strip_accents(value: str) -> str:
    if value.isascii():
        return value
    return unicodedata.normalize("NFKD", value).translate(_MARKS)


# Imports ask for the same few thousand commune names again and again.
@lru_cache(maxsize=65536)
def match_name(name: str) -> str:
    """'Le Bourget' and 'Bourget' → 'bourget'; "L'Île-Saint-Denis" → 'ile saint denis'."""
    value = strip_accents(name.translate(LIGATURES)).lower().replace("’", "'").strip()
    value = re.sub(r"\s*\(([^)]*)\)$", lambda m: " " + m.group(1), value)  # "Bourget (Le)"
    for article in ("le", "la", "les", "l'"):
        if value.endswith(" " + article):
            value = article + " " + value[: -len(article) - 1]
    for article in ARTICLES:
        if value.startswith(article):
            value = value[len(article):]
            break
    value = re.sub(r"[-'’\s_.]+", " ", value).strip()
    words = [ABBREVIATIONS.get(w, w) for w in value.split()]
    if len(words) > 1 and "cedex" in words[-2:]:  # « Bobigny Cedex », « SAINT-DENIS CEDEX 1 »: mail sorting
        words = words[:words.index("cedex", len(words) - 2)]
    if len(words) > 1 and words[0] in SPLIT_CITIES and all(ARRONDISSEMENT.fullmatch(w) for w in words[1:]):
        words = words[:1]
    return " ".join(words)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    value = strip_accents(name).lower().replace("’", "'")
    value = _NOT_SLUG.sub("-", value).strip("-")
    return value or "sans-nom"


def normalise_insee_code(raw: object) -> str | None:
    """'2220' → '02220', '93048.0' → '93048', '2a004' → '2A004'; None when it cannot be a code."""
    if raw is None:
        return None
    if type(raw) is str and len(raw) == 5 and raw.isdigit():  # most cells: already a code
        return raw
    value = str(raw).strip().upper().replace(" ", "").replace("\xa0", "")  # « 93 066 »
    if _FLOAT_INTEGER.fullmatch(value):
        value = value.split(".")[0]
    if _FOUR_DIGITS.fullmatch(value):
        value = "0" + value
    if _INSEE.fullmatch(value):
        return value
    return None


def normalise_postal_code(raw: object) -> str | None:
    if raw is None:
        return None
    if type(raw) is str and len(raw) == 5 and raw.isdigit():  # most cells: already a code
        return raw
    value = str(raw).strip().replace(" ", "")
    if _FLOAT_INTEGER.fullmatch(value):
        value = value.split(".")[0]
    if _FOUR_DIGITS.fullmatch(value):
        value = "0" + value
    return value if _FIVE_DIGITS.fullmatch(value) else None
