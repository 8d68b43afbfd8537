"""The search outbox: ids of listings changed by a committed transaction, waiting to be
(re)indexed. Rows are written in the same transaction as the change, so a rolled-back
change is never indexed and a committed one is never forgotten, even if the engine is down."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.listings.enums import ListingType
from portal.listings.mixins import pg_enum


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    listing_type: Mapped[ListingType] = mapped_column(pg_enum(ListingType, "listing_type"), nullable=False)
    listing_id: Mapped[int] = mapped_column(Integer, nullable=False)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                  server_default=func.now())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # A failed batch is retried after this time (exponential back-off).
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                   server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_search_outbox_available_at", "available_at"),)
