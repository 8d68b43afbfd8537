from sqlalchemy import select, text

from importers.duplicates import merge
from importers.models import DuplicateCandidate
from tests.importers.helpers import run_import


def test_same_place_from_two_sources_is_a_candidate_and_merging_redirects(app, db_session, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("id,nom,adresse,commune,latitude,longitude\n"
                     "x,Médiathèque Robert Desnos,14 boulevard Rouget de Lisle,Montreuil,48.8614,2.4431\n",
                     encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("id,nom,adresse,commune,latitude,longitude\n"
                      "y,Mediatheque Robert-Desnos,14 bd Rouget de Lisle,Montreuil,48.8616,2.4434\n"
                      "z,Cinéma Le Méliès,12 place Jean Jaurès,Montreuil,48.8619,2.4425\n",
                      encoding="utf-8")
    run_import(app, db_session, first, source="source-a")
    run_import(app, db_session, second, source="source-b")
    candidates = db_session.scalars(select(DuplicateCandidate)).all()
    assert len(candidates) == 1                      # Le Méliès is near but not similar
    candidate = candidates[0]
    assert candidate.name_similarity >= 0.7 and candidate.distance_m < 100
    keep = candidate.first_id
    merge(db_session, candidate, keep)
    gone = candidate.second_id
    assert db_session.execute(text("SELECT merged_into_id FROM venue WHERE id = :g"), {"g": gone}).scalar_one() == keep
    # Both provenances are kept: a re-import of source b updates its own (merged) row, creates nothing.
    again = run_import(app, db_session, second, source="source-b")
    assert again.created_count == 0
