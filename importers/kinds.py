"""Partner words for kinds, levels and statuses ("Médiathèque", "stage", "complet") → our enums.

An exact enum value is accepted as is; otherwise the word said first decides; nothing
found gives None, and the caller keeps its default.
"""
from __future__ import annotations

import re
from functools import lru_cache

from portal.listings.enums import ActivityKind, ActivityStatus, Level, ListingType, ResourceKind, VenueKind

VENUE_KIND_WORDS = {
    "biblioth": VenueKind.library, "médiath": VenueKind.library, "mediath": VenueKind.library,
    "library": VenueKind.library, "ciné": VenueKind.cinema, "cine": VenueKind.cinema, "movie": VenueKind.cinema,
    "conservatoire": VenueKind.conservatoire, "théâtre": VenueKind.theatre, "theatre": VenueKind.theatre,
    "theater": VenueKind.theatre, "salle de spectacle": VenueKind.theatre,
    "studio": VenueKind.rehearsal_studio, "salle de répét": VenueKind.rehearsal_studio,
    "salle de repet": VenueKind.rehearsal_studio, "centre culturel": VenueKind.cultural_centre,
    "mjc": VenueKind.cultural_centre, "école": VenueKind.school, "ecole": VenueKind.school,
    "school": VenueKind.school,
}
ACTIVITY_KIND_WORDS = {
    "stage": ActivityKind.short_course, "essai": ActivityKind.trial_session,
    "recrut": ActivityKind.recruiting_group, "chorale": ActivityKind.recruiting_group,
    "troupe": ActivityKind.recruiting_group, "jam": ActivityKind.open_practice,
    "scène ouverte": ActivityKind.open_practice, "bal": ActivityKind.open_practice,
    "spectacle": ActivityKind.amateur_event, "festival": ActivityKind.amateur_event,
    "concert": ActivityKind.amateur_event, "rencontre": ActivityKind.amateur_event,
}
RESOURCE_KIND_WORDS = {
    "salle": ResourceKind.rehearsal_room, "studio": ResourceKind.rehearsal_room,
    "répét": ResourceKind.rehearsal_room, "prêt": ResourceKind.equipment_loan,
    "aide": ResourceKind.funding, "subvention": ResourceKind.funding, "financement": ResourceKind.funding,
    "formation": ResourceKind.training, "réseau": ResourceKind.network, "fédération": ResourceKind.network,
}
LEVEL_WORDS = {"débutant": Level.beginner, "intermédiaire": Level.intermediate, "confirmé": Level.advanced,
               "avancé": Level.advanced, "tous": Level.all_levels}
STATUS_WORDS = {"complet": ActivityStatus.full, "annul": ActivityStatus.cancelled,
                "report": ActivityStatus.postponed}

# Short words that are whole words only (« bal », not « ballet » or « cymbales »); the others
# are word starts (« biblioth », « recrut »). None matches inside a word (« Benjamins »).
WHOLE_WORDS = {"bal", "jam", "essai", "aide", "prêt", "tous", "mjc"}

# Which words to look for, per resolver: (enum, (word, member) pairs), hashable for the cache.
VOCABULARIES = {
    ListingType.venue: (VenueKind, tuple(VENUE_KIND_WORDS.items())),
    ListingType.activity: (ActivityKind, tuple(ACTIVITY_KIND_WORDS.items())),
    ListingType.resource: (ResourceKind, tuple(RESOURCE_KIND_WORDS.items())),
    "level": (Level, tuple(LEVEL_WORDS.items())),
    "status": (ActivityStatus, tuple(STATUS_WORDS.items())),
}


def _match(value, vocabulary):
    if value in (None, ""):
        return None
    return _match_text(str(value).strip().lower(), vocabulary)


@lru_cache(maxsize=4096)  # a file repeats the same few words on every row
def _match_text(lowered: str, vocabulary):
    enum_cls, words = VOCABULARIES[vocabulary]
    for member in enum_cls:
        if lowered == member.value:
            return member
    found = [(match.start(), member) for word, member in words if (match := _pattern(word).search(lowered))]
    # The word said first decides: « Concert de la chorale » is a concert.
    return min(found, key=lambda pair: pair[0])[1] if found else None


@lru_cache(maxsize=None)
def _pattern(word: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(word) + (r"s?(?!\w)" if word in WHOLE_WORDS else ""))


def resolve_kind(listing_type: ListingType, value):
    return _match(value, listing_type)


def resolve_level(value):
    return _match(value, "level")


def resolve_status(value):
    return _match(value, "status")


# An agenda's event that names no kind: a workshop or class by these words, a series of them
# from RECURRING occurrences.
WORKSHOP = re.compile(r"\b(?:atelier|cours|initiation|masterclass|master class|workshop)s?\b", re.IGNORECASE)
RECURRING = 3  # occurrences from which an event is a series (a weekly workshop), not a one-off


def event_kind(title: str | None, occurrences: int) -> str:
    """What an agenda's event is, for the activity kinds: what its title says (« stage »,
    « concert », « scène ouverte »…), else a workshop or class (« atelier », « cours »): a
    series when it recurs, a short course when it is once or twice; else an amateur event."""
    named = resolve_kind(ListingType.activity, title)
    if named is not None:
        return named.value
    if title and WORKSHOP.search(title):
        return "regular_class" if occurrences >= RECURRING else "short_course"
    return "regular_class" if occurrences >= RECURRING else "amateur_event"
