"""Query text analysis shared by the backends: folding, synonyms, highlighting.

Folding matches PostgreSQL's `unaccent` + `lower` (œ → oe included), so words folded here
meet the words folded in the index. Synonyms come from the discipline vocabulary and the
search synonym groups of portal/vocabulary/data.py, applied in both directions.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from portal.vocabulary.data import SEARCH_SYNONYMS, VOCABULARY

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"})
WORD = re.compile(r"[0-9a-z]+")
TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_PHRASE = 4


def fold(value: str) -> str:
    """'Chœur de l’Opéra' → "choeur de l'opera"."""
    value = value.translate(LIGATURES).lower()
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


# Highlighting folds every displayed word: the same few thousand, again and again.
_fold_word = lru_cache(maxsize=65536)(fold)


def words(value: str) -> list[str]:
    return WORD.findall(fold(value))


@lru_cache(maxsize=1)
def synonym_map() -> dict[str, frozenset[str]]:
    """Folded phrase → every folded phrase it may stand for (itself excluded).

    Search synonym groups work in both directions (chorale ↔ chœur ↔ chant choral). A
    discipline synonym only points at its discipline's label, which every listing of that
    discipline carries: "rock" finds "Musiques actuelles" without turning into "pop", "rap"…
    """
    mapping: dict[str, set[str]] = {}

    def link(phrase: str, targets: set[str]) -> None:
        mapping.setdefault(phrase, set()).update(targets - {phrase})

    for group in SEARCH_SYNONYMS:
        folded = {" ".join(words(item)) for item in group if words(item)}
        for phrase in folded:
            link(phrase, folded)
    for _slug, label, _en, synonyms, children in VOCABULARY:
        entries = [(label, synonyms)] + [(c_label, c_synonyms) for _s, c_label, _e, c_synonyms in children]
        for entry_label, entry_synonyms in entries:
            target = " ".join(words(entry_label))
            mapping.setdefault(target, set())
            for synonym in entry_synonyms:
                if words(synonym):
                    link(" ".join(words(synonym)), {target})
    return {phrase: frozenset(alts) for phrase, alts in mapping.items()}


@dataclass
class Unit:
    """One part of the query: a word or a known phrase, with what it may also be written as."""

    phrase: str
    alternatives: set[str] = field(default_factory=set)
    prefix: bool = False      # the word being typed: match as a prefix
    corrections: set[str] = field(default_factory=set)

    def all_phrases(self) -> list[str]:
        return sorted({self.phrase, *self.alternatives, *self.corrections})


def analyse(text: str) -> list[Unit]:
    """Split folded text into units, longest synonym phrase first ("chant choral" is one)."""
    tokens = words(text)
    mapping = synonym_map()
    units: list[Unit] = []
    i = 0
    while i < len(tokens):
        for size in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i:i + size])
            if size == 1 or phrase in mapping:
                units.append(Unit(phrase, set(mapping.get(phrase, ())) - {phrase}))
                i += size
                break
    if units and " " not in units[-1].phrase and not re.search(r"\s$", text):
        units[-1].prefix = True
    return units


def _lexeme(word: str) -> str:
    return f"'{word}'"


def phrase_query(phrase: str, prefix: bool = False) -> str:
    parts = [_lexeme(w) for w in phrase.split()]
    if prefix and len(parts) == 1:
        parts[0] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def tsquery_source(units: list[Unit]) -> str:
    """to_tsquery() input: units ANDed, the alternatives of a unit ORed. Words are [a-z0-9]+
    after folding, so quoting them is enough to make the string safe."""
    parts = []
    for unit in units:
        alternatives = [phrase_query(unit.phrase, unit.prefix)]
        alternatives += [phrase_query(p) for p in sorted(unit.alternatives | unit.corrections)]
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def highlight_stems(units: list[Unit]) -> list[str]:
    """Folded word beginnings that count as a match in displayed text (French stems drop
    endings: 'théâtres' matches 'theatre' on 'theatr')."""
    stems = set()
    for unit in units:
        for phrase in unit.all_phrases():
            for word in phrase.split():
                if len(word) < 2:
                    continue
                stems.add(word if len(word) <= 4 or (unit.prefix and word == unit.phrase)
                          else word[: max(4, len(word) - 2)])
    return sorted(stems, key=len, reverse=True)


def highlight(text: str | None, stems: list[str], window: int | None = None) -> str | None:
    """HTML-escaped text with matching words wrapped in <mark>; None when nothing matched.
    With `window`, only that many words around the first match are kept (a snippet)."""
    if not text or not stems:
        return None
    prefixes = tuple(stems)
    tokens = list(TOKEN.finditer(text))
    hits = [i for i, token in enumerate(tokens) if _fold_word(token.group()).startswith(prefixes)]
    if not hits:
        return None
    start, end, before, after = 0, len(tokens), "", ""
    if window and len(tokens) > window:
        start = max(0, hits[0] - window // 3)
        end = min(len(tokens), start + window)
        before = "… " if start > 0 else ""
        after = " …" if end < len(tokens) else ""
    begin = tokens[start - 1].end() if start > 0 else 0  # from the gap before the first word shown
    out, last = [before], begin
    for i in hits:
        if start <= i < end:
            token = tokens[i]
            out += [html.escape(text[last:token.start()]), "<mark>", html.escape(token.group()), "</mark>"]
            last = token.end()
    out += [html.escape(text[last:len(text) if end == len(tokens) else tokens[end - 1].end()]), after]
    out[1] = out[1].lstrip()
    return "".join(out).strip()
