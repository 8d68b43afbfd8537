"""Free-text disciplines → vocabulary slugs, the rest kept as the partner's own tags."""
import pytest

from importers.disciplines import match_disciplines
from portal.vocabulary.data import iter_disciplines

SLUGS = {slug for slug, *_ in iter_disciplines()}


@pytest.mark.parametrize(("value", "slugs", "tags"), [
    ("Musique / Musiques actuelles", ["musiques-actuelles"], []),  # a child makes the family redundant
    ("Théâtre", ["theatre-jeu"], []),
    ("Danse hip hop", ["danse-hip-hop"], []),
    ("Danse hip-hop + MAO", ["danse-hip-hop", "mao-electronique"], []),
    ("chorale; impro", ["chant-chorale", "improvisation"], []),
    ("BD", ["illustration-bd"], []),
    ("MUSIQUE", ["musique"], []),                                    # only the family named
    ("Musique et Danse", ["musique", "danse"], []),
    ("Chœur | Théâtre d'objets", ["chant-chorale", "marionnettes"], []),
    ("Arts du cirque et de la rue", ["cirque-rue"], []),             # " et " inside a label is not a split
    ("Danse rock", ["danse-salon"], []),                             # ambiguous synonym follows the family
    ("rock", ["musiques-actuelles"], []),
    ("Musique classique", ["musique"], ["Musique classique"]),       # not ballet: kept as the partner's words
    ("Atelier théâtre", ["theatre-jeu"], []),
    ("beatbox, Théâtre forum", ["theatre-jeu"], ["beatbox", "Théâtre forum"]),
    (["Peinture", "Céramique"], ["peinture", "ceramique"], []),
    ("", [], []),
    (None, [], []),
])
def test_match_disciplines(value, slugs, tags):
    assert match_disciplines(value) == (slugs, tags)


@pytest.mark.parametrize(("value", "slugs", "tags"), [
    # « musical » is any music, not musical theatre.
    ("Éveil musical", ["musique"], []),
    ("Atelier musical", ["musique"], []),
    ("Parcours musical", ["musique"], ["Parcours musical"]),
    ("Jardin musical", ["musique"], ["Jardin musical"]),
    ("Comédie musicale", ["comedie-musicale"], []),
    ("Comédies musicales", ["comedie-musicale"], []),
    ("Théâtre musical", ["comedie-musicale"], []),
    ("Conte musical", ["conte"], []),
    ("Initiation musicale", ["musique"], []),  # the feminine as the masculine
    ("Formation musicale", ["musique"], ["Formation musicale"]),
    ("Pratiques musicales collectives", ["musique"], ["Pratiques musicales collectives"]),
    ("Solfège", ["musique"], []),
    # « classique » and « contemporain » say a style of any art, not a dance.
    ("Guitare classique", ["instruments"], ["Guitare classique"]),
    ("Chant classique", ["chant-chorale"], ["Chant classique"]),
    ("Théâtre classique", ["theatre-jeu"], ["Théâtre classique"]),
    ("Danse classique", ["danse-classique"], []),
    ("Danse : classique", ["danse-classique"], []),
    ("Ballet", ["danse-classique"], []),
    ("Art contemporain", [], ["Art contemporain"]),
    ("Théâtre contemporain", ["theatre-jeu"], ["Théâtre contemporain"]),
    ("Écriture contemporaine", ["ecriture"], ["Écriture contemporaine"]),
    ("Danses contemporaines", ["danse-contemporaine"], []),
    # « groupe » is any group, not a rock band.
    ("Groupe de théâtre", ["theatre-jeu"], ["Groupe de théâtre"]),
    ("Groupe vocal", ["chant-chorale"], ["Groupe vocal"]),
    ("Groupe de rock", ["musiques-actuelles"], ["Groupe de rock"]),
    # « salon » is a fair or an exhibition, not ballroom dance.
    ("Salon du livre", [], ["Salon du livre"]),
    ("Danses de salon", ["danse-salon"], []),
])
def test_common_course_titles_are_not_filed_under_a_sub_discipline_by_one_broad_word(value, slugs, tags):
    assert match_disciplines(value) == (slugs, tags)


def test_every_vocabulary_label_matches_its_own_slug():
    for slug, label_fr, *_ in iter_disciplines():
        found, tags = match_disciplines(label_fr)
        assert tags == [], label_fr
        assert found and set(found) <= SLUGS, label_fr


def test_nothing_is_dropped_from_unknown_text():
    slugs, tags = match_disciplines("Kamishibaï ; Batucada ; Vidéo")
    assert slugs == ["orchestre-harmonie-fanfare", "cinema-video"]
    assert tags == ["Kamishibaï"]
