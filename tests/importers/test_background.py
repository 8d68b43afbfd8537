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


def test_a_run_whose_process_died_is_reported_interrupted_not_running_for_ever(app, tmp_path, committed_source):
    """A worker killed in the middle of a run (kill -9, a restarted server) cannot say so: the run
    stays « en cours » while it might still be at work, then, silent for longer than any batch
    takes, is failed with the reason, and nothing of it is stored."""
    import multiprocessing
    import os
    import signal
    from datetime import datetime, timedelta, timezone

    from importers.api import _job
    from importers.models import RunStatus
    from importers.runs import STALLED, expire_stalled_runs, record_run
    from importers.options import get_or_create_source
    from portal.extensions import db
    from portal.listings.enums import ListingType

    committed_source("morte")
    path = _workshops(tmp_path / "longue.csv", rows=60_000)
    with app.app_context():
        source = get_or_create_source(db.session, "morte", ListingType.venue)
        run = record_run(db.session, source.id, str(path), False)
        run.status = RunStatus.queued
        db.session.commit()
        run_id, page = run.id, run_path(run)
        db.session.remove()
    client = app.test_client()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    worker = multiprocessing.get_context("spawn").Process(
        target=_job, args=(str(path), dict(ImportOptions(source="morte").__dict__),
                           app.config["SQLALCHEMY_DATABASE_URI"], run_id))
    worker.start()
    try:
        deadline = time.monotonic() + 60
        with engine.connect() as conn:
            while conn.execute(text("SELECT processed_rows FROM import_run WHERE id = :id"),
                               {"id": run_id}).scalar_one() == 0:
                assert time.monotonic() < deadline and worker.is_alive(), "the run never started"
                time.sleep(0.1)
                conn.rollback()
        os.kill(worker.pid, signal.SIGKILL)  # its reading worker goes with it (a daemon of the job)
        worker.join()
        assert "en cours" in html.unescape(client.get(page).get_data(as_text=True)).lower()
        with app.app_context():
            later = datetime.now(timezone.utc) + timedelta(minutes=16)
            assert expire_stalled_runs(db.session, later) == 1
            db.session.remove()
        progress = client.get(page + ".json").get_json()
        assert (progress["status"], progress["error"]) == ("failed", STALLED)
        assert STALLED in html.unescape(client.get(page).get_data(as_text=True))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM venue WHERE source_id = (SELECT id FROM import_source "
                                     "WHERE name = 'morte')")).scalar_one() == 0
            # The dead run's transaction is gone with it (its reading worker did not outlive it holding
            # its connection): the source can be written again at once.
            conn.execute(text("SET lock_timeout = '10s'"))
            conn.execute(text("DELETE FROM import_source WHERE name = 'morte'"))
            conn.rollback()
    finally:
        if worker.is_alive():
            worker.kill()
        engine.dispose()


def test_ctrl_c_in_the_command_fails_its_run_at_once_and_stores_nothing(app, tmp_path, committed_source):
    """Ctrl-C during `flask import run` used to leave the run « en cours » for the 15 minutes
    its heartbeat takes to expire: it is failed at once, saying so, and nothing is stored."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from importers.runs import INTERRUPTED

    committed_source("coupee")
    path = _workshops(tmp_path / "coupee.csv", rows=60_000)
    root = Path(__file__).resolve().parents[2]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    command = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "import", "run", str(path), "--source", "coupee",
         "--set", "kind=autre"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(root), "DATABASE_URL": url, "REDIS_URL": "", "BAN_URL": ""})
    engine = create_engine(url)
    runs = text("SELECT r.status, r.error, r.processed_rows FROM import_run r JOIN import_source s "
                "ON s.id = r.source_id WHERE s.name = 'coupee'")
    try:
        deadline = time.monotonic() + 60
        with engine.connect() as conn:
            while not (found := conn.execute(runs).all()) or found[0][2] == 0:
                assert time.monotonic() < deadline and command.poll() is None, command.stdout.read()
                time.sleep(0.05)
                conn.rollback()
        command.send_signal(signal.SIGINT)
        output, _ = command.communicate(timeout=60)
        assert command.returncode != 0, output
        with engine.connect() as conn:
            assert conn.execute(runs).one()[:2] == ("failed", INTERRUPTED)
            assert conn.execute(text("SELECT count(*) FROM venue WHERE source_id = (SELECT id FROM import_source "
                                     "WHERE name = 'coupee')")).scalar_one() == 0
    finally:
        if command.poll() is None:
            command.kill()
        engine.dispose()
