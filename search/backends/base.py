"""The one search interface. Both backends (postgres, meilisearch) implement it, and the
contract suite runs the same behavioural tests against each.

A document is a flat dict built by `search.documents` from database rows:

    id                 "venue-12" / "activity-3" / "resource-7" (listing_type-listing_id)
    listing_type       "venue" | "activity" | "resource"
    listing_id         int
    kind               sub-kind value (e.g. "library", "regular_class", "rehearsal_room")
    title, description text (description is plain text, HTML already stripped)
    disciplines        list of discipline slugs (both levels: family and discipline)
    discipline_labels  list of French labels of those disciplines
    tags               list of free tag labels
    organization       organisation name or None
    address            street address or None
    commune_code, commune_name, departement_code, ept_code
    age_min, age_max   ints or None
    audiences          list of audience values (portal.listings.enums.AUDIENCES)
    level              level value or None
    is_free            bool or None
    price_min          float or None
    price_band         "free" | "under_10" | "10_50" | "50_200" | "over_200" | None (per session/month)
    weekdays           list of ints 0 (Monday) … 6
    day_periods        list of "morning" | "afternoon" | "evening"
    accessibility      list of values among ACCESSIBILITY below
    status             activity status value or None
    last_verified_at   unix timestamp (int) or None
    next_date          unix timestamp of the next timing or None (sort by date)
    _geo               {"lat": float, "lng": float} or None
    location_approximate  bool
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

ACCESSIBILITY = (
    "motor", "visual", "hearing", "mental",                       # venue level (acceslibre families)
    "lsf", "audio_description", "hearing_loop", "easy_read", "subtitles", "relaxed",  # activity level
)
FACETS = ("listing_type", "kind", "disciplines", "audiences", "price_band", "is_free", "weekdays",
          "day_periods", "level", "accessibility", "commune_code")
SORTS = ("relevance", "distance", "date")


@dataclass
class SearchQuery:
    text: str = ""
    listing_types: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    disciplines: list[str] = field(default_factory=list)      # slugs; a family matches its children
    communes: list[str] = field(default_factory=list)         # INSEE codes
    departement: str | None = None
    age: int | None = None                                    # fits age_min ≤ age ≤ age_max
    age_range: tuple[int, int] | None = None                  # (min, max) overlaps [age_min, age_max]
    audiences: list[str] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)
    day_periods: list[str] = field(default_factory=list)
    free: bool | None = None
    price_bands: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)    # every one listed must hold
    point: tuple[float, float] | None = None                  # (lon, lat)
    radius_km: float | None = None                            # with point
    bbox: tuple[float, float, float, float] | None = None     # (min_lon, min_lat, max_lon, max_lat)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = FACETS
    highlight: bool = True


@dataclass
class SearchHit:
    id: str
    document: dict
    score: float | None = None
    distance_m: float | None = None
    # field → text with matches wrapped in <mark>…</mark> (HTML-escaped otherwise)
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    backend: str


@dataclass
class Suggestion:
    type: str      # "discipline" | "commune" | "title"
    label: str
    value: str     # discipline slug, INSEE code, or document id


class SearchBackend(Protocol):
    name: str

    def index(self, documents: list[dict]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def search(self, query: SearchQuery) -> SearchResult: ...
    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]: ...
    def apply_settings(self, dry_run: bool = False) -> dict: ...
    def health(self) -> dict: ...
    def document_ids(self) -> set[str]: ...
    def clear(self) -> None: ...


class SearchUnavailable(Exception):
    """The engine cannot answer (down, timeout, rejected request)."""
