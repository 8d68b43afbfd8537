"""The map builder: local assets only, tiles from the settings, compact clustered markers."""
import json
import re

import folium
from folium import plugins

from portal.maps import place_map, results_map


def test_folium_defaults_point_at_boussole_assets_only(app):
    urls = [u for _, u in folium.Map.default_js + folium.Map.default_css
            + plugins.FastMarkerCluster.default_js + plugins.FastMarkerCluster.default_css]
    assert urls and all(u.startswith("/assets/") for u in urls)
    assert not any(re.search("jquery|bootstrap|awesome", u) for u in urls)


def test_results_map_uses_the_tiles_setting_and_one_callback_for_all_markers(app, monkeypatch):
    monkeypatch.setitem(app.config, "TILES_URL", "http://tiles.test/{z}/{x}/{y}.png")
    monkeypatch.setitem(app.config, "TILES_ATTRIBUTION", "Tuiles de test")
    with app.test_request_context():
        embed = results_map([(48.86, 2.44, "Chorale", "/activites/1-chorale"),
                             (48.87, 2.45, "Théâtre", "/activites/2-theatre")])
    assert '"http://tiles.test/{z}/{x}/{y}.png"' in embed.script and "Tuiles de test" in embed.script
    assert embed.script.count("L.marker(") == 1 and "L.markerClusterGroup" in embed.script
    assert "<html" not in embed.html and 'class="folium-map"' in embed.html
    assert embed.var_name in embed.html and embed.var_name in embed.script


def test_five_hundred_markers_stay_small(app):
    points = [(48.8 + n / 1000, 2.3 + n / 1000, f"Atelier de pratique numéro {n}", f"/activites/{n}-atelier")
              for n in range(500)]
    with app.test_request_context():
        embed = results_map(points)
    assert len(embed.script.encode()) < 45_000


def test_a_title_cannot_close_the_script_element(app):
    with app.test_request_context():
        embed = results_map([(48.86, 2.44, "</script><img src=x onerror=alert(1)>", "/x")])
    assert "</script>" not in embed.script


def test_place_map_has_one_marker_titled_after_the_place(app):
    with app.test_request_context():
        embed = place_map(48.86, 2.44, "Maison de quartier")
    data = embed.script[embed.script.index("L.marker("):]
    assert '"title": "Maison de quartier"' in data and "markerClusterGroup" not in embed.script
    assert embed.css_urls == [u for u in embed.css_urls if u.startswith("/assets/leaflet/")]


def test_empty_results_map_centres_on_seine_saint_denis(app):
    with app.test_request_context():
        embed = results_map([])
    assert "center: [48.91, 2.48]" in embed.script
    json.dumps(embed.js_urls)
