"""Reading short partner phrases against a small vocabulary ("Enfants et familles",
"accès fauteuil ; boucle magnétique") and telling whether anything was left unsaid.

A phrase is folded (no case, no accents, punctuation as spaces), every vocabulary pattern
found in it gives its keys and is blanked out; what remains, once filler words and numbers
are set aside, is the part the vocabulary did not understand. Callers keep that part in the
partner's own words (as tags or notes), so nothing a partner wrote is dropped.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from importers.disciplines import fold

WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Reading:
    keys: tuple[str, ...]   # in vocabulary order, each once
    rest: tuple[str, ...]   # the words left once vocabulary and filler words are set aside

    @property
    def understood(self) -> bool:
        return not self.rest


class Vocabulary:
    def __init__(self, terms: Iterable[tuple[str, tuple[str, ...]]], filler: Iterable[str] = ()):
        """`terms`: (regular expression on folded text, keys it gives), most specific first
        ("jeunes adultes" before "jeunes")."""
        self._terms = [(re.compile(rf"\b(?:{pattern})\b"), keys) for pattern, keys in terms]
        self._filler = frozenset(filler)
        self._order = {key: i for i, key in enumerate(dict.fromkeys(k for _, keys in self._terms for k in keys))}

    def read(self, phrase: str) -> Reading:
        text = fold(phrase)
        found: set[str] = set()
        for pattern, keys in self._terms:
            text, count = pattern.subn(" ", text)
            if count:
                found.update(keys)
        rest = [word for word in WORD.findall(text) if word not in self._filler]
        return Reading(tuple(sorted(found, key=self._order.__getitem__)), tuple(rest))
