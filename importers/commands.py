"""`flask import …`: run an import, one record, list sources."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from tqdm import tqdm

from importers.api import preview_mapping, run_import, start_background_import
from importers.feeds import FetchError
from importers.runs import STATUS_WORDS, expire_stalled_runs, local_time, run_path, run_report
from importers.fields import FIELDS
from importers.mapping import MappingError, field_named, parse_corrections
from importers.models import ImportProfile, ImportRun, ImportSource
from importers.options import ImportAbort, ImportOptions
from importers.readers import ImportFileError
from portal.core.cli import Refused
from portal.extensions import db
from portal.listings.enums import ListingType


def _constants(values: tuple[str, ...]) -> dict[str, str]:
    constants = {}
    for value in values:
        if "=" not in value:
            raise Refused(f"« {value} » : la forme attendue est champ=valeur.", "--set")
        key, _, val = value.partition("=")
        field = field_named(key.strip())  # « commune_name », « Commune », « ville »
        if field is None:
            raise Refused(f"Champ inconnu : « {key.strip()} ». Champs possibles : {', '.join(FIELDS)}.", "--set")
        constants[field] = val.strip()
    return constants


@click.group("import", help="Imports de fichiers et flux partenaires.")
def imports():
    pass


def _corrections(values: tuple[str, ...]) -> dict[str, str | None]:
    try:
        return parse_corrections(values)
    except MappingError as error:
        raise Refused(error.message, "--map") from None


def _options(source, kind, profile, dry_run, limit, set_values, save_profile, map_values, sheet=None, only=None):
    return ImportOptions(source=source, listing_type=ListingType(kind) if kind else None, profile=profile,
                         dry_run=dry_run, limit=limit, constants=_constants(set_values), save_profile=save_profile,
                         only_external_id=only, corrections=_corrections(map_values), sheet=sheet)


def _run(location, source, kind, profile, dry_run, limit, report, set_values, save_profile, map_values,
         sheet=None, only=None):
    options = _options(source, kind, profile, dry_run, limit, set_values, save_profile, map_values, sheet, only)
    with tqdm(desc="Import", unit=" lignes", disable=None) as bar:
        def progress(done, total):
            if total:
                bar.total = total
            bar.update(done - bar.n)
        run = run_import(db.session, location, options, progress)
    data = run_report(db.session, run)
    click.echo(
        f"{'[simulation] ' if dry_run else ''}{STATUS_WORDS[run.status.value]} — {run.processed_rows} lignes : "
        f"{run.created_count} créées, {run.updated_count} mises à jour, {run.unchanged_count} inchangées, "
        f"{run.archived_count} archivées, {run.failed_count} en erreur."
    )
    if run.error:
        click.echo(run.error, err=True)
    click.echo(f"Rapport : {_page_url(run)}")
    if report:
        Path(report).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if run.status.value == "failed":
        raise SystemExit(1)
    return run


COMMON = [
    click.option("--source", required=True, help="Nom de la source (créée au premier import)."),
    click.option("--kind", type=click.Choice([t.value for t in ListingType]), default=None,
                 help="Type des fiches : celui de la source, ou venue pour une nouvelle source."),
    click.option("--profile", default=None, help="Profil de correspondance enregistré à utiliser."),
    click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer."),
    click.option("--report", type=click.Path(dir_okay=False), default=None, help="Écrire le rapport JSON ici."),
    click.option("--set", "set_values", multiple=True, help="Valeur fixe d'un champ, ex. kind=cinéma."),
    click.option("--save-profile", default=None, help="Enregistrer la correspondance sous ce nom (reprise "
                                                      "automatiquement aux imports suivants de la source)."),
    click.option("--map", "map_values", multiple=True, metavar="COLONNE=champ",
                 help="Corriger la correspondance : la colonne alimente ce champ (vide : colonne ignorée). "
                      "Voir « import mapping »."),
    click.option("--sheet", default=None, help="Feuille du classeur à lire (sinon la première qui contient un "
                                               "tableau)."),
]


def common_options(func):
    for option in reversed(COMMON):
        func = option(func)
    return func


@imports.command("run")
@click.argument("location")
@common_options
@click.option("--limit", type=int, default=None, help="Ne traiter que les N premières lignes.")
@click.option("--background", is_flag=True,
              help="Confier l'import au worker (REDIS_URL, « rq worker imports ») et afficher l'adresse de "
                   "la page qui en suit l'avancement.")
@with_appcontext
def run_command(location, source, kind, profile, dry_run, report, set_values, save_profile, map_values, sheet,
                limit, background):
    """Importe FICHIER ou URL pour la source donnée."""
    if background:
        _queue(location, source, kind, profile, dry_run, limit, report, set_values, save_profile, map_values, sheet)
        return
    _run(location, source, kind, profile, dry_run, limit, report, set_values, save_profile, map_values, sheet)


def _queue(location, source, kind, profile, dry_run, limit, report, set_values, save_profile, map_values, sheet):
    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("--background confie l'import à un worker : il faut REDIS_URL (et « rq worker "
                               "imports » qui tourne). Sans worker, lancez l'import sans --background.")
    if report:
        raise click.UsageError("--report n'est pas disponible avec --background : le rapport est sur la page "
                               "de l'import.")
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if not path.is_file():
            raise Refused(f"Fichier introuvable : {path.name}.")
        location = str(path.resolve())  # the worker has its own working directory
    options = _options(source, kind, profile, dry_run, limit, set_values, save_profile, map_values, sheet)
    run = start_background_import(db.session, location, options)
    click.echo(f"Import n° {run.id} en file d'attente. Avancement et rapport : {_page_url(run)}")


def _page_url(run) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + run_path(run)


@imports.command("run-one")
@click.argument("location")
@click.argument("external_id")
@common_options
@with_appcontext
def run_one(location, external_id, source, kind, profile, dry_run, report, set_values, save_profile,
            map_values, sheet):
    """Importe un seul enregistrement (par son identifiant) d'un fichier ou flux."""
    _run(location, source, kind, profile, dry_run, None, report, set_values, save_profile, map_values, sheet,
         only=external_id)


def _mapping_lines(preview: dict) -> list[str]:
    shape = [preview["format"]]
    if preview["encoding"]:
        shape.append(f"encodage {preview['encoding']}")
    if preview["delimiter"]:
        shape.append(f"séparateur « {'tabulation' if preview['delimiter'] == chr(9) else preview['delimiter']} »")
    if preview["sheet"]:
        shape.append(f"feuille « {preview['sheet']} »")
    lines = [f"Fichier : {', '.join(shape)} ; {len(preview['columns'])} colonnes."]
    if preview["other_sheets"]:
        lines.append("Autres feuilles avec des données (non lues, voir --sheet) : "
                     + ", ".join(f"« {name} »" for name in preview["other_sheets"]) + ".")
    lines += preview["notes"]
    if preview["constants"]:
        lines.append("Valeurs fixes : " + ", ".join(f"{FIELDS[name][0] if name in FIELDS else name} = « {value} »"
                                                    for name, value in preview["constants"].items()) + ".")
    if preview["premapped"]:
        lines.append("Format structuré : ses champs sont reconnus directement.")
    elif preview["profile"]:
        lines.append(f"Correspondance : profil enregistré « {preview['profile']} »"
                     + (", corrigée." if preview["corrected"] else "."))
    else:
        lines.append("Correspondance : suggérée d'après les en-têtes et le contenu"
                     + (", corrigée." if preview["corrected"] else "."))
    width = min(max(len(c["column"]) for c in preview["columns"]), 40) if preview["columns"] else 0
    for column in preview["columns"]:
        target = f"{column['label']} ({column['field']})" if column["field"] else "— non utilisée"
        examples = " | ".join(column["examples"]) or "(vide)"
        lines.append(f"  {column['column']:<{width}} → {target:<34} ex. {examples}")
    if preview["missing_required"]:
        lines.append("Champs obligatoires sans colonne : " + ", ".join(preview["missing_required"]) + ".")
    if not preview["premapped"]:
        lines.append("Corriger : --map \"COLONNE=champ\" (ou \"COLONNE=\" pour l'ignorer) ; "
                     "--save-profile NOM à l'import pour réutiliser la correspondance.")
    return lines


@imports.command("mapping")
@click.argument("location")
@click.option("--source", default="", help="Source dont reprendre le profil enregistré, s'il y en a un.")
@click.option("--profile", default=None, help="Profil de correspondance enregistré à afficher.")
@click.option("--map", "map_values", multiple=True, metavar="COLONNE=champ",
              help="Correction à essayer : la colonne alimente ce champ (vide : colonne ignorée).")
@click.option("--sheet", default=None, help="Feuille du classeur à lire (sinon la première qui contient un tableau).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def mapping_command(location, source, profile, map_values, sheet, as_json):
    """Montre la correspondance colonnes → champs qu'un import utiliserait, avec des exemples de
    valeurs, sans rien enregistrer : à vérifier et corriger (--map) avant l'import."""
    if profile and not source:
        raise click.UsageError("--profile demande --source : un profil appartient à une source.")
    options = ImportOptions(source=source, profile=profile, corrections=_corrections(map_values), sheet=sheet)
    try:
        preview = preview_mapping(db.session, location, options)
    except (ImportFileError, ImportAbort) as error:
        raise Refused(error.message) from None
    except FetchError as error:
        raise Refused(str(error)) from None
    finally:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(preview, ensure_ascii=False, indent=2))
    else:
        for line in _mapping_lines(preview):
            click.echo(line)
    if preview["missing_required"]:
        raise SystemExit(1)


@imports.command("profiles")
@click.option("--source", default=None, help="Seulement les profils de cette source.")
@with_appcontext
def profiles(source):
    """Liste les profils de correspondance enregistrés, colonne par colonne."""
    query = select(ImportProfile, ImportSource).join(ImportSource, ImportSource.id == ImportProfile.source_id)
    if source:
        query = query.where(ImportSource.name == source)
    rows = db.session.execute(query.order_by(ImportSource.name, ImportProfile.name)).all()
    if not rows:
        click.echo("Aucun profil enregistré.")
    for profile, owner in rows:
        default = " (utilisé par défaut)" if owner.default_profile_id == profile.id else ""
        click.echo(f"{owner.name} / {profile.name}{default}, enregistré le {profile.created_at:%Y-%m-%d}")
        for column, field in profile.mapping.items():
            click.echo(f"  {column} → {FIELDS[field][0] if field in FIELDS else field} ({field})")


@imports.command("sources")
@with_appcontext
def sources():
    """Liste les sources et leur dernier import."""
    expire_stalled_runs(db.session)
    last = (select(ImportRun.source_id, func.max(ImportRun.id).label("run_id"))
            .group_by(ImportRun.source_id).subquery())
    rows = db.session.execute(
        select(ImportSource, ImportRun).outerjoin(last, last.c.source_id == ImportSource.id)
        .outerjoin(ImportRun, ImportRun.id == last.c.run_id).order_by(ImportSource.name)
    ).all()
    if not rows:
        click.echo("Aucune source.")
    for source, run in rows:
        status = f"{STATUS_WORDS[run.status.value]} le {local_time(run.started_at)}" if run else "jamais importée"
        click.echo(f"{source.name}\t{source.listing_type.value}\t{source.format or '-'}\t{status}")


@imports.command("source")
@click.argument("name")
@click.option("--kind", type=click.Choice([t.value for t in ListingType]), default=None)
@click.option("--feed-url", default=None, help="URL du flux à tirer périodiquement.")
@click.option("--schedule", default=None, help="Expression cron du tirage, ex. « 0 3 * * * ».")
@click.option("--partial-feed/--full-feed", default=None,
              help="Le flux ne liste pas tout (ne jamais archiver les absents), ou de nouveau tout.")
@with_appcontext
def configure_source(name, kind, feed_url, schedule, partial_feed):
    """Crée ou modifie une source (flux, planification)."""
    from importers.options import get_or_create_source
    from importers.schedule import ScheduleError, check_schedule
    from importers.upsert import has_listings

    if feed_url is not None and not feed_url.startswith(("http://", "https://")):
        raise Refused("une URL http(s) est attendue.", "--feed-url")
    if schedule is not None:
        try:
            check_schedule(schedule)
        except ScheduleError as exc:
            raise Refused(str(exc), "--schedule") from exc
    source = get_or_create_source(db.session, name, ListingType(kind or "venue"))
    if kind and ListingType(kind) is not source.listing_type:
        if has_listings(db.session, source.id):
            raise Refused(
                f"La source « {name} » a déjà importé des fiches de type « {source.listing_type.value} » : son "
                "type ne change plus (ses fiches ne seraient plus mises à jour). Créez une autre source.")
        source.listing_type = ListingType(kind)
    if feed_url is not None:
        source.feed_url = feed_url
    if schedule is not None:
        source.schedule = schedule
    if partial_feed is not None:
        source.is_full_feed = not partial_feed
    db.session.commit()
    click.echo(f"{source.name} : {source.listing_type.value}, flux {source.feed_url or '-'}, "
               f"planification {source.schedule or '-'}.")


@imports.command("pull-due")
@with_appcontext
def pull_due():
    """Tire les flux dont l'heure planifiée est passée (à lancer chaque minute par cron)."""
    from importers.schedule import due_sources

    sources = due_sources(db.session)
    if not sources:
        click.echo("Aucun flux à tirer.")
    failed = False
    for source in sources:
        options = ImportOptions(source=source.name, listing_type=source.listing_type)
        run = run_import(db.session, source.feed_url, options)
        if run.error:
            click.echo(f"{source.name} : {run.error}", err=True)
        click.echo(f"{source.name} : {STATUS_WORDS[run.status.value]}, {run.created_count} créées, "
                   f"{run.updated_count} mises à jour, {run.unchanged_count} inchangées, "
                   f"{run.archived_count} archivées, {run.failed_count} en erreur. Rapport : {_page_url(run)}")
        failed = failed or run.status.value == "failed"
    if failed:
        raise SystemExit(1)


REASONS = {"proximity": "proches ({distance} m)", "address": "même adresse"}


@imports.command("duplicates")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def duplicates_command(limit, as_json):
    """Liste les doublons possibles entre sources, à fusionner ou écarter."""
    from importers.duplicates import pending

    rows = pending(db.session, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return
    if not rows:
        click.echo("Aucun doublon possible en attente.")
    for row in rows:
        reason = REASONS.get(row["reason"], row["reason"]).format(distance=row["distance_m"])
        click.echo(f"n° {row['id']} : {reason}, noms semblables à {row['similarity']} %")
        for side in ("first", "second"):
            place = ", ".join(str(p) for p in (row[f"{side}_address"], row[f"{side}_commune"]) if p)
            click.echo(f"  lieu n° {row[f'{side}_id']} : {row[f'{side}_name']} — {place or 'sans adresse'} "
                       f"(source {row[f'{side}_source'] or '-'})")
    if rows:
        click.echo("Fusionner : flask --app portal import merge N --keep LIEU ; écarter : "
                   "flask --app portal import dismiss N")


def _decide(candidate_id: int, keep_id: int | None) -> None:
    from importers.duplicates import ReviewError, decide

    try:
        candidate = decide(db.session, candidate_id, keep_id)
    except ReviewError as error:
        db.session.rollback()
        raise Refused(str(error)) from None
    db.session.commit()
    if keep_id is None:
        click.echo(f"Doublon possible n° {candidate_id} écarté : il ne sera plus proposé.")
    else:
        gone = candidate.second_id if keep_id == candidate.first_id else candidate.first_id
        click.echo(f"Lieu n° {gone} fusionné dans le lieu n° {keep_id} : sa page redirige vers lui, "
                   "ses activités et ressources y sont rattachées, sa source le met toujours à jour.")


@imports.command("merge")
@click.argument("candidate_id", type=int)
@click.option("--keep", "keep_id", type=int, required=True, help="Le lieu qui reste (l'un des deux).")
@with_appcontext
def merge_command(candidate_id, keep_id):
    """Fusionne un doublon possible dans le lieu gardé."""
    _decide(candidate_id, keep_id)


@imports.command("dismiss")
@click.argument("candidate_id", type=int)
@with_appcontext
def dismiss_command(candidate_id):
    """Écarte un doublon possible (deux lieux distincts)."""
    _decide(candidate_id, None)
