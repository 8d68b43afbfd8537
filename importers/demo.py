"""Demo data: the real partner exports in DATA_DIR/partners, imported through the normal
pipeline with the automatic mapping (no hand-written profile), so a fresh portal shows
real places."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from importers.api import run_import
from importers.options import ImportOptions
from importers.runs import STATUS_WORDS
from portal.extensions import db
from portal.listings.enums import ListingType

# (file name, source name, constant fields)
DEMO_FILES = [
    ("adresses_des_bibliotheques_publiques_prepared.csv", "bibliotheques-publiques", {"kind": "bibliothèque"}),
    ("etablissements-cinematographiques.csv", "cinemas", {"kind": "cinéma", "disciplines": "Cinéma"}),
]


def load_demo(partners_dir: Path, echo=print) -> list:
    runs = []
    for filename, source, constants in DEMO_FILES:
        path = partners_dir / filename
        if not path.is_file():
            echo(f"{path} absent : ignoré.")
            continue
        run = run_import(db.session, str(path), ImportOptions(source=source, listing_type=ListingType.venue,
                                                              constants=dict(constants)))
        echo(f"{source} : {STATUS_WORDS[run.status.value]}, {run.created_count} créés, "
             f"{run.updated_count} mis à jour, {run.unchanged_count} inchangés, {run.failed_count} en erreur.")
        runs.append(run)
    return runs


@click.group("demo", help="Données de démonstration.")
def demo():
    pass


@demo.command("load")
@with_appcontext
def load():
    """Importe les fichiers partenaires de DATA_DIR/partners (idempotent)."""
    load_demo(Path(current_app.config["DATA_DIR"]) / "partners", click.echo)
