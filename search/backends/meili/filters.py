"""SearchQuery → Meilisearch filter expression and sort rules.

Values are always quoted and escaped here, never pasted: a commune name or a free tag with a
quote in it must not change the meaning of the filter (nor break it). Meilisearch's filter
syntax: strings in double quotes with `\\"` and `\\\\` escapes (v1.4+), numbers and booleans bare,
geography as (latitude, longitude) — the reverse of SearchQuery's (lon, lat) tuples.
"""
from __future__ import annotations

from search.backends.base import SORTS, SearchQuery

# SearchQuery list field → document attribute; several values of one field are alternatives (OR).
ANY_OF = (
    ("listing_types", "listing_type"),
    ("kinds", "kind"),
    ("disciplines", "disciplines"),   # documents carry family and child slugs: a family matches its children
    ("communes", "commune_code"),
    ("audiences", "audiences"),
    ("weekdays", "weekdays"),
    ("day_periods", "day_periods"),
    ("price_bands", "price_band"),
    ("levels", "level"),
)


def quote(value) -> str:
    """One filter value: booleans and numbers bare, anything else a double-quoted string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def number(value: float) -> str:
    """A bare number without exponent notation (the filter lexer reads plain decimals)."""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text


def any_of(attribute: str, values) -> str:
    return f"{attribute} IN [{', '.join(quote(value) for value in values)}]"


def build_clauses(query: SearchQuery) -> list[tuple[str | None, str]]:
    """(facet the condition filters on, or None; condition), in a stable order."""
    clauses: list[tuple[str | None, str]] = []
    for field_name, attribute in ANY_OF:
        values = getattr(query, field_name)
        if field_name == "levels" and values:
            # Someone looking for a beginners' class is welcome in an all-levels one.
            values = sorted({*values, "all_levels"})
        if values:
            clauses.append((attribute, any_of(attribute, values)))
    if query.free is not None:
        # "Not free" includes listings whose price is unknown, as the postgres engine does.
        clauses.append(("is_free", "is_free = true" if query.free else "is_free != true"))
    for need in query.accessibility:  # every one must hold: AND, not IN
        clauses.append(("accessibility", f"accessibility = {quote(need)}"))
    if query.departement:
        clauses.append((None, f"departement_code = {quote(query.departement)}"))
    # An unknown bound (null) means "no limit on that side", so it must not exclude the listing.
    if query.age is not None:
        age = number(int(query.age))
        clauses.append((None, f"(age_min IS NULL OR age_min <= {age})"))
        clauses.append((None, f"(age_max IS NULL OR age_max >= {age})"))
    age_range = getattr(query, "age_range", None)
    if age_range is not None:
        low, high = (number(int(bound)) for bound in age_range)
        clauses.append((None, f"(age_min IS NULL OR age_min <= {high})"))
        clauses.append((None, f"(age_max IS NULL OR age_max >= {low})"))
    if query.point is not None and query.radius_km:
        lon, lat = query.point
        meters = round(float(query.radius_km) * 1000)
        clauses.append((None, f"_geoRadius({number(lat)}, {number(lon)}, {meters})"))
    if query.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = query.bbox
        # Meilisearch wants the north-east corner first, then the south-west one; a first
        # longitude smaller than the second would mean a box wrapping around the antimeridian.
        clauses.append((None, f"_geoBoundingBox([{number(max_lat)}, {number(max_lon)}], "
                              f"[{number(min_lat)}, {number(min_lon)}])"))
    return clauses


def build_filter(query: SearchQuery, except_facet: str | None = None) -> str | None:
    """Every condition of the query (but those on `except_facet`) joined with AND; None if none.

    Leaving one facet's own condition out is how its counts stay disjunctive: ticking
    "Danse" must not make "Théâtre" vanish from the discipline counts."""
    return " AND ".join(clause for facet, clause in build_clauses(query) if facet is None or facet != except_facet
                        ) or None


def filtered_facets(query: SearchQuery) -> list[str]:
    """Requested facets the query filters on: their counts need a query without that filter."""
    active = {facet for facet, _clause in build_clauses(query) if facet}
    return [facet for facet in query.facets if facet in active]


def build_sort(query: SearchQuery) -> list[str]:
    """Sort rules, in the same order the postgres engine uses.

    With words to match, relevance is Meilisearch's own ranking. Without any, relevance has
    nothing to say: nearest first when there is a point, else alphabetical."""
    if query.sort not in SORTS:
        raise ValueError(f"Tri inconnu : « {query.sort} » (attendu : {', '.join(SORTS)}).")
    near = []
    if query.point is not None:
        lon, lat = query.point
        near = [f"_geoPoint({number(lat)}, {number(lon)}):asc"]
    if query.sort == "date":
        return ["next_date:asc"]
    if query.sort == "distance" or not query.text.strip():
        return near or ([] if query.text.strip() else ["title:asc"])
    return []
