"""What /healthz reports: each dependency's state, so an operator sees what is wrong."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import text

from portal.extensions import db

COUNTED_TABLES = ("commune", "venue", "activity", "resource", "organization", "search_outbox")


def database_health() -> dict:
    try:
        postgis = db.session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        counts = {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in COUNTED_TABLES
        }
    except Exception as exc:  # any driver error means "down" for the probe
        db.session.rollback()
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "postgis_version": postgis, "counts": counts}


def queue_health() -> dict:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return {"ok": True, "kind": "in-process"}
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError as exc:
        return {"ok": False, "kind": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "kind": "redis"}


def search_health() -> dict:
    from search.service import backend_health

    return backend_health()


def report() -> tuple[dict, bool]:
    database = database_health()
    queue = queue_health()
    search = search_health() if database["ok"] else {"ok": False, "error": "database down"}
    healthy = database["ok"]
    return {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "search": search,
        "queue": queue,
    }, healthy
