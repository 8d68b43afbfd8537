"""Browser fixtures: a local tile server (no request may leave 127.0.0.1), listings
COMMITTED for the live server's thread, and page measures for EcoIndex and budgets."""
from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# A 1×1 grey PNG stands for every tile.
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA6gDpWkPsVAAAAABJRU5ErkJggg==")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass


class _TileHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.send_header("Cache-Control", "max-age=86400")
        self.end_headers()
        try:
            self.wfile.write(TILE)
        except (BrokenPipeError, ConnectionResetError):  # the map moved on before the tile arrived
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def tile_server(app):
    server = _QuietServer(("127.0.0.1", 0), _TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    previous = app.config["TILES_URL"]
    app.config["TILES_URL"] = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    yield server
    app.config["TILES_URL"] = previous
    server.shutdown()


@pytest.fixture(scope="module")
def committed(app, tile_server):
    """The Montreuil scenario, committed and indexed; removed afterwards."""
    from tests.browser.data import commit_scenario, remove

    with app.app_context():
        scenario = commit_scenario()
    yield scenario
    with app.app_context():
        remove(scenario.keys)
