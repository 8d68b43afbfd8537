"""Columns every listing shares: moderation, freshness, provenance and contact.

Venues, activities and resources are separate tables (they are queried, moderated and
shown differently) built from these mixins, so the rules below hold for all three.
"""
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal.extensions import db
from portal.listings.enums import ModerationStatus


def pg_enum(enum_cls, name: str):
    """A PostgreSQL enum storing the Python enum's values (not its names)."""
    return Enum(enum_cls, name=name, values_callable=lambda e: [m.value for m in e])


class AccessFamiliesMixin:
    """Accessibility by family of disability (acceslibre's families, OpenAgenda's codes);
    NULL means "not said". Notes keep what a partner wrote beyond the families."""

    access_motor: Mapped[bool | None] = mapped_column(Boolean)
    access_visual: Mapped[bool | None] = mapped_column(Boolean)
    access_hearing: Mapped[bool | None] = mapped_column(Boolean)
    access_mental: Mapped[bool | None] = mapped_column(Boolean)
    accessibility_notes: Mapped[str | None] = mapped_column(Text)


class ProvenanceMixin:
    """Where an imported row came from. (source_id, external_id) is the identity used
    by the importer's upsert; fields listed in hand_edited_fields are never overwritten."""

    @declared_attr
    def source_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("import_source.id", ondelete="RESTRICT"), index=True)

    external_id: Mapped[str | None] = mapped_column(Text)
    source_modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Hash of the normalised imported values: an equal hash means "unchanged".
    content_hash: Mapped[str | None] = mapped_column(String(64))
    hand_edited_fields: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, default=list, server_default="{}"
    )
    # Set when a full feed stopped listing the record; archived after a grace period.
    missing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ListingMixin(ProvenanceMixin):
    """Moderation and freshness, common to venues, activities and resources."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def moderation_status(cls) -> Mapped[ModerationStatus]:
        return mapped_column(
            pg_enum(ModerationStatus, "moderation_status"),
            nullable=False,
            default=ModerationStatus.draft,
            server_default=ModerationStatus.draft.value,
        )

    @declared_attr
    def organization_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)

    website: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    last_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


def link_table(owner: str, target: str, target_pk: str = "id") -> Table:
    """Many-to-many table `<owner>_<target>` with cascading deletes on both sides."""
    return Table(
        f"{owner}_{target}",
        db.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}.{target_pk}", ondelete="CASCADE"), primary_key=True,
               index=True),
    )
