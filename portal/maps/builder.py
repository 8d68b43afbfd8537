"""Build folium maps and cut them into parts our own pages embed.

folium renders a whole HTML document (with `html, body {height: 100%}` styles and its own
<head>); we take only the map <div>, its script and the list of its JS/CSS files, and the
page template places them. Markers of a results map go through FastMarkerCluster: one
compact array of [lat, lng, title, url] rows and one JS callback, so 500 results stay a
few KB instead of one Marker object (and its JS) per result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import folium
from flask import current_app
from folium import plugins
from markupsafe import Markup

# Seine-Saint-Denis, when there is nothing to centre on.
DEFAULT_CENTRE = (48.91, 2.48)

# Builds each marker from a data row; the title goes in as text, never as HTML.
MARKER_CALLBACK = """function (row) {
  var marker = L.marker(new L.LatLng(row[0], row[1]), {title: row[2], alt: row[2], keyboard: true});
  var link = document.createElement('a');
  link.href = row[3];
  link.textContent = row[2];
  marker.bindPopup(link);
  return marker;
}"""


@dataclass
class MapEmbed:
    """The parts of a folium map a page needs."""

    var_name: str
    html: Markup
    script: Markup
    js_urls: list[str] = field(default_factory=list)
    css_urls: list[str] = field(default_factory=list)


def _base_map(centre: tuple[float, float], zoom: int) -> folium.Map:
    config = current_app.config
    fmap = folium.Map(location=list(centre), zoom_start=zoom, tiles=None, control_scale=True,
                      scrollWheelZoom=False)
    folium.TileLayer(tiles=config["TILES_URL"], attr=config["TILES_ATTRIBUTION"],
                     name="tiles", max_zoom=19).add_to(fmap)
    return fmap


def _collect_links(fmap: folium.Map) -> tuple[list[str], list[str]]:
    js, css = [], []
    for element in [fmap, *_descendants(fmap)]:
        for _, url in getattr(element, "default_js", []):
            if url not in js:
                js.append(url)
        for _, url in getattr(element, "default_css", []):
            if url not in css:
                css.append(url)
    return js, css


def _descendants(element):
    for child in element._children.values():
        yield child
        yield from _descendants(child)


def _embed(fmap: folium.Map) -> MapEmbed:
    figure = fmap.get_root()
    figure.render()
    js, css = _collect_links(fmap)
    return MapEmbed(
        var_name=fmap.get_name(),
        html=Markup(figure.html.render().strip()),
        # A title such as "</script>" must not close the page's script element.
        script=Markup(figure.script.render().strip().replace("</", "<\\/")),
        js_urls=js,
        css_urls=css,
    )


def results_map(points: list[tuple[float, float, str, str]],
                centre: tuple[float, float] | None = None) -> MapEmbed:
    """A clustered map of results; `points` are (lat, lng, title, url)."""
    fmap = _base_map(centre or DEFAULT_CENTRE, 13 if centre else 11)
    if points:
        plugins.FastMarkerCluster([[round(lat, 5), round(lng, 5), title, url] for lat, lng, title, url in points],
                                  callback=MARKER_CALLBACK).add_to(fmap)
        if not centre:
            lats = [p[0] for p in points]
            lngs = [p[1] for p in points]
            fmap.fit_bounds([[min(lats), min(lngs)], [max(lats), max(lngs)]], max_zoom=15)
    return _embed(fmap)


def place_map(lat: float, lng: float, title: str) -> MapEmbed:
    """A small map around one place, with its single marker."""
    fmap = _base_map((lat, lng), 15)
    folium.Marker([lat, lng], tooltip=None, title=title, alt=title).add_to(fmap)
    return _embed(fmap)
