"""The results page: the search form, facets with counts, a list and a clustered map.

The whole search lives in the URL (GET form): a results page can be bookmarked, shared
and used without JavaScript. The query is parsed by search.params (the same rules as the
JSON API); this module adds what only the page needs: "où ?" resolved to a commune point,
facet checkboxes, pagination and suggestions for an empty result.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from portal.discovery import labels
from portal.discovery.facets import build_facets
from portal.maps import results_map

DEFAULT_RADIUS_KM = 5.0
MAP_LIMIT = 500
MAP_PAGE = 100


def _resolve_place(args: MultiDict):
    """"Où ?" as typed (commune name or postal code) → ((lon, lat), error, commune name)."""
    where = (args.get("ou") or "").strip()[:100]
    if not where:
        return None, None, None
    from search.service import find_commune as find_by_name

    match = find_by_name(where)
    if match is None and where.isdigit():
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.geo.models import Commune
        from portal.geo.repository import find_commune

        commune = find_commune(postal_code=where)
        if commune is not None and commune.centroid is not None:
            lon, lat = db.session.execute(select(func.ST_X(Commune.centroid), func.ST_Y(Commune.centroid))
                                          .where(Commune.insee_code == commune.insee_code)).one()
            return (lon, lat), None, commune.name
    if match is None:
        return None, _("Commune introuvable : « %(value)s ». Indiquez un nom de commune ou un code postal.",
                       value=where), None
    return (match.lon, match.lat), None, match.name


def url_with(args: MultiDict, drop: tuple = (), **changes) -> str:
    """This search's URL with some parameters removed or replaced (page reset)."""
    items = [(k, v) for k, v in args.items(multi=True)
             if k not in drop and k not in changes and k != "page" and v != ""]
    for key, value in changes.items():
        if value is not None:
            items.append((key, value))
    return request.path + ("?" + urlencode(items) if items else "")


def _suggestions(args: MultiDict, query) -> list[tuple[str, str]]:
    """Ways out of an empty result, each one a link."""
    links = []
    if query.point and query.radius_km:
        links.append((_("Élargir à %(km)s km", km=int(query.radius_km * 3)),
                      url_with(args, radius_km=str(int(query.radius_km * 3)))))
    if args.get("ou") or args.get("lat"):
        links.append((_("Chercher partout"), url_with(args, drop=("ou", "lat", "lon", "radius_km", "sort"))))
    if args.get("bbox"):
        links.append((_("Sortir de la zone de la carte"), url_with(args, drop=("bbox",))))
    for key in sorted({k for k in args.keys() if k not in ("q", "ou", "lat", "lon", "radius_km", "bbox", "sort", "page", "per_page")}):
        links.append((_("Retirer le filtre « %(name)s »", name=_filter_name(key)), url_with(args, drop=(key,))))
    if args.get("q"):
        links.append((_("Retirer les mots « %(q)s »", q=args.get("q")), url_with(args, drop=("q",))))
    return links


def _filter_name(key: str) -> str:
    from portal.discovery.facets import PARAM_TITLES

    return str(PARAM_TITLES.get(key, key))


def render_results():
    from search.params import query_from_args
    from search.service import search

    from search.service import commune_code_for_name

    args = request.args
    point, place_error, commune = _resolve_place(args)
    parsed = MultiDict(args)
    if point and not (args.get("lat") and args.get("lon")):
        # "Où ?" becomes the search's point, so radius and distance sort apply to it.
        parsed.setlist("lon", [f"{point[0]:.5f}"])
        parsed.setlist("lat", [f"{point[1]:.5f}"])
        if not args.get("radius_km"):
            parsed.setlist("radius_km", [str(DEFAULT_RADIUS_KM)])
    query, errors = query_from_args(parsed, resolve_commune=commune_code_for_name)
    errors = dict(errors or {})
    if place_error:
        errors["ou"] = place_error
    result = search(query)
    map_hits = _map_hits(search, query, result)
    points = [(h.document["_geo"]["lat"], h.document["_geo"]["lng"], h.document["title"],
               _hit_url(h.document)) for h in map_hits if h.document.get("_geo")]
    centre = (query.point[1], query.point[0]) if query.point and not points else None
    pages = max(1, -(-result.total // result.per_page))
    return render_template(
        "discovery/results.html",
        args=args, query=query, result=result, errors=errors, commune=commune,
        facets=build_facets(result.facets, args),
        map=results_map(points, centre=centre),
        mapped=len(points),
        pages=pages,
        prev_url=url_with(args, page=str(result.page - 1)) if result.page > 1 else None,
        next_url=url_with(args, page=str(result.page + 1)) if result.page < pages else None,
        suggestions=_suggestions(args, query) if not result.total else [],
        sorts=labels.SORTS,
        hit_url=_hit_url,
        radius_choices=(1, 2, 5, 10, 20),
    )


def _map_hits(search, query, result) -> list:
    """Every result up to MAP_LIMIT for the map (engines page by 100 at most)."""
    if result.total <= len(result.hits):
        return result.hits
    hits, page = [], 1
    while len(hits) < min(result.total, MAP_LIMIT):
        batch = search(replace(query, page=page, per_page=MAP_PAGE, facets=(), highlight=False)).hits
        if not batch:
            break
        hits.extend(batch)
        page += 1
    return hits[:MAP_LIMIT]


def _hit_url(document: dict) -> str:
    from flask import url_for

    from portal.discovery.presenters import PATHS
    from portal.geo.names import slugify

    return url_for(PATHS[document["listing_type"]], ident=f"{document['listing_id']}-{slugify(document['title'])}")
