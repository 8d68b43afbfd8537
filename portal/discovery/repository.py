"""Read queries behind the public pages: one listing with what its page shows, the
listings around it, the latest verified ones. Only published, unarchived rows are public."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.activities.models import Activity, ActivityTiming
from portal.extensions import db
from portal.resources.models import Resource
from portal.venues.models import Venue
from portal.vocabulary.models import Discipline
from search.documents import is_searchable, searchable_clause

MODELS = {"venue": Venue, "activity": Activity, "resource": Resource}


def is_public(listing) -> bool:
    """Search's own `is_searchable` rule: a page exists exactly when the listing is findable."""
    return is_searchable(listing)


def _public(model):
    return [searchable_clause(model)]


def get_listing(listing_type: str, listing_id: int):
    model = MODELS[listing_type]
    options = [selectinload(model.disciplines).selectinload(Discipline.parent), selectinload(model.tags),
               selectinload(model.organization)]
    if model is Activity:
        options += [selectinload(Activity.slots), selectinload(Activity.venue).selectinload(Venue.commune)]
    elif model is Resource:
        options.append(selectinload(Resource.venue).selectinload(Venue.commune))
    else:
        options.append(selectinload(Venue.commune))
    return db.session.get(model, listing_id, options=options)


def venue_point(venue: Venue | None) -> tuple[float, float] | None:
    """(lat, lng) of a venue, or None: coordinates are never invented."""
    if venue is None or venue.location is None:
        return None
    lng, lat = db.session.execute(
        select(func.ST_X(func.geometry(Venue.location)), func.ST_Y(func.geometry(Venue.location)))
        .where(Venue.id == venue.id)
    ).one()
    return lat, lng


def merged_into_venue(venue_id: int) -> list[Venue]:
    """The venues a reviewer merged into this one (their pages redirect here), oldest first."""
    return db.session.scalars(select(Venue).where(Venue.merged_into_id == venue_id).order_by(Venue.id)).all()


def next_timings(activity: Activity, limit: int = 5) -> list[ActivityTiming]:
    return db.session.scalars(
        select(ActivityTiming).where(ActivityTiming.activity_id == activity.id,
                                     ActivityTiming.begins_at >= datetime.now(timezone.utc))
        .order_by(ActivityTiming.begins_at).limit(limit)
    ).all()


def activities_at_venue(venue_id: int, exclude_id: int | None = None, limit: int = 10) -> list[Activity]:
    query = select(Activity).where(Activity.venue_id == venue_id, *_public(Activity))
    if exclude_id:
        query = query.where(Activity.id != exclude_id)
    return db.session.scalars(query.order_by(Activity.title).limit(limit)).all()


def resources_at_venue(venue_id: int, limit: int = 10) -> list[Resource]:
    return db.session.scalars(select(Resource).where(Resource.venue_id == venue_id, *_public(Resource))
                              .order_by(Resource.title).limit(limit)).all()


def similar_activities_nearby(activity: Activity, radius_m: float = 5000, limit: int = 4) -> list[Activity]:
    """Activities of the same discipline family at other venues within `radius_m` (those at the
    same venue are listed apart)."""
    if activity.venue is None or activity.venue.location is None or not activity.disciplines:
        return []
    families = {d.parent_id or d.id for d in activity.disciplines}
    here = select(Venue.location).where(Venue.id == activity.venue_id).scalar_subquery()
    query = (
        select(Activity).join(Venue, Activity.venue_id == Venue.id)
        .where(Activity.id != activity.id, Activity.venue_id != activity.venue_id, *_public(Activity),
               func.ST_DWithin(Venue.location, here, radius_m),
               Activity.disciplines.any(Discipline.id.in_(families) | Discipline.parent_id.in_(families)))
        .order_by(func.ST_Distance(Venue.location, here)).limit(limit)
        .options(selectinload(Activity.venue))
    )
    return db.session.scalars(query).all()


def latest_verified(limit: int = 6) -> list:
    """The most recently verified public listings: activities first (what amateurs come for),
    then venues and resources, so that a portal holding only imported places is not empty."""
    listings: list = list(db.session.scalars(
        select(Activity).where(*_public(Activity), Activity.last_verified_at.is_not(None))
        .order_by(Activity.last_verified_at.desc(), Activity.id.desc()).limit(limit)
        .options(selectinload(Activity.venue).selectinload(Venue.commune))
    ))
    for model, options in ((Venue, selectinload(Venue.commune)),
                           (Resource, selectinload(Resource.venue).selectinload(Venue.commune))):
        if len(listings) >= limit:
            break
        listings += db.session.scalars(
            select(model).where(*_public(model), model.last_verified_at.is_not(None))
            .order_by(model.last_verified_at.desc(), model.id.desc()).limit(limit - len(listings))
            .options(options)
        ).all()
    return listings


def discipline_families() -> list[Discipline]:
    return db.session.scalars(select(Discipline).where(Discipline.parent_id.is_(None))
                              .order_by(Discipline.position)).all()


def all_public_ids(model) -> list[tuple[int, str, datetime | None]]:
    return db.session.execute(select(model.id, model.slug, model.updated_at).where(*_public(model))
                              .order_by(model.id)).all()
