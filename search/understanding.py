"""What a typed query means beyond its words: "théâtre gratuit pour ado mercredi près de
Montreuil" is a text ("théâtre") plus filters (free, ages 12–17, Wednesday, around Montreuil).

Pure functions: the commune look-up is passed in, so this module is tested without a database.
Recognised words are removed from the text; what is left is searched as words.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from search.text import fold, synonym_map

WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
PERIODS = {"matin": "morning", "matinee": "morning", "apres midi": "afternoon", "aprem": "afternoon",
           "soir": "evening", "soiree": "evening"}
FREE_WORDS = {"gratuit", "gratuite", "gratuits", "gratuites", "gratuitement"}
# word → (age_min, age_max) the listing must overlap
AGE_WORDS = {
    "ado": (12, 17), "ados": (12, 17), "adolescent": (12, 17), "adolescents": (12, 17),
    "adolescente": (12, 17), "adolescentes": (12, 17),
    "enfant": (3, 11), "enfants": (3, 11),
    "senior": (60, 120), "seniors": (60, 120),
}
NEAR = ("pres de", "autour de", "proche de", "vers", "a cote de", "a")
# Filler words dropped once their filter is understood ("pour ado", "le mercredi").
FILLERS = {"pour", "le", "les", "la", "de", "des", "du", "en", "au", "aux", "et", "l", "d"}
MAX_COMMUNE_WORDS = 5
DEFAULT_RADIUS_KM = 5.0


@dataclass
class CommuneMatch:
    code: str
    name: str
    lon: float
    lat: float


@dataclass
class Understanding:
    text: str
    free: bool | None = None
    age_range: tuple[int, int] | None = None
    weekdays: list[int] = field(default_factory=list)
    day_periods: list[str] = field(default_factory=list)
    commune: CommuneMatch | None = None
    radius_km: float | None = None
    recognised: list[str] = field(default_factory=list)   # what was understood, for display


def _tokens(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(text))


def _strip_weekday_plural(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in WEEKDAYS else word


def _find_commune(tokens: list[str], find_commune: Callable[[str], CommuneMatch | None] | None,
                  ) -> tuple[CommuneMatch, int, int] | None:
    """(match, start, end) of the commune named in the tokens: after "près de"/"à" first,
    else any run of words naming a commune that is not a practice word ("danse")."""
    if find_commune is None:
        return None
    vocabulary = synonym_map()
    joined = " ".join(tokens)
    for marker in NEAR:
        for found in re.finditer(rf"(?:^| ){marker} ", joined + " "):
            start = len(joined[:found.end()].split())
            for end in range(min(len(tokens), start + MAX_COMMUNE_WORDS), start, -1):
                match = find_commune(" ".join(tokens[start:end]))
                if match:
                    return match, start - len(marker.split()), end
    for size in range(min(MAX_COMMUNE_WORDS, len(tokens)), 0, -1):
        for start in range(0, len(tokens) - size + 1):
            phrase = " ".join(tokens[start:start + size])
            if phrase in vocabulary or (size == 1 and len(phrase) < 4):
                continue
            match = find_commune(phrase)
            if match:
                return match, start, start + size
    return None


def understand(text: str, find_commune: Callable[[str], CommuneMatch | None] | None = None) -> Understanding:
    tokens = _tokens(text)
    result = Understanding(text="")
    used = [False] * len(tokens)
    commune = _find_commune(tokens, find_commune)
    if commune:
        match, start, end = commune
        result.commune, result.radius_km = match, DEFAULT_RADIUS_KM
        result.recognised.append(f"près de {match.name}")
        for i in range(start, end):
            used[i] = True
    i = 0
    while i < len(tokens):
        if used[i]:
            i += 1
            continue
        word = _strip_weekday_plural(tokens[i])
        pair = " ".join(tokens[i:i + 2])
        if pair in PERIODS:
            result.day_periods.append(PERIODS[pair])
            used[i] = used[i + 1] = True
            result.recognised.append(pair)
            i += 2
            continue
        if word in FREE_WORDS:
            result.free = True
        elif word in AGE_WORDS:
            result.age_range = AGE_WORDS[word]
        elif word in WEEKDAYS:
            if WEEKDAYS[word] not in result.weekdays:
                result.weekdays.append(WEEKDAYS[word])
        elif word in PERIODS:
            result.day_periods.append(PERIODS[word])
        else:
            i += 1
            continue
        used[i] = True
        result.recognised.append(tokens[i])
        i += 1
    # Fillers next to an understood word go with it ("pour ado", "le mercredi").
    for i, token in enumerate(tokens):
        if not used[i] and token in FILLERS:
            neighbours = [used[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
            if any(neighbours) and result.recognised:
                used[i] = True
    result.text = _remaining_text(text, tokens, used)
    return result


def _remaining_text(text: str, tokens: list[str], used: list[bool]) -> str:
    """The original words (accents kept, for highlighting) minus the understood ones."""
    if not any(used):
        return text.strip()
    original = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)
    # Compare folded token sequences; fall back to folded tokens when hyphens/apostrophes differ.
    folded_original = [_tokens(word) for word in original]
    flat = [t for parts in folded_original for t in parts]
    if flat != tokens:
        return " ".join(t for t, u in zip(tokens, used) if not u)
    kept, position = [], 0
    for word, parts in zip(original, folded_original):
        span = used[position:position + len(parts)]
        if not all(span):
            kept.append(word if not any(span) else " ".join(p for p, u in zip(parts, span) if not u))
        position += len(parts)
    remaining = " ".join(kept)
    # Keep "as you type" behaviour: a trailing space in the input means the last word is complete.
    return remaining + (" " if remaining and text.endswith(" ") else "")
