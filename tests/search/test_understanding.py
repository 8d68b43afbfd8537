"""Words that mean filters: gratuit, ado, mercredi, soir, près de <commune>."""
from search.understanding import CommuneMatch, understand

MONTREUIL = CommuneMatch("93048", "Montreuil", 2.44, 48.86)
SAINT_DENIS = CommuneMatch("93066", "Saint-Denis", 2.36, 48.93)
NAMES = {"montreuil": MONTREUIL, "saint denis": SAINT_DENIS}


def lookup(phrase):
    return NAMES.get(phrase)


def test_free_teenagers_weekday_and_place_are_understood():
    meaning = understand("théâtre gratuit pour ado le mercredi près de Montreuil", lookup)
    assert meaning.text == "théâtre"
    assert meaning.free is True
    assert meaning.age_range == (12, 17)
    assert meaning.weekdays == [2]
    assert meaning.commune == MONTREUIL and meaning.radius_km == 5.0


def test_a_bare_commune_name_of_several_words_is_a_place():
    meaning = understand("chorale saint-denis", lookup)
    assert meaning.commune == SAINT_DENIS and meaning.text == "chorale"


def test_periods_and_plural_weekdays():
    meaning = understand("danse les samedis après-midi", lookup)
    assert meaning.weekdays == [5] and meaning.day_periods == ["afternoon"] and meaning.text == "danse"


def test_plain_text_is_left_untouched():
    assert understand("Atelier d'écriture ", lookup).text == "Atelier d'écriture"
    assert understand("hip-hop", lookup).commune is None


def test_without_a_lookup_no_place_is_guessed():
    assert understand("danse montreuil").commune is None
