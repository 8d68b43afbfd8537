"""OpenAgenda events → canonical fields.

Two shapes reach us: the OpenAgenda v2 export/API ({"events": [...]}, multilingual objects,
nested ``location``, ``timings`` as a list) and the OpenDataSoft dataset
« evenements-publics-openagenda » (flat ``title_fr``, ``location_*`` columns, ``timings`` as a
JSON-encoded string). Both carry known semantics, so they skip the mapping stage.
"""
from __future__ import annotations

import json
import re

from importers.kinds import event_kind
from importers.normalise.errors import FieldError
from importers.normalise.numbers import parse_price
from importers.normalise.text import markdown_html

from .base import NOTES, PLACE_REF, other_places_note
from .ldutil import compact, first, text, texts

ODS_MARKERS = {"firstdate_begin", "location_coordinates", "location_name", "timings", "location_city"}
# OpenAgenda event status codes → portal.listings.enums.ActivityStatus values.
STATUS = {1: "scheduled", 2: "scheduled", 3: "scheduled", 4: "postponed", 5: "full", 6: "cancelled"}
# OpenAgenda accessibility codes → the accessibility families used by the portal.
ACCESSIBILITY = {"hi": "auditif", "vi": "visuel", "mi": "moteur", "ii": "mental", "pi": "psychique"}


# Hosts whose links are media to embed (OpenAgenda « links » are link / embed pairs), not a
# page to send a visitor to.
MEDIA_HOSTS = re.compile(r"^https?://(?:[^/]+\.)?(?:youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|"
                         r"soundcloud\.com|spotify\.com|deezer\.com|bandcamp\.com)/", re.IGNORECASE)


# Key of the record standing for an event deleted at the source ("deleted"), or that its agenda
# does not publish ("unpublished": refused by the agenda's moderators, or waiting for them).
REMOVED = "_removed"
# Conditions that are only a price, kept as the range alone: « 8 € », « 5,50 euros », « Gratuit ».
BARE_PRICE = re.compile(r"(?i)(?:(?:prix|tarif|entrée)\s*:\s*)?(?:\d+(?:[.,]\d+)?\s*(?:€|euros?)?"
                        r"(?:\s*(?:/|par|la|le|l')\s*(?:séance|heure|h|mois|an|année|trimestre|semaine))?"
                        r"|gratuite?|entrée libre|free)\.?")
UNPUBLISHED_STATES = {-1, 0}  # OpenAgenda « state »: -1 refused, 0 to moderate, 1 ready, 2 published


def is_removed(item: object) -> bool:
    """A stub the API returns for an event deleted at the source (asked with removed=null)."""
    return isinstance(item, dict) and item.get("removed") is True


def map_removed(item: dict) -> dict[str, object]:
    """Not a listing to store: the id of an event the source says it deleted (archived at once,
    also by a partial feed, which never archives events merely absent from it)."""
    uid = item.get("uid", item.get("slug"))
    return {"external_id": str(uid) if uid not in (None, "") else None, REMOVED: "deleted"}


def is_unpublished(item: object) -> bool:
    return isinstance(item, dict) and _int(item.get("state")) in UNPUBLISHED_STATES


def map_unpublished(item: dict) -> dict[str, object]:
    """An event its agenda's moderators refused or have not reviewed: not published here either
    (and archived if it was, as a deleted event)."""
    return {**map_removed(item), REMOVED: "unpublished"}


def _typical(item: dict) -> bool:
    """Titles keyed by language ({"fr": …}) or OpenAgenda timings: not a blog's {"rendered": …}."""
    title = item.get("title")
    multilingual = isinstance(title, dict) and bool(title) and all(
        isinstance(key, str) and len(key) == 2 for key in title)
    return multilingual or isinstance(item.get("timings"), list) or isinstance(item.get("lastTiming"), dict)


def looks_like_v2(items: list[dict]) -> bool:
    """OpenAgenda v2 events: ids, and multilingual titles or OpenAgenda timings, in most of them;
    or only removed stubs (a changes feed: no record to import)."""
    dicts = [item for item in items if isinstance(item, dict)]
    sample = [item for item in dicts if not is_removed(item)][:20]
    if not sample:
        return bool(dicts) and all("uid" in item for item in dicts)
    if not all("uid" in item or "slug" in item for item in sample):
        return False
    return sum(map(_typical, sample)) * 2 >= len(sample)


def looks_like_ods(items: list[dict]) -> bool:
    sample = [item for item in items[:20] if isinstance(item, dict)]
    return bool(sample) and all(ods_columns(item.keys()) for item in sample)


def ods_columns(columns) -> bool:
    """The columns of the « evenements-publics-openagenda » dataset (any export: JSON, CSV, GeoJSON)."""
    return "title_fr" in columns and bool(ODS_MARKERS & set(columns))


def _location(value: object) -> tuple[dict, list[str]]:
    """An event's place, and the remark on the others when a list gives several."""
    places = [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)]
    if not places:
        return {}, []
    others = [text(item.get("name")) or text(item.get("address")) or "?" for item in places[1:]]
    return places[0], [other_places_note(others)] if others else []


# ISO codes of France and of its overseas territories, as OpenAgenda's countryCode may give them.
FRENCH_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"}


def _abroad(location: dict) -> dict[str, object] | None:
    """A place outside France (« countryCode »: « BE »): its address as written, and no French
    commune looked up from its postal code (Tournai's 7500 is not Ardèche's 07500)."""
    country = (text(location.get("countryCode")) or "").upper()
    if not country or country in FRENCH_COUNTRIES:
        return None
    town = " ".join(part for part in (text(location.get("postalCode")), text(location.get("city"))) if part)
    return {"address": ", ".join(part for part in (text(location.get("address")), town, country) if part),
            "postal_code": None, "commune_name": None, "insee_code": None,
            NOTES: [f"Lieu hors de France ({country}) : il n'est rattaché à aucune commune française."]}


def map_v2(event: dict) -> dict[str, object]:
    location, notes = _location(event.get("location"))
    abroad = _abroad(location) or {}
    registration = _registration(event.get("registration"))
    age = event.get("age") if isinstance(event.get("age"), dict) else {}
    links = event.get("links") if isinstance(event.get("links"), list) else []
    link = next((item.get("link") for item in links if isinstance(item, dict) and isinstance(item.get("link"), str)
                 and not MEDIA_HOSTS.match(item["link"])), None)
    timings = _timings(event.get("timings"))
    if not timings:  # a list asked for without detailed=1: the first and last dates only
        timings = _timings([event.get("firstTiming") or event.get("nextTiming"), event.get("lastTiming")])
        if len(timings) == 2 and timings[0] == timings[1]:
            timings = timings[:1]
    return compact({
        "external_id": text(event.get("uid")) or text(event.get("slug")),
        "name": text(event.get("title")),
        "kind": event_kind(text(event.get("title")), len(timings)),
        "description": markdown_html(text(event.get("longDescription"))) or text(event.get("description")),
        "venue_name": text(location.get("name")),
        "address": text(location.get("address")),
        "postal_code": text(location.get("postalCode")),
        "commune_name": text(location.get("city")),
        "insee_code": text(location.get("insee")),
        "latitude": first(location.get("latitude")),
        "longitude": first(location.get("longitude")),
        "website": link or text(location.get("website")) or text(event.get("onlineAccessLink")),
        "email": registration.get("email") or text(location.get("email")),
        "phone": registration.get("phone") or text(location.get("phone")),
        "registration_url": registration.get("link"),
        "timings": timings,
        "source_modified_at": text(event.get("updatedAt")),
        "tags": texts(event.get("keywords")) if event.get("keywords") else None,
        "age_min": age.get("min"),
        "age_max": age.get("max"),
        "status": _status(event.get("status")),
        "accessibility": _accessibility(event.get("accessibility")),
        **_prices(text(event.get("conditions"))),
        **abroad,
        NOTES: notes + abroad.get(NOTES, []),
        PLACE_REF: text(location.get("uid")),
    })


def map_ods(event: dict) -> dict[str, object]:
    registration = _registration(_maybe_json(event.get("registration")))
    lat, lon = _coordinates(_maybe_json(event.get("location_coordinates")))
    if lat is None:  # a GeoJSON export carries the point as its geometry
        lat, lon = event.get("latitude"), event.get("longitude")
    timings = _timings(_maybe_json(event.get("timings")))
    if not timings and event.get("firstdate_begin"):
        timings = [{"begin": event.get("firstdate_begin"), "end": event.get("firstdate_end")}]
        if event.get("lastdate_begin") and event.get("lastdate_begin") != event.get("firstdate_begin"):
            timings.append({"begin": event.get("lastdate_begin"), "end": event.get("lastdate_end")})
    return compact({
        "external_id": text(event.get("uid")),
        "name": text(event.get("title_fr")),
        "kind": event_kind(text(event.get("title_fr")), len(timings)),
        "description": text(event.get("longdescription_fr")) or text(event.get("description_fr")),
        "venue_name": text(event.get("location_name")),
        "address": text(event.get("location_address")),
        "postal_code": text(event.get("location_postalcode")),
        "commune_name": text(event.get("location_city")),
        "insee_code": text(event.get("location_insee")),
        "latitude": lat,
        "longitude": lon,
        "website": text(event.get("location_website")) or text(event.get("canonicalurl")),
        "email": registration.get("email"),
        "phone": registration.get("phone") or text(event.get("location_phone")),
        "registration_url": registration.get("link"),
        "timings": timings,
        "source_modified_at": text(event.get("updatedat")),
        "tags": texts(event.get("keywords_fr")) if event.get("keywords_fr") else None,
        "age_min": event.get("age_min"),
        "age_max": event.get("age_max"),
        "status": _status(event.get("status")),
        "accessibility": _accessibility(event.get("accessibility")),
        **_prices(text(event.get("conditions_fr"))),
        PLACE_REF: text(event.get("location_uid")),
    })


def _maybe_json(value: object) -> object:
    """ODS stores nested OpenAgenda values as JSON text; undecodable text is left as is."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _timings(value: object) -> list[dict[str, object]]:
    if isinstance(value, dict):  # one timing, not in a list
        value = [value]
    if not isinstance(value, list):
        return []
    return [
        {"begin": item.get("begin"), "end": item.get("end")}
        for item in value
        if isinstance(item, dict) and item.get("begin")
    ]


def _coordinates(value: object) -> tuple[object, object]:
    if isinstance(value, dict):
        return value.get("lat"), value.get("lon")
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]  # ODS geo_point_2d order: [lat, lon]
    if isinstance(value, str) and "," in value:
        lat, lon = value.split(",", 1)
        return lat.strip(), lon.strip()
    return None, None


def _registration(value: object) -> dict[str, str]:
    """{"link": …, "email": …, "phone": …} from typed entries or bare strings."""
    found: dict[str, str] = {}
    for item in value if isinstance(value, list) else [value] if value else []:
        if isinstance(item, dict):
            kind, content = str(item.get("type", "")), text(item.get("value"))
        else:
            content = text(item)
            kind = "email" if content and "@" in content else "link" if content and "://" in content else "phone"
        if content and kind in ("link", "email", "phone"):
            found.setdefault(kind, content)
    return found


def _accessibility(value: object) -> list[str] | None:
    """Codes as a {code: true} object (API), a list (JSON dataset) or « hi;mi » (CSV export)."""
    value = _maybe_json(value)
    if isinstance(value, dict):
        codes = [code for code, flag in value.items() if flag is True]
    elif isinstance(value, list):
        codes = [str(code) for code in value]
    elif isinstance(value, str):
        codes = [code.strip().lower() for code in re.split(r"[;,|\s]+", value) if code.strip()]
    else:
        return None
    return [ACCESSIBILITY[code] for code in codes if code in ACCESSIBILITY] or None


def _prices(conditions: str | None) -> dict[str, object]:
    """Free or paid, and the price range, from the conditions a partner writes: « Gratuit »,
    « 8 € / 5 € tarif réduit », « Gratuit pour les moins de 12 ans, 8 € pour les adultes »
    (free for some: from 0 to 8 €, not free), read as any price cell is. The conditions are
    kept in the partner's words too unless they are only a price (« 8 € », « Gratuit »): they
    often say what the range cannot (who pays the reduced price, « Sur réservation »)."""
    if not conditions:
        return {}
    notes = {} if BARE_PRICE.fullmatch(conditions.strip()) else {"price_notes": _shortened(conditions, 500)}
    try:
        price = parse_price(conditions, "price_min")
    except FieldError:
        return notes
    if price is None or price.free is None:
        return notes
    if price.maximum is None or price.maximum == 0:
        return {"is_free": price.free, **notes}
    period = {"price_period": price.period} if price.period else {}  # « 5 € la séance »
    return {"is_free": False, "price_min": price.minimum, "price_max": price.maximum, **period, **notes}


def _shortened(value: str, limit: int) -> str:
    """A text cut at the last word that fits, with an ellipsis."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    return value[:limit - 1].rsplit(" ", 1)[0] + "…"


def _status(value: object) -> str | None:
    """An event status code: a number, or the dataset's {"id": 6, "label": {…}} (as JSON text)."""
    value = _maybe_json(value)
    if isinstance(value, dict):
        value = value.get("id")
    return STATUS.get(_int(value))


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
