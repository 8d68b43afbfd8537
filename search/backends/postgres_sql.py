"""SQL pieces of the embedded engine: filters, ranking, facet counts.

Filters on facet fields are kept apart from the others, because a facet is counted with
every filter applied except its own (ticking "danse" must not make "théâtre" show 0).
Everything is bound parameters; only column names from the constants below are spliced.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from search.backends.base import SearchQuery

# facet → (column, is_array, cast of the bound values)
FACET_COLUMNS = {
    "listing_type": ("listing_type", False, "text"),
    "kind": ("kind", False, "text"),
    "disciplines": ("disciplines", True, "text"),
    "audiences": ("audiences", True, "text"),
    "price_band": ("price_band", False, "text"),
    "is_free": ("is_free", False, "boolean"),
    "weekdays": ("weekdays", True, "smallint"),
    "day_periods": ("day_periods", True, "text"),
    "level": ("level", False, "text"),
    "accessibility": ("accessibility", True, "text"),
    "commune_code": ("commune_code", False, "text"),
}


def _known_values() -> dict[str, tuple[str, ...]]:
    """Facets whose values are a small closed set: counted together in one scan with
    `count(*) FILTER`, instead of one scan (and one unnest) each."""
    from portal.listings.enums import ActivityKind, Level, ListingType, ResourceKind, VenueKind
    from search.backends.base import ACCESSIBILITY
    from portal.listings.enums import AUDIENCES

    kinds = tuple(dict.fromkeys(m.value for e in (VenueKind, ActivityKind, ResourceKind) for m in e))
    return {
        "listing_type": tuple(m.value for m in ListingType),
        "kind": kinds,
        "audiences": tuple(AUDIENCES),
        "price_band": ("free", "under_10", "10_50", "50_200", "over_200"),
        "is_free": ("true", "false"),
        "weekdays": tuple(str(d) for d in range(7)),
        "day_periods": ("morning", "afternoon", "evening"),
        "level": tuple(m.value for m in Level),
        "accessibility": tuple(ACCESSIBILITY),
    }


KNOWN_VALUES = _known_values()


def _has_value(facet: str, value: str) -> str:
    column, is_array, cast = FACET_COLUMNS[facet]
    literal = value if cast in ("smallint", "boolean") else "'" + value.replace("'", "''") + "'"
    if is_array:
        return f"{literal} = ANY({column})"
    return f"{column} = {literal}"


@dataclass
class Filters:
    """`common` holds conditions every count shares; `facets` the per-facet conditions."""

    common: list[str] = field(default_factory=list)
    facets: dict[str, str] = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def all(self) -> list[str]:
        return self.common + list(self.facets.values())

    def where(self, exclude: str | None = None) -> str:
        clauses = self.common + [sql for name, sql in self.facets.items() if name != exclude]
        return " AND ".join(clauses) or "TRUE"


def _facet_filter(filters: Filters, facet: str, values: list, all_required: bool = False) -> None:
    if not values:
        return
    column, is_array, cast = FACET_COLUMNS[facet]
    key = f"f_{facet}"
    filters.params[key] = list(values)
    if is_array:
        operator = "@>" if all_required else "&&"
        filters.facets[facet] = f"{column} {operator} CAST(:{key} AS {cast}[])"
    else:
        filters.facets[facet] = f"{column} = ANY(CAST(:{key} AS {cast}[]))"


def build_filters(query: SearchQuery, has_text: bool) -> Filters:
    filters = Filters()
    if has_text:
        filters.common.append("search_vector @@ to_tsquery('fr_unaccent', :tsquery)")
    _facet_filter(filters, "listing_type", query.listing_types)
    _facet_filter(filters, "kind", query.kinds)
    _facet_filter(filters, "disciplines", query.disciplines)
    _facet_filter(filters, "audiences", query.audiences)
    _facet_filter(filters, "price_band", query.price_bands)
    _facet_filter(filters, "weekdays", query.weekdays)
    _facet_filter(filters, "day_periods", query.day_periods)
    _facet_filter(filters, "accessibility", query.accessibility, all_required=True)
    _facet_filter(filters, "commune_code", query.communes)
    if query.levels:
        # Someone looking for a beginners' class is welcome in an all-levels one.
        _facet_filter(filters, "level", sorted({*query.levels, "all_levels"}))
    if query.free is not None:
        filters.params["f_is_free"] = query.free
        filters.facets["is_free"] = ("is_free IS TRUE" if query.free else "is_free IS NOT TRUE")
    if query.departement:
        filters.common.append("departement_code = :departement")
        filters.params["departement"] = query.departement
    if query.age is not None:
        filters.common.append("(age_min IS NULL OR age_min <= :age) AND (age_max IS NULL OR age_max >= :age)")
        filters.params["age"] = query.age
    if query.age_range is not None:
        filters.common.append("(age_min IS NULL OR age_min <= :age_high) AND (age_max IS NULL OR age_max >= :age_low)")
        filters.params["age_low"], filters.params["age_high"] = query.age_range
    if query.point is not None:
        filters.params["lon"], filters.params["lat"] = query.point
        if query.radius_km:
            filters.common.append("ST_DWithin(geog, CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography), "
                                  ":radius_m, false)")
            filters.params["radius_m"] = float(query.radius_km) * 1000
    if query.bbox is not None:
        filters.common.append("ST_Intersects(geog, CAST(ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)"
                              " AS geography))")
        (filters.params["min_lon"], filters.params["min_lat"],
         filters.params["max_lon"], filters.params["max_lat"]) = query.bbox
    return filters


POINT = "CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography)"
# Exact title first, then titles close to the query (typos, partial), then the weighted
# full-text rank (title A > disciplines/tags B > organisation/commune C > description D).
RANK = "ts_rank('{0.05, 0.2, 0.4, 1.0}', search_vector, to_tsquery('fr_unaccent', :tsquery))"


def score_sql(title: str, rank: str) -> str:
    """The relevance score of a document from its folded title and its full-text rank (a
    `real`, as ts_rank returns): one expression wherever the parts come from."""
    return f"(CASE WHEN {title} = :folded THEN 10 ELSE 0 END + 3 * word_similarity(:folded, {title}) + {rank})"


SCORE = score_sql("title_folded", RANK)


# Relevance in two phases: the full score (exact title, title similarity, weighted rank) is
# costly per row, and a broad word ("musique") matches a fifth of the index. Candidates are
# the best CANDIDATE_WINDOW rows by the weighted rank alone (title words weigh most) plus exact
# title matches; only they get the full score. Deeper pages widen the window.
CANDIDATE_WINDOW = 200


def hits_sql(query: SearchQuery, filters: Filters, has_text: bool) -> str:
    distance = f"ST_Distance(geog, {POINT}, false)" if query.point is not None else "NULL"
    score = SCORE if has_text else "NULL"
    sort = query.sort
    if sort == "distance" and query.point is None:
        sort = "relevance"
    if sort == "distance":
        order = "distance ASC NULLS LAST, id"
    elif sort == "date":
        order = "next_date ASC NULLS LAST, id"
    elif has_text:
        order = "round(CAST(score AS numeric), 2) DESC" + (", distance ASC NULLS LAST" if query.point else "") + ", id"
    elif query.point is not None:
        order = "distance ASC NULLS LAST, id"
    else:
        order = "title_folded, id"
    where = filters.where()
    source = f"SELECT * FROM search_document WHERE {where}"
    if has_text and sort == "relevance":
        source = f"""
            SELECT d.* FROM search_document d JOIN (
                (SELECT id FROM search_document WHERE {where} ORDER BY {RANK} DESC LIMIT :window)
                UNION
                (SELECT id FROM search_document WHERE {where} AND title_folded = :folded)
            ) AS candidate USING (id)"""
    return f"""
        SELECT id, score, distance FROM (
            SELECT id, title_folded, next_date, {score} AS score, {distance} AS distance
            FROM ({source}) AS filtered
        ) AS matched
        ORDER BY {order}
        LIMIT :limit OFFSET :offset
    """


def facets_sql(query: SearchQuery, filters: Filters) -> str:
    """One statement: the candidate rows once (MATERIALIZED), every facet counted from them
    with the other facets' filters applied, plus the total.

    Rows passing every filter are materialised apart: facets without a filter of their own
    (most of them) count from that smaller set; only a filtered facet needs the rows that
    fail its own filter alone."""
    flags = {name: f"f_{name}_ok" for name in filters.facets}
    flag_columns = "".join(f", ({sql}) AS {flags[name]}" for name, sql in filters.facets.items())
    columns = sorted({FACET_COLUMNS[name][0] for name in query.facets if name in FACET_COLUMNS})

    def others(exclude: str) -> str:
        return " AND ".join(flag for name, flag in flags.items() if name != exclude) or "TRUE"

    def source(name: str | None) -> tuple[str, str]:
        if name in flags:
            return "matched", others(name)
        return "passing", "TRUE"

    parts = ["SELECT '__total__' AS facet, '' AS value, count(*) AS n FROM passing"]
    together = []  # (facet, value) counted in the single FILTER scan of `passing`
    for name in query.facets:
        if name not in FACET_COLUMNS:
            continue
        column, is_array, _cast = FACET_COLUMNS[name]
        table, condition = source(name)
        if table == "passing" and name in KNOWN_VALUES:
            together += [(name, value) for value in KNOWN_VALUES[name]]
        elif is_array:
            parts.append(f"SELECT '{name}', CAST(v AS text), count(*) FROM {table}, unnest({column}) AS v "
                         f"WHERE {condition} GROUP BY 2")
        else:
            parts.append(f"SELECT '{name}', CAST({column} AS text), count(*) FROM {table} "
                         f"WHERE {column} IS NOT NULL AND {condition} GROUP BY 2")
    if together:
        aggregates = ", ".join(f"count(*) FILTER (WHERE {_has_value(name, value)}) AS c{i}"
                               for i, (name, value) in enumerate(together))
        rows = ", ".join(f"('{name}', '{value}', c{i})" for i, (name, value) in enumerate(together))
        parts.append(f"SELECT u.facet, u.value, u.n FROM (SELECT {aggregates} FROM passing) AS counted "
                     f"CROSS JOIN LATERAL (VALUES {rows}) AS u(facet, value, n) WHERE u.n > 0")
    select_columns = ", ".join(columns) if columns else "id"
    # A row failing two facet filters counts nowhere: leave it out before materialising.
    failing = " + ".join(f"(CASE WHEN {sql} THEN 0 ELSE 1 END)" for sql in filters.facets.values())
    prefilter = " AND ".join(filters.common + ([f"({failing}) <= 1"] if len(filters.facets) > 1 else [])) or "TRUE"
    passing = (f"passing AS MATERIALIZED (SELECT {select_columns} FROM matched WHERE "
               f"{' AND '.join(flags.values())})" if flags else "passing AS (SELECT * FROM matched)")
    return f"""
        WITH matched AS MATERIALIZED (
            SELECT {select_columns}{flag_columns}
            FROM search_document
            WHERE {prefilter}
        ), {passing}
        {" UNION ALL ".join(parts)}
    """
