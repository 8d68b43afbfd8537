"""Organisations: the partners and groups that own listings."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.listings.enums import OrganizationKind
from portal.listings.mixins import ProvenanceMixin, pg_enum


class Organization(ProvenanceMixin, db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    slug: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[OrganizationKind] = mapped_column(
        pg_enum(OrganizationKind, "organization_kind"), nullable=False,
        default=OrganizationKind.other,
    )
    siret: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.insee_code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())

    __table_args__ = (
        CheckConstraint("siret IS NULL OR siret ~ '^[0-9]{14}$'", name="siret_format"),
        Index("uq_organization_source_external", "source_id", "external_id", unique=True,
              postgresql_where="external_id IS NOT NULL"),
    )
