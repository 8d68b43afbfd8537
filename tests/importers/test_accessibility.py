"""Accessibility phrases partners write → the columns of each listing type, and notes."""
import pytest

from importers.accessibility import resolve_accessibility
from portal.listings.enums import ListingType


def _set(listing_type, phrases):
    found = resolve_accessibility(listing_type, phrases)
    return {column for column, flag in found.columns.items() if flag}, found.notes


@pytest.mark.parametrize(("phrases", "venue", "activity"), [
    (["Accès fauteuil"], {"access_motor"}, {"access_motor"}),
    (["Accessible aux personnes à mobilité réduite"], {"access_motor"}, {"access_motor"}),
    (["PMR"], {"access_motor"}, {"access_motor"}),
    (["moteur", "visuel", "auditif", "psychique"],   # OpenAgenda's families, as its reader gives them
     {"access_motor", "access_visual", "access_hearing", "access_mental"},
     {"access_motor", "access_visual", "access_hearing", "access_mental"}),
    (["Sous-titrage"], {"access_hearing"}, {"access_hearing", "has_subtitles"}),
    (["Audiodescription"], {"access_visual"}, {"access_visual", "has_audio_description"}),
    (["FALC"], {"access_mental"}, {"access_mental", "has_easy_read"}),
    (["Boucle magnétique"], {"access_hearing"}, {"access_hearing", "has_hearing_loop"}),
    (["Entrée de plain-pied", "Ascenseur", "Toilettes adaptées", "Parking PMR"],
     {"step_free_entrance", "has_lift", "accessible_toilets", "accessible_parking"}, set()),
])
def test_known_words_set_the_columns_of_each_listing_type(phrases, venue, activity):
    assert _set(ListingType.venue, phrases)[0] == venue
    assert _set(ListingType.activity, phrases)[0] == activity


def test_what_a_type_cannot_hold_or_the_vocabulary_does_not_know_is_kept_as_notes():
    # A venue has no LSF nor hearing-loop column: the family is set, the words are kept.
    assert _set(ListingType.venue, ["LSF", "Boucle magnétique", "PMR"]) == (
        {"access_hearing", "access_motor"}, "LSF ; Boucle magnétique")
    # An activity has no lift: kept, not dropped.
    assert _set(ListingType.activity, ["Ascenseur"]) == (set(), "Ascenseur")
    # Detail beyond the known words is kept whole beside the flag it sets.
    columns, notes = _set(ListingType.venue, ["Rampe amovible sur demande à l'accueil"])
    assert columns == {"step_free_entrance"} and notes == "Rampe amovible sur demande à l'accueil"
    assert _set(ListingType.venue, ["Visite tactile", "Oui"]) == (set(), "Visite tactile ; Oui")
    # A resource keeps everything as notes.
    assert _set(ListingType.resource, ["PMR"]) == (set(), "PMR")


def test_two_letter_words_are_not_read_as_codes():
    assert _set(ListingType.activity, ["mi-temps"]) == (set(), "mi-temps")


def test_activity_services_are_false_when_not_said_and_families_unknown():
    columns = resolve_accessibility(ListingType.activity, ["PMR"]).columns
    assert columns["has_lsf"] is False and columns["access_visual"] is None


@pytest.mark.parametrize(("phrase", "venue"), [
    ("Pas d'ascenseur", {"has_lift": False}),
    ("Non accessible aux fauteuils roulants", {"access_motor": False}),
    ("Accès PMR : non", {"access_motor": False}),
    ("Accessible sauf fauteuil", {}),            # unsure: kept as notes, no flag either way
    ("Accessible sans aide", {}),
    ("Places adaptées en salle", {}),            # seats, not a car park
    ("Fauteuils confortables", {}),              # armchairs, not wheelchairs
    ("Espace détente relax", {}),
])
def test_negations_and_look_alikes_never_set_a_yes(phrase, venue):
    found = resolve_accessibility(ListingType.venue, [phrase])
    assert {column: flag for column, flag in found.columns.items() if flag is not None} == venue
    assert found.notes == phrase


def test_a_yes_no_column_answers_for_its_header():
    said_yes = resolve_accessibility(ListingType.venue, ["Oui"], header="Accès PMR")
    assert said_yes.columns["access_motor"] is True and said_yes.notes is None
    said_no = resolve_accessibility(ListingType.venue, ["non"], header="Accès PMR")
    assert said_no.columns["access_motor"] is False and said_no.notes == "Accès PMR : non"
    vague = resolve_accessibility(ListingType.venue, ["Oui"], header="Accessibilité")
    assert set(vague.columns.values()) == {None} and vague.notes == "Oui"
