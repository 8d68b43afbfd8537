"""Autocomplete suggestions from Meilisearch in two requests.

- disciplines: facet search on `discipline_labels` (labels present in the index, matched by
  word prefix, accents ignored), mapped back to slugs through the vocabulary;
- communes and titles: one multi-search — communes by searching `commune_name` only with
  `distinct: commune_code` (one hit per commune, needs Meilisearch ≥ 1.11), titles by
  searching `title` only.
Suggestions are interleaved by type so a long list of one type does not hide the others,
then grouped back in type order (disciplines, communes, titles) for display.
"""
from __future__ import annotations

from functools import lru_cache

from search.backends.base import Suggestion

TYPE_ORDER = ("discipline", "commune", "title")


@lru_cache(maxsize=1)
def slug_by_label() -> dict[str, str]:
    """French label → slug. Families come first in the vocabulary, so when a family and one of
    its children share a label ("Théâtre"), the family — which includes the child — wins."""
    from portal.vocabulary.data import iter_disciplines

    mapping: dict[str, str] = {}
    for slug, label_fr, _label_en, _synonyms, _parent, _position in iter_disciplines():
        mapping.setdefault(label_fr.casefold(), slug)
    return mapping


def queries(index_uid: str, prefix: str, limit: int) -> list[dict]:
    return [
        {"indexUid": index_uid, "q": prefix, "attributesToSearchOn": ["commune_name"],
         "distinct": "commune_code", "attributesToRetrieve": ["commune_code", "commune_name"],
         "filter": "commune_code EXISTS AND commune_code IS NOT NULL", "limit": limit},
        {"indexUid": index_uid, "q": prefix, "attributesToSearchOn": ["title"],
         "attributesToRetrieve": ["id", "title"], "limit": limit},
    ]


def merge(facet_hits: dict, responses: dict, limit: int) -> list[Suggestion]:
    disciplines, seen = [], set()
    for hit in facet_hits.get("facetHits", []):
        slug = slug_by_label().get(str(hit.get("value", "")).casefold())
        if slug and slug not in seen:
            seen.add(slug)
            disciplines.append(Suggestion(type="discipline", label=hit["value"], value=slug))
    results = responses.get("results", [])
    communes_hits = results[0].get("hits", []) if len(results) > 0 else []
    title_hits = results[1].get("hits", []) if len(results) > 1 else []
    communes = [Suggestion(type="commune", label=h["commune_name"], value=str(h["commune_code"]))
                for h in communes_hits if h.get("commune_name") and h.get("commune_code")]
    titles = [Suggestion(type="title", label=h["title"], value=str(h["id"]))
              for h in title_hits if h.get("title") and h.get("id")]

    chosen: list[Suggestion] = []
    pools = [disciplines, communes, titles]
    position = 0
    while len(chosen) < limit and any(position < len(pool) for pool in pools):
        for pool in pools:
            if position < len(pool) and len(chosen) < limit:
                chosen.append(pool[position])
        position += 1
    return sorted(chosen, key=lambda s: TYPE_ORDER.index(s.type))
