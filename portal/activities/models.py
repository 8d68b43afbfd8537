"""Activities: classes, courses, trial sessions, groups that recruit, open practice, events."""
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    Time,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.listings.enums import AUDIENCES, ActivityKind, ActivityStatus, Level, PricePeriod
from portal.listings.mixins import AccessFamiliesMixin, ListingMixin, link_table, pg_enum

activity_discipline = link_table("activity", "discipline")
activity_tag = link_table("activity", "tag")

AUDIENCE_CHECK = "audiences <@ ARRAY[{}]::text[]".format(", ".join(f"'{a}'" for a in AUDIENCES))


class PriceMixin:
    """Free, or a range in euros per period, with an optional social tariff."""

    is_free: Mapped[bool | None] = mapped_column(Boolean)
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    price_period: Mapped[PricePeriod | None] = mapped_column(pg_enum(PricePeriod, "price_period"))
    social_tariff: Mapped[bool | None] = mapped_column(Boolean)
    price_notes: Mapped[str | None] = mapped_column(Text)


PRICE_CHECKS = (
    "price_min IS NULL OR price_min >= 0",
    "price_max IS NULL OR price_min IS NULL OR price_max >= price_min",
)


class Activity(ListingMixin, PriceMixin, AccessFamiliesMixin, db.Model):
    __tablename__ = "activity"

    title: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[ActivityKind] = mapped_column(pg_enum(ActivityKind, "activity_kind"), nullable=False)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"), index=True)
    age_min: Mapped[int | None] = mapped_column(SmallInteger)
    age_max: Mapped[int | None] = mapped_column(SmallInteger)
    audiences: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list,
                                                 server_default="{}")
    level: Mapped[Level | None] = mapped_column(pg_enum(Level, "level"))
    status: Mapped[ActivityStatus] = mapped_column(
        pg_enum(ActivityStatus, "activity_status"), nullable=False,
        default=ActivityStatus.scheduled, server_default=ActivityStatus.scheduled.value,
    )
    season_start: Mapped[date | None] = mapped_column(Date)
    season_end: Mapped[date | None] = mapped_column(Date)
    registration_url: Mapped[str | None] = mapped_column(Text)
    registration_notes: Mapped[str | None] = mapped_column(Text)
    # Groups that recruit.
    wanted_parts: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list,
                                                    server_default="{}")
    audition_required: Mapped[bool | None] = mapped_column(Boolean)
    music_reading_required: Mapped[bool | None] = mapped_column(Boolean)
    # Activity-level services (the families and notes come from AccessFamiliesMixin).
    has_lsf: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    has_audio_description: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                        server_default="false")
    has_hearing_loop: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                   server_default="false")
    has_easy_read: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                server_default="false")
    has_subtitles: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                server_default="false")
    is_relaxed_session: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                     server_default="false")

    venue = relationship("Venue", backref="activities")
    organization = relationship("Organization")
    disciplines = relationship("Discipline", secondary=activity_discipline)
    tags = relationship("Tag", secondary=activity_tag)
    slots = relationship("ActivitySlot", cascade="all, delete-orphan", order_by="ActivitySlot.weekday")
    timings = relationship("ActivityTiming", cascade="all, delete-orphan",
                           order_by="ActivityTiming.begins_at")

    __table_args__ = (
        CheckConstraint("age_min IS NULL OR age_min BETWEEN 0 AND 120", name="age_min_range"),
        CheckConstraint("age_max IS NULL OR age_max BETWEEN 0 AND 120", name="age_max_range"),
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_max >= age_min", name="age_order"),
        CheckConstraint(AUDIENCE_CHECK, name="audiences_known"),
        CheckConstraint("season_end IS NULL OR season_start IS NULL OR season_end >= season_start",
                        name="season_order"),
        CheckConstraint(PRICE_CHECKS[0], name="price_min_positive"),
        CheckConstraint(PRICE_CHECKS[1], name="price_order"),
        Index("ix_activity_audiences", "audiences", postgresql_using="gin"),
        Index("uq_activity_source_external", "source_id", "external_id", unique=True,
              postgresql_where="external_id IS NOT NULL"),
    )


class ActivitySlot(db.Model):
    """A weekly recurring time: Wednesday 18:00–19:30, within the season."""

    __tablename__ = "activity_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    # ISO weekday minus one: 0 = Monday … 6 = Sunday.
    weekday: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    starts_at: Mapped[time] = mapped_column(Time, nullable=False)
    ends_at: Mapped[time | None] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        # An end before the start is the next day's (« vendredi 22h-1h »).
        CheckConstraint("ends_at IS NULL OR ends_at <> starts_at", name="slot_order"),
    )


class ActivityTiming(db.Model):
    """An explicit occurrence (OpenAgenda style), with its time zone."""

    __tablename__ = "activity_timing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), nullable=False)
    begins_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= begins_at", name="timing_order"),
        Index("ix_activity_timing_activity_begins", "activity_id", "begins_at"),
    )
