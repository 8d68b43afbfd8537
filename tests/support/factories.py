"""Factories that build valid rows with sensible defaults and reject unknown arguments,
so a typo in a test is an error rather than a silently ignored field."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import count

from sqlalchemy import inspect

from portal.activities.models import Activity, ActivitySlot
from portal.extensions import db
from portal.geo.names import slugify
from portal.listings.enums import ActivityKind, LocationPrecision, ModerationStatus
from portal.organizations.models import Organization
from portal.resources.models import Resource
from portal.venues.models import Venue

_sequence = count(1)


def _build(model, defaults: dict, fields: dict):
    allowed = {attr.key for attr in inspect(model).attrs}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{model.__name__} has no field(s): {', '.join(sorted(unknown))}")
    values = {**defaults, **fields}
    obj = model(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def point(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({lon} {lat})"


def make_organization(**fields) -> Organization:
    name = fields.pop("name", f"Association {next(_sequence)}")
    return _build(Organization, {"name": name, "slug": slugify(name)}, fields)


def make_venue(**fields) -> Venue:
    name = fields.pop("name", f"Lieu {next(_sequence)}")
    defaults = {
        "name": name, "slug": slugify(name), "moderation_status": ModerationStatus.published,
        "last_verified_at": datetime.now(timezone.utc),
    }
    if "location" in fields and "location_precision" not in fields:
        defaults["location_precision"] = LocationPrecision.given
    return _build(Venue, defaults, fields)


def make_activity(**fields) -> Activity:
    title = fields.pop("title", f"Atelier {next(_sequence)}")
    slots = fields.pop("slots", [])
    defaults = {
        "title": title, "slug": slugify(title), "kind": ActivityKind.regular_class,
        "moderation_status": ModerationStatus.published, "last_verified_at": datetime.now(timezone.utc),
    }
    activity = _build(Activity, defaults, fields)
    for weekday, starts, ends in slots:
        activity.slots.append(ActivitySlot(weekday=weekday, starts_at=starts, ends_at=ends))
    db.session.flush()
    return activity


def make_resource(**fields) -> Resource:
    title = fields.pop("title", f"Ressource {next(_sequence)}")
    defaults = {"title": title, "slug": slugify(title), "moderation_status": ModerationStatus.published,
                "last_verified_at": datetime.now(timezone.utc)}
    return _build(Resource, defaults, fields)
