import pytest

from importers.kinds import resolve_kind
from portal.listings.enums import ActivityKind, ListingType, VenueKind


@pytest.mark.parametrize(("word", "kind"), [
    ("Médiathèque", VenueKind.library),
    ("Cinéma d'art et essai", VenueKind.cinema),
    ("Théâtre municipal", VenueKind.theatre),
    ("Community theater", VenueKind.theatre),
    ("Salle de spectacle", VenueKind.theatre),
    ("Movie theater", VenueKind.cinema),
    ("Ecole de musique", VenueKind.school),
    ("theatre", VenueKind.theatre),  # a Boussole value as is
])
def test_partner_words_for_venues(word, kind):
    assert resolve_kind(ListingType.venue, word) is kind


@pytest.mark.parametrize(("word", "kind"), [
    ("Stage intensif", ActivityKind.short_course),
    ("La chorale recrute", ActivityKind.recruiting_group),
    ("Scène ouverte", ActivityKind.open_practice),
    ("amateur_event", ActivityKind.amateur_event),
])
def test_partner_words_for_activities(word, kind):
    assert resolve_kind(ListingType.activity, word) is kind


def test_an_unknown_word_leaves_the_choice_to_the_import():
    assert resolve_kind(ListingType.venue, "Kiosque") is None
