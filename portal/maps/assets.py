"""Point folium at Boussole's own copies of Leaflet and Leaflet.markercluster.

folium's elements carry class-level `default_js` / `default_css` lists of CDN URLs
(Leaflet, jQuery, Bootstrap, Font Awesome, awesome-markers…). Our maps only need Leaflet
and the cluster plugin, so the lists are replaced ONCE, at app start-up, by local,
hash-versioned URLs; everything else is dropped. No page ever asks a CDN for anything.
"""
from __future__ import annotations

import folium
from folium import plugins

from portal.pages.assets import vendor_url

_configured = False


def local_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]],
                            list[tuple[str, str]]]:
    """(map js, map css, cluster js, cluster css) as folium's (name, url) pairs."""
    map_js = [("leaflet", vendor_url("leaflet", "leaflet.js"))]
    map_css = [("leaflet_css", vendor_url("leaflet", "leaflet.css"))]
    cluster_js = [("markerclusterjs", vendor_url("markercluster", "leaflet.markercluster.js"))]
    cluster_css = [
        ("markerclustercss", vendor_url("markercluster", "MarkerCluster.css")),
        ("markerclusterdefaultcss", vendor_url("markercluster", "MarkerCluster.Default.css")),
    ]
    return map_js, map_css, cluster_js, cluster_css


def configure_folium() -> None:
    global _configured
    if _configured:
        return
    map_js, map_css, cluster_js, cluster_css = local_assets()
    folium.Map.default_js = map_js
    folium.Map.default_css = map_css
    for cls in (plugins.FastMarkerCluster, plugins.MarkerCluster):
        cls.default_js = cluster_js
        cls.default_css = cluster_css
    _configured = True


def init_app(app) -> None:
    configure_folium()
