"""Import runs as data: sources, saved mappings, runs, per-row items, duplicate candidates."""
import enum
import secrets
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.listings.enums import ListingType
from portal.listings.mixins import pg_enum


class RunStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"   # every row stored or unchanged
    partial = "partial"       # some rows failed, valid ones stored
    failed = "failed"         # nothing stored (bad file)


class ItemStatus(str, enum.Enum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    archived = "archived"
    failed = "failed"


class ImportSource(db.Model):
    """A partner's feed or file series, e.g. "bibliotheques-publiques"."""

    __tablename__ = "import_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    format: Mapped[str | None] = mapped_column(Text)
    listing_type: Mapped[ListingType] = mapped_column(pg_enum(ListingType, "listing_type"), nullable=False,
                                                      default=ListingType.venue)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL", use_alter=True)
    )
    default_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_profile.id", ondelete="SET NULL", use_alter=True)
    )
    feed_url: Mapped[str | None] = mapped_column(Text)
    # Cron expression for scheduled pulls of feed_url ("0 3 * * *").
    schedule: Mapped[str | None] = mapped_column(Text)
    # A full feed lists every record: those missing are archived after the grace period.
    is_full_feed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())

    profiles = relationship("ImportProfile", back_populates="source", foreign_keys="ImportProfile.source_id")


class ImportProfile(db.Model):
    """A confirmed column → field mapping, saved under a name and reused next time."""

    __tablename__ = "import_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("import_source.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    # {"column header": "field name"}: read whole, never queried by key.
    mapping: Mapped[dict] = mapped_column(JSONB, nullable=False)
    # Reading options (encoding, delimiter, sheet…).
    options: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())

    source = relationship("ImportSource", back_populates="profiles", foreign_keys=[source_id])

    __table_args__ = (UniqueConstraint("source_id", "name"),)


class ImportRun(db.Model):
    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("import_source.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    status: Mapped[RunStatus] = mapped_column(pg_enum(RunStatus, "import_run_status"), nullable=False,
                                              default=RunStatus.queued)
    location: Mapped[str] = mapped_column(Text, nullable=False)  # file name or URL
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archived_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The file-level error (French) when the whole run failed.
    error: Mapped[str | None] = mapped_column(Text)
    mapping: Mapped[dict | None] = mapped_column(JSONB)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the run starts and at every batch: a running run silent for long has died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The secret half of the run's page address (/imports/runs/<id>/<key>): its report shows the
    # partner's rows, and there are no accounts yet.
    access_key: Mapped[str] = mapped_column(Text, nullable=False, default=lambda: secrets.token_urlsafe(18))

    source = relationship("ImportSource")


class ImportItem(db.Model):
    """One row of a run: what happened to it and, when it failed, why."""

    __tablename__ = "import_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The run it belongs to: checked, and its items deleted with it, by triggers once per
    # statement rather than by a foreign key's query per item (migration 0013).
    run_id: Mapped[int] = mapped_column(Integer, nullable=False)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    external_id: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ItemStatus] = mapped_column(pg_enum(ItemStatus, "import_item_status"), nullable=False)
    listing_id: Mapped[int | None] = mapped_column(Integer)
    # [{"column", "value", "message"}] in French; shown whole in the report.
    errors: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    # Warnings that did not stop the row (approximate location, commune mismatch…).
    warnings: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")

    __table_args__ = (
        Index("ix_import_item_run_status", "run_id", "status"),
        Index("ix_import_item_run_row", "run_id", "row_number"),
    )


class DuplicateCandidate(db.Model):
    """Two listings that may be the same place, for a human to merge or dismiss."""

    __tablename__ = "duplicate_candidate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_type: Mapped[ListingType] = mapped_column(pg_enum(ListingType, "listing_type"), nullable=False)
    first_id: Mapped[int] = mapped_column(Integer, nullable=False)
    second_id: Mapped[int] = mapped_column(Integer, nullable=False)
    name_similarity: Mapped[float] = mapped_column(Float, nullable=False)
    distance_m: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, default="pending", server_default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())

    __table_args__ = (
        CheckConstraint("first_id < second_id", name="ordered_pair"),
        CheckConstraint("status IN ('pending', 'merged', 'dismissed')", name="status_known"),
        UniqueConstraint("listing_type", "first_id", "second_id"),
    )
