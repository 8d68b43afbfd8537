"""Overseas départements and collectivities: their time zones, and where they lie (their
boundaries are not among the reference files, so a bounding box tells a point's territory)."""
from __future__ import annotations

# By the first three digits of an INSEE or postal code.
OVERSEAS_ZONES = {"971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne",
                  "974": "Indian/Reunion", "975": "America/Miquelon", "976": "Indian/Mayotte",
                  "977": "America/St_Barthelemy", "978": "America/Marigot", "986": "Pacific/Wallis",
                  "987": "Pacific/Tahiti", "988": "Pacific/Noumea"}
# (west, south, east, north) of each overseas département and of Saint-Pierre-et-Miquelon.
OVERSEAS_BOXES = {"971": (-61.9, 15.8, -60.9, 16.6), "972": (-61.3, 14.3, -60.7, 14.95),
                  "973": (-54.7, 2.0, -51.5, 5.9), "974": (55.1, -21.5, 55.9, -20.8),
                  "975": (-56.5, 46.7, -56.1, 47.2), "976": (44.9, -13.1, 45.4, -12.5)}


def overseas_territory(code: object) -> str | None:
    """The overseas territory (3 digits) an INSEE or postal code belongs to, if any."""
    return code[:3] if isinstance(code, str) and code[:3] in OVERSEAS_ZONES else None


def territory_at(lon: float, lat: float) -> str | None:
    """The overseas territory a point lies in, by its bounding box; None elsewhere."""
    for territory, (west, south, east, north) in OVERSEAS_BOXES.items():
        if west <= lon <= east and south <= lat <= north:
            return territory
    return None


def box_centre(territory: str) -> tuple[float, float]:
    west, south, east, north = OVERSEAS_BOXES[territory]
    return (west + east) / 2, (south + north) / 2
