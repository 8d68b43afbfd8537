"""Free-text disciplines → the vocabulary of portal/vocabulary/data.py, plus free tags.

Cultural rights: people describe their own practice. What matches the vocabulary becomes a
discipline (so search and coverage maps work); every piece that does not match fully is
kept, in the partner's own words, as a free tag. Nothing is dropped.

Rules: accent/case-insensitive; longest term first ("musiques actuelles" before "musique");
a child discipline implies nothing else (its family is not added); a family is kept only when
none of its children is named; an ambiguous synonym ("rock": popular music or ballroom
dance) follows the family named beside it, else the first in vocabulary order.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from portal.vocabulary.data import iter_disciplines

SEPARATORS = re.compile(r"\s*(?:[,;/|+\n]|\s-\s|\bet\b)\s*")
# Words that carry no discipline and no identity on their own: a piece made only of these
# and of vocabulary terms needs no tag ("Atelier théâtre", "Cours de danse").
FILLER_WORDS = {
    "de", "du", "des", "d", "l", "la", "le", "les", "et", "en", "a", "au", "aux", "pour", "avec", "the", "and",
    "of", "atelier", "ateliers", "cours", "stage", "stages", "pratique", "pratiques", "amateur", "amateurs",
    "initiation", "eveil", "activite", "activites", "art", "arts", "discipline", "disciplines", "autre", "autres",
}


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    slug: str
    family: str  # the family slug (itself for a family)
    is_family: bool
    order: int


def _fold_char(char: str) -> str:
    if char in "œŒ":
        return "oe"
    if char in "æÆ":
        return "ae"
    if char == "&":
        return " et "
    if char in "-'’_.():!?\"«»":
        return " "
    base = unicodedata.normalize("NFKD", char.lower())
    return "".join(c for c in base if not unicodedata.combining(c))


def fold(value: str) -> str:
    """Lower case, no accents, 'œ' → 'oe', '&' → 'et', punctuation inside words → space;
    separators (, ; / | +) kept."""
    return "".join(_fold_char(c) for c in value)


def _fold_with_positions(value: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character,
    so a piece found in folded text can be returned in the partner's own spelling."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(value):
        folded = _fold_char(char)
        chars.append(folded)
        positions.extend([index] * len(folded))
    return "".join(chars), positions


@lru_cache(maxsize=1)
def _terms() -> tuple[_Term, ...]:
    terms: dict[tuple[tuple[str, ...], str], _Term] = {}
    for order, (slug, label_fr, label_en, synonyms, parent, _position) in enumerate(iter_disciplines()):
        for phrase in [label_fr, label_en, slug.replace("-", " "), *synonyms]:
            words = tuple(fold(phrase).split())
            if words:
                terms.setdefault((words, slug), _Term(words, slug, parent or slug, parent is None, order))
    # Longest first; for one phrase, children before families ("Théâtre" → theatre-jeu).
    return tuple(sorted(terms.values(), key=lambda t: (-len(" ".join(t.words)), t.is_family, t.order)))


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[tuple[str, ...], re.Pattern, tuple[_Term, ...]], ...]:
    grouped: dict[tuple[str, ...], list[_Term]] = {}
    for term in _terms():
        grouped.setdefault(term.words, []).append(term)
    return tuple(
        (words, re.compile(r"(?<![a-z0-9])" + r"\s+".join(map(re.escape, words)) + r"(?![a-z0-9])"), tuple(group))
        for words, group in grouped.items()
    )


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, set)):
        return " ; ".join(_text(item) for item in value)
    return str(value).replace("\ufeff", "").replace("\x00", "")


def _find_terms(text: str) -> list[tuple[int, int, tuple[_Term, ...]]]:
    """Non-overlapping vocabulary terms in folded text, longest first."""
    taken = [False] * len(text)
    found = []
    for _words, pattern, candidates in _patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            found.append((start, end, candidates))
    return sorted(found, key=lambda item: item[0])


def _choose(found: list[tuple[int, int, tuple[_Term, ...]]]) -> tuple[list[str], bool]:
    """One slug per term, ambiguous terms following the family named in the same piece; a
    term contradicting that family ("Musique classique") is left for the tag."""
    named_families = {c.slug for _, _, candidates in found for c in candidates
                      if c.is_family and len(candidates) == 1}
    slugs: list[str] = []
    contradicted = False
    for _, _, candidates in found:
        chosen = candidates[0]
        if named_families and not chosen.is_family:
            in_context = [c for c in candidates if c.family in named_families]
            if not in_context:
                contradicted = True
                continue
            chosen = in_context[0]
        slugs.append(chosen.slug)
    return slugs, contradicted


def match_disciplines(value: object) -> tuple[list[str], list[str]]:
    """'Musique / Musiques actuelles; BD; beatbox' → (['musiques-actuelles', 'illustration-bd'], ['beatbox'])."""
    if value is None:
        return [], []
    original = _text(value)
    text, positions = _fold_with_positions(original)
    found = _find_terms(text)
    inside_term = [False] * len(text)
    for start, end, _ in found:
        inside_term[start:end] = [True] * (end - start)
    cuts = [m.span() for m in SEPARATORS.finditer(text) if not any(inside_term[m.start():m.end()])]
    bounds = [0] + [i for span in cuts for i in span] + [len(text)]
    family_of = {slug: (parent or slug) for slug, _fr, _en, _syn, parent, _pos in iter_disciplines()}
    slugs: list[str] = []
    tags: list[str] = []
    for start, end in zip(bounds[::2], bounds[1::2]):
        if start >= end:
            continue
        piece_terms = [item for item in found if start <= item[0] < end]
        piece_slugs, contradicted = _choose(piece_terms)
        slugs.extend(s for s in piece_slugs if s not in slugs)
        rest = "".join(" " if inside_term[i] else text[i] for i in range(start, end))
        leftover = [w for w in re.findall(r"[a-z0-9]+", rest) if w not in FILLER_WORDS]
        if leftover or contradicted:
            tag = re.sub(r"\s+", " ", original[positions[start]:positions[end - 1] + 1]).strip(" .-")
            if tag and tag.lower() not in {t.lower() for t in tags}:
                tags.append(tag)
    families_with_child = {family_of[s] for s in slugs if family_of[s] != s}
    return [s for s in slugs if s not in families_with_child], tags
