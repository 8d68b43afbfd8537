"""A small, realistic set of listings around Seine-Saint-Denis, built through the real path:
factories → search.documents → backend.index. Both backends get exactly these documents."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from portal.listings.enums import ActivityKind, Level, ModerationStatus, PricePeriod, ResourceKind, VenueKind
from portal.vocabulary.models import Discipline
from search.documents import load_documents
from tests.support.factories import make_activity, make_resource, make_venue, point

# (lon, lat) of real places
MONTREUIL = (2.4410, 48.8610)
AUBERVILLIERS = (2.3833, 48.9146)
SAINT_OUEN = (2.3340, 48.9115)
PARIS_11 = (2.3800, 48.8580)
PROVINS = (3.2990, 48.5600)


def _disciplines(session, *slugs):
    return list(session.scalars(select(Discipline).where(Discipline.slug.in_(slugs))))


def build(session) -> dict:
    """Rows for the contract tests; returns them by short name."""
    d = lambda *slugs: _disciplines(session, *slugs)  # noqa: E731
    now = datetime.now(timezone.utc)
    rows = {}
    rows["theatre_commune"] = make_venue(
        name="Théâtre de la Commune", kind=VenueKind.theatre, commune_code="93001",
        location=point(*AUBERVILLIERS), disciplines=d("theatre-jeu"), access_motor=True,
        description="Centre dramatique national, scène de création à Aubervilliers.")
    rows["mediatheque"] = make_venue(
        name="Médiathèque Persépolis", kind=VenueKind.library, commune_code="93070",
        location=point(*SAINT_OUEN), description="Bibliothèque municipale : prêt de livres, <b>ateliers</b> & jeux.")
    rows["conservatoire"] = make_venue(
        name="Conservatoire de Montreuil", kind=VenueKind.conservatoire, commune_code="93048",
        location=point(*MONTREUIL), disciplines=d("instruments", "chant-chorale"), access_motor=True,
        access_hearing=True)
    rows["studio"] = make_venue(name="Studio Voltaire", kind=VenueKind.rehearsal_studio, commune_code="75056",
                                location=point(*PARIS_11))
    rows["provins"] = make_venue(name="Salle des fêtes de Provins", kind=VenueKind.cultural_centre,
                                 commune_code="77379", location=point(*PROVINS))
    rows["chorale"] = make_activity(
        title="Chorale du mercredi", kind=ActivityKind.recruiting_group, venue=rows["conservatoire"],
        disciplines=d("chant-chorale"), audiences=["adults"], age_min=18, is_free=True,
        description="Ensemble vocal amateur : répertoire varié, pas besoin de lire la musique.",
        slots=[(2, time(19, 0), time(21, 0))])
    rows["theatre_ados"] = make_activity(
        title="Atelier théâtre ados", venue=rows["theatre_commune"], disciplines=d("theatre-jeu"),
        age_min=12, age_max=17, audiences=["teenagers"], price_min=120, price_period=PricePeriod.season,
        level=Level.beginner, has_lsf=True, slots=[(2, time(14, 0), time(16, 0))],
        description="Jeu, voix et corps pour les adolescents : <i>découvrir la scène</i> en groupe.")
    rows["impro"] = make_activity(
        title="Improvisation théâtrale", venue=rows["studio"], disciplines=d("improvisation"),
        price_min=8, price_period=PricePeriod.session, level=Level.all_levels, audiences=["adults"],
        age_min=16, slots=[(1, time(20, 0), time(22, 0))])
    rows["hiphop"] = make_activity(
        title="Hip-hop débutants", venue=rows["conservatoire"], disciplines=d("danse-hip-hop"),
        age_min=8, age_max=14, audiences=["children", "teenagers"], price_min=30,
        price_period=PricePeriod.month, level=Level.beginner, slots=[(5, time(10, 0), time(11, 30))])
    rows["bd"] = make_activity(
        title="Initiation à la bande dessinée", venue=rows["mediatheque"], disciplines=d("illustration-bd"),
        age_min=10, age_max=15, is_free=True, slots=[(5, time(15, 0), time(17, 0))])
    rows["mao"] = make_activity(
        title="MAO : composer sur ordinateur", venue=rows["mediatheque"], disciplines=d("mao-electronique"),
        is_free=True, slots=[(4, time(18, 30), time(20, 0))])
    rows["piano"] = make_activity(
        title="Cours de piano", venue=rows["provins"], disciplines=d("instruments"), price_min=250,
        price_period=PricePeriod.season, slots=[(0, time(17, 0), time(18, 0))])
    rows["ecriture"] = make_activity(
        title="Atelier d'écriture", kind=ActivityKind.regular_class, venue=rows["mediatheque"],
        disciplines=d("ecriture"), is_free=True,
        description="Écrire pour la scène : dialogues, monologues et courtes pièces de théâtre.")
    rows["stage"] = make_activity(
        title="Stage de clown", kind=ActivityKind.short_course, venue=rows["studio"], disciplines=d("cirque-rue"),
        price_min=60)
    rows["stage"].timings.append(_timing(now + timedelta(days=3)))
    rows["festival"] = make_activity(
        title="Festival des pratiques amateurs", kind=ActivityKind.amateur_event, venue=rows["theatre_commune"],
        disciplines=d("pluridisciplinaire"), is_free=True)
    rows["festival"].timings.append(_timing(now + timedelta(days=30)))
    rows["salle"] = make_resource(
        title="Salle de répétition rock", kind=ResourceKind.rehearsal_room, venue=rows["studio"],
        disciplines=d("musiques-actuelles"), price_min=15, price_period=PricePeriod.hour)
    # Never searchable: draft, archived, hidden for staleness.
    rows["draft"] = make_venue(name="Théâtre en brouillon", moderation_status=ModerationStatus.draft,
                               commune_code="93048", location=point(*MONTREUIL))
    rows["archived"] = make_activity(title="Théâtre archivé", archived_at=now, venue=rows["studio"])
    rows["stale"] = make_activity(title="Théâtre oublié", venue=rows["studio"],
                                  last_verified_at=now - timedelta(days=3 * 365))
    session.flush()
    return rows


def _timing(begins: datetime):
    from portal.activities.models import ActivityTiming

    return ActivityTiming(begins_at=begins, ends_at=begins + timedelta(hours=3))


def index_all(session, backend, rows: dict) -> list[dict]:
    documents = []
    for listing_type, model_rows in (("venue", [r for r in rows.values() if r.__tablename__ == "venue"]),
                                     ("activity", [r for r in rows.values() if r.__tablename__ == "activity"]),
                                     ("resource", [r for r in rows.values() if r.__tablename__ == "resource"])):
        documents += load_documents(session, listing_type, [r.id for r in model_rows])
    backend.index(documents)
    return documents
