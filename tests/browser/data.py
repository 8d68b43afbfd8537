"""Listings committed for real (the live server runs in another thread and connection, so it
cannot see a test's uncommitted transaction), indexed, and deleted after the module."""
from __future__ import annotations

from sqlalchemy import delete

from portal.activities.models import Activity
from portal.extensions import db
from portal.organizations.models import Organization
from portal.resources.models import Resource
from portal.venues.models import Venue
from search.models import SearchOutbox
from tests.portal.discovery.scenario import build, index

MODELS = {"activity": Activity, "resource": Resource, "venue": Venue}


def keys_of(listings) -> list[tuple[str, int, int | None]]:
    return [(type(x).__name__.lower(), x.id, x.organization_id) for x in listings]


def commit_scenario():
    scenario = build()
    index(scenario.listings)
    scenario.keys = keys_of(scenario.listings)
    scenario.urls = {name: f"{path}/{obj.id}-{obj.slug}" for name, path, obj in (
        ("activity", "/activites", scenario.hiphop), ("venue", "/lieux", scenario.venue),
        ("resource", "/ressources", scenario.room))}
    db.session.commit()
    return scenario


def commit_listings(listings) -> list[tuple[str, int, int | None]]:
    index(listings)
    keys = keys_of(listings)
    db.session.commit()
    return keys


def remove(keys) -> None:
    from search.service import postgres_backend

    postgres_backend().delete([f"{kind}-{listing_id}" for kind, listing_id, _ in keys])
    for kind in ("activity", "resource", "venue"):  # activities and resources point at venues
        ids = [listing_id for k, listing_id, _ in keys if k == kind]
        if ids:
            db.session.execute(delete(MODELS[kind]).where(MODELS[kind].id.in_(ids)))
            db.session.execute(delete(SearchOutbox).where(SearchOutbox.listing_type == kind,
                                                          SearchOutbox.listing_id.in_(ids)))
    organizations = {org for _, _, org in keys if org}
    if organizations:
        db.session.execute(delete(Organization).where(Organization.id.in_(organizations)))
    db.session.commit()
    db.session.remove()
