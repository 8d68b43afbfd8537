"""Writing a batch of located records, idempotent by (source, external id).

A record whose content hash did not change is left alone; a changed one is updated except
for the fields edited by hand; a source date older than the stored one never overwrites.
Writes are Core statements (one per kind of change per batch), not one ORM object per row.
"""
from __future__ import annotations

import hashlib
import struct
from datetime import datetime, timedelta

from sqlalchemy import Text, any_, delete, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from importers.accessibility import empty_columns
from importers.bulk import any_ids, copy_insert
from importers.keys import content_hash
from importers.locate import says_where_guessed
from importers.records import REFUSED
from importers.runs import local_date
from portal.activities.models import Activity, ActivitySlot, ActivityTiming, activity_discipline, activity_tag
from portal.geo.names import slugify
from portal.listings.enums import (
    ActivityKind,
    ActivityStatus,
    Level,
    ListingType,
    ModerationStatus,
    PricePeriod,
    ResourceKind,
    VenueKind,
)
from portal.organizations.models import Organization
from portal.resources.models import Resource, resource_discipline, resource_tag
from portal.venues.models import Venue, venue_discipline, venue_tag
from portal.vocabulary.models import Discipline, Tag

MODELS = {ListingType.venue: Venue, ListingType.activity: Activity, ListingType.resource: Resource}
LINKS = {
    ListingType.venue: (venue_discipline, venue_tag, "venue_id"),
    ListingType.activity: (activity_discipline, activity_tag, "activity_id"),
    ListingType.resource: (resource_discipline, resource_tag, "resource_id"),
}
VERIFY_REFRESH = timedelta(days=1)
# Part of every content hash: bump it when records are stored differently (a new column
# filled from an existing field), so that the next import rewrites rows instead of
# reporting them unchanged.
STORAGE_VERSION = 4


def has_listings(session, source_id: int) -> bool:
    """Whether a source has stored any listing (a dry run or a failed run stores none): until
    then its listing type may still change."""
    return any(session.scalar(select(model.id).where(model.source_id == source_id).limit(1)) is not None
               for model in MODELS.values())


def listing_slug(name: str) -> str:
    return slugify(name)[:120]


def row_digest(values_hash: str, values: dict, location, kept: frozenset[str] = frozenset()) -> str:
    """What is stored for a row: its values, where it was located, the place it is at, and the
    fields kept as stored because the file lacked their column (once the file's mapping is
    saved without them, they are no longer kept: the rows are written again, and those fields
    emptied)."""
    placed = tuple(sorted(location.__dict__.items())) if location else None
    parts = (values_hash, placed, values.get("place_id", values.get("venue_id")), STORAGE_VERSION)
    payload = repr(parts + (tuple(sorted(kept)),) if kept else parts)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Columns that only make sense together: when a moderator edited one, the import leaves both,
# or it could write a season ending before the start a moderator set.
PAIRED = (("age_min", "age_max"), ("season_start", "season_end"),
          ("price_min", "price_max", "is_free", "price_period", "price_notes"))  # one price cell feeds them all


# The columns a field of the listing format writes, where their names differ: a field kept as
# stored keeps all of them.
FIELD_COLUMNS = {
    "name": ("name", "title"), "organization": ("organization_id",),
    "latitude": ("location", "location_precision", "location_commune_code"),
    "longitude": ("location", "location_precision", "location_commune_code"),
    "lat_lon": ("location", "location_precision", "location_commune_code"),
    "point": ("location", "location_precision", "location_commune_code"),
    "commune_name": ("commune_code",), "insee_code": ("commune_code",),
    "registration_url": ("registration_url", "booking_url"),
    "accessibility": ("access_motor", "access_visual", "access_hearing", "access_mental", "step_free_entrance",
                      "has_lift", "accessible_toilets", "accessible_parking", "accessibility_notes"),
}


# What a moderator's edit of a field also holds: the point of the address they corrected, the
# page address of the name, the place they chose for an activity.
BY_HAND_COLUMNS = {
    "address": ("location", "location_precision", "location_commune_code"),
    "name": ("slug",), "title": ("slug",),
    "venue_name": ("venue_id",), "venue_id": ("venue_id",),
}


def protected_columns(hand_edited: list[str] | None, kept: list[str] | tuple = ()) -> set[str]:
    """The columns an update leaves as stored: those of the fields edited by hand (and what
    their edit also holds), and those of the `kept` fields (gone from the file, refused)."""
    protected = set(hand_edited or []) | set(kept)
    for field_ in list(protected):
        protected.update(FIELD_COLUMNS.get(field_, ()))
    for field_ in hand_edited or []:
        protected.update(BY_HAND_COLUMNS.get(field_, ()))
    for pair in PAIRED:
        if protected.intersection(pair):
            protected.update(pair)
    return protected


def _slug(label: str | None) -> str | None:
    """The key of a tag or an organisation; None for a label with nothing to slug."""
    slug = slugify(label)[:80] if label else ""
    return slug if slug and slug != "sans-nom" else None


# A point as COPY sends it: extended WKB (little-endian, SRID 4326), in hex. The server reads it
# faster than the same point in text (EWKT), and it is quicker to make. Updates bind through
# ST_GeogFromText, which reads text only.
_EWKB_POINT = struct.Struct("<BIIdd")
EWKB_POINT_SRID = 0x20000001  # a point, with an SRID


def _point_ewkb(point: tuple[float, float]) -> str:
    return _EWKB_POINT.pack(1, EWKB_POINT_SRID, 4326, point[0], point[1]).hex()


def _point_ewkt(point: tuple[float, float]) -> str:
    return f"SRID=4326;POINT({point[0]} {point[1]})"


# Every accessibility column of a listing type, written on each row so that a flag the source
# no longer gives is cleared (copied per row, not built again).
EMPTY_ACCESS = {listing_type: empty_columns(listing_type) for listing_type in (ListingType.venue,
                                                                              ListingType.activity)}


def _columns(listing_type: ListingType, values: dict, location, slug: str | None, copied: bool = False) -> dict:
    """The columns a row writes; `copied` for a COPY (its point in binary form)."""
    get = values.get
    name = get("name") or ""
    if listing_type is ListingType.resource:
        columns = {}
    else:
        columns = EMPTY_ACCESS[listing_type].copy()
        if access := get("access"):
            columns.update(access)
    columns["slug"] = slug or listing_slug(name)
    columns["description"], columns["website"] = get("description"), get("website")
    columns["email"], columns["phone"] = get("email"), get("phone")
    columns["organization_id"], columns["accessibility_notes"] = get("organization_id"), get("accessibility_notes")
    if listing_type is ListingType.venue:
        point = location.point if location else None
        columns["name"], columns["kind"] = name, VenueKind(get("kind") or VenueKind.other)
        columns["address"], columns["postal_code"], columns["is_free"] = get("address"), get("postal_code"), \
            get("is_free")
        columns["commune_code"] = location.commune_code if location else None
        columns["location"] = (_point_ewkb if copied else _point_ewkt)(point) if point else None
        columns["location_precision"] = location.precision if point else None
        columns["location_commune_code"] = (location.point_commune_code
                                            if location and location.point_commune_code != location.commune_code
                                            else None)
        return columns
    price = {"is_free": values.get("is_free"), "price_min": values.get("price_min"),
             "price_max": values.get("price_max"), "price_notes": values.get("price_notes"),
             "price_period": PricePeriod(values["price_period"]) if values.get("price_period") else None}
    if listing_type is ListingType.activity:
        return {
            **columns, **price, "title": name, "venue_id": values.get("venue_id"),
            "kind": ActivityKind(values.get("kind") or ActivityKind.regular_class),
            "age_min": values.get("age_min"), "age_max": values.get("age_max"),
            "level": Level(values["level"]) if values.get("level") else None,
            "status": ActivityStatus(values.get("status") or ActivityStatus.scheduled),
            "registration_url": values.get("registration_url"),
            "audiences": values.get("audiences") or [],
            "season_start": values.get("season_start"), "season_end": values.get("season_end"),
        }
    return {**columns, **price, "title": name, "venue_id": values.get("venue_id"),
            "kind": ResourceKind(values.get("kind") or ResourceKind.advice),
            "booking_url": values.get("registration_url"), "deadline": values.get("deadline"),
            "area_m2": values.get("area_m2"), "equipment": values.get("equipment")}


class Writer:
    """Upserts batches for one source and listing type within the caller's transaction."""

    def __init__(self, session, source_id: int, listing_type: ListingType, now: datetime,
                 kept_fields: frozenset[str] = frozenset()):
        self.session = session
        # Fields this run's file no longer gives although the source's saved profile or earlier
        # runs did (a column gone): what is stored for them is kept, not erased.
        self.kept_fields = kept_fields
        self.source_id = source_id
        self.listing_type = listing_type
        self.model = MODELS[listing_type]
        self.now = now
        self.disciplines = dict(session.execute(select(Discipline.slug, Discipline.id)).all())
        self.tag_ids: dict[str, int] = {}
        self.organization_ids: dict[str, int] = {}  # slug → id, for the source
        self._existing: dict[str, tuple] | None = None
        self.older: set[str] = set()  # records passed over for being older than what is stored

    def forget_rolled_back(self) -> None:
        """After a rolled-back savepoint: what it wrote is gone, so are the ids and the stored
        state this writer remembered (read again when next needed)."""
        self.tag_ids.clear()
        self.organization_ids.clear()
        self._existing = None

    def existing(self) -> dict[str, tuple]:
        """Every stored record of the source, read once per run (a few MB for 100 000 rows)
        rather than once per batch."""
        if self._existing is None:
            m = self.model
            rows = self.session.execute(
                select(m.external_id, m.id, m.content_hash, m.hand_edited_fields, m.source_modified_at,
                       m.archived_at, m.missing_since, m.last_imported_at)
                .where(m.source_id == self.source_id, m.external_id.is_not(None))
            ).all()
            self._existing = {r[0]: r[1:] for r in rows}
        return self._existing

    def adopt(self, earlier: str, key: str) -> None:
        """A stored record known by the `earlier` key is known by `key` from now on (a place made
        up from its name and address, once its agenda gives its own id): the same venue, not a
        second one while the first waits out its grace period."""
        existing = self.existing()
        if key in existing or earlier not in existing:
            return
        found = existing.pop(earlier)
        self.session.execute(update(self.model).where(self.model.id == found[0]).values(external_id=key))
        existing[key] = found

    def write(self, rows: list) -> None:
        """Set `.status` ("created" | "updated" | "unchanged") and `.listing_id` on each row."""
        existing = self.existing()
        self._organizations(rows)
        to_insert, to_update, to_touch = [], [], []
        rewritten: list = []  # rows whose content is written, so their links and times too
        kept_by_hand: dict[int, set[str]] = {}  # listing → the columns kept as stored, on updates
        for row in rows:
            values = row.record.values
            digest = row_digest(row.digest or content_hash(values), values, row.location, self.kept_fields)
            provenance = {"source_modified_at": row.record.values.get("source_modified_at"),
                          "last_imported_at": self.now, "content_hash": digest}
            found = existing.get(row.external_id)
            if found is None:
                columns = _columns(self.listing_type, values, row.location, row.slug, copied=True)
                columns.update(provenance)
                columns["source_id"], columns["external_id"] = self.source_id, row.external_id
                columns["moderation_status"], columns["last_verified_at"] = ModerationStatus.published, self.now
                to_insert.append((row, columns))
                continue
            listing_id, old_hash, hand_edited, old_modified, archived_at, missing_since, imported = found
            row.listing_id = listing_id
            new_modified = provenance["source_modified_at"]
            older = old_modified and new_modified and new_modified < old_modified
            if old_hash == digest or older:
                row.status = "unchanged"
                if older and old_hash != digest and row.external_id not in self.older:
                    self.older.add(row.external_id)
                    row.record.warnings.append(
                        f"Version datée du {local_date(new_modified)}, plus ancienne que celle enregistrée (du "
                        f"{local_date(old_modified)}) : elle est ignorée.")
                if imported is None or imported < self.now - VERIFY_REFRESH:  # (a feed pulled hourly: once a day)
                    to_touch.append(listing_id)
                    imported = self.now
                    existing[row.external_id] = (*found[:6], imported)  # (a place shared by later rows)
                restored = {"archived_at": None, "missing_since": None} if archived_at or missing_since else {}
                newer = not older and new_modified and (old_modified is None or new_modified > old_modified)
                if newer:  # the same content, dated later: an older export must not overwrite it next
                    restored["source_modified_at"] = new_modified
                if restored:
                    to_update.append((row, restored))
                    existing[row.external_id] = (listing_id, old_hash, hand_edited,
                                                 new_modified if newer else old_modified, None, None, imported)
                if archived_at or missing_since:  # back in the feed (an older version: only back)
                    row.status = "updated"
                continue
            columns = _columns(self.listing_type, values, row.location, row.slug)
            # Kept as stored: fields edited by hand, columns gone from the file, cells refused.
            protected = protected_columns(hand_edited, [*self.kept_fields, *values.get(REFUSED, ())])
            kept = {k: v for k, v in columns.items() if k not in protected}
            if "location" in protected:  # the stored position stays: where locating guessed it is moot
                row.record.warnings[:] = [w for w in row.record.warnings if not says_where_guessed(w)]
            if protected:
                kept_by_hand[listing_id] = protected
            to_update.append((row, {**kept, **provenance, "archived_at": None, "missing_since": None,
                                    "last_verified_at": self.now}))
            row.status = "updated"
            rewritten.append(row)
            existing[row.external_id] = (listing_id, digest, hand_edited, new_modified, None, None, self.now)
        if to_insert:
            ids = copy_insert(self.session, self.model.__tablename__, [values for _, values in to_insert], ("id",))
            for (row, values), (listing_id,) in zip(to_insert, ids):
                row.listing_id, row.status = listing_id, "created"
                rewritten.append(row)
                # A later batch may bring the same record again (a place shared by activities).
                existing[row.external_id] = (listing_id, values["content_hash"], [], values["source_modified_at"],
                                             None, None, self.now)
        for row, values in to_update:
            self.session.execute(update(self.model).where(self.model.id == row.listing_id).values(**values))
        if to_touch:
            self.session.execute(
                update(self.model)
                .where(self.model.id == any_ids(to_touch), self.model.last_imported_at < self.now - VERIFY_REFRESH)
                .values(last_imported_at=self.now, last_verified_at=self.now)
            )
        changed = [row for row in rewritten if row.record.values.get("name")]

        def rewrite(field: str) -> list:  # the rows whose `field` the import may rewrite
            return [row for row in changed if field not in kept_by_hand.get(row.listing_id, ())]

        self._links(rewrite("disciplines"), rewrite("tags"))
        if self.listing_type is ListingType.activity:
            self._times(rewrite("schedule"), rewrite("timings"))

    def _organizations(self, rows: list) -> None:
        """The organisation a row names becomes the source's Organization of that name (found
        again by its slug on later runs) and the row's organization_id."""
        slug_of = {id(row): _slug(row.record.values.get("organization")) for row in rows}
        wanted: dict[str, str] = {}  # slug → the name as the first row spells it
        for row in rows:
            if slug_of[id(row)]:
                wanted.setdefault(slug_of[id(row)], row.record.values["organization"])
        missing = [slug for slug in sorted(wanted) if slug not in self.organization_ids]
        if missing:
            self.session.execute(pg_insert(Organization).values([
                {"name": wanted[slug], "slug": slug, "source_id": self.source_id, "external_id": slug,
                 "last_imported_at": self.now} for slug in missing
            ]).on_conflict_do_nothing(index_elements=["source_id", "external_id"],
                                      index_where=Organization.external_id.is_not(None)))
            self.organization_ids.update(self.session.execute(
                select(Organization.external_id, Organization.id)
                .where(Organization.source_id == self.source_id, Organization.external_id == any_(
                    literal(missing, ARRAY(Text))))).all())
        for row in rows:
            slug = slug_of[id(row)]
            row.record.values["organization_id"] = self.organization_ids.get(slug) if slug else None

    def _links(self, discipline_rows: list, tag_rows: list) -> None:
        discipline_table, tag_table, key = LINKS[self.listing_type]
        for table, rows in ((discipline_table, discipline_rows), (tag_table, tag_rows)):
            updated = [row.listing_id for row in rows if row.status == "updated"]  # new rows have no links yet
            if updated:
                self.session.execute(delete(table).where(table.c[key] == any_ids(updated)))
        discipline_pairs, tag_pairs = {}, {}  # (listing, discipline or tag) once each
        for row in discipline_rows:
            for slug in row.record.values.get("disciplines") or []:
                if slug in self.disciplines:
                    discipline_pairs[(row.listing_id, self.disciplines[slug])] = None
        for row in tag_rows:
            for label in row.record.values.get("tags") or []:
                tag_id = self._tag(label)  # two labels may share a slug, hence a tag
                if tag_id:
                    tag_pairs[(row.listing_id, tag_id)] = None
        copy_insert(self.session, discipline_table.name,
                    [{key: listing, "discipline_id": other} for listing, other in discipline_pairs])
        copy_insert(self.session, tag_table.name, [{key: listing, "tag_id": other} for listing, other in tag_pairs])

    def _tag(self, label: str) -> int | None:
        slug = _slug(label)
        if slug is None:
            return None
        if slug not in self.tag_ids:
            self.session.execute(pg_insert(Tag).values(slug=slug, label=label[:80]).on_conflict_do_nothing())
            self.tag_ids[slug] = self.session.scalar(select(Tag.id).where(Tag.slug == slug))
        return self.tag_ids[slug]

    def _times(self, slot_rows: list, timing_rows: list) -> None:
        for model, rows in ((ActivitySlot, slot_rows), (ActivityTiming, timing_rows)):
            updated = [row.listing_id for row in rows if row.status == "updated"]
            if updated:
                self.session.execute(delete(model).where(model.activity_id == any_ids(updated)))
        slots = [{"activity_id": row.listing_id, "weekday": d, "starts_at": s, "ends_at": e}
                 for row in slot_rows for d, s, e in row.record.values.get("schedule") or []]
        timings = [{"activity_id": row.listing_id, "begins_at": b, "ends_at": e}
                   for row in timing_rows for b, e in row.record.values.get("timings") or []]
        copy_insert(self.session, ActivitySlot.__tablename__, slots)
        copy_insert(self.session, ActivityTiming.__tablename__, timings)
