"""JSON-LD records → canonical fields: DATAtourisme points of interest and schema.org
Place / Event / Course nodes.

Both vocabularies are published and stable, so their meaning is known here and the mapping
stage is skipped. Property names are matched by local name (see ldutil) so prefixed,
unprefixed and expanded spellings all work; nodes referenced by « @id » inside a @graph are
resolved before mapping.
"""
from __future__ import annotations

import re

from .base import ImportFileError, safe_map
from .ldutil import compact, first, local, node, prop, text, texts, types, when

DATATOURISME_KEYS = {"isLocatedAt", "hasDescription", "takesPlaceAt", "hasContact", "lastUpdate", "hasTheme"}
GENERIC_TYPES = {"PointOfInterest", "resource", "Thing", "Product", "Place", "Event", "EntertainmentAndEvent",
                 "PlaceOfInterest"}
RECORD_TYPES = {
    "Place", "Course", "CourseInstance", "LocalBusiness", "CivicStructure", "EventVenue", "MusicVenue",
    "PerformingArtsTheater", "MovieTheater", "Library", "Museum", "ArtGallery", "School",
    "EducationalOrganization", "EntertainmentBusiness", "SportsActivityLocation", "TheaterGroup",
    "DanceGroup", "MusicGroup", "PerformingGroup", "Organization",
}
EVENT_STATUS = {"EventScheduled": "scheduled", "EventRescheduled": "scheduled", "EventMovedOnline": "scheduled",
                "EventPostponed": "postponed", "EventCancelled": "cancelled"}
NO_RECORD = "Le fichier JSON-LD ne contient aucun lieu, événement ou cours reconnu (schema.org ou DATAtourisme)."


def nodes_of(data: object) -> list[dict]:
    """Top-level nodes: a @graph, a list of nodes, or one node."""
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data = data["@graph"]
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


def is_datatourisme(nodes: list[dict]) -> bool:
    return any(
        {local(key) for key in item} & DATATOURISME_KEYS
        or "datatourisme" in str(item.get("@id", ""))
        for item in nodes[:20]
    )


def records(data: object) -> tuple[str, list[dict[str, object]]]:
    """('datatourisme' | 'jsonld', mapped records); raises when no record node is found."""
    nodes = nodes_of(data)
    if is_datatourisme(nodes):
        chosen = [item for item in nodes if prop(item, "label", "name")]
        mapper, fmt = map_datatourisme, "datatourisme"
    else:
        index = {_id(item): item for item in nodes if _id(item)}
        nodes = [_resolve(item, index, 0) for item in nodes]
        referenced = _referenced_ids(nodes)
        chosen = [
            item for item in nodes
            if _is_record(item) and not (_id(item) in referenced and _has_event_or_course(nodes))
        ]
        mapper, fmt = map_schema_org, "jsonld"
    if not chosen:
        raise ImportFileError("bad_structure", NO_RECORD)
    return fmt, [safe_map(mapper, item) for item in chosen]


def _id(item: dict) -> str | None:
    value = item.get("@id")
    return value if isinstance(value, str) else None


def _is_record(item: dict) -> bool:
    return any(kind.endswith("Event") or kind in RECORD_TYPES for kind in types(item))


def _has_event_or_course(nodes: list[dict]) -> bool:
    return any(kind.endswith("Event") or kind == "Course" for item in nodes for kind in types(item))


def _resolve(value: object, index: dict[str, dict], depth: int) -> object:
    """Replace {"@id": x} references by the node x of the graph (bounded depth: graphs may loop)."""
    if depth > 6:
        return value
    if isinstance(value, list):
        return [_resolve(item, index, depth + 1) for item in value]
    if isinstance(value, dict):
        if set(value) == {"@id"} and isinstance(value["@id"], str) and value["@id"] in index:
            return {**_resolve(index[value["@id"]], index, depth + 1), "_ref": True}
        return {key: _resolve(item, index, depth + 1) for key, item in value.items()}
    return value


def _referenced_ids(nodes: list[dict]) -> set[str]:
    found: set[str] = set()

    def walk(value: object, top: bool) -> None:
        if isinstance(value, dict):
            if value.get("_ref") and not top and _id(value):
                found.add(_id(value))
            for item in value.values():
                walk(item, False)
        elif isinstance(value, list):
            for item in value:
                walk(item, False)

    for item in nodes:
        walk(item, True)
    return found


def _kind(item: dict) -> str | None:
    specific = [kind for kind in types(item) if kind not in GENERIC_TYPES]
    return specific[0] if specific else (types(item) or [None])[0]


def _address_fields(address: object) -> dict[str, object]:
    if isinstance(address, str):
        return {"address": address}
    address = node(address)
    if not address:
        return {}
    street = prop(address, "streetAddress")
    city = node(prop(address, "hasAddressCity")) or {}
    return {
        "address": ", ".join(texts(street)) if isinstance(street, list) else text(street),
        "postal_code": text(prop(address, "postalCode")),
        "commune_name": text(prop(address, "addressLocality")) or text(prop(city, "label")),
        "insee_code": text(prop(city, "insee")) or text(prop(address, "insee")),
    }


def _geo_fields(holder: object) -> dict[str, object]:
    holder = node(holder) or {}
    geo = node(prop(holder, "geo")) or holder
    return {"latitude": first(prop(geo, "latitude")), "longitude": first(prop(geo, "longitude"))}


def _age(range_: object) -> tuple[object, object]:
    found = re.match(r"^\s*(\d+)?\s*-\s*(\d+)?\s*$", text(range_) or "")
    if not found:
        return None, None
    return (int(found[1]) if found[1] else None, int(found[2]) if found[2] else None)


def _offers(item: dict) -> dict[str, object]:
    offer = node(prop(item, "offers")) or {}
    spec = node(prop(offer, "priceSpecification")) or {}
    free = first(prop(item, "isAccessibleForFree"))
    price = first(prop(offer, "price"))
    return {
        "is_free": free if isinstance(free, bool) else (True if str(price) in ("0", "0.0", "0.00") else None),
        "price_min": first(prop(spec, "minPrice")) or first(prop(offer, "lowPrice")) or price,
        "price_max": first(prop(spec, "maxPrice")) or first(prop(offer, "highPrice")),
        "registration_url": text(prop(offer, "url")),
    }


def map_datatourisme(item: dict) -> dict[str, object]:
    located = node(prop(item, "isLocatedAt")) or {}
    contact = node(prop(item, "hasContact")) or {}
    booking = node(prop(item, "hasBookingContact")) or {}
    description = node(prop(item, "hasDescription")) or {}
    places = prop(item, "takesPlaceAt")
    timings = [
        {"begin": when(prop(period, "startDate"), prop(period, "startTime")),
         "end": when(prop(period, "endDate") or prop(period, "startDate"), prop(period, "endTime"))}
        for period in (places if isinstance(places, list) else [places] if places else [])
        if isinstance(period, dict) and prop(period, "startDate")
    ]
    themes = prop(item, "hasTheme")
    return compact({
        "external_id": text(item.get("@id")) or text(prop(item, "identifier")),
        "name": text(prop(item, "label")),
        "description": text(prop(description, "description")) or text(prop(description, "shortDescription")),
        **_address_fields(prop(located, "address")),
        **_geo_fields(located),
        "website": text(prop(contact, "homepage")),
        "email": text(prop(contact, "email")),
        "phone": text(prop(contact, "telephone")),
        "registration_url": text(prop(booking, "homepage")),
        "timings": timings,
        "source_modified_at": text(prop(item, "lastUpdate")) or text(prop(item, "lastUpdateDatatourisme")),
        "kind": _kind(item),
        "tags": texts(themes) if themes else None,
        **{key: value for key, value in _offers(item).items() if key != "registration_url"},
    })


def _schedules(item: dict) -> tuple[list[dict], list[dict]]:
    """(timings, weekly schedule) from startDate/endDate, subEvent and eventSchedule."""
    timings: list[dict] = []
    weekly: list[dict] = []
    if prop(item, "startDate") and not prop(item, "byDay"):
        timings.append({"begin": when(prop(item, "startDate"), prop(item, "startTime")),
                        "end": when(prop(item, "endDate") or prop(item, "startDate"), prop(item, "endTime"))})
    for key in ("eventSchedule", "courseSchedule"):
        for schedule in _as_list(prop(item, key)):
            if not isinstance(schedule, dict):
                continue
            if prop(schedule, "byDay"):
                for day in _as_list(prop(schedule, "byDay")):
                    weekly.append(compact({
                        "day": text(day).rsplit("/", 1)[-1] if text(day) else None,
                        "start": text(prop(schedule, "startTime")), "end": text(prop(schedule, "endTime")),
                        "from": text(prop(schedule, "startDate")), "until": text(prop(schedule, "endDate")),
                    }))
            else:
                sub_timings, _ = _schedules(schedule)
                timings += sub_timings
    for sub in _as_list(prop(item, "subEvent")) + _as_list(prop(item, "hasCourseInstance")):
        if isinstance(sub, dict):
            sub_timings, sub_weekly = _schedules(sub)
            timings += sub_timings
            weekly += sub_weekly
    return timings, weekly


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def map_schema_org(item: dict) -> dict[str, object]:
    instance = node(prop(item, "hasCourseInstance")) or {}
    location = node(prop(item, "location")) or node(prop(instance, "location"))
    if location is None and isinstance(first(prop(item, "location")), str):
        location = {"address": first(prop(item, "location"))}
    place = location or item
    audience = node(prop(item, "audience")) or {}
    age_min, age_max = _age(prop(item, "typicalAgeRange"))
    timings, weekly = _schedules(item)
    organizer = node(prop(item, "organizer", "provider")) or {}
    return compact({
        "external_id": text(item.get("@id")) or text(prop(item, "identifier")) or text(prop(item, "url")),
        "name": text(prop(item, "name")),
        "description": text(prop(item, "description")),
        **_address_fields(prop(place, "address") or prop(item, "address")),
        **_geo_fields(place if prop(place, "geo", "latitude") else item),
        "website": text(prop(item, "url")),
        "email": text(prop(item, "email")) or text(prop(place, "email")),
        "phone": text(prop(item, "telephone")) or text(prop(place, "telephone")),
        "timings": timings,
        "schedule": weekly,
        "source_modified_at": text(prop(item, "dateModified")),
        "kind": _kind(item),
        "tags": texts(prop(item, "keywords")) if prop(item, "keywords") else None,
        "disciplines": texts(prop(item, "genre")) if prop(item, "genre") else None,
        "organization": text(prop(organizer, "name")),
        "age_min": age_min if age_min is not None else first(prop(audience, "suggestedMinAge")),
        "age_max": age_max if age_max is not None else first(prop(audience, "suggestedMaxAge")),
        "status": EVENT_STATUS.get((text(prop(item, "eventStatus")) or "").rsplit("/", 1)[-1]),
        **_offers(item),
    })
