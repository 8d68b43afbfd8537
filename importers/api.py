"""Starting imports: in the foreground (CLI), or as a background job (RQ on Redis when
REDIS_URL is set, a thread otherwise) whose ImportRun row a page can poll."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from importers.feeds import FetchError, fetch_to_file
from importers.fields import FIELDS, REQUIRED
from importers.models import ImportRun, ImportSource, RunStatus
from importers.options import ImportOptions, get_or_create_source, resolve_mapping, run_constants
from importers.pipeline import ImportPipeline
from importers.readers import open_records
from importers.runs import record_run
from portal.listings.enums import ListingType

PREVIEW_ROWS = 50
PREVIEW_EXAMPLES = 3


def _failed_run(session, location: str, options: ImportOptions, message: str,
                run_id: int | None = None) -> ImportRun:
    """A feed that could not be fetched is a failed run like any other (and not due again
    before its next scheduled time)."""
    source = get_or_create_source(session, options.source, options.listing_type or ListingType.venue)
    now = datetime.now(timezone.utc)
    run = record_run(session, source.id, location, options.dry_run, run_id)
    run.status, run.error, run.started_at, run.finished_at = RunStatus.failed, message, now, now
    session.commit()
    run.report_items = []
    return run


def run_import(session, location: str, options: ImportOptions, progress=None,
               run_id: int | None = None) -> ImportRun:
    """Import a file or a feed URL (downloaded first) now; `run_id`: the queued run to carry out."""
    config = current_app.config
    path = location
    if location.startswith(("http://", "https://")):
        try:
            path = str(fetch_to_file(location, int(config["IMPORT_MAX_BYTES"]),
                                     float(config["IMPORT_FETCH_TIMEOUT"])))
        except FetchError as exc:
            return _failed_run(session, location, options, str(exc), run_id)
    run = ImportPipeline(session, config, progress).run(path, options, run_id)
    if path != location:
        run.location = location
        session.commit()
        Path(path).unlink(missing_ok=True)
    return run


def preview_mapping(session, location: str, options: ImportOptions) -> dict:
    """What a run would use, for the partner to check and correct before importing: the file's
    shape, each column with the field it feeds and a few of its values, the required fields
    nothing feeds. Reads a sample only; stores nothing. Raises ImportFileError / ImportAbort."""
    config = current_app.config
    path = Path(location)
    if location.startswith(("http://", "https://")):
        path = fetch_to_file(location, int(config["IMPORT_MAX_BYTES"]), float(config["IMPORT_FETCH_TIMEOUT"]))
    elif not path.is_file():
        raise FetchError(f"Fichier introuvable : {path.name}.")
    try:
        source = session.scalar(select(ImportSource).where(ImportSource.name == options.source))
        with open_records(path, max_bytes=int(config["IMPORT_MAX_BYTES"]), sheet=options.sheet) as records:
            mapping, profile = resolve_mapping(session, source, records, options)
            constants = run_constants(profile, options)
            sample = [row.values for row in records.sample(PREVIEW_ROWS) if not row.error]
            columns = []
            for column in records.columns:
                examples: list[str] = []
                for values in sample:
                    value = values.get(column)
                    shown = " ".join(str(value).split())[:60] if value not in (None, "") else ""
                    if shown and shown not in examples:
                        examples.append(shown)
                    if len(examples) == PREVIEW_EXAMPLES:
                        break
                field = mapping.get(column)
                columns.append({"column": column, "field": field,
                                "label": FIELDS[field][0] if field in FIELDS else None, "examples": examples})
            return {
                "format": records.format, "encoding": records.encoding, "delimiter": records.delimiter,
                "sheet": records.sheet, "other_sheets": records.other_sheets, "notes": records.notes,
                "premapped": records.premapped, "profile": profile.name if profile else None, "corrected": bool(options.corrections),
                "columns": columns, "mapping": mapping, "constants": constants,
                "missing_required": [FIELDS[name][0] for name in REQUIRED if name not in mapping.values()],
            }
    finally:
        if path != Path(location):
            path.unlink(missing_ok=True)


def _job(location: str, options: dict, database_url: str, run_id: int) -> int:
    """Entry point of a background job (RQ worker or thread): its own app and session, on the
    database of the app that queued it, carrying out the run queued for it."""
    from portal import create_app
    from portal.extensions import db

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        try:
            run_import(db.session, location, ImportOptions(**options), run_id=run_id)
            return run_id
        finally:
            db.session.remove()


def start_background_import(session, location: str, options: ImportOptions) -> ImportRun:
    """Record the run as queued, then hand it to a job: RQ on Redis when REDIS_URL is set, a
    thread of this process otherwise. The run's id is known at once, for a page to poll."""
    source = get_or_create_source(session, options.source, options.listing_type or ListingType.venue)
    run = record_run(session, source.id, location, options.dry_run)
    run.status = RunStatus.queued
    session.commit()
    args = (location, dict(options.__dict__), current_app.config["SQLALCHEMY_DATABASE_URI"], run.id)
    url = current_app.config.get("REDIS_URL")
    if url:
        import redis
        from rq import Queue

        Queue("imports", connection=redis.Redis.from_url(url)).enqueue(_job, *args, job_timeout=3600)
    else:
        threading.Thread(target=_job, args=args, daemon=True).start()
    return run
