"""`flask search …`: rebuild, check, apply engine settings, run the queue."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from search import service
from search.documents import MODELS, document_id, searchable_clause


@click.group()
def search():
    """Moteur de recherche : réindexation, contrôle, file d'attente."""


@search.command()
@click.option("--batch-size", default=500, show_default=True)
@with_appcontext
def reindex(batch_size: int):
    """Reconstruit tout l'index (postgres : en une transaction ; meilisearch aussi si configuré)."""
    from search.indexer import rebuild

    for backend in service.index_backends():
        count = rebuild(db.session, backend, batch_size)
        db.session.commit()
        click.echo(f"{backend.name} : {count} documents indexés")


@search.command()
@with_appcontext
def check():
    """Compare la base et l'index : documents manquants et orphelins."""
    expected = set()
    for listing_type, model in MODELS.items():
        ids = db.session.scalars(select(model.id).where(searchable_clause(model)))
        expected.update(document_id(listing_type, i) for i in ids)
    problems = 0
    for backend in service.index_backends():
        indexed = backend.document_ids()
        missing, orphans = expected - indexed, indexed - expected
        problems += len(missing) + len(orphans)
        click.echo(f"{backend.name} : {len(expected)} attendus, {len(indexed)} indexés, "
                   f"{len(missing)} manquants, {len(orphans)} orphelins")
        for label, ids in (("manquant", missing), ("orphelin", orphans)):
            for doc_id in sorted(ids)[:20]:
                click.echo(f"  {label} : {doc_id}")
    if problems:
        raise SystemExit(1)


@search.command("apply-settings")
@click.option("--dry-run", is_flag=True, help="Affiche les changements sans les appliquer.")
@with_appcontext
def apply_settings(dry_run: bool):
    """Applique les réglages du moteur configuré (rien à faire pour postgres)."""
    click.echo(service.get_backend().apply_settings(dry_run=dry_run))


@search.command("process-queue")
@click.option("--batch-size", default=500, show_default=True)
@with_appcontext
def process_queue(batch_size: int):
    """Indexe les fiches en attente dans search_outbox."""
    stats = service.process_queue(batch_size)
    click.echo(f"{stats.indexed} indexés, {stats.deleted} retirés, {stats.failed} en échec "
               f"({stats.batches} lots)")
