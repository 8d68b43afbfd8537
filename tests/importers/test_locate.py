"""Where a row is when its commune name alone is ambiguous (« Saint-Denis », « Montreuil »):
told by its point, else by the département of the file's other rows, else said so."""
from sqlalchemy import text

from tests.importers.helpers import run_import
from tests.support.fake_ban import FakeBan


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


def test_a_point_tells_same_named_communes_apart_anywhere_in_france(app, db_session, tmp_path):
    """Outside the boundaries loaded commune by commune, the département the point lies in
    decides (Saint-Denis de La Réunion, not the only Saint-Denis of the portal's territory)."""
    path = tmp_path / "homonymes.csv"
    path.write_text("id;nom;commune;latitude;longitude\n1;Maloya;Saint-Denis;-20.8823;55.4504\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="homonymes")
    stored = _stored(db_session, "homonymes")
    assert stored["Maloya"] == ("97411", "given")
    assert "ce nom" not in _warnings(run).get(2, "")


def test_a_partner_point_far_from_its_commune_is_kept_and_flagged(app, db_session, tmp_path):
    """A cinema of Bollène (Vaucluse) whose point lies near Nice: both kept, the report says so.
    An island's library just off the simplified coast of its département is not flagged."""
    path = tmp_path / "cinemas.csv"
    path.write_text("id;nom;code INSEE;commune;latitude;longitude\n"
                    "1;Le Clap;84019;Bollène;43.974273;7.312365\n"
                    "2;Bibliothèque;29083;Île-de-Sein;48.0383;-4.8505\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="loin")
    assert _stored(db_session, "loin") == {"Le Clap": ("84019", "given"), "Bibliothèque": ("29083", "given")}
    warnings = _warnings(run)
    assert "Le point (43.97427, 7.31236) est à 128 km du département de Bollène (84), la commune déclarée : " \
           "les deux sont conservés, vérifiez les coordonnées ou la commune." in warnings[2]
    assert "km du" not in warnings.get(3, "")


def test_a_name_its_postal_code_contradicts_gives_way_to_the_code_and_says_so(app, db_session, tmp_path):
    path = tmp_path / "bibliotheques.csv"
    path.write_text("id;nom;code postal;commune\n1;Médiathèque;94400;Athis-Mons\n2;Médiathèque;17320;Marennes\n"
                    "3;Bibliothèque;93400;Saint-Ouen\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="contredits")
    warnings = _warnings(run)
    codes = dict(db_session.execute(text(
        "SELECT v.external_id, v.commune_code FROM venue v JOIN import_source s ON s.id = v.source_id "
        "WHERE s.name = 'contredits'")).all())
    assert codes == {"1": "94081", "2": "17219", "3": "93070"}  # Vitry, Marennes-Hiers-Brouage, Saint-Ouen-sur-Seine
    assert ("« Athis-Mons » n'a pas le code postal 94400 : Vitry-sur-Seine (94081) est retenue d'après le code "
            "postal, vérifiez la commune.") in warnings[2]
    assert "vérifiez la commune" not in warnings.get(3, "")  # Marennes' own former name: nothing to say
    assert "Saint-Ouen-sur-Seine (93070) est retenue d'après le code postal" in warnings[4]


def test_a_geocoder_answer_that_cannot_be_the_place_is_refused(app, db_session, tmp_path):
    """The geocoder's point is checked like a partner's: in France, in the declared commune, in
    its département; a refused answer leaves the commune centre, flagged. An answer for a row of
    unknown commune gives its commune; an answer at the commune level says so."""
    path = tmp_path / "adresses.csv"
    path.write_text("id;nom;adresse;code postal;commune\n"
                    "1;Zéro;1 rue Zero;93200;Saint-Denis\n"
                    "2;En mer;9 rue de la Mer;93200;Saint-Denis\n"
                    "3;Lyon;1 avenue Foch;93200;Saint-Denis\n"
                    "4;Sans commune;3 rue Lenain;;\n"
                    "5;Mairie;Place de la Mairie;93100;Montreuil\n"
                    "6;Paris;10 rue de Rivoli;75004;Paris\n", encoding="utf-8")
    known = {"1 rue zero": (0.0, 0.0, "housenumber", "93066"),
             "9 rue de la mer": (-5.0, 47.5, "housenumber", "93066"),
             "1 avenue foch": (4.8, 45.7, "housenumber", "69386"),
             "3 rue lenain": (2.4418, 48.8599, "housenumber", "93048"),
             "place de la mairie": (2.4397, 48.8610, "municipality", "93048"),
             "10 rue de rivoli": (2.3580, 48.8554, "housenumber", "75104")}
    with FakeBan(known) as ban:
        run = run_import(app, db_session, path, source="ban-douteux", config={"BAN_URL": ban.url})
    placed = {row[0]: row[1:] for row in db_session.execute(text(
        "SELECT v.external_id, v.commune_code, v.location_precision::text FROM venue v "
        "JOIN import_source s ON s.id = v.source_id WHERE s.name = 'ban-douteux'"))}
    assert placed == {"1": ("93066", "municipality"), "2": ("93066", "municipality"),
                      "3": ("93066", "municipality"), "4": ("93048", "address"), "5": ("93048", "municipality"),
                      "6": ("75056", "address")}  # an arrondissement's citycode is Paris
    warnings = _warnings(run)
    assert "Géocodage de « 1 rue Zero » écarté : le point trouvé est hors de France." in warnings[2]
    assert "Géocodage de « 9 rue de la Mer » écarté : le point trouvé est à" in warnings[3]
    assert "km du département de Saint-Denis (93)" in warnings[3]
    assert ("Géocodage de « 1 avenue Foch » écarté : l'adresse trouvée est à Lyon (69), pas à Saint-Denis (93)."
            in warnings[4])
    assert all("Position approximative : centre de la commune." in warnings[row] for row in (2, 3, 4))
    assert "Position approximative : le géocodeur n'a trouvé que la commune de « Place de la Mairie »." in warnings[6]
    # Paris, Lyon and Marseille: the BAN files addresses under arrondissements, so no city filter.
    sent = {row["address"]: row["citycode"] for request in ban.requests for row in request["rows"]}
    assert (sent["10 rue de Rivoli"], sent["1 rue Zero"]) == ("", "93066")


def test_a_down_geocoder_keeps_the_points_it_found_before(app, db_session, tmp_path):
    from tests.support.services import free_port

    path = tmp_path / "adresses.csv"
    path.write_text("id;nom;adresse;code postal;commune\n1;Atelier;3 rue Lenain;93100;Montreuil\n", encoding="utf-8")
    with FakeBan({"3 rue lenain": (2.4418, 48.8599, "housenumber", "93048")}) as ban:
        first = run_import(app, db_session, path, source="ban-panne", config={"BAN_URL": ban.url})
    assert first.created_count == 1
    again = run_import(app, db_session, path, source="ban-panne",
                       config={"BAN_URL": f"http://127.0.0.1:{free_port()}", "BAN_TIMEOUT": 2})
    assert (again.updated_count, again.unchanged_count) == (0, 1)
    point = db_session.execute(text(
        "SELECT round(ST_X(location::geometry)::numeric, 4), location_precision::text FROM venue "
        "WHERE source_id = (SELECT id FROM import_source WHERE name = 'ban-panne')")).one()
    assert (float(point[0]), point[1]) == (2.4418, "address")


def test_what_cannot_tell_the_commune_says_why(app, db_session, tmp_path):
    """A postal code shared by several communes names them; a point in a commune of the same
    name as the declared one (another département) says which is which."""
    path = tmp_path / "codes.csv"
    path.write_text("id;nom;code postal;commune;latitude;longitude\n"
                    "1;Salle;95000;;;\n"
                    "2;Chorale;97400;Saint-Denis;48.9356;2.3539\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="pourquoi")
    warnings = _warnings(run)
    assert "Le code postal 95000 est celui de" in warnings[2] and "Cergy" in warnings[2]
    assert "précisez la commune ou le code INSEE" in warnings[2]
    assert ("Le point est situé à Saint-Denis (93), pas à Saint-Denis (974) (commune déclarée) : les deux sont "
            "conservées.") in warnings[3]
