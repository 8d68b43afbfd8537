"""Database rows → flat search documents (the fields documented in search/backends/base.py).

Both backends index exactly these dicts, so what a user can find never depends on the engine.
Whether a listing is in the index at all is decided by ONE rule, `is_searchable`, written
once as SQL (for the worker and the reindex) and once in Python (for code holding objects);
tests check that the two agree.
"""
from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

import nh3
from flask import current_app
from geoalchemy2.elements import WKTElement
from geoalchemy2.shape import to_shape
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from portal.activities.models import Activity
from portal.listings.enums import ListingType, LocationPrecision, ModerationStatus
from portal.resources.models import Resource
from portal.venues.merges import united
from portal.venues.models import Venue
from portal.vocabulary.models import Discipline

MODELS = {"venue": Venue, "activity": Activity, "resource": Resource}
EXACT_PRECISIONS = {LocationPrecision.given, LocationPrecision.address}
VENUE_ACCESS = (("access_motor", "motor"), ("access_visual", "visual"),
                ("access_hearing", "hearing"), ("access_mental", "mental"))
ACTIVITY_ACCESS = (("has_lsf", "lsf"), ("has_audio_description", "audio_description"),
                   ("has_hearing_loop", "hearing_loop"), ("has_easy_read", "easy_read"),
                   ("has_subtitles", "subtitles"), ("is_relaxed_session", "relaxed"))


def document_id(listing_type: str, listing_id: int) -> str:
    return f"{listing_type}-{listing_id}"


def parse_document_id(value: str) -> tuple[str, int]:
    listing_type, _, listing_id = value.rpartition("-")
    return listing_type, int(listing_id)


def hidden_after_days() -> int:
    try:
        return int(current_app.config["HIDDEN_AFTER_DAYS"])
    except RuntimeError:  # outside an app (pure unit use)
        return 730


# --- the one is_searchable rule ------------------------------------------------------------

def _freshness(model):
    """A listing counts as verified when last verified, else when last imported (the source
    vouched for it), else when created (a partner just wrote it)."""
    return func.coalesce(model.last_verified_at, model.last_imported_at, model.created_at)


def searchable_clause(model, days: int | None = None):
    """SQL expression: published, not archived, not merged, not hidden for staleness."""
    days = hidden_after_days() if days is None else days
    clauses = [
        model.moderation_status == ModerationStatus.published,
        model.archived_at.is_(None),
        _freshness(model) >= func.now() - timedelta(days=days),
    ]
    if model is Venue:
        clauses.append(model.merged_into_id.is_(None))
    return and_(*clauses)


def is_searchable(listing, now: datetime | None = None, days: int | None = None) -> bool:
    """The same rule as `searchable_clause`, for an object in memory."""
    days = hidden_after_days() if days is None else days
    now = now or datetime.now(timezone.utc)
    fresh = listing.last_verified_at or listing.last_imported_at or listing.created_at or now
    return (
        listing.moderation_status == ModerationStatus.published
        and listing.archived_at is None
        and getattr(listing, "merged_into_id", None) is None
        and fresh >= now - timedelta(days=days)
    )


# --- field helpers -------------------------------------------------------------------------

def plain_text(value: str | None) -> str:
    """Partner descriptions carry HTML; the index holds what a reader sees."""
    if not value:
        return ""
    return " ".join(html.unescape(nh3.clean(value, tags=set())).split())


def price_band(is_free: bool | None, price_min) -> str | None:
    if is_free:
        return "free"
    if price_min is None:
        return None
    price = float(price_min)
    if price == 0:
        return "free"
    if price < 10:
        return "under_10"
    if price < 50:
        return "10_50"
    if price < 200:
        return "50_200"
    return "over_200"


def day_period(start: time) -> str:
    if start.hour < 12:
        return "morning"
    if start.hour < 18:
        return "afternoon"
    return "evening"


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def _next_date(activity: Activity, now: datetime) -> int | None:
    """The next explicit timing, else the next weekly slot within the season."""
    upcoming = [t.begins_at for t in activity.timings if t.begins_at >= now]
    if upcoming:
        return _timestamp(min(upcoming))
    if not activity.slots:
        return None
    today = now.date()
    start = max(today, activity.season_start) if activity.season_start else today
    candidates = []
    for slot in activity.slots:
        day = start + timedelta(days=(slot.weekday - start.weekday()) % 7)
        if activity.season_end and day > activity.season_end:
            continue
        candidates.append(datetime.combine(day, slot.starts_at, tzinfo=timezone.utc))
    return _timestamp(min(candidates)) if candidates else None


def _disciplines(disciplines: list[Discipline]) -> tuple[list[str], list[str]]:
    """Both levels, so that filtering by a family ("musique") finds its children."""
    slugs, labels = [], []
    for discipline in disciplines:
        for item in (discipline.parent, discipline):
            if item is not None and item.slug not in slugs:
                slugs.append(item.slug)
                labels.append(item.label_fr)
    return slugs, labels


def _as_element(value):
    """A point as loaded (WKB) or as just assigned and not yet reloaded (EWKT text)."""
    if isinstance(value, str):
        return WKTElement(value, extended=value.upper().startswith("SRID="))
    return value


def _venue_place(venue: Venue | None) -> dict:
    if venue is None:
        return {"address": None, "commune_code": None, "commune_name": None, "departement_code": None,
                "ept_code": None, "_geo": None, "location_approximate": False, "accessibility": []}
    commune = venue.commune or venue.location_commune
    geo = None
    if venue.location is not None:
        shape = to_shape(_as_element(venue.location))
        geo = {"lat": round(shape.y, 6), "lng": round(shape.x, 6)}
    return {
        "address": venue.address,
        "commune_code": commune.insee_code if commune else venue.commune_code,
        "commune_name": commune.name if commune else None,
        "departement_code": commune.departement_code if commune else None,
        "ept_code": commune.ept_code if commune else None,
        "_geo": geo,
        "location_approximate": geo is not None and venue.location_precision not in EXACT_PRECISIONS,
        "accessibility": [value for attr, value in VENUE_ACCESS if getattr(venue, attr)],
    }


def _base(listing, listing_type: str, title: str, merged: list | tuple = ()) -> dict:
    slugs, labels = _disciplines(united(listing, merged, "disciplines"))
    return {
        "id": document_id(listing_type, listing.id),
        "listing_type": listing_type,
        "listing_id": listing.id,
        "title": title,
        "description": plain_text(listing.description),
        "disciplines": slugs,
        "discipline_labels": labels,
        "tags": [tag.label for tag in united(listing, merged, "tags")],
        "organization": listing.organization.name if listing.organization else None,
        "last_verified_at": _timestamp(listing.last_verified_at or listing.last_imported_at),
    }


def venue_document(venue: Venue, now: datetime | None = None, merged: list | tuple = ()) -> dict:
    """`merged`: the venues merged into this one, whose disciplines and tags it takes on."""
    doc = _base(venue, "venue", venue.name, merged)
    doc.update(_venue_place(venue))
    doc.update({
        "kind": venue.kind.value, "age_min": None, "age_max": None, "audiences": [], "level": None,
        "is_free": venue.is_free, "price_min": None, "price_band": price_band(venue.is_free, None),
        "weekdays": [], "day_periods": [],
        "status": None, "next_date": None,
    })
    return doc


def activity_document(activity: Activity, now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    doc = _base(activity, "activity", activity.title)
    doc.update(_venue_place(activity.venue))
    # The venue's families, the activity's own families (an event declared accessible) and services.
    doc["accessibility"] += [value for attr, value in VENUE_ACCESS + ACTIVITY_ACCESS
                             if getattr(activity, attr) and value not in doc["accessibility"]]
    doc.update({
        "kind": activity.kind.value,
        "age_min": activity.age_min,
        "age_max": activity.age_max,
        "audiences": list(activity.audiences or []),
        "level": activity.level.value if activity.level else None,
        "is_free": activity.is_free,
        "price_min": float(activity.price_min) if activity.price_min is not None else None,
        "price_band": price_band(activity.is_free, activity.price_min),
        "weekdays": sorted({slot.weekday for slot in activity.slots}),
        "day_periods": [p for p in ("morning", "afternoon", "evening")
                        if p in {day_period(slot.starts_at) for slot in activity.slots}],
        "status": activity.status.value if activity.status else None,
        "next_date": _next_date(activity, now),
    })
    return doc


def resource_document(resource: Resource, now: datetime | None = None) -> dict:
    doc = _base(resource, "resource", resource.title)
    doc.update(_venue_place(resource.venue))
    doc.update({
        "kind": resource.kind.value, "age_min": None, "age_max": None, "audiences": [], "level": None,
        "is_free": resource.is_free,
        "price_min": float(resource.price_min) if resource.price_min is not None else None,
        "price_band": price_band(resource.is_free, resource.price_min),
        "weekdays": [], "day_periods": [], "status": None,
        "next_date": _timestamp(datetime.combine(resource.deadline, time(23, 59), tzinfo=timezone.utc))
        if isinstance(resource.deadline, date) else None,
    })
    return doc


BUILDERS = {"venue": venue_document, "activity": activity_document, "resource": resource_document}


def _load_options(model):
    disciplines = selectinload(model.disciplines).selectinload(Discipline.parent)
    common = [disciplines, selectinload(model.tags), selectinload(model.organization)]
    if model is Venue:
        return common + [selectinload(Venue.commune), selectinload(Venue.location_commune)]
    venue = selectinload(model.venue)
    place = [venue.selectinload(Venue.commune), venue.selectinload(Venue.location_commune)]
    if model is Activity:
        return common + place + [selectinload(Activity.slots), selectinload(Activity.timings)]
    return common + place


def load_documents(session, listing_type: str | ListingType, ids: list[int]) -> list[dict]:
    """Documents of the listings among `ids` that are searchable (a few queries per batch);
    ids left out must be deleted from the index."""
    listing_type = ListingType(listing_type).value
    if not ids:
        return []
    model = MODELS[listing_type]
    rows = session.scalars(
        select(model).where(model.id.in_(ids), searchable_clause(model)).options(*_load_options(model))
    ).all()
    now = datetime.now(timezone.utc)
    if model is Venue:
        merged = _merged_into(session, [row.id for row in rows])
        return [venue_document(row, now, merged.get(row.id, ())) for row in rows]
    return [BUILDERS[listing_type](row, now) for row in rows]


def _merged_into(session, ids: list[int]) -> dict[int, list[Venue]]:
    """The venues merged into each of `ids` (with their disciplines and tags)."""
    found: dict[int, list[Venue]] = {}
    if not ids:
        return found
    for venue in session.scalars(select(Venue).where(Venue.merged_into_id.in_(ids)).order_by(Venue.id).options(
            selectinload(Venue.disciplines).selectinload(Discipline.parent), selectinload(Venue.tags))):
        found.setdefault(venue.merged_into_id, []).append(venue)
    return found


def iter_searchable_ids(session, listing_type: str, batch_size: int = 1000) -> Iterator[list[int]]:
    """Ids of every searchable listing of a type, in batches (keyset pagination)."""
    model = MODELS[listing_type]
    last = 0
    while True:
        ids = session.scalars(
            select(model.id).where(model.id > last, searchable_clause(model)).order_by(model.id).limit(batch_size)
        ).all()
        if not ids:
            return
        yield list(ids)
        last = ids[-1]


def iter_documents(session, batch_size: int = 500, release: bool = False) -> Iterator[list[dict]]:
    """Every searchable document, a batch at a time (full reindex). `release` empties the
    session's identity map between batches, keeping memory flat on big tables."""
    for listing_type in MODELS:
        for ids in iter_searchable_ids(session, listing_type, batch_size):
            yield load_documents(session, listing_type, ids)
            if release:
                session.expunge_all()
