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
    ("Salle de répétition", VenueKind.rehearsal_studio),
    ("Cinémathèque", VenueKind.cinema),
])
def test_partner_words_for_venues(word, kind):
    assert resolve_kind(ListingType.venue, word) is kind


@pytest.mark.parametrize(("word", "kind"), [
    ("Stage intensif", ActivityKind.short_course),
    ("La chorale recrute", ActivityKind.recruiting_group),
    ("Scène ouverte", ActivityKind.open_practice),
    ("amateur_event", ActivityKind.amateur_event),
    ("Bal folk", ActivityKind.open_practice),
    ("Jam session du premier vendredi", ActivityKind.open_practice),
    ("Grands bals du samedi", ActivityKind.open_practice),
])
def test_partner_words_for_activities(word, kind):
    assert resolve_kind(ListingType.activity, word) is kind


def test_an_unknown_word_leaves_the_choice_to_the_import():
    assert resolve_kind(ListingType.venue, "Kiosque") is None


@pytest.mark.parametrize("title", ["Cours de danse classique (ballet) – enfants", "Atelier éveil musical des Benjamins",
                                   "Atelier cymbales et batterie", "Cours de danse orientale tribal fusion"])
def test_a_kind_word_inside_another_word_is_not_that_kind(title):
    assert resolve_kind(ListingType.activity, title) is None  # not a ball or a jam
