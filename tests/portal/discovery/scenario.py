"""The listings of the discovery tests: dance and singing in and around Montreuil (93048),
one teenagers' hip-hop class on Wednesday evening, and helpers to index them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from portal.activities.models import ActivityTiming
from portal.extensions import db
from portal.listings.enums import ActivityKind, Level, PricePeriod, ResourceKind, VenueKind
from portal.vocabulary.models import Discipline
from tests.support.factories import make_activity, make_organization, make_resource, make_venue, point

MONTREUIL = (2.4437, 48.8620)
BAGNOLET = (2.4168, 48.8686)
TREMBLAY = (2.5687, 48.9497)


@dataclass
class Scenario:
    venue: object = None
    hiphop: object = None
    contemporary: object = None
    choir: object = None
    nearby: object = None
    far: object = None
    room: object = None
    listings: list = field(default_factory=list)


def discipline(slug: str) -> Discipline:
    return db.session.scalars(select(Discipline).where(Discipline.slug == slug)).one()


def build(session=None) -> Scenario:
    s = Scenario()
    org = make_organization(name="Compagnie Pas de Côté", website="https://pasdecote.example")
    s.venue = make_venue(name="Maison de quartier Lounès-Matoub", kind=VenueKind.cultural_centre,
                         address="12 rue de la Solidarité", postal_code="93100", commune_code="93048",
                         location=point(*MONTREUIL), transit="Métro Croix de Chavaux (ligne 9)",
                         access_motor=True, step_free_entrance=True, organization=org)
    bagnolet = make_venue(name="Salle Malraux", commune_code="93006", postal_code="93170",
                          location=point(*BAGNOLET), kind=VenueKind.cultural_centre)
    tremblay = make_venue(name="Espace Tremblay", commune_code="93073", postal_code="93290",
                          location=point(*TREMBLAY))
    s.hiphop = make_activity(
        title="Hip-hop ados", venue=s.venue, organization=org, age_min=12, age_max=15,
        audiences=["teenagers"], level=Level.beginner, is_free=False, price_min=Decimal("90"),
        price_period=PricePeriod.season, social_tariff=True,
        description="Atelier de danse hip-hop pour les 12-15 ans, le mercredi soir.",
        season_start=date(2025, 9, 10), season_end=date(2026, 6, 24),
        disciplines=[discipline("danse-hip-hop")], slots=[(2, time(18, 0), time(19, 30))],
        registration_url="https://pasdecote.example/inscription", has_lsf=True)
    s.contemporary = make_activity(
        title="Danse contemporaine adultes", venue=s.venue, age_min=18, age_max=99,
        audiences=["adults"], level=Level.all_levels, is_free=True,
        disciplines=[discipline("danse-contemporaine")], slots=[(1, time(19, 0), time(21, 0))])
    s.choir = make_activity(
        title="Chorale du quartier", venue=s.venue, kind=ActivityKind.recruiting_group, is_free=True,
        disciplines=[discipline("chant-chorale")], slots=[(3, time(20, 0), time(22, 0))],
        audition_required=False, wanted_parts=["ténors", "basses"])
    s.nearby = make_activity(
        title="Danse africaine jeunes", venue=bagnolet, age_min=10, age_max=17, price_min=Decimal("5"),
        price_period=PricePeriod.session, disciplines=[discipline("danses-traditionnelles-monde")],
        slots=[(2, time(17, 0), time(18, 30))])
    s.far = make_activity(title="Danse classique Tremblay", venue=tremblay, age_min=12, age_max=15,
                          disciplines=[discipline("danse-classique")], slots=[(2, time(18, 0), time(19, 0))])
    s.room = make_resource(title="Studio de danse à louer", kind=ResourceKind.rehearsal_room, venue=s.venue,
                           price_min=Decimal("15"), price_period=PricePeriod.hour, area_m2=Decimal("80"),
                           equipment="Parquet, miroirs, sono", disciplines=[discipline("danse")])
    s.hiphop.timings.append(ActivityTiming(begins_at=datetime.now(timezone.utc) + timedelta(days=3)))
    db.session.flush()
    s.listings = [s.venue, bagnolet, tremblay, s.hiphop, s.contemporary, s.choir, s.nearby, s.far, s.room]
    return s


def index(listings) -> None:
    """Put the listings in the embedded search index, in the caller's transaction."""
    from search.documents import load_documents
    from search.service import postgres_backend

    by_type: dict[str, list[int]] = {}
    for listing in listings:
        by_type.setdefault(type(listing).__name__.lower(), []).append(listing.id)
    backend = postgres_backend()
    for listing_type, ids in by_type.items():
        backend.index(load_documents(db.session, listing_type, ids))
