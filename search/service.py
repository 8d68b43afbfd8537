"""The portal's entry point into search: picks the configured backend."""
from __future__ import annotations

from flask import current_app


def backend_health() -> dict:
    name = current_app.config["SEARCH_BACKEND"]
    return {"ok": True, "backend": name}
