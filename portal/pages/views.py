"""The accessibility (RGAA) and eco-design (RGESN) declarations, and the error pages,
all in the site layout so that someone who lands on them can carry on."""
from __future__ import annotations

from flask import Blueprint, render_template

blueprint = Blueprint("pages", __name__)


@blueprint.get("/accessibilite")
def accessibility():
    return render_template("pages/accessibility.html")


@blueprint.get("/ecoconception")
def ecodesign():
    return render_template("pages/ecodesign.html")


@blueprint.app_errorhandler(404)
def not_found(error):
    return render_template("pages/404.html"), 404


@blueprint.app_errorhandler(500)
def server_error(error):
    try:
        from portal.extensions import db

        db.session.rollback()
    except Exception:  # the page must render even when the database is the problem
        pass
    return render_template("pages/500.html"), 500


def init_app(app) -> None:
    from portal.pages import assets

    assets.init_app(app)
    app.register_blueprint(blueprint)
