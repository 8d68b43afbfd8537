import json

from sqlalchemy import text


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
