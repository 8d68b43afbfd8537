"""Venues: the places where people practise (lieux de pratique)."""
from geoalchemy2 import Geography
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.listings.enums import LocationPrecision, VenueKind
from portal.listings.mixins import AccessFamiliesMixin, ListingMixin, link_table, pg_enum

venue_discipline = link_table("venue", "discipline")
venue_tag = link_table("venue", "tag")


class Venue(ListingMixin, AccessFamiliesMixin, db.Model):
    __tablename__ = "venue"

    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[VenueKind] = mapped_column(pg_enum(VenueKind, "venue_kind"), nullable=False,
                                            default=VenueKind.other)
    address: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(String(5))
    # The commune the source declares. This column, location_commune_code and source_id are
    # references checked by triggers, not foreign keys (migration 0014): an import inserts
    # thousands of venues at once, and the triggers check each statement once, not each row.
    commune_code: Mapped[str | None] = mapped_column(String(5))
    location = mapped_column(Geography("POINT", srid=4326, spatial_index=False))
    location_precision: Mapped[LocationPrecision | None] = mapped_column(
        pg_enum(LocationPrecision, "location_precision")
    )
    # The commune the point lies in, kept when it differs from the declared one.
    location_commune_code: Mapped[str | None] = mapped_column(String(5))
    source_id: Mapped[int | None] = mapped_column(Integer, index=True)
    transit: Mapped[str | None] = mapped_column(Text)
    # Free access to the place and its services (a library's "gratuité des services").
    is_free: Mapped[bool | None] = mapped_column(Boolean)
    # Venue-level equipment (the families and notes come from AccessFamiliesMixin).
    step_free_entrance: Mapped[bool | None] = mapped_column(Boolean)
    has_lift: Mapped[bool | None] = mapped_column(Boolean)
    accessible_toilets: Mapped[bool | None] = mapped_column(Boolean)
    accessible_parking: Mapped[bool | None] = mapped_column(Boolean)
    # When a duplicate was merged into another venue, its URL redirects there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))

    commune = relationship("Commune", primaryjoin="foreign(Venue.commune_code) == Commune.insee_code")
    location_commune = relationship("Commune", primaryjoin="foreign(Venue.location_commune_code) == Commune.insee_code")
    organization = relationship("Organization")
    disciplines = relationship("Discipline", secondary=venue_discipline)
    tags = relationship("Tag", secondary=venue_tag)

    __table_args__ = (
        CheckConstraint("postal_code IS NULL OR postal_code ~ '^[0-9]{5}$'", name="postal_code_format"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"),
        CheckConstraint("(location IS NULL) = (location_precision IS NULL)", name="location_has_precision"),
        Index("ix_venue_location", "location", postgresql_using="gist"),
        Index("ix_venue_commune_code", "commune_code"),
        Index("uq_venue_source_external", "source_id", "external_id", unique=True,
              postgresql_where="external_id IS NOT NULL"),
    )
