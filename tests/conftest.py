"""Suite-wide fixtures: a real PostGIS cluster and Redis server, migrations applied once,
reference geography loaded once from the real files, one rolled-back transaction per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.settings import Settings
from tests.support.services import PostgisCluster, RedisServer

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real shared data (DATA_DIR setting); the suite tests on the real files."""
    path = Path(Settings.from_env().DATA_DIR)
    if not (path / "reference" / "communes.json").is_file():
        pytest.fail(f"reference data not found in {path}: set DATA_DIR to the shared data folder")
    return path


@pytest.fixture(scope="session")
def postgis_url():
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    cluster = PostgisCluster().start()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def redis_url():
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app(postgis_url, redis_url, data_dir):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.geo.loader import load_reference_geography
    from portal.vocabulary.api import load_disciplines

    app = create_app({
        "TESTING": True,
        "DATABASE_URL": postgis_url,
        "REDIS_URL": redis_url,
        "DATA_DIR": str(data_dir),
        "REFERENCE_DATA_DIR": str(data_dir / "reference"),
        "SECRET_KEY": "test",
        "BAN_URL": "http://127.0.0.1:9",  # tests that geocode start their own server
        # Every test's writes are rolled back: results cached from them would outlive them.
        # tests/search/test_cache.py runs its own app with the cache on.
        "SEARCH_CACHE_SECONDS": 0,
        # The in-memory columns, loaded by the search that needs them (each test's own view).
        "SEARCH_SNAPSHOT": "sync",
    })
    with app.app_context():
        upgrade()
        load_reference_geography(db.session, data_dir / "reference")
        load_disciplines(db.session)
        db.session.remove()
    return app


@pytest.fixture
def db_session(app):
    """The app's session, inside a transaction rolled back after the test. Code under test
    may commit: commits become savepoints of the outer transaction."""
    from portal.extensions import db

    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        original = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield db.session
        finally:
            # Restore the app first: a broken connection must not leak into the next tests.
            scoped, db.session, engines[None] = db.session, original, engine
            try:
                scoped.remove()
                outer.rollback()
            finally:
                connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def live_server(app):
    from tests.support.live_server import LiveServer

    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()
