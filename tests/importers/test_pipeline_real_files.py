"""The two real partner exports, through the whole pipeline with the automatic mapping."""
from sqlalchemy import text

from importers.models import ImportItem, RunStatus
from tests.importers.helpers import run_import

LIBRARIES = "adresses_des_bibliotheques_publiques_prepared.csv"
CINEMAS = "etablissements-cinematographiques.csv"


def _in_93(session, source: str) -> tuple[int, int, set[str]]:
    declared = session.execute(text("""
        SELECT count(*) FROM venue v JOIN commune c ON c.insee_code = v.commune_code
        JOIN import_source s ON s.id = v.source_id WHERE s.name = :s AND c.departement_code = '93'
    """), {"s": source}).scalar_one()
    by_location = set(session.execute(text("""
        SELECT DISTINCT c.insee_code FROM venue v JOIN import_source s ON s.id = v.source_id
        JOIN commune c ON ST_Intersects(c.boundary, v.location::geometry)
        WHERE s.name = :s AND c.departement_code = '93'
    """), {"s": source}).scalars())
    located_in_93 = session.execute(text("""
        SELECT count(*) FROM venue v JOIN import_source s ON s.id = v.source_id
        JOIN commune c ON ST_Intersects(c.boundary, v.location::geometry)
        WHERE s.name = :s AND c.departement_code = '93'
    """), {"s": source}).scalar_one()
    return declared, located_in_93, by_location


def test_libraries_import_whole_then_unchanged(app, db_session, data_dir):
    path = data_dir / "partners" / LIBRARIES
    run = run_import(app, db_session, path, source="bibliotheques", constants={"kind": "bibliothèque"})
    assert run.status is RunStatus.succeeded, run.report_items[:3]
    assert (run.processed_rows, run.created_count, run.failed_count) == (15_702, 15_702, 0)
    assert run.mapping["nom_de_l_etablissement"] == "name"
    assert run.mapping["Code_bib"] == "external_id"

    declared, _, communes = _in_93(db_session, "bibliotheques")
    assert declared == 80
    assert len(communes) == 37
    assert "93014" not in communes and "93033" not in communes   # Clichy-sous-Bois, Gournay-sur-Marne
    clichy = db_session.execute(text(
        "SELECT id, commune_code, location_commune_code FROM venue WHERE name ILIKE '%Cyrano de Bergerac%' "
        "AND commune_code = '93014'"
    )).one()
    assert clichy.location_commune_code == "93046"                  # its point lies in Livry-Gargan
    warnings = db_session.scalar(text(
        "SELECT warnings::text FROM import_item WHERE run_id = :r AND listing_id = :l"
    ), {"r": run.id, "l": clichy.id})
    assert "Livry-Gargan" in warnings and "Clichy-sous-Bois" in warnings

    again = run_import(app, db_session, path, source="bibliotheques", constants={"kind": "bibliothèque"})
    assert (again.unchanged_count, again.created_count, again.updated_count) == (15_702, 0, 0)
    assert again.archived_count == 0
    assert db_session.query(ImportItem).filter_by(run_id=again.id).count() == 15_702


def test_cinemas_import_whole_then_unchanged(app, db_session, data_dir):
    path = data_dir / "partners" / CINEMAS
    run = run_import(app, db_session, path, source="cinemas", constants={"kind": "cinéma"})
    assert run.status is RunStatus.succeeded, run.report_items[:3]
    assert (run.created_count, run.failed_count) == (2_061, 0)
    assert run.mapping["code INSEE"] == "insee_code"
    declared, located, communes = _in_93(db_session, "cinemas")
    assert declared == 30 and located == 30
    assert len(communes) == 24
    paris = db_session.execute(text("SELECT commune_code FROM venue WHERE name = 'UGC NORMANDIE'")).scalar_one()
    assert paris == "75056"                                          # arrondissement code 75108 → Paris
    again = run_import(app, db_session, path, source="cinemas", constants={"kind": "cinéma"})
    assert again.unchanged_count == 2_061 and again.created_count == again.updated_count == 0
