"""The discipline vocabulary (two levels) and free tags that sit beside it."""
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Discipline(db.Model):
    """A family (parent_id NULL: "Musique") or a discipline within it ("Chant & chorale")."""

    __tablename__ = "discipline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("discipline.id", ondelete="RESTRICT"))
    label_fr: Mapped[str] = mapped_column(Text, nullable=False)
    label_en: Mapped[str] = mapped_column(Text, nullable=False)
    # Words a partner or a searcher uses for it ("chœur", "chant choral").
    synonyms: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list,
                                                server_default="{}")
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)

    parent: Mapped["Discipline | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Discipline"]] = relationship(
        back_populates="parent", order_by="Discipline.position"
    )

    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_discipline_parent_id", "parent_id"),
    )

    @property
    def family(self) -> "Discipline":
        return self.parent or self


class Tag(db.Model):
    """A free tag: how people describe their own practice, outside the vocabulary."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    label: Mapped[str] = mapped_column(Text, nullable=False)
