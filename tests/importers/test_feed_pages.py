"""API answers in pages: a feed URL is followed to its last page (OpenAgenda's « after »
cursor, OpenDataSoft's offset), and a file that is one page, or a changes feed, never makes
the records it does not hold missing."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from importers.api import run_import as run_feed
from importers.models import RunStatus
from importers.options import ImportOptions
from portal.listings.enums import ListingType
from tests.importers.helpers import run_import


def _event(uid, title):
    return {"uid": uid, "title": {"fr": title}, "updatedAt": "2026-09-02T10:15:00.000Z",
            "location": {"name": "MJC Bobigny", "address": "12 rue de Paris", "postalCode": "93000",
                         "city": "Bobigny", "latitude": 48.9077, "longitude": 2.4397},
            "timings": [{"begin": "2026-12-05T14:00:00+01:00", "end": "2026-12-05T16:00:00+01:00"}]}


EVENTS = [_event(uid, f"Atelier {uid}") for uid in range(101, 106)]


class Agenda:
    """A local OpenAgenda v2 API answering 2 events per page, and an OpenDataSoft records API
    answering 2 records per offset."""

    def __init__(self):
        self.events = list(EVENTS)
        self.requests: list[str] = []
        agenda = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                agenda.requests.append(self.path)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                if parts.path == "/v2/agendas/1/events":
                    start = int(query.get("after[]", ["0"])[0])
                    page = agenda.events[start:start + 2]
                    body = {"total": len(agenda.events), "events": page,
                            "after": [str(start + 2), "x"] if start + 2 < len(agenda.events) else None}
                elif parts.path == "/v2/agendas/2/events":  # a cursor that never moves on
                    body = {"total": len(agenda.events), "events": agenda.events[:2], "after": ["2", "x"]}
                elif parts.path in ("/api/records", "/api/ignores-offset"):
                    offset = int(query.get("offset", ["0"])[0]) if parts.path == "/api/records" else 0
                    rows = [{"uid": str(e["uid"]), "title_fr": e["title"]["fr"], "location_city": "Bobigny",
                             "location_name": "MJC Bobigny", "firstdate_begin": "2026-12-05T13:00:00+00:00"}
                            for e in agenda.events[offset:offset + 2]]
                    body = {"total_count": len(agenda.events), "results": rows}
                else:
                    self.send_error(404)
                    return
                content = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _titles(session, source):
    return sorted(session.execute(text(
        "SELECT title FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = :source "
        "AND a.missing_since IS NULL"), {"source": source}).scalars())


@pytest.mark.parametrize("path", ["/v2/agendas/1/events?key=abc&detailed=1", "/api/records?limit=2"])
def test_a_feed_url_is_followed_to_its_last_page(app, db_session, path):
    with Agenda() as agenda:
        options = ImportOptions(source="pages", listing_type=ListingType.activity)
        run = run_feed(db_session, agenda.url + path, options)
        assert (run.status, run.created_count) == (RunStatus.succeeded, 5), (run.error, run.report_items)
        assert len(agenda.requests) == 3
        assert path.split("?")[1] in agenda.requests[-1]  # the partner's own parameters are kept
        agenda.events.pop(0)  # deleted at the source: the next full pull no longer lists it
        again = run_feed(db_session, agenda.url + path, options)
    assert again.unchanged_count == 4
    # The partner hears of it now, not when it is archived.
    assert again.error == ("1 fiche(s) absente(s) de ce flux complet : « Atelier 101 » ; archivage dans 14 jours si "
                           "le flux ne les redonne pas.")
    assert _titles(db_session, "pages") == [f"Atelier {uid}" for uid in range(102, 106)]


def test_one_page_of_an_agenda_does_not_make_the_other_events_missing(app, db_session, tmp_path):
    whole = tmp_path / "agenda.json"
    whole.write_text(json.dumps({"total": 5, "after": None, "events": EVENTS}), encoding="utf-8")
    run_import(app, db_session, whole, source="pagine", kind=ListingType.activity)
    page = tmp_path / "page1.json"
    page.write_text(json.dumps({"total": 5, "after": ["1753800986069", "43733206"], "events": EVENTS[:2]}),
                    encoding="utf-8")
    run = run_import(app, db_session, page, source="pagine", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded
    assert "une page d'un flux paginé" in run.error and "ne sont pas marquées manquantes" in run.error
    assert len(_titles(db_session, "pagine")) == 5
    counted = tmp_path / "ods.json"  # an OpenDataSoft answer of 2 records out of 5
    counted.write_text(json.dumps({"total_count": 5, "results": [
        {"uid": "101", "title_fr": "Atelier 101", "location_city": "Bobigny", "location_name": "MJC Bobigny",
         "firstdate_begin": "2026-12-05T13:00:00+00:00"}]}), encoding="utf-8")
    run = run_import(app, db_session, counted, source="pagine", kind=ListingType.activity)
    assert "1 enregistrements reçus sur 5 annoncés" in run.error
    assert len(_titles(db_session, "pagine")) == 5


def test_a_changes_feed_archives_what_it_removes_and_nothing_else(app, db_session, tmp_path):
    whole = tmp_path / "agenda.json"
    whole.write_text(json.dumps({"total": 5, "after": None, "events": EVENTS}), encoding="utf-8")
    run_import(app, db_session, whole, source="changes", kind=ListingType.activity)
    changes = tmp_path / "sync.json"
    changed = {**EVENTS[1], "title": {"fr": "Atelier 102 (nouveau créneau)"}, "updatedAt": "2026-09-20T13:52:05Z"}
    changes.write_text(json.dumps({"total": 2, "after": None, "events": [
        {"uid": 101, "removed": True, "updatedAt": "2026-09-20T13:49:59.024Z"}, changed]}), encoding="utf-8")
    run = run_import(app, db_session, changes, source="changes", kind=ListingType.activity)
    assert (run.updated_count, run.archived_count) == (1, 1)
    assert "flux de changements" in run.error
    archived = db_session.execute(text(
        "SELECT title FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = 'changes' "
        "AND a.archived_at IS NOT NULL")).scalars().all()
    assert archived == ["Atelier 101"]
    assert _titles(db_session, "changes") == ["Atelier 102 (nouveau créneau)", "Atelier 103", "Atelier 104",
                                              "Atelier 105"]


@pytest.mark.parametrize("path, stored", [
    ("/api/records?limit=2&offset=2", 3),      # the partner's own offset: from the 3rd record on
    ("/api/ignores-offset?limit=2", 2),        # a server that answers the first page again and again
    ("/v2/agendas/2/events?key=abc", 2),       # a cursor that never moves on
])
def test_a_feed_read_in_part_is_said_so_and_makes_nothing_missing(app, db_session, path, stored):
    with Agenda() as agenda:
        options = ImportOptions(source="en-partie", listing_type=ListingType.activity)
        whole = run_feed(db_session, agenda.url + "/v2/agendas/1/events", options)
        assert whole.created_count == 5
        run = run_feed(db_session, agenda.url + path, options)
        assert len(agenda.requests) < 12  # stopped, not looping
    assert (run.failed_count, run.processed_rows) == (0, stored), run.report_items
    assert "une page d'un flux paginé" in run.error
    assert len(_titles(db_session, "en-partie")) == 5  # nothing flagged missing
