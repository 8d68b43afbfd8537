"""Resources: rehearsal rooms, equipment loans, funding, training, advice, networks."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.activities.models import PRICE_CHECKS, PriceMixin
from portal.extensions import db
from portal.listings.enums import ResourceKind
from portal.listings.mixins import ListingMixin, link_table, pg_enum

resource_discipline = link_table("resource", "discipline")
resource_tag = link_table("resource", "tag")


class Resource(ListingMixin, PriceMixin, db.Model):
    __tablename__ = "resource"

    title: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[ResourceKind] = mapped_column(pg_enum(ResourceKind, "resource_kind"), nullable=False)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"), index=True)
    # Rehearsal rooms.
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    equipment: Mapped[str | None] = mapped_column(Text)
    booking_url: Mapped[str | None] = mapped_column(Text)
    # Funding and calls: the date applications close.
    deadline: Mapped[date | None] = mapped_column(Date)
    # What a partner wrote about access (a room's own access is its venue's).
    accessibility_notes: Mapped[str | None] = mapped_column(Text)

    venue = relationship("Venue", backref="resources")
    organization = relationship("Organization")
    disciplines = relationship("Discipline", secondary=resource_discipline)
    tags = relationship("Tag", secondary=resource_tag)

    __table_args__ = (
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
        CheckConstraint(PRICE_CHECKS[0], name="price_min_positive"),
        CheckConstraint(PRICE_CHECKS[1], name="price_order"),
        Index("uq_resource_source_external", "source_id", "external_id", unique=True,
              postgresql_where="external_id IS NOT NULL"),
    )
