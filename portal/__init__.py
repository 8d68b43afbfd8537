"""Boussole: the Flask application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from portal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    from flask import session

    wanted = request.args.get("lang") or session.get("lang")
    if wanted in ("fr", "en"):
        return wanted
    return "fr"


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "portal" / "static"),
    )
    from portal.core import json_provider

    json_provider.init_app(app)
    settings = Settings.from_env()
    app.config.update(settings.as_flask_config())
    if config:
        app.config.update(config)
        if "DATABASE_URL" in config:
            app.config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")  # times are shown as French clocks say them
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "portal" / "translations")

    from sqlalchemy.orm import configure_mappers

    from portal import models  # noqa: F401  (register every table)
    from portal.extensions import babel, cache, db, migrate

    # The mappers' relationships are resolved now, once (0.1 s), not by whichever first query
    # comes: a visitor's first page, or an import's first row.
    configure_mappers()

    db.init_app(app)
    cache.init_app(app, config=_cache_config(app.config))
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=select_locale)

    from flask_babel import get_locale

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "fr")

    _register_features(app)

    from portal.cli import register_commands

    register_commands(app)
    return app


def _cache_config(config) -> dict:
    """Search results: Redis when configured (shared by every worker), else in-process."""
    seconds = int(config.get("SEARCH_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if config.get("REDIS_URL"):
        # A Redis that stops answering costs a search half a second, once (search/cache.py
        # then leaves it alone for a while), never a hang.
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["REDIS_URL"],
                "CACHE_KEY_PREFIX": "boussole:", "CACHE_DEFAULT_TIMEOUT": seconds,
                "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000, "CACHE_DEFAULT_TIMEOUT": seconds}


def _register_features(app: Flask) -> None:
    """Blueprints, template helpers, static assets and the search outbox hook."""
    from importers.views import blueprint as imports_blueprint
    from portal import maps
    from portal.api.views import blueprint as api_blueprint
    from portal.communes.views import blueprint as communes_blueprint
    from portal.core.views import blueprint as core_blueprint
    from portal.discovery import jinja as discovery_jinja
    from portal.discovery.views import blueprint as discovery_blueprint
    from portal.pages import views as pages_views
    from portal.seo.views import blueprint as seo_blueprint
    from search.queue import install as install_search_queue

    pages_views.init_app(app)  # hashed gzip assets, declarations, 404/500 pages
    maps.init_app(app)  # folium served from local assets, once
    discovery_jinja.init_app(app)
    for blueprint in (core_blueprint, discovery_blueprint, communes_blueprint, seo_blueprint, api_blueprint,
                      imports_blueprint):
        app.register_blueprint(blueprint)
    install_search_queue()  # idempotent: listens on every ORM session
