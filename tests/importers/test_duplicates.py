import json

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


def _two_sources(app, db_session, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("id,nom,adresse,commune,latitude,longitude\n"
                     "x,Médiathèque Robert Desnos,14 boulevard Rouget de Lisle,Montreuil,48.8614,2.4431\n"
                     "w,Salle des fêtes,2 rue de Paris,Montreuil,48.8500,2.4200\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("id,nom,adresse,commune,latitude,longitude\n"
                      "y,Mediatheque Robert-Desnos,14 bd Rouget de Lisle,Montreuil,48.8616,2.4434\n"
                      "v,Salle des fetes municipale,2 rue de Paris,Montreuil,48.8501,2.4201\n", encoding="utf-8")
    run_import(app, db_session, first, source="source-a")
    run_import(app, db_session, second, source="source-b")
    return second


def _ids(db_session):
    return dict(db_session.execute(text("SELECT external_id, id FROM venue WHERE external_id IN ('x','y','w','v')")).all())


def test_a_reviewer_lists_merges_and_dismisses_candidates_from_the_command_line(app, db_session, tmp_path, client):
    second = _two_sources(app, db_session, tmp_path)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["import", "duplicates"])
    assert listed.exit_code == 0, listed.output
    assert "Médiathèque Robert Desnos" in listed.output and "Mediatheque Robert-Desnos" in listed.output
    assert "source source-a" in listed.output and "source source-b" in listed.output
    rows = json.loads(runner.invoke(args=["import", "duplicates", "--json"]).output)
    by_name = {row["first_name"]: row for row in rows}
    library, hall = by_name["Médiathèque Robert Desnos"], by_name["Salle des fêtes"]
    ids = _ids(db_session)

    refused = runner.invoke(args=["import", "merge", str(library["id"]), "--keep", str(ids["w"])])
    assert refused.exit_code == 1 and "l'un des deux" in refused.output
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE merged_into_id IS NOT NULL")).scalar_one() == 0

    merged = runner.invoke(args=["import", "merge", str(library["id"]), "--keep", str(ids["x"])])
    assert merged.exit_code == 0 and "fusionné" in merged.output
    page = client.get(f"/lieux/{ids['y']}")
    assert page.status_code == 301 and page.headers["Location"].split("/")[-1].startswith(f"{ids['x']}-")
    again = runner.invoke(args=["import", "merge", str(library["id"]), "--keep", str(ids["x"])])
    assert again.exit_code == 1 and "déjà été traité" in again.output

    dismissed = runner.invoke(args=["import", "dismiss", str(hall["id"])])
    assert dismissed.exit_code == 0 and "écarté" in dismissed.output
    assert "Aucun doublon possible en attente." in runner.invoke(args=["import", "duplicates"]).output
    # A later import of the same pair does not propose it again.
    second.write_text(second.read_text(encoding="utf-8").replace("municipale", "municipale de Montreuil"),
                      encoding="utf-8")
    run_import(app, db_session, second, source="source-b")
    assert "Aucun doublon possible en attente." in runner.invoke(args=["import", "duplicates"]).output
    missing = runner.invoke(args=["import", "dismiss", "999999"])
    assert missing.exit_code == 1 and "Aucun doublon possible n° 999999" in missing.output


def test_merging_the_survivor_of_an_earlier_merge_redirects_both_to_the_last_one(app, db_session, tmp_path):
    from importers.duplicates import decide

    _two_sources(app, db_session, tmp_path)
    third = tmp_path / "c.csv"
    third.write_text("id,nom,adresse,commune,latitude,longitude\n"
                     "u,Médiathèque R. Desnos,14 boulevard Rouget de Lisle,Montreuil,48.8615,2.4432\n", encoding="utf-8")
    run_import(app, db_session, third, source="source-c")
    ids = _ids(db_session)
    ids["u"] = db_session.execute(text("SELECT id FROM venue WHERE external_id = 'u'")).scalar_one()

    def candidate(a, b):
        return db_session.execute(text("SELECT id FROM duplicate_candidate WHERE first_id = least(:a, :b) "
                                       "AND second_id = greatest(:a, :b)"), {"a": a, "b": b}).scalar_one()

    decide(db_session, candidate(ids["x"], ids["y"]), ids["x"])      # y → x
    decide(db_session, candidate(ids["x"], ids["u"]), ids["u"])      # x → u
    targets = dict(db_session.execute(text("SELECT external_id, merged_into_id FROM venue WHERE external_id IN "
                                           "('x', 'y')")).all())
    assert targets == {"x": ids["u"], "y": ids["u"]}


def test_activities_at_a_merged_place_stay_with_the_survivor_when_their_source_imports_again(app, db_session,
                                                                                             tmp_path):
    from importers.duplicates import decide
    from portal.listings.enums import ListingType

    places = tmp_path / "lieux.csv"
    places.write_text("id,nom,adresse,commune,latitude,longitude\n"
                      "L1,Maison de quartier Franc-Moisin,12 rue Danielle Casanova,Saint-Denis,48.9203,2.3641\n",
                      encoding="utf-8")
    run_import(app, db_session, places, source="lieux")
    agenda = tmp_path / "agenda.json"
    agenda.write_text(json.dumps({"events": [
        {"uid": 1, "title": {"fr": "Atelier chant"}, "timings": [{"begin": "2026-12-05T14:00:00+01:00"}],
         "location": {"name": "Maison de quartier Franc Moisin", "address": "12 rue Danielle Casanova",
                      "postalCode": "93200", "city": "Saint-Denis", "latitude": 48.9204, "longitude": 2.3642}}]}),
        encoding="utf-8")
    run_import(app, db_session, agenda, source="agenda", kind=ListingType.activity)
    [candidate] = db_session.scalars(select(DuplicateCandidate)).all()
    survivor = db_session.execute(text("SELECT id FROM venue WHERE external_id = 'L1'")).scalar_one()
    decide(db_session, candidate.id, survivor)
    venue_of = text("SELECT venue_id FROM activity WHERE external_id = '1'")
    assert db_session.execute(venue_of).scalar_one() == survivor
    queued = text("SELECT count(*) FROM search_outbox WHERE listing_type = 'activity'")
    assert db_session.execute(queued).scalar_one() >= 1  # found at its new place
    again = run_import(app, db_session, agenda, source="agenda", kind=ListingType.activity)
    assert (again.unchanged_count, again.updated_count) == (1, 0)  # the merge alone changes nothing
    assert db_session.execute(venue_of).scalar_one() == survivor
    rows = json.loads(app.test_cli_runner().invoke(args=["import", "duplicates", "--json"]).output)
    assert rows == []


def _import_pair(app, db_session, tmp_path, header, first_row, second_row, sources):
    """One row from each of two sources (`sources`), imported in turn; the second file's path."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"{header}\n{first_row}\n", encoding="utf-8")
    second.write_text(f"{header}\n{second_row}\n", encoding="utf-8")
    run_import(app, db_session, first, source=sources[0])
    run_import(app, db_session, second, source=sources[1])
    return second


def test_names_exactly_70_percent_alike_are_candidates(app, db_session, tmp_path):
    _import_pair(app, db_session, tmp_path, "id,nom,adresse,commune,latitude,longitude",
                 "x,Salle Pablo Neruda,3 rue Pablo Neruda,Bobigny,48.9080,2.4400",
                 "y,Salle P. Neruda,3 r. Neruda,Bobigny,48.9081,2.4401", ("seuil-a", "seuil-b"))
    similarity = db_session.execute(text("SELECT similarity('salle p. neruda', 'salle pablo neruda')::numeric")).scalar()
    assert float(similarity) == 0.7  # « ≥ 70 % » includes 70 %
    assert len(db_session.scalars(select(DuplicateCandidate)).all()) == 1


def test_the_same_address_however_abbreviated_makes_a_candidate_far_apart_names_and_points(app, db_session,
                                                                                            tmp_path):
    """Two sources name one hall differently and geocode it 300 m apart, but give one address in
    two spellings: a candidate « address ». Another number in the same street is not."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,nom,adresse,commune,latitude,longitude\n"
                     "x,Espace Paul Éluard,\"12, av. du Président Salvador-Allende\",Stains,48.9500,2.3800\n"
                     "w,Atelier du 14,14 avenue du President Salvador Allende,Stains,48.9400,2.3700\n",
                     encoding="utf-8")
    second.write_text("id,nom,adresse,commune,latitude,longitude\n"
                      "y,Salle municipale de spectacle,12 Avenue Président Salvador Allende,Stains,48.9527,2.3800\n",
                      encoding="utf-8")
    run_import(app, db_session, first, source="adresse-a")
    run_import(app, db_session, second, source="adresse-b")
    pairs = db_session.execute(text(
        "SELECT a.external_id, b.external_id, c.reason FROM duplicate_candidate c JOIN venue a ON a.id = c.first_id "
        "JOIN venue b ON b.id = c.second_id")).all()
    assert [(set(pair[:2]), pair[2]) for pair in pairs] == [({"x", "y"}, "address")]


def test_a_pair_whose_venue_was_archived_since_cannot_be_merged(app, db_session, tmp_path):
    """Merging into (or away from) a venue its source withdrew would leave no live page."""
    import pytest

    from importers.duplicates import ReviewError, decide

    first = tmp_path / "a.csv"
    first.write_text("id,nom,commune,latitude,longitude\nx,Médiathèque Robert Desnos,Montreuil,48.8614,2.4431\n",
                     encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("id,nom,commune,latitude,longitude\ny,Mediatheque Robert-Desnos,Montreuil,48.8616,2.4434\n",
                      encoding="utf-8")
    run_import(app, db_session, first, source="source-a")
    run_import(app, db_session, second, source="source-b")
    candidate = db_session.scalars(select(DuplicateCandidate)).one()
    db_session.execute(text("UPDATE venue SET archived_at = now() WHERE id = :id"), {"id": candidate.second_id})
    with pytest.raises(ReviewError, match="archivé ou déjà fusionné"):
        decide(db_session, candidate.id, candidate.second_id)
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE merged_into_id IS NOT NULL")).scalar_one() == 0


def test_venues_placed_at_their_commune_s_centre_are_not_near_each_other(app, db_session, tmp_path):
    """Without a point or an address, a venue is put at its commune's centre (flagged): two
    « Bibliothèque municipale » of two sources there are not « within 100 m ». Their addresses,
    when they give the same one, still make them candidates."""
    def load(source, header, row):
        path = tmp_path / f"{source}.csv"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        run_import(app, db_session, path, source=source)

    load("centre-a", "id,nom,commune", "x,Bibliothèque municipale,Bondy")
    load("centre-b", "id,nom,commune", "y,Bibliotheque municipale,Bondy")
    assert db_session.scalars(select(DuplicateCandidate)).all() == []
    load("centre-c", "id,nom,adresse,commune", "z,Bibliothèque municipale,1 place de la Mairie,Bondy")
    load("centre-d", "id,nom,adresse,commune", "w,Médiathèque,1 pl. de la Mairie,Bondy")
    assert [c.reason for c in db_session.scalars(select(DuplicateCandidate))] == ["address"]


def test_a_first_source_is_compared_with_venues_entered_by_hand(app, db_session, tmp_path):
    """No other source yet: the search is skipped only when no other live venue exists, and a
    venue entered by hand (no source) is one."""
    path = tmp_path / "a.csv"
    path.write_text("id,nom,adresse,commune,latitude,longitude\n"
                    "x,Médiathèque Robert Desnos,14 boulevard Rouget de Lisle,Montreuil,48.8614,2.4431\n",
                    encoding="utf-8")
    run_import(app, db_session, path, source="seule")
    assert db_session.scalars(select(DuplicateCandidate)).all() == []  # nothing to compare with
    db_session.execute(text(
        "INSERT INTO venue (name, slug, kind, commune_code, location, location_precision, moderation_status) "
        "SELECT 'Médiathèque Robert-Desnos', 'mediatheque-robert-desnos', kind, commune_code, location, "
        "location_precision, moderation_status FROM venue WHERE external_id = 'x'"))
    path.write_text("id,nom,adresse,commune,latitude,longitude\n"
                    "x,Médiathèque Robert Desnos,14 bd Rouget de Lisle,Montreuil,48.8614,2.4431\n", encoding="utf-8")
    run_import(app, db_session, path, source="seule")
    assert len(db_session.scalars(select(DuplicateCandidate)).all()) == 1


def test_a_survivor_takes_on_the_disciplines_of_the_venue_merged_into_it(app, db_session, tmp_path, client):
    """Théâtre from one source, danse from the other: after the merge the survivor's page and
    search show both, and a later change by the merged venue's source reaches the survivor."""
    from search.backends.base import SearchQuery
    from search.service import process_queue, search

    second = _import_pair(app, db_session, tmp_path, "id,nom,commune,latitude,longitude,disciplines",
                          "x,Espace Culturel Paul Éluard,Montreuil,48.8614,2.4431,Théâtre",
                          "y,Espace culturel Paul-Eluard,Montreuil,48.8615,2.4432,Danse", ("fusion-a", "fusion-b"))
    candidate = db_session.scalars(select(DuplicateCandidate)).one()
    keep = db_session.execute(text("SELECT id FROM venue WHERE external_id = 'x'")).scalar_one()
    merge(db_session, candidate, keep)
    process_queue(bind=db_session.connection())

    def found(discipline):
        return [hit.document["listing_id"] for hit in search(SearchQuery(disciplines=[discipline])).hits]

    assert keep in found("danse") and keep in found("theatre")
    slug = db_session.execute(text("SELECT slug FROM venue WHERE id = :id"), {"id": keep}).scalar_one()
    page = client.get(f"/lieux/{keep}-{slug}").get_data(as_text=True)
    assert "Danse" in page and "Théâtre" in page
    second.write_text("id,nom,commune,latitude,longitude,disciplines\n"
                      "y,Espace culturel Paul-Eluard,Montreuil,48.8615,2.4432,Chant choral\n", encoding="utf-8")
    run_import(app, db_session, second, source="fusion-b")
    process_queue(bind=db_session.connection())
    assert keep in found("chant-chorale") and keep not in found("danse")
