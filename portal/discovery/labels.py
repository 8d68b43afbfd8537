"""Human labels of the closed vocabularies (enums, facets), translatable.

Kept in one place so that the facets, the result cards and the detail pages say the
same thing for the same value.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LISTING_TYPES = {"venue": _l("Lieu"), "activity": _l("Activité"), "resource": _l("Ressource")}

KINDS = {
    # venues
    "library": _l("Bibliothèque"), "cinema": _l("Cinéma"), "conservatoire": _l("Conservatoire"),
    "cultural_centre": _l("Centre culturel"), "theatre": _l("Théâtre"),
    "rehearsal_studio": _l("Studio de répétition"), "school": _l("École"), "other": _l("Autre"),
    # activities
    "regular_class": _l("Atelier, cours"), "short_course": _l("Stage"),
    "trial_session": _l("Séance d'essai"), "recruiting_group": _l("Groupe qui recrute"),
    "open_practice": _l("Pratique libre (jam, scène ouverte, bal)"),
    "amateur_event": _l("Événement amateur"),
    # resources
    "rehearsal_room": _l("Salle de répétition"), "equipment_loan": _l("Prêt de matériel"),
    "funding": _l("Aide financière"), "training": _l("Formation"), "advice": _l("Conseil, guide"),
    "network": _l("Réseau, fédération"),
}

AUDIENCES = {
    "children": _l("Enfants"), "teenagers": _l("Adolescents"), "young_adults": _l("Jeunes adultes"),
    "adults": _l("Adultes"), "seniors": _l("Seniors"), "families": _l("Familles, intergénérationnel"),
}

LEVELS = {
    "beginner": _l("Débutant"), "intermediate": _l("Intermédiaire"), "advanced": _l("Confirmé"),
    "all_levels": _l("Tous niveaux"),
}

PRICE_BANDS = {
    "free": _l("Gratuit"), "under_10": _l("Moins de 10 €"), "10_50": _l("10 à 50 €"),
    "50_200": _l("50 à 200 €"), "over_200": _l("Plus de 200 €"),
}

WEEKDAYS = [_l("lundi"), _l("mardi"), _l("mercredi"), _l("jeudi"), _l("vendredi"), _l("samedi"),
            _l("dimanche")]

DAY_PERIODS = {"morning": _l("Matin"), "afternoon": _l("Après-midi"), "evening": _l("Soir")}

ACCESSIBILITY = {
    "motor": _l("Handicap moteur"), "visual": _l("Handicap visuel"), "hearing": _l("Handicap auditif"),
    "mental": _l("Handicap mental ou cognitif"), "lsf": _l("Langue des signes (LSF)"),
    "audio_description": _l("Audiodescription"), "hearing_loop": _l("Boucle magnétique"),
    "easy_read": _l("Facile à lire et à comprendre (FALC)"), "subtitles": _l("Sous-titrage"),
    "relaxed": _l("Séance adaptée, calme"),
}

STATUSES = {"scheduled": _l("Programmé"), "full": _l("Complet"), "cancelled": _l("Annulé"),
            "postponed": _l("Reporté")}

PRICE_PERIODS = {"session": _l("la séance"), "hour": _l("l'heure"), "week": _l("la semaine"),
                 "month": _l("le mois"), "term": _l("le trimestre"), "season": _l("la saison"),
                 "year": _l("l'année"), "one_off": _l("une fois")}

SORTS = {"relevance": _l("Pertinence"), "distance": _l("Distance"), "date": _l("Date")}


def label(mapping: dict, value) -> str:
    """Label of a value (enum member or raw string); the raw value when unknown."""
    key = getattr(value, "value", value)
    return str(mapping.get(key, key)) if key is not None else ""
