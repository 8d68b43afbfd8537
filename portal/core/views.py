"""Home page, language switch and the health probe."""
from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for

from portal.core import health

blueprint = Blueprint("core", __name__)


@blueprint.get("/")
def home():
    """One search box, discipline shortcuts, the latest verified listings."""
    from portal.discovery import repository

    return render_template("core/home.html", families=repository.discipline_families(),
                           latest=repository.latest_verified())


@blueprint.get("/langue/<lang>")
def set_language(lang: str):
    if lang in ("fr", "en"):
        session["lang"] = lang
    target = request.args.get("next") or url_for("core.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    return redirect(target)


@blueprint.get("/healthz")
def healthz():
    payload, healthy = health.report()
    return jsonify(payload), 200 if healthy else 503
