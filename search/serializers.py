"""SearchResult → JSON-ready dicts, one shape for the API and for pages that embed results."""
from __future__ import annotations

from search.backends.base import SearchHit, SearchResult


def hit_payload(hit: SearchHit) -> dict:
    document = dict(hit.document)
    return {
        "id": hit.id,
        "type": document.get("listing_type"),
        "title": document.get("title"),
        "document": document,
        "distance_m": round(hit.distance_m) if hit.distance_m is not None else None,
        "highlights": hit.highlights,
    }


def result_payload(result: SearchResult) -> dict:
    return {
        "hits": [hit_payload(hit) for hit in result.hits],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": (result.total + result.per_page - 1) // result.per_page if result.per_page else 0,
        "facets": result.facets,
        "backend": result.backend,
    }
