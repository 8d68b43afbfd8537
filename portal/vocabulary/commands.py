"""`flask vocabulary …`."""
import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.vocabulary.api import load_disciplines


@click.group("vocabulary", help="Vocabulaire des disciplines.")
def vocabulary():
    pass


@vocabulary.command("load")
@with_appcontext
def load():
    """Charge ou met à jour la liste des disciplines (idempotent)."""
    changed = load_disciplines(db.session)
    click.echo(f"Disciplines : {changed} modifiée(s).")
