"""Read queries on the reference geography."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.geo.lookup import CommuneIndex, commune_at
from portal.geo.models import Commune
from portal.geo.names import match_name, normalise_insee_code, normalise_postal_code


def find_commune(code: str | None = None, postal_code: str | None = None, name: str | None = None,
                 lon: float | None = None, lat: float | None = None) -> Commune | None:
    """One helper for everything else: the commune for a code, postal code, name or point."""
    if lon is not None and lat is not None:
        insee = commune_at(db.session, lon, lat)
        return db.session.get(Commune, insee) if insee else None
    insee, postal = normalise_insee_code(code), normalise_postal_code(postal_code)
    candidates = CommuneIndex.load(
        db.session,
        "insee_code = :code OR :code = ANY(former_codes) OR match_name = :name OR :name = ANY(former_names) "
        "OR :postal = ANY(postal_codes)",
        {"code": insee, "name": match_name(name) if name else None, "postal": postal},
    )
    ref = candidates.resolve(code, postal_code, name)
    return db.session.get(Commune, ref.insee_code) if ref else None


def communes_of_departement(code: str) -> list[Commune]:
    return db.session.scalars(select(Commune).where(Commune.departement_code == code).order_by(Commune.name)).all()


def departement_totals(code: str) -> tuple[int, int]:
    count, population = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Commune.population), 0)).where(Commune.departement_code == code)
    ).one()
    return count, population
