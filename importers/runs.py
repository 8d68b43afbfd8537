"""A run as a partner reads it: its progress (polled while it runs), and its report, the rows
with errors or warnings, to act on."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, or_, select, update

from importers.models import ImportItem, ImportRun, RunStatus

COUNTS = ("created", "updated", "unchanged", "archived", "failed")
INTERRUPTED = "Import interrompu à la demande (Ctrl-C) : rien n'a été enregistré ; relancez l'import."
log = logging.getLogger(__name__)


@dataclass
class RunState:
    """Counters kept outside the ImportRun row while the run's transaction is open, so that
    progress can be published on another connection without locking against ourselves."""

    processed_rows: int = 0
    total_rows: int | None = None
    created_count: int = 0
    updated_count: int = 0
    unchanged_count: int = 0
    archived_count: int = 0
    failed_count: int = 0
    status: RunStatus = RunStatus.running
    error: str | None = None
    mapping: dict | None = None
    items: list[dict] = field(default_factory=list)

    def apply_to(self, run: ImportRun) -> None:
        for name in ("processed_rows", "total_rows", "created_count", "updated_count", "unchanged_count",
                     "archived_count", "failed_count", "status", "error", "mapping"):
            setattr(run, name, getattr(self, name))


def record_interruption(session, run_id: int) -> None:
    """Ctrl-C: the run is failed at once, not left « en cours » until its heartbeat expires
    (what it wrote is rolled back)."""
    try:
        session.rollback()
        run = session.get(ImportRun, run_id)
        RunState(status=RunStatus.failed, error=INTERRUPTED).apply_to(run)
        run.finished_at = datetime.now(timezone.utc)
        session.commit()
    except Exception:  # the database is out of reach too: the heartbeat's expiry will tell
        log.exception("import run %s: could not record its interruption", run_id)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _with_remarks():
    empty = literal([], type_=ImportItem.errors.type)
    return or_(ImportItem.errors != empty, ImportItem.warnings != empty)


# A running run with no sign of life for this long has died (its batches report every few
# seconds); it is then failed, and says so.
STALLED_AFTER = timedelta(minutes=15)
STALLED = ("Import interrompu : le processus qui le menait s'est arrêté sans finir (serveur redémarré ou "
           "tâche tuée). Rien n'a été enregistré ; relancez l'import.")


def expire_stalled_runs(session, now: datetime | None = None) -> int:
    """Fail the runs still « en cours » whose process died; how many there were."""
    now = now or datetime.now(timezone.utc)
    stalled = session.execute(
        update(ImportRun)
        .where(ImportRun.status == RunStatus.running,
               func.coalesce(ImportRun.heartbeat_at, ImportRun.started_at, ImportRun.queued_at) < now - STALLED_AFTER)
        .values(status=RunStatus.failed, error=STALLED, finished_at=now)
        .returning(ImportRun.id)).all()
    if stalled:
        session.commit()
    return len(stalled)


def record_run(session, source_id: int, location: str, dry_run: bool, run_id: int | None = None) -> ImportRun:
    """The run `run_id` that a background job carries out, or a new run of the source."""
    run = session.get(ImportRun, run_id) if run_id is not None else None
    if run is None:
        run = ImportRun(source_id=source_id, location=location, dry_run=dry_run)
        session.add(run)
    return run


def run_path(run: ImportRun) -> str:
    """The address of the run's page, which only the partner who launched it is given."""
    return f"/imports/runs/{run.id}/{run.access_key}"


def shown_location(run: ImportRun) -> str:
    """A feed's URL, or only the name of a file (not where it lay on the server)."""
    if run.location.startswith(("http://", "https://")):
        return run.location
    return Path(run.location).name


def run_progress(run: ImportRun) -> dict:
    """What a page polls: status, rows done out of the total once known, counts."""
    return {
        "id": run.id, "source": run.source.name, "status": run.status.value, "dry_run": run.dry_run,
        "processed_rows": run.processed_rows, "total_rows": run.total_rows,
        "counts": {name: getattr(run, f"{name}_count") for name in COUNTS},
        "error": run.error, "queued_at": _when(run.queued_at), "started_at": _when(run.started_at),
        "finished_at": _when(run.finished_at),
    }


def remarked_items(session, run: ImportRun, limit: int | None = None) -> tuple[list[dict], int]:
    """The run's rows with errors or warnings in file order (the first `limit`), and how many
    there are in all. Records archived by the run are in no row of the file: their row is None."""
    where = (ImportItem.run_id == run.id, _with_remarks())
    query = select(ImportItem).where(*where).order_by(ImportItem.row_number).limit(limit)
    items = [{"row_number": i.row_number or None, "external_id": i.external_id, "status": i.status.value,
              "errors": i.errors, "warnings": i.warnings} for i in session.scalars(query)]
    total = len(items) if limit is None or len(items) < limit else \
        session.scalar(select(func.count()).select_from(ImportItem).where(*where))
    return items, total


def run_report(session, run: ImportRun) -> dict:
    """The run as data a partner can act on (`--report report.json`, and the run page's
    download)."""
    items, _ = remarked_items(session, run)
    return {
        "run": run.id, "source": run.source.name, "location": shown_location(run), "status": run.status.value,
        "dry_run": run.dry_run, "error": run.error, "mapping": run.mapping,
        "counts": {"total": run.processed_rows, **{name: getattr(run, f"{name}_count") for name in COUNTS}},
        "started_at": _when(run.started_at), "finished_at": _when(run.finished_at),
        "items": items,
    }


# A run's state in the partner's words (command-line summaries; the run page has its own, translated).
STATUS_WORDS = {"queued": "en file d'attente", "running": "en cours", "succeeded": "réussi",
                "partial": "partiel (des lignes en erreur)", "failed": "échoué"}
PARIS = ZoneInfo("Europe/Paris")


def local_time(moment) -> str:
    """A stored (UTC) time as a French clock shows it."""
    return f"{moment.astimezone(PARIS):%d/%m/%Y %H:%M}"


def local_date(moment) -> str:
    """A stored (UTC) time's day in France."""
    return f"{moment.astimezone(PARIS):%d/%m/%Y}"
