"""The import pipeline: read → map → normalise → validate → locate → upsert → dedup.

One run = one ImportRun row with counts, and one ImportItem per row. Rows are processed in
batches, each batch inside a savepoint: a database error in a batch fails that batch's rows
(recorded) and never leaves half-written listings. A file-level error (unreadable, empty,
too large, required column missing) stores nothing but the failed run and its French error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from importers.geocode import BanGeocoder
from importers.locate import Location, Locator
from importers.mapping import suggest_mapping
from importers.models import ImportItem, ImportProfile, ImportRun, ImportSource, ItemStatus, RunStatus
from importers.readers import ImportFileError, open_records
from importers.records import CanonicalRecord, RowError, map_row, normalise, stable_key
from importers.upsert import Writer
from portal.geo.lookup import CommuneIndex
from portal.listings.enums import ListingType

BATCH_SIZE = 1000
FIELD_LABELS_REQUIRED = {"name": "Nom / titre"}


@dataclass
class PendingRow:
    number: int
    record: CanonicalRecord
    external_id: str | None = None
    location: Location | None = None
    status: str = "failed"
    listing_id: int | None = None


@dataclass
class ImportOptions:
    source: str
    listing_type: ListingType = ListingType.venue
    profile: str | None = None
    mapping: dict[str, str] | None = None     # explicit column → field mapping (overrides)
    constants: dict[str, object] = field(default_factory=dict)  # e.g. {"kind": "cinéma"}
    dry_run: bool = False
    limit: int | None = None
    save_profile: str | None = None           # save the mapping used under this name
    only_external_id: str | None = None       # run-one: a single record


class DryRunRollback(Exception):
    pass


class ImportAbort(Exception):
    """A file-level problem found by the pipeline itself (missing column, unknown profile)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


COUNTERS = ("processed_rows", "total_rows", "created_count", "updated_count", "unchanged_count",
            "archived_count", "failed_count", "status", "error", "mapping")


def get_or_create_source(session, name: str, listing_type: ListingType) -> ImportSource:
    source = session.scalar(select(ImportSource).where(ImportSource.name == name))
    if source is None:
        source = ImportSource(name=name, listing_type=listing_type)
        session.add(source)
        session.flush()
    return source


def _resolve_mapping(session, source: ImportSource, records, options: ImportOptions) -> dict[str, str]:
    if records.premapped:
        return {column: column for column in records.columns}
    if options.mapping:
        return options.mapping
    profile = None
    if options.profile:
        profile = session.scalar(select(ImportProfile).where(ImportProfile.source_id == source.id,
                                                             ImportProfile.name == options.profile))
        if profile is None:
            raise ImportAbort("profile", f"Le profil d'import « {options.profile} » n'existe pas pour cette source.")
    elif source.default_profile_id:
        profile = session.get(ImportProfile, source.default_profile_id)
    if profile is not None:
        return dict(profile.mapping)
    return suggest_mapping(records.columns, [row.values for row in records.sample(50)])


class ImportPipeline:
    def __init__(self, session, config: dict, progress: Callable[[int, int | None], None] | None = None):
        self.session = session
        self.config = config
        self.progress = progress or (lambda done, total: None)

    def run(self, location: str | Path, options: ImportOptions) -> ImportRun:
        now = datetime.now(timezone.utc)
        source = get_or_create_source(self.session, options.source, options.listing_type)
        run = ImportRun(source_id=source.id, location=str(location), dry_run=options.dry_run,
                        status=RunStatus.running, started_at=now)
        self.session.add(run)
        self.session.commit()
        self.items: list[dict] = []
        snapshot: dict = {}
        try:
            if options.dry_run:
                with self.session.begin_nested():
                    self._process(run, source, Path(location), options, now)
                    snapshot = {name: getattr(run, name) for name in COUNTERS}
                    raise DryRunRollback
            self._process(run, source, Path(location), options, now)
        except DryRunRollback:
            for name, value in snapshot.items():
                setattr(run, name, value)
        except (ImportFileError, ImportAbort) as exc:
            self.session.rollback()
            run = self.session.get(ImportRun, run.id)
            run.status, run.error = RunStatus.failed, exc.message
        run.finished_at = datetime.now(timezone.utc)
        self.session.commit()
        # Rows with errors or warnings, kept in memory so that a dry run (whose items are
        # rolled back with everything else) can still report them.
        run.report_items = self.items
        return run

    def _process(self, run: ImportRun, source: ImportSource, path: Path, options: ImportOptions, now) -> None:
        with open_records(path, max_bytes=int(self.config["IMPORT_MAX_BYTES"])) as records:
            source.format = records.format
            mapping = _resolve_mapping(self.session, source, records, options)
            missing = [label for name, label in FIELD_LABELS_REQUIRED.items() if name not in mapping.values()]
            if missing:
                raise ImportAbort(
                    "missing_columns",
                    "Colonnes obligatoires introuvables : " + ", ".join(missing)
                    + f". Colonnes du fichier : {', '.join(records.columns[:30])}.",
                )
            run.mapping = mapping
            if options.save_profile and not options.dry_run:
                self._save_profile(source, options.save_profile, mapping, records)
            column_of = {target: column for column, target in mapping.items()}
            index = CommuneIndex.load(self.session)
            geocoder = BanGeocoder(self.config["BAN_URL"], float(self.config["BAN_TIMEOUT"])) \
                if self.config.get("BAN_URL") else None
            locator = Locator(self.session, index, geocoder)
            writer = Writer(self.session, source.id, source.listing_type, now)
            seen: set[str] = set()
            batch: list[PendingRow] = []
            for row in records:
                if options.limit is not None and run.processed_rows >= options.limit:
                    break
                pending = self._prepare(row, mapping, column_of, options, seen)
                if pending is None:
                    continue
                run.processed_rows += 1
                batch.append(pending)
                if len(batch) >= BATCH_SIZE:
                    self._flush(run, batch, locator, writer)
                    batch = []
                    self.progress(run.processed_rows, None)
            self._flush(run, batch, locator, writer)
            run.total_rows = run.processed_rows
            self.progress(run.processed_rows, run.total_rows)
            if (source.is_full_feed and options.limit is None and options.only_external_id is None
                    and run.processed_rows and run.failed_count < run.processed_rows):
                from importers.archive import archive_missing

                run.archived_count = archive_missing(self.session, run, source, seen, now,
                                                     int(self.config["IMPORT_ARCHIVE_GRACE_DAYS"]))
            run.status = RunStatus.partial if run.failed_count else RunStatus.succeeded
            if locator.geocoder_error:
                run.error = f"Géocodage indisponible ({locator.geocoder_error}) : centres de communes utilisés."
            if not options.dry_run:
                from importers.duplicates import find_duplicates
                find_duplicates(self.session, source.listing_type, run.id)

    def _prepare(self, row, mapping, column_of, options, seen) -> PendingRow | None:
        if row.error:
            return PendingRow(row.number, CanonicalRecord({}, [RowError(None, None, row.error)]))
        record = normalise(map_row(row.values, mapping, options.constants), column_of)
        external_id = record.values.get("external_id") or stable_key(record.values)
        if options.only_external_id is not None and external_id != options.only_external_id:
            return None
        pending = PendingRow(row.number, record, external_id)
        if external_id in seen:
            record.errors.append(RowError(column_of.get("external_id"), external_id,
                                          f"Identifiant « {external_id} » en double dans le fichier : "
                                          "seule sa première ligne est importée."))
        seen.add(external_id)
        return pending

    def _flush(self, run: ImportRun, batch: list[PendingRow], locator: Locator, writer: Writer) -> None:
        if not batch:
            return
        valid = [p for p in batch if not p.record.errors]
        if valid:
            try:
                with self.session.begin_nested():
                    locator.locate(valid)
                    writer.write(valid)
            except (IntegrityError, DBAPIError) as exc:
                for p in valid:
                    p.status, p.listing_id = "failed", None
                    p.record.errors.append(RowError(None, None, "Erreur d'enregistrement du lot : "
                                                    + str(exc.orig).splitlines()[0][:200]))
        items = []
        for p in batch:
            if p.record.errors:
                p.status = "failed"
            counter = f"{p.status}_count"
            setattr(run, counter, getattr(run, counter) + 1)
            items.append({
                "run_id": run.id, "row_number": p.number, "external_id": p.external_id,
                "status": ItemStatus(p.status), "listing_id": p.listing_id,
                "errors": [e.as_dict() for e in p.record.errors], "warnings": p.record.warnings,
            })
        self.session.execute(insert(ImportItem), items)
        self.items.extend(item for item in items if item["errors"] or item["warnings"])
        changed = [p.listing_id for p in batch if p.status in ("created", "updated")]
        if changed:
            from search.queue import enqueue
            enqueue(self.session, writer.listing_type, changed)

    def _save_profile(self, source, name, mapping, records) -> None:
        profile = self.session.scalar(select(ImportProfile).where(ImportProfile.source_id == source.id,
                                                                  ImportProfile.name == name))
        if profile is None:
            profile = ImportProfile(source_id=source.id, name=name, mapping=mapping)
            self.session.add(profile)
        profile.mapping = mapping
        profile.options = {"encoding": records.encoding, "delimiter": records.delimiter}
        self.session.flush()
        source.default_profile_id = profile.id
