"""Every map Boussole shows is built here (folium), never inline in views."""
from portal.maps.assets import init_app
from portal.maps.builder import MapEmbed, place_map, results_map

__all__ = ["MapEmbed", "init_app", "place_map", "results_map"]
