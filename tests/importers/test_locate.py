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
    assert "ce nom" not in warnings.get(3, "") and "désigne" not in warnings.get(3, "")


def test_an_ambiguous_name_alone_is_read_on_the_portal_s_territory_else_the_candidates_are_named(
        app, db_session, tmp_path):
    path = tmp_path / "deux_lignes.csv"
    path.write_text("id;nom;commune\n1;Chorale du Landy;Saint-Denis\n2;Salle Paris;Paris\n"
                    "3;Église;Saint-Pierre\n4;Ferme;Marolles-en-Brie\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="sans-contexte")
    stored = _stored(db_session, "sans-contexte")
    assert stored["Chorale du Landy"] == ("93066", "municipality")  # the only Saint-Denis of Île-de-France
    warnings = _warnings(run)
    assert "lue comme Saint-Denis (93), la seule de ce nom sur le territoire du portail" in warnings[2]
    assert stored["Église"] == (None, None)  # nine Saint-Pierre, none in Île-de-France
    assert "« Saint-Pierre » désigne 9 communes (Saint-Pierre (04), Saint-Pierre (15)" in warnings[4]
    assert stored["Ferme"] == (None, None)  # one in Seine-et-Marne, one in Val-de-Marne
    assert "Marolles-en-Brie (77)" in warnings[5] and "Marolles-en-Brie (94)" in warnings[5]
    assert "« Marolles-en-Brie » désigne 2 communes" in warnings[5]
    assert "Commune non reconnue" not in " ".join(warnings.values())


def test_a_point_tells_which_of_the_same_named_communes_without_a_warning(app, db_session, tmp_path):
    # Montreuil (93) town hall; the file gives no other row to guess from.
    path = tmp_path / "point.csv"
    path.write_text("id;nom;commune;latitude;longitude\n1;Studio D;Montreuil;48.8620;2.4430\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="avec-point")
    assert _stored(db_session, "avec-point")["Studio D"] == ("93048", "given")
    assert "ce nom" not in _warnings(run).get(2, "") and "désigne" not in _warnings(run).get(2, "")


def test_a_postal_code_settles_the_name_and_a_foreign_majority_does_not_pull_it(app, db_session, tmp_path):
    path = tmp_path / "reunion.csv"
    path.write_text("id;nom;commune;code postal\n1;Conservatoire;Saint-Denis;97400\n2;Salle A;Bobigny;\n"
                    "3;Salle B;Pantin;\n4;Salle C;Bondy;\n", encoding="utf-8")
    run_import(app, db_session, path, source="reunion")
    assert _stored(db_session, "reunion")["Conservatoire"][0] == "97411"


def test_no_guess_against_a_postal_code_or_against_the_file_s_own_departement(app, db_session, tmp_path):
    path = tmp_path / "reunion_et_93.csv"
    path.write_text("id;nom;commune;code postal\n1;Salle A;Bobigny;\n2;Salle B;Pantin;\n3;Salle C;Bondy;\n"
                    "4;Salle D;Drancy;\n5;Conservatoire;Saint-Denis;97743\n6;Harmonie;Montreuil;62170\n",
                    encoding="utf-8")
    run_import(app, db_session, path, source="codes-contraires")
    stored = _stored(db_session, "codes-contraires")
    assert stored["Conservatoire"][0] != "93066" and stored["Harmonie"][0] != "93048"
    reunion = tmp_path / "reunion.csv"
    reunion.write_text("id;nom;commune\n1;Salle A;Cilaos\n2;Salle B;Salazie\n3;Maison;Saint-Denis\n",
                       encoding="utf-8")
    run = run_import(app, db_session, reunion, source="reunion-seule")
    assert _stored(db_session, "reunion-seule")["Maison"][0] != "93066"
    assert "territoire du portail" not in _warnings(run).get(4, "")


def test_an_insee_code_the_commune_and_postal_code_contradict_is_not_taken_silently(app, db_session, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Identifiant;Nom;Code postal;Commune;Code INSEE\n"
                    "I1;MJC Montreuil;93100;Montreuil;93010\n"        # Bondy's code
                    "I2;École de musique d'Avon;77210;Avon;77210\n"   # the postal code typed as INSEE
                    "I3;Salle Hoche;;Pantin;93010\n"                  # no postal code to settle it
                    "I4;Studio Aria;93500;Pantin;93055\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="codes")
    stored = _stored(db_session, "codes")
    assert stored["MJC Montreuil"][0] == "93048" and stored["École de musique d'Avon"][0] == "77014"
    assert stored["Salle Hoche"][0] == "93010"
    warnings = _warnings(run)
    assert "Le code INSEE 93010 est celui de Bondy, pas de « Montreuil » (93100) : Montreuil (93048) est retenue" \
        in warnings[2]
    assert "Le code INSEE 93010 est celui de Bondy, pas de « Pantin » : le code INSEE est retenu" in warnings[4]
    assert "INSEE" not in warnings.get(5, "")
