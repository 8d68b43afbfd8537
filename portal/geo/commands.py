"""`flask geo …`: reference geography."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core.cli import Refused
from portal.extensions import db
from portal.geo.loader import GeoDataError, load_reference_geography


@click.group("geo", help="Géographie de référence (communes, départements, régions).")
def geo():
    pass


@geo.command("load")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des fichiers de référence (défaut : REFERENCE_DATA_DIR).")
@with_appcontext
def load(data_dir: Path | None):
    """Charge ou met à jour régions, départements et communes (idempotent)."""
    directory = data_dir or Path(current_app.config["REFERENCE_DATA_DIR"])
    try:
        report = load_reference_geography(db.session, directory)
    except GeoDataError as exc:
        db.session.rollback()
        raise Refused(str(exc)) from exc
    changed = ", ".join(f"{table} {count}" for table, count in report.changed.items())
    click.echo(
        f"{report.regions} régions, {report.departements} départements, {report.communes} communes "
        f"({report.communes_with_boundary} avec contour). Modifiés : {changed}."
    )
