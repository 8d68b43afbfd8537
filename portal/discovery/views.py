"""Public pages: results (/recherche) and details (/lieux, /activites, /ressources).

Detail URLs are /<kind>/<id>-<slug>; the id decides, the slug is decoration: a wrong or
missing slug redirects (301) to the canonical URL, a merged venue to its survivor, and a
listing that is not public answers 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template

from portal.discovery import presenters, repository
from portal.discovery.results import render_results
from portal.maps import place_map
from portal.seo import jsonld
from portal.venues.merges import united

blueprint = Blueprint("discovery", __name__)


def _parse_ident(ident: str) -> tuple[int, str]:
    head, _, slug = ident.partition("-")
    if not head.isdigit() or len(head) > 9:
        abort(404)
    return int(head), slug


def _load(listing_type: str, ident: str):
    listing_id, slug = _parse_ident(ident)
    listing = repository.get_listing(listing_type, listing_id)
    if listing is None:
        abort(404)
    if listing_type == "venue" and listing.merged_into_id:
        survivor = repository.get_listing("venue", listing.merged_into_id)
        while survivor is not None and survivor.merged_into_id:
            survivor = repository.get_listing("venue", survivor.merged_into_id)
        if survivor is None or not repository.is_public(survivor):
            abort(404)
        return None, redirect(presenters.listing_url(survivor), 301)
    if not repository.is_public(listing):
        abort(404)
    if slug != listing.slug:
        return None, redirect(presenters.listing_url(listing), 301)
    return listing, None


def _common(listing, venue, point, merged: list | tuple = ()) -> dict:
    return {
        "canonical": presenters.listing_url(listing, external=True),
        "map": place_map(point[0], point[1], venue.name) if point else None,
        "verified": presenters.verified_text(listing),
        "source": presenters.source_text(listing, merged),
        "contact": presenters.contact_of(listing, merged),
        "disciplines": united(listing, merged, "disciplines"),
        "tags": united(listing, merged, "tags"),
        "price": presenters.price_text(listing) if hasattr(listing, "is_free") else None,
        "venue_access": presenters.venue_accessibility(venue),
        "access_notes": presenters.accessibility_notes(listing, venue),
        "venue": venue,
        "point": point,
    }


@blueprint.get("/lieux/<ident>")
def venue(ident: str):
    listing, redirection = _load("venue", ident)
    if redirection:
        return redirection
    point = repository.venue_point(listing)
    context = _common(listing, listing, point, repository.merged_into_venue(listing.id))
    context["activities"] = repository.activities_at_venue(listing.id)
    context["resources"] = repository.resources_at_venue(listing.id)
    context["jsonld"] = jsonld.script_tag(jsonld.venue_jsonld(listing, context["canonical"], point))
    return render_template("discovery/venue.html", listing=listing, **context)


@blueprint.get("/activites/<ident>")
def activity(ident: str):
    listing, redirection = _load("activity", ident)
    if redirection:
        return redirection
    point = repository.venue_point(listing.venue)
    timings = repository.next_timings(listing)
    context = _common(listing, listing.venue, point)
    context.update(
        timings=timings,
        slots=presenters.slot_rows(listing),
        season=presenters.season_text(listing),
        ages=presenters.ages_text(listing),
        activity_access=presenters.activity_accessibility(listing),
        others=repository.activities_at_venue(listing.venue_id, exclude_id=listing.id) if listing.venue_id else [],
        similar=repository.similar_activities_nearby(listing),
        jsonld=jsonld.script_tag(jsonld.activity_jsonld(listing, context["canonical"], point, timings)),
    )
    return render_template("discovery/activity.html", listing=listing, **context)


@blueprint.get("/ressources/<ident>")
def resource(ident: str):
    listing, redirection = _load("resource", ident)
    if redirection:
        return redirection
    point = repository.venue_point(listing.venue)
    context = _common(listing, listing.venue, point)
    context["jsonld"] = jsonld.script_tag(jsonld.resource_jsonld(listing, context["canonical"], point))
    return render_template("discovery/resource.html", listing=listing, **context)


@blueprint.get("/recherche")
def results():
    return render_results()
