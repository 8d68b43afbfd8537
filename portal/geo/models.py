"""Administrative geography: régions, départements and communes (current COG)."""
from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Region(db.Model):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)


class Departement(db.Model):
    __tablename__ = "departement"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), nullable=False)
    population: Mapped[int | None] = mapped_column(Integer)
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))

    region: Mapped[Region] = relationship()

    __table_args__ = (
        Index("ix_departement_boundary", "boundary", postgresql_using="gist"),
    )


class Commune(db.Model):
    """A commune of the current COG. Communes merged since the boundary file was drawn
    keep their old codes in `former_codes`, their names in `former_names` and their area in
    the new commune's boundary."""

    __tablename__ = "commune"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    # Lower-case, accent-free, article-free name used by the lookup ("bourget").
    match_name: Mapped[str] = mapped_column(Text, nullable=False)
    slug: Mapped[str] = mapped_column(Text, nullable=False)
    departement_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), nullable=False)
    epci_code: Mapped[str | None] = mapped_column(String(9))
    epci_name: Mapped[str | None] = mapped_column(Text)
    ept_code: Mapped[str | None] = mapped_column(String(9))
    ept_name: Mapped[str | None] = mapped_column(Text)
    postal_codes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), nullable=False, default=list)
    former_codes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), nullable=False, default=list)
    # The match names of its delegated and associated communes (« bellegarde sur valserine »).
    former_names: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list,
                                                    server_default="{}")
    population: Mapped[int | None] = mapped_column(Integer)
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    # Point on surface of the boundary, used as an approximate location.
    centroid = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))

    departement: Mapped[Departement] = relationship()

    __table_args__ = (
        CheckConstraint("insee_code ~ '^[0-9][0-9AB][0-9]{3}$'", name="insee_code_format"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_positive"),
        Index("ix_commune_boundary", "boundary", postgresql_using="gist"),
        Index("ix_commune_postal_codes", "postal_codes", postgresql_using="gin"),
        Index("ix_commune_former_codes", "former_codes", postgresql_using="gin"),
        Index("ix_commune_former_names", "former_names", postgresql_using="gin"),
        Index("ix_commune_match_name", "match_name"),
        Index("ix_commune_departement_code", "departement_code"),
    )

    @property
    def path_slug(self) -> str:
        return f"{self.insee_code}-{self.slug}"
