"""Meilisearch search responses → SearchResult / SearchHit.

Highlights: Meilisearch does not HTML-escape `_formatted`, so we ask it to wrap matches in
private-use characters no document contains, escape the text, then turn those characters into
<mark>…</mark>. A description containing "<mark>" or "<script>" stays inert text.
"""
from __future__ import annotations

import html
import math

from search.backends.base import SearchHit, SearchQuery, SearchResult

PRE_TAG = "\ue000"
POST_TAG = "\ue001"
HIGHLIGHT_FIELDS = ("title", "description", "organization", "discipline_labels", "tags", "commune_name")
CROP_FIELDS = ("description",)
CROP_LENGTH = 30  # words around the match in the description snippet
META_KEYS = ("_formatted", "_rankingScore", "_geoDistance", "_rankingScoreDetails", "_matchesPosition")
EARTH_RADIUS_M = 6_371_008.8


def marked_html(text: str) -> str:
    return html.escape(text, quote=False).replace(PRE_TAG, "<mark>").replace(POST_TAG, "</mark>")


def highlights_of(formatted: dict) -> dict[str, str]:
    """Only the fields where something matched."""
    found = {}
    for field_name in HIGHLIGHT_FIELDS:
        value = formatted.get(field_name)
        if isinstance(value, list):
            value = ", ".join(item for item in value if isinstance(item, str) and PRE_TAG in item)
        if isinstance(value, str) and PRE_TAG in value:
            found[field_name] = marked_html(value)
    return found


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def distance_of(hit: dict, point: tuple[float, float] | None) -> float | None:
    """Meilisearch's _geoDistance when it sent one (only with a _geoPoint sort), else computed
    from the document's _geo so a radius search without distance sort still shows distances.
    Without a query point there is no distance to show (a map box has no "you are here")."""
    if point is None:
        return None
    if hit.get("_geoDistance") is not None:
        return float(hit["_geoDistance"])
    geo = hit.get("_geo")
    if not isinstance(geo, dict):
        return None
    try:
        return round(haversine_m(point[0], point[1], float(geo["lat"]), float(geo["lng"])), 1)
    except (KeyError, TypeError, ValueError):
        return None


def to_hit(hit: dict, point: tuple[float, float] | None) -> SearchHit:
    document = {key: value for key, value in hit.items() if key not in META_KEYS}
    score = hit.get("_rankingScore")
    return SearchHit(
        id=str(document.get("id")),
        document=document,
        score=float(score) if score is not None else None,
        distance_m=distance_of(hit, point),
        highlights=highlights_of(hit.get("_formatted") or {}),
    )


def to_result(response: dict, query: SearchQuery, point: tuple[float, float] | None,
              backend: str) -> SearchResult:
    distribution = response.get("facetDistribution") or {}
    facets = {name: {str(value): int(count) for value, count in (distribution.get(name) or {}).items()}
              for name in query.facets}
    return SearchResult(
        hits=[to_hit(hit, point) for hit in response.get("hits", [])],
        total=int(response.get("totalHits", response.get("estimatedTotalHits", 0)) or 0),
        page=int(response.get("page", query.page) or query.page),
        per_page=int(response.get("hitsPerPage", query.per_page) or query.per_page),
        facets=facets,
        backend=backend,
    )
