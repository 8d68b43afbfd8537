"""schema.org JSON-LD for detail pages: Place (venue), Course or Event (activity), Service
(resource). Built from the same rows as the page so the two never disagree."""
from __future__ import annotations

import json

from markupsafe import Markup

from importers.normalise.text import plain_text

from portal.listings.enums import ActivityKind

EVENT_KINDS = {ActivityKind.amateur_event, ActivityKind.open_practice}


def _place(venue, point) -> dict | None:
    if venue is None:
        return None
    place = {"@type": "Place", "name": venue.name}
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if venue.address:
        address["streetAddress"] = venue.address
    if venue.postal_code:
        address["postalCode"] = venue.postal_code
    if venue.commune is not None:
        address["addressLocality"] = venue.commune.name
    place["address"] = address
    if point:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": point[0], "longitude": point[1]}
    return place


def _offer(listing) -> dict | None:
    if getattr(listing, "is_free", None):
        return {"@type": "Offer", "price": 0, "priceCurrency": "EUR"}
    low, high = getattr(listing, "price_min", None), getattr(listing, "price_max", None)
    if low is not None and (high is None or high == low):
        return {"@type": "Offer", "price": float(low), "priceCurrency": "EUR"}
    if high is not None:  # a range, or a ceiling alone: no single price to give
        spec = {"@type": "PriceSpecification", "maxPrice": float(high), "priceCurrency": "EUR"}
        if low is not None:
            spec["minPrice"] = float(low)
        return {"@type": "Offer", "priceCurrency": "EUR", "priceSpecification": spec}
    return None


def venue_jsonld(venue, url: str, point) -> dict:
    data = {"@context": "https://schema.org", **_place(venue, point), "url": url}
    if venue.description:
        data["description"] = (plain_text(venue.description) or "")[:500]
    if venue.phone:
        data["telephone"] = venue.phone
    return data


def activity_jsonld(activity, url: str, point, timings) -> dict:
    kind = "Event" if activity.kind in EVENT_KINDS and timings else "Course"
    data = {"@context": "https://schema.org", "@type": kind, "name": activity.title, "url": url}
    if activity.description:
        data["description"] = (plain_text(activity.description) or "")[:500]
    place = _place(activity.venue, point)
    offer = _offer(activity)
    if kind == "Event":
        data["startDate"] = timings[0].begins_at.isoformat()
        if place:
            data["location"] = place
        if offer:
            data["offers"] = offer
        data["eventStatus"] = {"cancelled": "https://schema.org/EventCancelled",
                               "postponed": "https://schema.org/EventPostponed"}.get(
            activity.status.value, "https://schema.org/EventScheduled")
    else:
        instance = {"@type": "CourseInstance", "courseMode": "onsite"}
        if place:
            instance["location"] = place
        if offer:
            instance["offers"] = offer
        data["hasCourseInstance"] = instance
    if activity.organization is not None:
        data["provider" if kind == "Course" else "organizer"] = {"@type": "Organization",
                                                                 "name": activity.organization.name}
    return data


def resource_jsonld(resource, url: str, point) -> dict:
    data = {"@context": "https://schema.org", "@type": "Service", "name": resource.title, "url": url}
    if resource.description:
        data["description"] = (plain_text(resource.description) or "")[:500]
    if resource.organization is not None:
        data["provider"] = {"@type": "Organization", "name": resource.organization.name}
    place = _place(resource.venue, point)
    if place:
        data["areaServed"] = place
    offer = _offer(resource)
    if offer:
        data["offers"] = offer
    return data


def script_tag(data: dict) -> Markup:
    """<script type="application/ld+json">, with "</" escaped so text cannot end the script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return Markup(f'<script type="application/ld+json">{text}</script>')
