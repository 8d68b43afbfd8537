"""Read queries of commune pages."""
from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.activities.models import Activity
from portal.discovery.repository import _public
from portal.extensions import db
from portal.geo.models import Commune
from portal.venues.models import Venue
from portal.vocabulary.models import Discipline

NEARBY_METRES = 3000


def get_commune(code: str) -> Commune | None:
    return db.session.get(Commune, code)


def communes_of(departement: str) -> list[Commune]:
    return db.session.scalars(select(Commune).where(Commune.departement_code == departement)
                              .order_by(Commune.match_name)).all()


def activities_in(commune: Commune, limit: int = 200) -> list[Activity]:
    return db.session.scalars(
        select(Activity).join(Venue, Activity.venue_id == Venue.id)
        .where(Venue.commune_code == commune.insee_code, *_public(Activity))
        .order_by(Activity.title).limit(limit)
        .options(selectinload(Activity.disciplines).selectinload(Discipline.parent),
                 selectinload(Activity.venue).selectinload(Venue.commune))
    ).all()


def activities_nearby(commune: Commune, limit: int = 12) -> list[Activity]:
    """Activities at venues of other communes, within NEARBY_METRES of this one's boundary."""
    boundary = select(func.geography(Commune.boundary)).where(
        Commune.insee_code == commune.insee_code).scalar_subquery()
    return db.session.scalars(
        select(Activity).join(Venue, Activity.venue_id == Venue.id)
        .where(Venue.commune_code != commune.insee_code, *_public(Activity),
               func.ST_DWithin(Venue.location, boundary, NEARBY_METRES))
        .order_by(func.ST_Distance(Venue.location, boundary), Activity.id).limit(limit)
        .options(selectinload(Activity.venue).selectinload(Venue.commune))
    ).all()


def venues_in(commune: Commune) -> list[tuple[Venue, float | None, float | None]]:
    return db.session.execute(
        select(Venue, func.ST_Y(func.geometry(Venue.location)), func.ST_X(func.geometry(Venue.location)))
        .where(Venue.commune_code == commune.insee_code, *_public(Venue)).order_by(Venue.name)
    ).all()


def by_family(activities: list[Activity], english: bool) -> "OrderedDict[str, list[Activity]]":
    """Activities grouped under each discipline family they belong to ("Autres" without one)."""
    groups: dict[tuple[int, str], list[Activity]] = {}
    for activity in activities:
        families = {d.family for d in activity.disciplines} or {None}
        for family in families:
            key = (family.position, family.label_en if english else family.label_fr) if family else (999, "")
            groups.setdefault(key, []).append(activity)
    return OrderedDict((label, items) for (_, label), items in sorted(groups.items()))


def centroid(commune: Commune) -> tuple[float, float] | None:
    if commune.centroid is None:
        return None
    lon, lat = db.session.execute(select(func.ST_X(Commune.centroid), func.ST_Y(Commune.centroid))
                                  .where(Commune.insee_code == commune.insee_code)).one()
    return lat, lon
