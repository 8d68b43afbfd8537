"""Where a row is when its commune name alone is ambiguous (« Saint-Denis », « Montreuil »):
told by its point, else by the département of the file's other rows, else said so."""
from sqlalchemy import text

from tests.importers.helpers import run_import


def _stored(session, source):
    return {name: (code, precision) for name, code, precision in session.execute(text(
        "SELECT v.name, v.commune_code, v.location_precision::text FROM venue v "
        "JOIN import_source s ON s.id = v.source_id WHERE s.name = :source"), {"source": source})}


def _warnings(run):
    return {item["row_number"]: " ".join(item["warnings"]) for item in run.report_items}


def test_a_file_of_seine_saint_denis_reads_saint_denis_and_montreuil_as_its_own(app, db_session, tmp_path):
    path = tmp_path / "ateliers_93.csv"
    path.write_text("id;nom;commune\n1;Chorale du Landy;Saint-Denis\n2;Salle A;Bobigny\n3;Salle B;Pantin\n"
                    "4;Salle C;Bondy\n5;Studio D;Montreuil\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="ateliers-93")
    stored = _stored(db_session, "ateliers-93")
    assert stored["Chorale du Landy"] == ("93066", "municipality")
    assert stored["Studio D"] == ("93048", "municipality")
    warnings = _warnings(run)
    assert "lue comme Saint-Denis (93), le département des autres lignes du fichier" in warnings[2]
    assert "Précisez le code postal" in warnings[6]
    assert "plusieurs communes" not in warnings.get(3, "")


def test_an_ambiguous_name_alone_is_not_guessed_and_the_report_names_the_candidates(app, db_session, tmp_path):
    path = tmp_path / "deux_lignes.csv"
    path.write_text("id;nom;commune\n1;Chorale du Landy;Saint-Denis\n2;Salle Paris;Paris\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="sans-contexte")
    assert _stored(db_session, "sans-contexte")["Chorale du Landy"] == (None, None)
    warning = _warnings(run)[2]
    assert "« Saint-Denis » désigne plusieurs communes" in warning
    assert "Saint-Denis (93)" in warning and "Saint-Denis (974)" in warning
    assert "Commune non reconnue" not in warning


def test_a_point_tells_which_of_the_same_named_communes_without_a_warning(app, db_session, tmp_path):
    # Montreuil (93) town hall; the file gives no other row to guess from.
    path = tmp_path / "point.csv"
    path.write_text("id;nom;commune;latitude;longitude\n1;Studio D;Montreuil;48.8620;2.4430\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="avec-point")
    assert _stored(db_session, "avec-point")["Studio D"] == ("93048", "given")
    assert "plusieurs communes" not in _warnings(run).get(2, "")


def test_a_postal_code_settles_the_name_and_a_foreign_majority_does_not_pull_it(app, db_session, tmp_path):
    path = tmp_path / "reunion.csv"
    path.write_text("id;nom;commune;code postal\n1;Conservatoire;Saint-Denis;97400\n2;Salle A;Bobigny;\n"
                    "3;Salle B;Pantin;\n4;Salle C;Bondy;\n", encoding="utf-8")
    run_import(app, db_session, path, source="reunion")
    assert _stored(db_session, "reunion")["Conservatoire"][0] == "97411"
