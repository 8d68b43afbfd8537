"""sitemap.xml: home, declarations, communes of the home département and every public listing."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, url_for

from portal.activities.models import Activity
from portal.communes.repository import communes_of
from portal.communes.views import HOME_DEPARTEMENT
from portal.discovery import repository
from portal.discovery.presenters import detail_url
from portal.resources.models import Resource
from portal.venues.models import Venue

blueprint = Blueprint("seo", __name__)


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


@blueprint.get("/sitemap.xml")
def sitemap():
    entries = [(_absolute(url_for(e)), None) for e in ("core.home", "pages.accessibility", "pages.ecodesign")]
    entries += [(_absolute(url_for("communes.show", ident=c.path_slug)), None) for c in communes_of(HOME_DEPARTEMENT)]
    for listing_type, model in (("venue", Venue), ("activity", Activity), ("resource", Resource)):
        for listing_id, slug, updated in repository.all_public_ids(model):
            entries.append((_absolute(detail_url(listing_type, listing_id, slug)), updated))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, updated in entries:
        lastmod = f"<lastmod>{updated.date().isoformat()}</lastmod>" if updated else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return Response("\n".join(lines), mimetype="application/xml")
