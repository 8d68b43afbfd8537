"""Feeds pulled from a partner URL (a local HTTP server here), on a schedule."""
import threading
from datetime import datetime, timedelta, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from importers.models import ImportSource
from importers.schedule import due_sources
from tests.importers.helpers import fingerprint


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site(tmp_path):
    (tmp_path / "lieux.csv").write_text("id;nom;ville\nF1;Studio du Canal;Pantin\nF2;Salle des Fêtes;Bobigny\n",
                                        encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_scheduled_feed_is_pulled_when_due_and_not_again_before_its_time(app, db_session, partner_site):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "source", "canal", "--feed-url", f"{partner_site}/lieux.csv",
                                 "--schedule", "0 3 * * *"])
    assert result.exit_code == 0, result.output
    assert [s.name for s in due_sources(db_session)] == ["canal"]          # never ran
    result = runner.invoke(args=["import", "run", f"{partner_site}/lieux.csv", "--source", "canal", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert [s.name for s in due_sources(db_session)] == ["canal"]          # a simulation stored nothing
    result = runner.invoke(args=["import", "pull-due"])
    assert result.exit_code == 0, result.output
    assert "canal : réussi, 2 créées" in result.output
    page = result.output.split("Rapport : ")[1].split()[0].removeprefix(app.config["PUBLIC_URL"].rstrip("/"))
    assert app.test_client().get(page).status_code == 200
    assert due_sources(db_session) == []
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1, hours=1)
    assert [s.name for s in due_sources(db_session, tomorrow)] == ["canal"]
    location = db_session.execute(text("SELECT location FROM import_run ORDER BY id DESC LIMIT 1")).scalar_one()
    assert location.endswith("/lieux.csv")


def test_an_unreachable_or_missing_feed_is_a_failed_run_with_a_french_error(app, db_session, partner_site):
    runner = app.test_cli_runner()
    runner.invoke(args=["import", "source", "absent", "--feed-url", f"{partner_site}/disparu.csv",
                        "--schedule", "*/5 * * * *"])
    result = runner.invoke(args=["import", "pull-due"])
    assert result.exit_code == 1
    assert "a répondu 404" in result.output
    assert due_sources(db_session) == []      # recorded: not retried before the next slot
    result = runner.invoke(args=["import", "run", f"{partner_site}/lieux.csv", "--source", "petit"],
                           env={})
    assert result.exit_code == 0


def test_a_feed_answering_a_web_page_is_told_apart_from_a_bad_file(app, db_session, partner_site, tmp_path):
    """A partner gives their portal's page instead of its export link: the run says the address
    answered a web page, not that the partner sent a file with a wrong extension."""
    (tmp_path / "export.csv").write_text("<!DOCTYPE html>\n<html lang=fr><title>Connexion</title></html>\n",
                                         encoding="utf-8")
    before = fingerprint(db_session)
    result = app.test_cli_runner().invoke(args=["import", "run", f"{partner_site}/export.csv", "--source", "portail"])
    assert result.exit_code == 1
    assert f"Le flux {partner_site}/export.csv a répondu une page web (HTML), pas des données" in result.output
    assert "extension" not in result.output and fingerprint(db_session) == before


def test_bad_schedule_and_url_are_refused(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "source", "x", "--schedule", "tous les jours"])
    assert result.exit_code == 2 and "cron" in result.output
    result = runner.invoke(args=["import", "source", "x", "--feed-url", "ftp://exemple"])
    assert result.exit_code == 2
    assert db_session.query(ImportSource).filter_by(name="x").count() == 0


def test_published_format_and_templates_are_downloadable(client):
    schema = client.get("/imports/schema/listing.schema.json")
    assert schema.status_code == 200 and any(f["name"] == "name" for f in schema.get_json()["fields"])
    csv_template = client.get("/imports/modele.csv")
    assert csv_template.status_code == 200 and b"name" in csv_template.data
    xlsx = client.get("/imports/modele.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
