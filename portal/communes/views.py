"""/communes and /communes/<insee>-<slug> (a wrong slug redirects to the canonical URL)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale

from portal.communes import repository
from portal.discovery.presenters import listing_url
from portal.maps import results_map

blueprint = Blueprint("communes", __name__)

HOME_DEPARTEMENT = "93"


@blueprint.get("/communes")
def index():
    return render_template("communes/index.html", communes=repository.communes_of(HOME_DEPARTEMENT))


@blueprint.get("/communes/<ident>")
def show(ident: str):
    code = ident.split("-", 1)[0]
    commune = repository.get_commune(code)
    if commune is None:
        abort(404)
    if ident != commune.path_slug:
        return redirect(url_for("communes.show", ident=commune.path_slug), 301)
    activities = repository.activities_in(commune)
    venues = repository.venues_in(commune)
    points = [(lat, lng, venue.name, listing_url(venue)) for venue, lat, lng in venues if lat is not None]
    return render_template(
        "communes/show.html", commune=commune,
        groups=repository.by_family(activities, str(get_locale() or "fr") == "en"),
        count=len(activities), venues=[v for v, _, _ in venues],
        nearby=repository.activities_nearby(commune),
        map=results_map(points, centre=repository.centroid(commune) if not points else None),
        canonical=url_for("communes.show", ident=commune.path_slug, _external=True),
    )
