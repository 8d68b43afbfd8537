"""Long imports run as background jobs (RQ on the suite's real Redis, or a thread without
Redis); the run is recorded as queued at once, so its page can follow it."""
import html
import time

import pytest
import redis
from rq import Queue
from sqlalchemy import create_engine, text

from importers.api import start_background_import
from importers.options import ImportOptions
from importers.runs import run_path
from tests.support.rq_worker import work_burst


@pytest.fixture
def committed_source(app):
    """Background jobs commit on their own connections: what they store is removed after."""
    names = []
    yield names.append
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as conn:
            for name in names:
                source = f"(SELECT id FROM import_source WHERE name = '{name}')"
                conn.execute(text(f"DELETE FROM search_outbox WHERE listing_type = 'venue' AND listing_id IN "
                                  f"(SELECT id FROM venue WHERE source_id = {source})"))
                conn.execute(text(f"DELETE FROM venue WHERE source_id = {source}"))
                conn.execute(text(f"DELETE FROM import_source WHERE id = {source}"))
    finally:
        engine.dispose()


def _workshops(path, rows=1200):
    lines = ["id,nom,commune"] + [f"{i},Atelier {i},Montreuil" for i in range(1, rows + 1)]
    lines[7] = "7,,Montreuil"  # one row without its name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_run_background_queues_a_run_whose_page_follows_it_to_its_report(app, tmp_path, committed_source):
    committed_source("arriere-plan")
    path = _workshops(tmp_path / "fond.csv")
    result = app.test_cli_runner().invoke(args=["import", "run", str(path), "--source", "arriere-plan",
                                                "--background", "--set", "kind=autre"])
    assert result.exit_code == 0, result.output
    assert "en file d'attente" in result.output
    page_url = result.output.split("Avancement et rapport : ")[1].split()[0]
    page = page_url.removeprefix(app.config["PUBLIC_URL"].rstrip("/"))
    run_id = int(result.output.split("n° ")[1].split()[0])
    assert page.startswith(f"/imports/runs/{run_id}/") and len(page.rsplit("/", 1)[1]) >= 20
    client = app.test_client()
    assert client.get(f"{page}.json").get_json()["status"] == "queued"
    waiting = html.unescape(client.get(page).get_data(as_text=True))
    assert "En file d'attente" in waiting and "Mettre à jour la page" in waiting
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    assert Queue("imports", connection=connection).count == 1

    work_burst(["imports"], connection)

    progress = client.get(f"{page}.json").get_json()
    assert progress["status"] == "partial"
    assert (progress["processed_rows"], progress["counts"]["created"], progress["counts"]["failed"]) == (1200, 1199, 1)
    done = html.unescape(client.get(page).get_data(as_text=True))
    assert "Mettre à jour la page" not in done
    assert "Terminé, avec des lignes en erreur" in done and "1\u202f199" in done
    assert "Le champ « Nom / titre » est obligatoire." in done
    assert str(path) not in done  # a file's place on the server is not shown, its name is
    report = client.get(f"{page}/rapport.json")
    assert "attachment" in report.headers["Content-Disposition"]
    failed = [item for item in report.get_json()["items"] if item["status"] == "failed"]
    assert [(item["row_number"], item["external_id"]) for item in failed] == [(8, "7")]


def test_background_needs_a_worker_and_says_so_without_queueing_anything(app, tmp_path):
    path = _workshops(tmp_path / "fond.csv", rows=10)
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = ""
    try:
        result = app.test_cli_runner().invoke(args=["import", "run", str(path), "--source", "sans-worker",
                                                    "--background"])
    finally:
        app.config["REDIS_URL"] = previous
    assert result.exit_code == 2
    assert "il faut REDIS_URL" in result.output
    with app.app_context():
        from portal.extensions import db
        assert db.session.execute(text("SELECT count(*) FROM import_source WHERE name = 'sans-worker'")).scalar() == 0
        db.session.remove()
    missing = app.test_cli_runner().invoke(args=["import", "run", str(tmp_path / "absent.csv"), "--source", "x",
                                                 "--background"])
    assert missing.exit_code == 1 and "Fichier introuvable : absent.csv." in missing.output


def test_without_redis_a_thread_carries_out_the_queued_run(app, tmp_path, committed_source):
    committed_source("fil")
    path = _workshops(tmp_path / "fil.csv", rows=50)
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = ""
    try:
        with app.app_context():
            from portal.extensions import db
            page = run_path(start_background_import(db.session, str(path), ImportOptions(source="fil")))
            db.session.remove()
    finally:
        app.config["REDIS_URL"] = previous
    client = app.test_client()
    deadline = time.monotonic() + 60
    while (progress := client.get(f"{page}.json").get_json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, progress
        time.sleep(0.2)
    assert progress["status"] == "partial" and progress["counts"]["created"] == 49


def test_a_run_s_page_needs_its_key(app, db_session, client, tmp_path):
    from tests.importers.helpers import run_import

    run = run_import(app, db_session, _workshops(tmp_path / "cle.csv", rows=10), source="cle")
    assert client.get(run_path(run)).status_code == 200
    for wrong in (f"/imports/runs/{run.id}/devine", f"/imports/runs/{run.id}", "/imports/runs/999999/x"):
        for suffix in ("", ".json", "/rapport.json"):
            assert client.get(wrong + suffix).status_code == 404, wrong + suffix
