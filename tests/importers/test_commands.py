import json
from pathlib import Path

from sqlalchemy import text

from tests.importers.helpers import fingerprint


def test_cli_run_with_report_profile_and_sources(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("ref;appellation;ville\nA1;Studio Tempo;Pantin\nA2;;Pantin\n", encoding="utf-8")
    runner = app.test_cli_runner()
    report = tmp_path / "report.json"
    result = runner.invoke(args=["import", "run", str(path), "--source", "cli", "--report", str(report),
                                 "--save-profile", "standard"])
    assert result.exit_code == 0, result.output
    assert "1 créées" in result.output and "1 en erreur" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["counts"]["created"] == 1
    assert [item["row_number"] for item in data["items"] if item["errors"]] == [3]
    profile = db_session.execute(text("SELECT name, mapping FROM import_profile")).one()
    assert profile.name == "standard" and profile.mapping["appellation"] == "name"

    result = runner.invoke(args=["import", "run", str(path), "--source", "cli", "--profile", "standard"])
    assert "1 inchangées" in result.output
    result = runner.invoke(args=["import", "run", str(path), "--source", "cli", "--profile", "inconnu"])
    assert result.exit_code == 1 and "profil" in result.output.lower()

    result = runner.invoke(args=["import", "run-one", str(path), "A1", "--source", "cli-one"])
    assert result.exit_code == 0 and "1 créées" in result.output
    result = runner.invoke(args=["import", "sources"])
    assert "cli\tvenue" in result.output


def test_cli_refuses_a_missing_file_clearly(app, db_session, tmp_path):
    result = app.test_cli_runner().invoke(args=["import", "run", str(tmp_path / "absent.csv"), "--source", "x"])
    assert result.exit_code == 1
    assert "introuvable" in result.output.lower() or "n'existe pas" in result.output.lower()


MEMBERS = "Nom;Libellé;Ville\nDupont;Chorale du Lundi;Pantin\nMartin;Atelier Théâtre Ados;Montreuil\n"


def test_mapping_preview_shows_each_column_with_its_field_and_examples_and_stores_nothing(app, db_session,
                                                                                           tmp_path):
    path = tmp_path / "membres.csv"
    path.write_text(MEMBERS, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "mapping", str(path)])
    assert result.exit_code == 0, result.output
    assert "séparateur « ; »" in result.output
    lines = {line.split("→")[0].strip(): line for line in result.output.splitlines() if "→" in line}
    assert "Nom / titre (name)" in lines["Nom"] and "Dupont | Martin" in lines["Nom"]
    assert "non utilisée" in lines["Libellé"] and "Chorale du Lundi" in lines["Libellé"]

    data = json.loads(runner.invoke(args=["import", "mapping", str(path), "--json", "--map", "Libellé=name",
                                          "--map", "nom="]).output)
    assert data["mapping"] == {"Libellé": "name", "Ville": "commune_name"} and data["corrected"]
    assert db_session.execute(text("SELECT count(*) FROM import_source")).scalar_one() == 0


def test_a_corrected_mapping_is_used_saved_and_reused_by_the_next_import(app, db_session, tmp_path):
    path = tmp_path / "membres.csv"
    path.write_text(MEMBERS, encoding="utf-8")
    runner = app.test_cli_runner()
    # The French label or the field name both work; the column is matched ignoring case and accents.
    result = runner.invoke(args=["import", "run", str(path), "--source", "chorales", "--map", "libelle=Nom / titre",
                                 "--map", "Nom=", "--save-profile", "corrigé"])
    assert result.exit_code == 0, result.output
    names = db_session.execute(text("SELECT name FROM venue ORDER BY name")).scalars().all()
    assert names == ["Atelier Théâtre Ados", "Chorale du Lundi"]

    result = runner.invoke(args=["import", "mapping", str(path), "--source", "chorales"])
    assert "profil enregistré « corrigé »" in result.output
    result = runner.invoke(args=["import", "run", str(path), "--source", "chorales"])
    assert "2 inchangées" in result.output, result.output
    mapping = db_session.execute(text("SELECT mapping FROM import_run ORDER BY id DESC LIMIT 1")).scalar_one()
    assert mapping == {"Libellé": "name", "Ville": "commune_name"}

    listed = runner.invoke(args=["import", "profiles", "--source", "chorales"]).output
    assert "chorales / corrigé (utilisé par défaut)" in listed
    assert "Libellé → Nom / titre (name)" in listed and "Nom →" not in listed

def test_bad_corrections_are_refused_clearly_and_store_nothing(app, db_session, tmp_path):

    path = tmp_path / "membres.csv"
    path.write_text(MEMBERS, encoding="utf-8")
    runner = app.test_cli_runner()
    before = fingerprint(db_session)
    result = runner.invoke(args=["import", "run", str(path), "--source", "x", "--map", "Libele=name"])
    assert result.exit_code == 1
    assert "Colonne « Libele » absente du fichier" in result.output and "Libellé" in result.output
    result = runner.invoke(args=["import", "run", str(path), "--source", "x", "--map", "Libellé=effectif"])
    assert result.exit_code == 2 and "Champ inconnu : « effectif »" in result.output
    result = runner.invoke(args=["import", "run", str(path), "--source", "x", "--map", "Libellé"])
    assert result.exit_code == 2 and "COLONNE=champ" in result.output
    result = runner.invoke(args=["import", "run", str(path), "--source", "x", "--map", "Libellé=",
                                 "--map", "Nom="])
    assert result.exit_code == 1 and "Colonnes obligatoires introuvables : Nom / titre" in result.output
    assert fingerprint(db_session) == before

    agenda = Path(__file__).parent / "readers" / "fixtures" / "openagenda_v2.json"
    result = runner.invoke(args=["import", "run", str(agenda), "--source", "agenda", "--kind", "activity",
                                 "--map", "title=name"])
    assert result.exit_code == 1 and "déjà structuré" in result.output
    assert fingerprint(db_session) == before


def test_a_saved_profile_whose_columns_are_gone_shows_what_is_missing(app, db_session, tmp_path):
    runner = app.test_cli_runner()
    first = tmp_path / "v1.csv"
    first.write_text(MEMBERS, encoding="utf-8")
    result = runner.invoke(args=["import", "run", str(first), "--source", "evolue", "--map", "Libellé=name",
                                 "--map", "Nom=", "--save-profile", "v1"])
    assert result.exit_code == 0, result.output
    renamed = tmp_path / "v2.csv"
    renamed.write_text(MEMBERS.replace("Libellé", "Intitulé de l'atelier"), encoding="utf-8")
    result = runner.invoke(args=["import", "mapping", str(renamed), "--source", "evolue", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["missing_required"] == ["Nom / titre"]
    result = runner.invoke(args=["import", "mapping", str(renamed), "--profile", "v1"])
    assert result.exit_code == 2 and "--source" in result.output


def test_a_source_keeps_its_listing_type_whatever_the_next_run_says(app, db_session, tmp_path):
    """An agenda imported as activities, then run again without --kind: still activities. A
    file sent as venues to that source is refused before anything is read or stored."""
    path = tmp_path / "ateliers.csv"
    path.write_text("Nom;Type;Commune;Code INSEE\nAtelier danse;atelier;Bondy;93010\n", encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import", "run", str(path), "--source", "mjc", "--kind", "activity"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["import", "run", str(path), "--source", "mjc"])
    assert again.exit_code == 0 and "1 inchangées" in again.output
    before = fingerprint(db_session)
    wrong = runner.invoke(args=["import", "run", str(path), "--source", "mjc", "--kind", "venue"])
    assert wrong.exit_code == 1
    assert "La source « mjc » importe des activités, pas des lieux" in wrong.output
    assert fingerprint(db_session) == before
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE name = 'Atelier danse'")).scalar_one() == 0


def test_fixed_values_are_saved_with_the_profile_and_used_by_the_next_runs(app, db_session, tmp_path):
    """« --set kind=… --save-profile » then a plain run (as a scheduled pull makes): the rooms stay
    rehearsal rooms, not the resources' default « conseil »; a run's own --set still wins."""
    path = tmp_path / "salles.csv"
    path.write_text("id;nom;commune\nS1;La Cave à son;Bondy\n", encoding="utf-8")
    runner = app.test_cli_runner()
    base = ["import", "run", str(path), "--source", "salles-fixes", "--kind", "resource"]
    result = runner.invoke(args=[*base, "--set", "kind=salle de répétition", "--save-profile", "salles"])
    assert result.exit_code == 0, result.output

    def kind():
        return db_session.execute(text("SELECT kind::text FROM resource r JOIN import_source s ON s.id = r.source_id "
                                       "WHERE s.name = 'salles-fixes'")).scalar_one()

    assert kind() == "rehearsal_room"
    path.write_text("id;nom;commune\nS1;La Cave à son (2 studios);Bondy\n", encoding="utf-8")
    result = runner.invoke(args=base)
    assert result.exit_code == 0 and "1 mises à jour" in result.output, result.output
    assert kind() == "rehearsal_room"
    result = runner.invoke(args=["import", "mapping", str(path), "--source", "salles-fixes"])
    assert "Valeurs fixes : Type = « salle de répétition »." in result.output
    path.write_text("id;nom;commune\nS1;La Cave à son (3 studios);Bondy\n", encoding="utf-8")
    assert runner.invoke(args=[*base, "--set", "kind=prêt de matériel"]).exit_code == 0
    assert kind() == "equipment_loan"


def test_refusals_are_worded_in_french_with_the_option_at_fault(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("nom;commune\nLa Cave;Bondy\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "run", str(path), "--source", "mots", "--set", "kind"])
    assert result.exit_code == 2
    assert result.output.strip() == "Erreur : --set : « kind » : la forme attendue est champ=valeur."
    result = runner.invoke(args=["import", "mapping", str(tmp_path / "absent.csv")])
    assert (result.exit_code, result.output.strip()) == (1, "Erreur : Fichier introuvable : absent.csv.")


def test_an_unreachable_feed_says_why_in_words(app, db_session):
    from tests.support.services import free_port

    url = f"http://127.0.0.1:{free_port()}/lieux.csv"
    result = app.test_cli_runner().invoke(args=["import", "run", url, "--source", "loin"])
    assert result.exit_code == 1
    assert f"Flux injoignable : {url} (serveur introuvable ou connexion refusée)." in result.output
    assert "ConnectionError" not in result.output


def test_set_takes_a_field_by_its_name_or_label_and_refuses_an_unknown_one(app, db_session, tmp_path):
    path = tmp_path / "salles.csv"
    path.write_text("Identifiant;Nom;Adresse\nK1;Salle Hoche;18 rue Hoche\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "run", str(path), "--source", "hoche", "--set", "foo=1"])
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : --set : Champ inconnu : « foo ». Champs possibles : external_id, name")
    result = runner.invoke(args=["import", "run", str(path), "--source", "hoche", "--set", "Commune=Pantin",
                                 "--set", "cp=93500"])
    assert result.exit_code == 0, result.output
    assert db_session.execute(text("SELECT commune_code, postal_code FROM venue WHERE external_id = 'K1'")
                              ).one() == ("93055", "93500")
