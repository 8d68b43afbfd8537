"""`flask import …`: run an import, one record, list sources."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from tqdm import tqdm

from importers.api import FetchError, run_import, run_report
from importers.models import ImportRun, ImportSource
from importers.pipeline import ImportOptions
from portal.extensions import db
from portal.listings.enums import ListingType


def _constants(values: tuple[str, ...]) -> dict[str, str]:
    constants = {}
    for value in values:
        if "=" not in value:
            raise click.BadParameter(f"« {value} » : la forme attendue est champ=valeur.", param_hint="--set")
        key, _, val = value.partition("=")
        constants[key.strip()] = val.strip()
    return constants


@click.group("import", help="Imports de fichiers et flux partenaires.")
def imports():
    pass


def _run(location, source, kind, profile, dry_run, limit, report, set_values, save_profile, only=None):
    options = ImportOptions(source=source, listing_type=ListingType(kind), profile=profile, dry_run=dry_run,
                            limit=limit, constants=_constants(set_values), save_profile=save_profile,
                            only_external_id=only)
    with tqdm(desc="Import", unit=" lignes", disable=None) as bar:
        def progress(done, total):
            if total:
                bar.total = total
            bar.update(done - bar.n)
        try:
            run = run_import(db.session, location, options, progress)
        except FetchError as exc:
            raise click.ClickException(str(exc)) from exc
    data = run_report(db.session, run, run.report_items if run.dry_run else None)
    click.echo(
        f"{'[simulation] ' if dry_run else ''}{run.status.value} — {run.processed_rows} lignes : "
        f"{run.created_count} créées, {run.updated_count} mises à jour, {run.unchanged_count} inchangées, "
        f"{run.archived_count} archivées, {run.failed_count} en erreur."
    )
    if run.error:
        click.echo(run.error, err=True)
    if report:
        Path(report).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if run.status.value == "failed":
        raise SystemExit(1)
    return run


COMMON = [
    click.option("--source", required=True, help="Nom de la source (créée au premier import)."),
    click.option("--kind", type=click.Choice([t.value for t in ListingType]), default="venue", show_default=True),
    click.option("--profile", default=None, help="Profil de correspondance enregistré à utiliser."),
    click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer."),
    click.option("--report", type=click.Path(dir_okay=False), default=None, help="Écrire le rapport JSON ici."),
    click.option("--set", "set_values", multiple=True, help="Valeur fixe d'un champ, ex. kind=cinéma."),
    click.option("--save-profile", default=None, help="Enregistrer la correspondance sous ce nom."),
]


def common_options(func):
    for option in reversed(COMMON):
        func = option(func)
    return func


@imports.command("run")
@click.argument("location")
@common_options
@click.option("--limit", type=int, default=None, help="Ne traiter que les N premières lignes.")
@with_appcontext
def run_command(location, source, kind, profile, dry_run, report, set_values, save_profile, limit):
    """Importe FICHIER ou URL pour la source donnée."""
    _run(location, source, kind, profile, dry_run, limit, report, set_values, save_profile)


@imports.command("run-one")
@click.argument("location")
@click.argument("external_id")
@common_options
@with_appcontext
def run_one(location, external_id, source, kind, profile, dry_run, report, set_values, save_profile):
    """Importe un seul enregistrement (par son identifiant) d'un fichier ou flux."""
    run = _run(location, source, kind, profile, dry_run, None, report, set_values, save_profile,
               only=external_id)
    if run.processed_rows == 0:
        raise click.ClickException(f"Aucun enregistrement d'identifiant « {external_id} » dans le fichier.")


@imports.command("sources")
@with_appcontext
def sources():
    """Liste les sources et leur dernier import."""
    last = (select(ImportRun.source_id, func.max(ImportRun.id).label("run_id"))
            .group_by(ImportRun.source_id).subquery())
    rows = db.session.execute(
        select(ImportSource, ImportRun).outerjoin(last, last.c.source_id == ImportSource.id)
        .outerjoin(ImportRun, ImportRun.id == last.c.run_id).order_by(ImportSource.name)
    ).all()
    if not rows:
        click.echo("Aucune source.")
    for source, run in rows:
        status = f"{run.status.value} le {run.started_at:%Y-%m-%d %H:%M}" if run else "jamais importée"
        click.echo(f"{source.name}\t{source.listing_type.value}\t{source.format or '-'}\t{status}")
