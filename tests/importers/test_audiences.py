"""Audience phrases partners write → audience codes, an age range, and what stays a free tag."""
import pytest

from importers.audiences import resolve_audiences

EVERYONE = ("children", "teenagers", "young_adults", "adults", "seniors", "families")


@pytest.mark.parametrize(("phrases", "codes"), [
    (["Enfants"], ("children",)),
    (["Ados / adultes"], ("teenagers", "adults")),
    (["Adultes et seniors"], ("adults", "seniors")),
    (["Jeunes adultes"], ("young_adults",)),          # not "jeunes" (teenagers too)
    (["Parents-enfants"], ("families",)),
    (["Tout public"], EVERYONE),
    (["Tous âges"], EVERYONE),
    (["adults", "seniors"], ("adults", "seniors")),   # the published codes themselves
    (["young_adults"], ("young_adults",)),
    (["Jeunesse"], ("children", "teenagers")),        # a library's section
])
def test_words_give_audiences(phrases, codes):
    found = resolve_audiences(phrases)
    assert found.codes == codes and found.left == ()


@pytest.mark.parametrize(("phrase", "codes", "ages"), [
    ("6-11 ans", ("children",), (6, 11)),
    ("de 6 à 11 ans", ("children",), (6, 11)),
    ("dès 16 ans", ("teenagers", "young_adults", "adults", "seniors"), (16, None)),
    ("8 ans et +", ("children", "teenagers", "young_adults", "adults", "seniors"), (8, None)),
    ("+ de 60 ans", ("adults", "seniors"), (60, None)),
    ("moins de 12 ans", ("children",), (None, 11)),
    ("jusqu'à 12 ans", ("children", "teenagers"), (None, 12)),
    ("Enfants (6-11 ans)", ("children",), (6, 11)),    # a word wins over the ages' audiences
])
def test_age_ranges_give_ages_and_the_audiences_they_cover(phrase, codes, ages):
    found = resolve_audiences([phrase])
    assert found.codes == codes
    assert (found.age_min, found.age_max) == ages


def test_unknown_phrases_are_returned_whole_to_be_kept_as_tags():
    found = resolve_audiences(["Public scolaire", "Enfants", "Personnes en situation de handicap"])
    assert found.codes == ("children",)
    assert found.left == ("Public scolaire", "Personnes en situation de handicap")


def test_ages_of_several_phrases_widen_the_range():
    found = resolve_audiences(["6-11 ans", "12-15 ans"])
    assert (found.age_min, found.age_max) == (6, 15)
    assert resolve_audiences(["6-11 ans", "dès 16 ans"]).age_max is None


@pytest.mark.parametrize(("phrases", "ages"), [
    (["3-6 ans et 7-11 ans"], (3, 11)),                  # several ranges widen
    (["dès 8 ans et moins de 12 ans"], (8, 11)),         # two bounds close
    (["dès 8 ans", "moins de 12 ans"], (8, 11)),
    (["12/17 ans"], (12, 17)),
    (["moins de 150 ans"], (None, None)),                # not an age: kept as written
    (["de 200 à 300 ans"], (None, None)),
    (["Stage des 10 ans de l'association"], (None, None)),  # "des", not "dès"
])
def test_age_phrases_are_read_whole_and_never_beyond_human_ages(phrases, ages):
    found = resolve_audiences(phrases)
    assert (found.age_min, found.age_max) == ages
    if ages == (None, None):
        assert found.left == tuple(phrases) and found.codes == ()
