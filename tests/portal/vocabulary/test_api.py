from sqlalchemy import func, select

from portal.vocabulary.api import load_disciplines
from portal.vocabulary.models import Discipline


def test_vocabulary_has_two_levels_and_reloads_without_change(db_session):
    families = db_session.scalar(select(func.count()).where(Discipline.parent_id.is_(None)))
    assert families == 11
    chant = db_session.scalar(select(Discipline).where(Discipline.slug == "chant-chorale"))
    assert chant.parent.label_fr == "Musique"
    assert "chœur" in chant.synonyms
    assert load_disciplines(db_session) == 0


def test_a_changed_label_is_updated(db_session):
    chant = db_session.scalar(select(Discipline).where(Discipline.slug == "chant-chorale"))
    chant.label_fr = "autre"
    db_session.flush()
    assert load_disciplines(db_session) == 1
    assert chant.label_fr == "Chant & chorale"
