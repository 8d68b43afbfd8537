"""JSON-LD records → canonical fields: DATAtourisme points of interest and schema.org
Place / Event / Course nodes.

Both vocabularies are published and stable, so their meaning is known here and the mapping
stage is skipped. Property names are matched by local name (see ldutil) so prefixed,
unprefixed and expanded spellings all work; nodes referenced by « @id » inside a @graph are
resolved before mapping.
"""
from __future__ import annotations

import re

from importers.kinds import event_kind

from .base import NATURE, NOTES, ImportFileError, other_places_note, safe_map
from .ldutil import compact, first, local, node, prop, term, text, texts, types, when
from .recurrence import frequency, is_weekly, occurrences, rhythm_words

FREE_PRICE = re.compile(r"^(?:gratuit|gratuite|free|entrée libre|entree libre|libre)\b", re.IGNORECASE)
DATATOURISME_KEYS = {"isLocatedAt", "hasDescription", "takesPlaceAt", "hasContact", "lastUpdate", "hasTheme"}
RECORD_TYPES = {
    "Place", "Course", "CourseInstance", "LocalBusiness", "CivicStructure", "EventVenue", "MusicVenue",
    "PerformingArtsTheater", "MovieTheater", "Library", "Museum", "ArtGallery", "School",
    "EducationalOrganization", "EntertainmentBusiness", "SportsActivityLocation", "TheaterGroup",
    "DanceGroup", "MusicGroup", "PerformingGroup", "Organization", "EventSeries", "Festival",
}
# Groups are records (they recruit); other organisations only when nothing refers to them
# (a web page's publisher, an event's organiser are not listings of their own).
ORGANISATION_TYPES = {"Organization", "NGO", "Corporation", "GovernmentOrganization"}
# Nodes that describe a page or a value, never a listing, whatever else they carry.
NOT_RECORDS = {"WebSite", "WebPage", "ImageObject", "BreadcrumbList", "ListItem", "PostalAddress",
               "GeoCoordinates", "GeoShape", "Offer", "AggregateOffer", "Schedule", "Person",
               "VirtualLocation", "SearchAction", "ItemList", "Rating", "AggregateRating", "Review"}
# schema.org and DATAtourisme classes (local names) → Boussole kinds; other events are amateur
# events, or regular classes when they repeat weekly.
KINDS = {
    "Library": "library", "MovieTheater": "cinema", "Cinema": "cinema", "PerformingArtsTheater": "theatre",
    "Theater": "theatre", "School": "school", "EducationalOrganization": "school", "HighSchool": "school",
    "MiddleSchool": "school", "ElementarySchool": "school", "CollegeOrUniversity": "school",
    "CulturalSite": "cultural_centre", "CulturalCenter": "cultural_centre",
    "Course": "regular_class", "CourseInstance": "regular_class", "EducationEvent": "short_course",
    "TrainingWorkshop": "short_course", "Workshop": "short_course",
    "TheaterGroup": "recruiting_group", "DanceGroup": "recruiting_group", "MusicGroup": "recruiting_group",
    "PerformingGroup": "recruiting_group",
}
# Classes a more precise one refines (DATAtourisme lists ["CulturalSite", "schema:Library"]).
BROAD_CLASSES = {"CulturalSite", "CulturalCenter", "EducationalOrganization", "PerformingGroup", "Course"}
EVENT_TYPES = {"EventSeries", "Festival", "Concert", "ShowEvent", "Exhibition", "CulturalEvent"}
EVENT_STATUS = {"EventScheduled": "scheduled", "EventRescheduled": "scheduled", "EventMovedOnline": "scheduled",
                "EventPostponed": "postponed", "EventCancelled": "cancelled"}
NO_RECORD = "Le fichier JSON-LD ne contient aucun lieu, événement ou cours reconnu (schema.org ou DATAtourisme)."


def nodes_of(data: object) -> list[dict]:
    """Top-level nodes: a @graph, a list of nodes, or one node; the items of an ItemList (an
    event listing page's usual shape) stand for the list."""
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data = data["@graph"]
    items = data if isinstance(data, list) else [data]
    nodes = []
    for item in items:
        if isinstance(item, dict) and "ItemList" in types(item):
            nodes += _list_items(item)
        elif isinstance(item, dict):
            nodes.append(item)
    return nodes


def _list_items(item_list: dict) -> list[dict]:
    """The nodes of an ItemList: ListItem wrappers ({"item": …}) opened, in their order."""
    found = []
    for element in _as_list(prop(item_list, "itemListElement")):
        if isinstance(element, dict) and "ListItem" in types(element) and isinstance(prop(element, "item"), dict):
            element = prop(element, "item")
        if isinstance(element, dict):
            found.append(element)
    return found


def is_datatourisme(nodes: list[dict]) -> bool:
    return any(
        {local(key) for key in item} & DATATOURISME_KEYS
        or "datatourisme" in str(item.get("@id", ""))
        for item in nodes[:20]
    )


def records(data: object) -> tuple[str, list[dict[str, object]]]:
    """('datatourisme' | 'jsonld', mapped records); raises when no record node is found."""
    nodes = nodes_of(data)
    index = {_id(item): item for item in nodes if _id(item)}
    nodes = [_resolve(item, index, 0) for item in nodes]
    referenced = _referenced_ids(nodes)
    if is_datatourisme(nodes):
        # A flattened graph lists the city, the theme… as nodes of their own: only points of
        # interest, or nodes nothing refers to, are records.
        # A point of interest without a label is still one: its row says the name is missing.
        chosen = [item for item in nodes if prop(item, "isLocatedAt", "takesPlaceAt")
                  or (prop(item, "label", "name") and _id(item) not in referenced)]
        mapper, fmt = map_datatourisme, "datatourisme"
    else:
        chosen = [
            item for item in nodes
            if _is_record(item) and not (_id(item) in referenced
                                         and (_has_event_or_course(nodes) or _is_organisation_only(item)))
        ]
        mapper, fmt = map_schema_org, "jsonld"
    if not chosen:
        raise ImportFileError("bad_structure", NO_RECORD)
    return fmt, [safe_map(mapper, item) for item in chosen]


def _id(item: dict) -> str | None:
    value = item.get("@id")
    return value if isinstance(value, str) else None


def _is_record(item: dict) -> bool:
    """Events (any subtype), courses, groups, and places: a known place type, or any other
    schema.org type (Park, HighSchool, TouristAttraction…) that gives an address or a point."""
    kinds = types(item)
    if any(kind.endswith("Event") or kind in RECORD_TYPES for kind in kinds):
        return True
    if not kinds or any(kind in NOT_RECORDS for kind in kinds):
        return False
    return bool(prop(item, "address") or prop(item, "geo")) and bool(prop(item, "name"))


def _is_organisation_only(item: dict) -> bool:
    kinds = set(types(item))
    return bool(kinds) and kinds <= ORGANISATION_TYPES


def _has_event_or_course(nodes: list[dict]) -> bool:
    return any(kind.endswith("Event") or kind in ("Course", "EventSeries", "Festival")
               for item in nodes for kind in types(item))


# References followed from one top node: a chain deep enough for Course → instance → place →
# address → city, and a budget against graphs whose nodes refer to each other many times over.
MAX_REFERENCE_DEPTH = 6
REFERENCE_BUDGET = 500
MAX_NESTING = 40  # no listing nests deeper; a hostile file may


def _resolve(value: object, index: dict[str, dict], depth: int, budget: list[int] | None = None,
             nesting: int = 0) -> object:
    """Replace {"@id": x} references by the node x of the graph, at any depth of nesting (lists
    in lists included); `depth` counts the references followed, as graphs may loop."""
    budget = [REFERENCE_BUDGET] if budget is None else budget
    if nesting > MAX_NESTING:
        return value
    if isinstance(value, list):
        return [_resolve(item, index, depth, budget, nesting + 1) for item in value]
    if isinstance(value, dict):
        reference = value.get("@id")
        if (set(value) == {"@id"} and isinstance(reference, str) and reference in index
                and depth < MAX_REFERENCE_DEPTH and budget[0] > 0):
            budget[0] -= 1
            return {**_resolve(index[reference], index, depth + 1, budget, nesting + 1), "_ref": True}
        return {key: _resolve(item, index, depth, budget, nesting + 1) for key, item in value.items()}
    return value


def _referenced_ids(nodes: list[dict]) -> set[str]:
    """Ids other nodes point at: as {"@id": …} references, or as plain IRI strings (a context
    may declare a property « "@type": "@id" », as DATAtourisme's does for hasTheme)."""
    found: set[str] = set()
    ids = {_id(item) for item in nodes if _id(item)}

    def walk(value: object, top: bool, key: str = "") -> None:
        if isinstance(value, dict):
            if value.get("_ref") and not top and _id(value):
                found.add(_id(value))
            for name, item in value.items():
                walk(item, False, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, False, key)
        elif isinstance(value, str) and key != "@id" and value in ids:
            found.add(value)

    for item in nodes:
        walk(item, True)
    return found


def _kind(item: dict, title: str | None, count: int = 0, weekly: bool = False) -> str | None:
    """A Boussole kind when the node's class says it; an event of no precise class is what its
    title says, as an agenda's (« Stage de danse », « Scène ouverte slam »); None lets the
    import choose its default."""
    kinds = types(item)
    known = [kind for kind in kinds if kind in KINDS]
    if known:  # the most precise class wins, in whatever order they are listed
        return KINDS[min(known, key=lambda kind: kind in BROAD_CLASSES)]
    if any(kind.endswith("Event") or kind in EVENT_TYPES for kind in kinds):
        return "regular_class" if weekly else event_kind(title, count)
    return None


ACTIVITY_TYPES = {"Course", "CourseInstance", "EventSeries", "Festival", "TheaterGroup", "DanceGroup", "MusicGroup",
                  "PerformingGroup"}


def _nature(item: dict) -> str | None:
    """"activity" for an event, a course or a group; "place" for a place; None for a node that
    is neither (an organisation)."""
    kinds = types(item)
    if any(kind.endswith("Event") or kind in EVENT_TYPES or kind in ACTIVITY_TYPES for kind in kinds):
        return "activity"
    return None if _is_organisation_only(item) else "place"


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


# UN/CEFACT unit codes schema.org uses for what a price pays for.
UNIT_CODES = {"ANN": "year", "MON": "month", "WEE": "week", "HUR": "hour"}


def _offers(item: dict) -> dict[str, object]:
    """Prices across every offer and price specification (a free child rate beside a 12 € adult
    one; DATAtourisme's price lines): from the lowest to the highest; free when all are 0."""
    offers = [offer for offer in _as_list(prop(item, "offers")) if isinstance(offer, dict)]
    lows, highs, periods = [], [], set()
    for offer in offers:
        price = _price(offer, "price")
        lows.append(_given(_price(offer, "lowPrice"), price))
        highs.append(_given(_price(offer, "highPrice"), price))
        for spec in _as_list(prop(offer, "priceSpecification")):
            if isinstance(spec, dict):
                lows.append(_given(_price(spec, "minPrice"), _price(spec, "price")))
                highs.append(_given(_price(spec, "maxPrice"), _price(spec, "price"), lows[-1]))
                periods.add(UNIT_CODES.get(text(prop(spec, "unitCode")) or "") or text(prop(spec, "unitText")))
    price_min, price_max = _extreme(lows, min), _extreme(highs, max)
    free = first(prop(item, "isAccessibleForFree"))
    if isinstance(free, str) and free.strip().lower() in ("true", "false"):
        free = free.strip().lower() == "true"
    if not isinstance(free, bool):
        free = None if price_max is None else _amount(price_max) == 0
    return {
        "is_free": free,
        "price_min": price_min,
        "price_max": None if price_max == price_min else price_max,  # one price: no range
        # UnitPriceSpecification's unit (« ANN », « par an »), when all prices say the same one.
        "price_period": periods.pop() if len(periods) == 1 and None not in periods else None,
        "registration_url": next((text(prop(offer, "url")) for offer in offers if text(prop(offer, "url"))), None),
    }


def _price(node_: dict, name: str) -> object:
    """A price as written; « gratuit », « free », « entrée libre » are a price of 0."""
    value = first(prop(node_, name))
    if isinstance(value, str) and FREE_PRICE.match(value.strip()):
        return 0
    return value


def _given(*values: object) -> object:
    """The first value present (0 is a price, not an absence)."""
    return next((value for value in values if value not in (None, "")), None)


def _amount(price: object) -> float | None:
    try:
        return float(str(price).replace(",", ".").replace("€", "").strip())
    except ValueError:
        return None


def _extreme(prices: list, pick) -> object:
    """The lowest or highest of the prices given, as written (a price that is not a number is
    kept when it is the only one, for the normaliser to report)."""
    given = [price for price in prices if price not in (None, "")]
    numbers = [price for price in given if _amount(price) is not None]
    if not numbers:
        return given[0] if given else None
    return pick(numbers, key=_amount)


def _labels(value: object) -> list[str]:
    """Labels of vocabulary nodes, or the last part of their id ("kb:Family" → "Family")."""
    found = []
    for item in _as_list(value):
        label = texts(item) if not (isinstance(item, dict) and set(item) <= {"@id", "@type"}) else []
        if not label and isinstance(item, dict) and item.get("@id"):
            label = [str(item["@id"]).replace("#", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]]
        found += label
    return found


def _features(item: dict) -> list[str]:
    """schema.org accessibility: accessibilityFeature texts, and amenityFeature entries whose
    value is true ({"name": "Accès PMR", "value": true})."""
    found = texts(prop(item, "accessibilityFeature")) if prop(item, "accessibilityFeature") else []
    for feature in _as_list(prop(item, "amenityFeature")):
        if isinstance(feature, dict) and first(prop(feature, "value")) in (True, "true", "True"):
            found += [name for name in [text(prop(feature, "name"))] if name]
    return found


def _season(weekly: list[dict]) -> dict[str, str]:
    """The first and last day of weekly slots (schema.org Schedule startDate/endDate)."""
    starts = [slot["from"] for slot in weekly if slot.get("from")]
    ends = [slot["until"] for slot in weekly if slot.get("until")]
    return compact({"season_start": min(starts) if starts else None, "season_end": max(ends) if ends else None})


def map_datatourisme(item: dict) -> dict[str, object]:
    located = node(prop(item, "isLocatedAt")) or {}
    contact = node(prop(item, "hasContact")) or {}
    booking = node(prop(item, "hasBookingContact")) or {}
    description = node(prop(item, "hasDescription")) or {}
    places = prop(item, "takesPlaceAt")
    timings = [
        {"begin": when(prop(period, "startDate"), prop(period, "startTime")), "end": _end(period)}
        for period in (places if isinstance(places, list) else [places] if places else [])
        if isinstance(period, dict) and prop(period, "startDate")
    ]
    themes = prop(item, "hasTheme")
    return compact({
        NATURE: "activity" if places else _nature(item),  # dated periods make an event
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
        "kind": _kind(item, text(prop(item, "label")), len(timings)),
        "tags": texts(themes) if themes else None,
        "audiences": _labels(prop(item, "hasAudience")) or None,
        "accessibility": ["handicap moteur"] if first(prop(item, "reducedMobilityAccess")) in (True, "true")
        else None,
        **{key: value for key, value in _offers(item).items() if key != "registration_url"},
    })


def _schedules(item: dict) -> tuple[list[dict], list[dict]]:
    """(timings, weekly schedule) from startDate/endDate, subEvent and eventSchedule."""
    timings: list[dict] = []
    weekly: list[dict] = []
    if prop(item, "startDate") and not prop(item, "byDay"):
        timings.append({"begin": when(prop(item, "startDate"), prop(item, "startTime")), "end": _end(item)})
    for key in ("eventSchedule", "courseSchedule"):
        for schedule in _as_list(prop(item, key)):
            if not isinstance(schedule, dict):
                continue
            days = [term(day) for day in _as_list(prop(schedule, "byDay")) if term(day)]
            rhythm = frequency(text(prop(schedule, "repeatFrequency")))
            if not is_weekly(rhythm) and (days or prop(schedule, "byMonthDay")):
                dated = occurrences(rhythm, days, _numbers(prop(schedule, "byMonthWeek")),
                                    _numbers(prop(schedule, "byMonthDay")), text(prop(schedule, "startDate")),
                                    text(prop(schedule, "endDate")), first(prop(schedule, "repeatCount")),
                                    text(prop(schedule, "startTime")), text(prop(schedule, "endTime")))
                if dated is not None:
                    timings += dated
                    continue
            if days:
                for day in days:
                    weekly.append(compact({
                        "day": day, "start": text(prop(schedule, "startTime")), "end": text(prop(schedule, "endTime")),
                        "from": text(prop(schedule, "startDate")), "until": text(prop(schedule, "endDate")),
                        "rhythm": None if is_weekly(rhythm) else rhythm_words(rhythm),
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


def _numbers(value: object) -> list[int]:
    """byMonthDay, byMonthWeek: integers, given as numbers or texts."""
    found = []
    for item in _as_list(value):
        try:
            found.append(int(str(first(item)).strip()))
        except ValueError:
            continue
    return found


def _end(item: dict) -> str | None:
    """The end of a dated node: its end date (and time), the start date with an end time, or none
    (an event without an end is not given a zero-length one)."""
    if prop(item, "endDate"):
        return when(prop(item, "endDate"), prop(item, "endTime"))
    if prop(item, "endTime"):
        return when(prop(item, "startDate"), prop(item, "endTime"))
    return None


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _online_link(item: dict) -> str | None:
    """The address of an online event (a VirtualLocation's url): how to join it."""
    return next((text(prop(place, "url")) for place in _as_list(prop(item, "location"))
                 if isinstance(place, dict) and "VirtualLocation" in types(place) and text(prop(place, "url"))), None)


def _places(item: dict) -> list[dict]:
    """Every physical place of a node: its locations, then its course instances' (schema.org
    allows several), each once."""
    instances = [sub for sub in _as_list(prop(item, "hasCourseInstance")) if isinstance(sub, dict)]
    found: dict[str, dict] = {}
    for holder in [item, *instances]:
        for place in _as_list(prop(holder, "location")):
            if isinstance(place, dict) and "VirtualLocation" not in types(place):
                key = _id(place) or repr((text(prop(place, "name")), _address_fields(prop(place, "address"))))
                found.setdefault(key, place)
    return list(found.values())


def _place_name(place: dict) -> str:
    return text(prop(place, "name")) or _address_fields(prop(place, "address")).get("address") or "?"


def map_schema_org(item: dict) -> dict[str, object]:
    places = _places(item)
    location = places[0] if places else None
    if location is None and isinstance(first(prop(item, "location")), str):
        location = {"address": first(prop(item, "location"))}
    place = location or item
    venue_name = text(prop(location, "name")) if location and location is not item else None
    audience = node(prop(item, "audience")) or {}
    age_min, age_max = _age(prop(item, "typicalAgeRange"))
    timings, weekly = _schedules(item)
    organizer = node(prop(item, "organizer", "provider")) or {}
    return compact({
        NATURE: _nature(item),
        "external_id": text(item.get("@id")) or text(prop(item, "identifier")) or text(prop(item, "url")),
        "name": text(prop(item, "name")),
        "description": text(prop(item, "description")),
        "venue_name": venue_name,
        **_address_fields(prop(place, "address") or prop(item, "address")),
        **_geo_fields(place if prop(place, "geo", "latitude") else item),
        "website": text(prop(item, "url")) or _online_link(item),
        "email": text(prop(item, "email")) or text(prop(place, "email")),
        "phone": text(prop(item, "telephone")) or text(prop(place, "telephone")),
        "timings": timings,
        "schedule": weekly,
        **_season(weekly),
        "source_modified_at": text(prop(item, "dateModified")),
        "kind": _kind(item, text(prop(item, "name")), len(timings or ()), bool(weekly)),
        "tags": texts(prop(item, "keywords")) if prop(item, "keywords") else None,
        "disciplines": texts(prop(item, "genre")) if prop(item, "genre") else None,
        "organization": text(prop(organizer, "name")),
        "age_min": age_min if age_min is not None else first(prop(audience, "suggestedMinAge")),
        "age_max": age_max if age_max is not None else first(prop(audience, "suggestedMaxAge")),
        "audiences": [t for a in _as_list(prop(item, "audience")) if isinstance(a, dict)
                      for t in texts(prop(a, "audienceType"))] or None,
        "accessibility": (_features(item) + (_features(place) if place is not item else [])) or None,
        "status": EVENT_STATUS.get(term(prop(item, "eventStatus")) or ""),
        **_offers(item),
        NOTES: [other_places_note([_place_name(place) for place in places[1:]])] if len(places) > 1 else None,
    })
