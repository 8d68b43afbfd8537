"""The import pipeline: read → map → normalise → validate → locate → upsert → dedup.

One run = one ImportRun row with counts, and one ImportItem per row. Rows are processed in
batches, each batch inside a savepoint: a database error in a batch fails that batch's rows
(recorded) and never leaves half-written listings. A file-level error (unreadable, empty,
too large, required column missing) stores nothing but the failed run and its French error.
"""
from __future__ import annotations

import logging
import multiprocessing
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import psycopg
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from importers.archive import archive_missing, archive_removed, flagged_note, replaced_note
from importers.bulk import copy_insert
from importers.duplicates import find_duplicates, merged_into
from importers.fields import FIELDS, UNUSED_BY
from importers.geocode import BanGeocoder
from importers.locate import Locator
from importers.models import ImportItem, ImportProfile, ImportRun, ImportSource, RunStatus
from importers.options import (
    ImportAbort,
    ImportOptions,
    check_identity,
    earlier_mappings,
    get_or_create_source,
    lost_fields,
    resolve_mapping,
    run_constants,
    unused_new_columns,
)
from importers.prepare import PendingRow, RowPreparer, WorkerStopped, prepared_batches
from importers.readers import ImportFileError, open_records
from importers.readers.base import PLACE_REF
from importers.readers.openagenda import REMOVED
from importers.runs import RunState, record_interruption, record_run
from importers.keys import PLACE_KEY, StoredIds, is_generated_key, stable_key
from importers.records import REFUSED, CanonicalRecord, RowError
from importers.upsert import Writer, has_listings
from portal.core.collector import fewer_collections
from portal.geo.lookup import CommuneIndex
from portal.listings.enums import ListingType
from search.queue import enqueue

BATCH_SIZE = 2000
# Location fields an activity or resource row lends to the venue it takes place in.
VENUE_FIELDS = ("address", "postal_code", "commune_name", "insee_code", "point")
PLACE_FIELDS = {"venue_name": "name", **{name: name for name in VENUE_FIELDS}}  # row field → its venue's
ANALYZE_AFTER = 500
FIELD_LABELS_REQUIRED = {"name": "Nom / titre"}
EVENT_FORMATS = {"openagenda"}  # formats that only hold events: a new source of one imports activities
KIND_NAMES = {ListingType.venue: "lieux", ListingType.activity: "activités", ListingType.resource: "ressources"}
log = logging.getLogger(__name__)


def _file_notes(records, mapping: dict[str, str], listing_type: ListingType, profile,
                gained: list[tuple[str, str]]) -> list[str]:
    """What the run says of the file itself: the sheets it did not read, the columns it had no
    use for, the columns gained since the saved profile; what reading it found (lines in
    another encoding)."""
    notes = list(records.notes)
    if records.other_sheets:
        others = ", ".join(f"« {name} »" for name in records.other_sheets)
        notes.append(f"Seule la feuille « {records.sheet} » est lue ; le classeur a d'autres feuilles avec "
                     f"des données : {others} (importez-les avec --sheet).")
    idle = [(column, field) for column, field in mapping.items() if field in UNUSED_BY[listing_type.value]]
    if idle:
        notes.append(f"Colonnes sans emploi pour des {KIND_NAMES[listing_type]}, non importées : "
                     + ", ".join(f"« {column} » ({FIELDS[field][0]})" for column, field in idle) + ".")
    if gained:
        notes.append(f"Colonnes nouvelles depuis le profil « {profile.name} », non importées : "
                     + ", ".join(f"« {column} » ({FIELDS[field][0]})" for column, field in gained)
                     + ". Ajoutez-les avec --map \"COLONNE=champ\" et --save-profile.")
    return notes


class DryRunRollback(Exception):
    pass


def _place(values: dict) -> tuple[dict, str, str | None]:
    """The place an activity or resource row is at (a venue of its source), its key, and the key
    made of its name and address it had before its agenda gave its own id (adopted then). A
    place cell the row's import refused (a broken postal code, a point at sea) leaves what the
    venue has stored for it."""
    place = {key: values.get(key) for key in VENUE_FIELDS}
    place["name"] = values.get("venue_name") or values.get("address") or values.get("commune_name")
    made_up = PLACE_KEY + stable_key({**place, "address": f"{place.get('address')}|{place.get('point')}"})[4:]
    refused = [PLACE_FIELDS[name] for name in values.get(REFUSED, ()) if name in PLACE_FIELDS]
    if refused:
        place[REFUSED] = refused
    if values.get(PLACE_REF):  # the agenda's id: the same venue wherever the agenda moves its point
        return place, f"{PLACE_KEY}ref:{values[PLACE_REF]}", made_up
    return place, made_up, None


def _is_agenda(records) -> bool:
    """A file of events or courses: an agenda's format, or a structured file (schema.org,
    DATAtourisme) most of whose records have dates or weekly slots."""
    if records.format in EVENT_FORMATS:
        return True
    if not records.premapped:
        return False
    sample = [row.values for row in records.sample(50) if not row.error]
    dated = sum(1 for values in sample if values.get("timings") or values.get("schedule"))
    return bool(sample) and dated * 2 > len(sample)


class ImportPipeline:
    """Runs one import. The whole run is one transaction (batches are savepoints): a file-level
    problem found mid-stream (bad encoding at row 90 000) leaves the database as it was."""

    def __init__(self, session, config: dict, progress: Callable[[int, int | None], None] | None = None):
        self.session = session
        self.config = config
        self.progress = progress or (lambda done, total: None)
        self._venue_writer: Writer | None = None
        self._places_seen: set[str] = set()
        self._places_unknown = False
        self._place_columns: set[str] = set()
        self._unidentified = 0

    def run(self, location: str | Path, options: ImportOptions, run_id: int | None = None) -> ImportRun:
        """Import the file at `location`; `run_id` is the queued run a background job carries out
        (otherwise a new run is recorded)."""
        now = datetime.now(timezone.utc)
        self._venue_writer = None
        self._places_seen = set()  # keys of the places an agenda's rows are at
        self._places_unknown = False  # a failed row's place could not be told
        self._unidentified = 0  # failed rows whose record cannot be told (no id could be read)
        source = get_or_create_source(self.session, options.source, options.listing_type or ListingType.venue)
        run = record_run(self.session, source.id, str(location), options.dry_run, run_id)
        run.status, run.started_at, run.heartbeat_at = RunStatus.running, now, now
        if run_id is None:
            run.queued_at = now  # run at once: not queued before it started
        self.session.commit()
        run_id = run.id
        state = RunState()
        try:
            with fewer_collections():
                self._run(run_id, state, source, Path(location), options, now)
        except (ImportFileError, ImportAbort, WorkerStopped) as exc:
            self.session.rollback()
            state = RunState(status=RunStatus.failed, error=exc.message, items=state.items)
        except KeyboardInterrupt:  # Ctrl-C: the run says so at once (not « en cours » until its heartbeat expires)
            record_interruption(self.session, run_id)
            raise
        except Exception as exc:  # a bug: the run must not stay "running", nor store half a file
            self.session.rollback()
            log.exception("import run %s failed", run_id)
            state = RunState(status=RunStatus.failed, items=state.items,
                             error=f"Erreur inattendue pendant l'import ({exc.__class__.__name__}) : rien n'a été "
                                   "enregistré. L'équipe technique en a la trace.")
        run = self.session.get(ImportRun, run_id)
        state.apply_to(run)
        run.finished_at = datetime.now(timezone.utc)
        if options.dry_run and state.items:
            # A simulation stores no listing, but its report is kept like any run's.
            copy_insert(self.session, ImportItem.__tablename__,
                        [{**item, "listing_id": None} for item in state.items])
        self.session.commit()
        # Rows with errors or warnings, kept in memory so that a dry run (whose items are
        # rolled back with everything else) can still report them.
        run.report_items = state.items
        return run

    def _run(self, run_id: int, state: RunState, source: ImportSource, path: Path, options: ImportOptions,
             now) -> None:
        """The run's work; a dry run does it all in a savepoint, then rolls it back."""
        if not options.dry_run:
            self._process(run_id, state, source, path, options, now)
            return
        try:
            with self.session.begin_nested():
                self._process(run_id, state, source, path, options, now)
                raise DryRunRollback
        except DryRunRollback:
            pass

    def _publish_progress(self, run_id: int, state: RunState) -> None:
        self.progress(state.processed_rows, state.total_rows)
        bind = self.session.get_bind()
        if isinstance(bind, Engine):
            with bind.begin() as connection:
                connection.execute(update(ImportRun).where(ImportRun.id == run_id)
                                   .values(processed_rows=state.processed_rows, heartbeat_at=func.now()))

    def _process(self, run_id: int, state: RunState, source: ImportSource, path: Path,
                 options: ImportOptions, now) -> None:
        if not path.is_file():
            raise ImportAbort("missing_file", f"Fichier introuvable : {path.name}.")
        if options.listing_type not in (None, source.listing_type) and not has_listings(self.session, source.id):
            source.listing_type = options.listing_type  # only simulations or failed runs so far: not fixed yet
        if options.listing_type not in (None, source.listing_type):
            raise ImportAbort(
                "kind", f"La source « {source.name} » importe des {KIND_NAMES[source.listing_type]}, pas des "
                        f"{KIND_NAMES[options.listing_type]} : importez ce fichier sous une autre source, ou "
                        f"comme {KIND_NAMES[source.listing_type]} (--kind {source.listing_type.value}).")
        with open_records(path, max_bytes=int(self.config["IMPORT_MAX_BYTES"]), sheet=options.sheet) as records:
            if source.format is None and options.listing_type is None and _is_agenda(records):
                source.listing_type = ListingType.activity  # a new source whose file is an agenda
            source.format = records.format
            mapping, profile = resolve_mapping(self.session, source, records, options)
            earlier = earlier_mappings(self.session, source, profile, records)
            check_identity(earlier, records, mapping, profile)
            # A mapping saved with this run is the partner's complete choice: nothing is kept for it.
            lost = [] if options.save_profile and not options.dry_run else lost_fields(earlier, records, mapping)
            gained = unused_new_columns(profile, records, mapping)
            missing = [label for name, label in FIELD_LABELS_REQUIRED.items() if name not in mapping.values()]
            if missing and not records.removals_only:
                raise ImportAbort(
                    "missing_columns",
                    "Colonnes obligatoires introuvables : " + ", ".join(missing)
                    + f". Colonnes du fichier : {', '.join(records.columns[:30])}.",
                )
            state.mapping = mapping
            constants = run_constants(profile, options)
            if options.save_profile and not options.dry_run:
                self._save_profile(source, options.save_profile, mapping, records, constants)
            column_of = {target: column for column, target in mapping.items()}
            self._place_columns = {column_of.get(name, name)
                                   for name in ("venue_name", *VENUE_FIELDS, "latitude", "longitude", "lat_lon")}
            # A structured file's columns are those of its first records: a field that only later
            # records fill (the OpenAgenda dataset's CSV export is streamed) is read all the same.
            used = {name: name for name in FIELDS} if records.premapped else mapping
            preparer = RowPreparer(used, constants, source.listing_type)
            threshold = int(self.config["IMPORT_WORKER_MIN_BYTES"])
            # (A daemonic process, such as a multiprocessing pool's, may not start one.)
            in_worker = 0 <= threshold <= path.stat().st_size and not multiprocessing.current_process().daemon
            batches = prepared_batches(records, preparer, BATCH_SIZE, in_worker)
            with closing(batches):
                index = CommuneIndex.cached(self.session)
                geocoder = BanGeocoder(self.config["BAN_URL"], float(self.config["BAN_TIMEOUT"])) \
                    if self.config.get("BAN_URL") else None
                home = frozenset(code.strip() for code in str(self.config.get("GEO_DEPARTEMENTS", "")).split(",")
                                 if code.strip())
                locator = Locator(self.session, index, geocoder, home, source.id)
                writer = Writer(self.session, source.id, source.listing_type, now, frozenset(lost))
                stored_ids = StoredIds(writer.existing())  # read while the worker starts on the file
                seen: dict[str, int] = {}  # external id → the row that first gave it
                removed: dict[str, str] = {}  # external id → why the source withdrew it
                unpublished = 0  # events an agenda does not publish (refused, or to moderate)
                summaries: list[int] = []  # the numbers of a spreadsheet's total lines
                for prepared in batches:  # each is written as it comes: the first ones are small
                    batch: list[PendingRow] = []
                    for pending in prepared:
                        if REMOVED in pending.record.values:
                            if pending.external_id and options.only_external_id in (None, pending.external_id):
                                removed[pending.external_id] = pending.record.values[REMOVED]
                                unpublished += pending.record.values[REMOVED] == "unpublished"
                            continue
                        if options.limit is not None and state.processed_rows >= options.limit:
                            break
                        if pending.record.summary:
                            summaries.append(pending.number)
                            continue
                        stored_ids.restore(pending, writer.existing())
                        if not self._admit(pending, column_of, options, seen):
                            continue
                        state.processed_rows += 1
                        batch.append(pending)
                    if batch:
                        self._flush(run_id, state, batch, locator, writer)
                        self._publish_progress(run_id, state)
                    if options.limit is not None and state.processed_rows >= options.limit:
                        break  # closing the batches stops the worker: the rest is not read
            state.total_rows = state.processed_rows
            if options.only_external_id is not None and not state.processed_rows and not removed:
                raise ImportAbort("not_found", f"Aucun enregistrement d'identifiant « {options.only_external_id} » "
                                               "dans le fichier.")
            self._publish_progress(run_id, state)
            withdrawn = [(found[0], removed[external_id]) for external_id, found in writer.existing().items()
                         if external_id in removed and external_id not in seen]
            state.archived_count = archive_removed(self.session, run_id, source, withdrawn, now)
            notes = _file_notes(records, mapping, source.listing_type, profile, gained)
            if options.save_profile and options.dry_run:
                notes.append(f"Simulation : la correspondance n'est pas enregistrée sous « {options.save_profile} » ; "
                             "relancez sans --dry-run pour l'enregistrer.")
            if summaries:
                notes.append(f"Ligne(s) de total du tableur passée(s) : {', '.join(map(str, summaries[:10]))}"
                             f"{' …' if len(summaries) > 10 else ''} (ce ne sont pas des fiches).")
            if stored_ids.restored:
                notes.append(f"{stored_ids.restored} identifiant(s) numérique(s) sans leurs zéros en tête (ou avec) "
                             "ont été rapprochés des fiches enregistrées sous le même numéro (« 123 » et « 00123 »).")
            if writer.older:
                notes.append(f"{len(writer.older)} fiche(s) de ce fichier sont datées d'avant leur version "
                             "enregistrée : elles sont ignorées (voir les lignes signalées).")
            if unpublished:
                notes.append(f"{unpublished} événement(s) non publié(s) par l'agenda (refusés ou en attente de "
                             "modération) : ils ne sont pas importés.")
            if lost:
                origin = f"du profil « {profile.name} »" if profile is not None else "des imports précédents"
                notes.append(f"Colonnes {origin} absentes du fichier : "
                             + ", ".join(f"{FIELDS[name][0]} ({name})" for name in lost)
                             + " : leurs valeurs enregistrées sont gardées telles quelles. Si une colonne a "
                             "changé de nom, indiquez-la avec --map \"COLONNE=champ\" ; si ces valeurs doivent "
                             "être vidées, enregistrez la correspondance de ce fichier avec --save-profile NOM.")
            if (source.is_full_feed and options.limit is None and options.only_external_id is None
                    and state.processed_rows and state.failed_count < state.processed_rows):
                if records.incomplete:
                    notes.append(f"Ce fichier est {records.incomplete} : les fiches qui n'y sont pas ne sont pas "
                                 "marquées manquantes.")
                else:
                    notes += self._archive_absent(run_id, state, source, writer, set(seen) | set(removed), now)
            if state.processed_rows and state.failed_count == state.processed_rows:
                state.status = RunStatus.failed
                notes.insert(0, "Aucune ligne n'a pu être importée : voir les erreurs ligne par ligne.")
            else:
                state.status = RunStatus.partial if state.failed_count else RunStatus.succeeded
            if locator.geocoder_error:
                notes.append(f"Géocodage indisponible ({locator.geocoder_error}) : centres de communes utilisés.")
            state.error = " ".join(notes) or None
            if not options.dry_run:
                find_duplicates(self.session, source.listing_type, run_id, source.id,
                                analyze=state.created_count + state.updated_count >= ANALYZE_AFTER)

    def _archive_absent(self, run_id: int, state: RunState, source: ImportSource, writer: Writer,
                        listed: set[str], now) -> list[str]:
        """A full feed's records it no longer lists: flagged missing, archived after the grace
        period; so are an agenda's places no event is at any more. Not when a failed row's
        record cannot be told (it may be one of them): then the run says so."""
        if self._unidentified:
            return [f"{self._unidentified} ligne(s) en erreur sans identifiant lisible : les fiches absentes du "
                    "fichier ne sont pas marquées manquantes cette fois."]
        grace = int(self.config["IMPORT_ARCHIVE_GRACE_DAYS"])
        missing = [found[0] for external_id, found in writer.existing().items() if external_id not in listed]
        archived, flagged = archive_missing(self.session, run_id, source, missing, now, grace)
        state.archived_count += archived
        notes = [flagged_note(flagged, "fiche(s) absente(s) de ce flux complet", grace)] if flagged else []
        if missing and state.created_count and len(missing) == len(writer.existing()) - state.created_count:
            notes.insert(0, replaced_note(len(missing), grace))  # every stored record gone, every row new
        if source.listing_type is not ListingType.venue and not self._places_unknown:
            places = Writer(self.session, source.id, ListingType.venue, now).existing()
            gone = [found[0] for key, found in places.items() if key not in self._places_seen]
            archived, flagged = archive_missing(self.session, run_id, source, gone, now, grace, ListingType.venue)
            state.archived_count += archived
            if flagged:
                notes.append(flagged_note(flagged, "lieu(x) où plus aucune fiche n'a lieu", grace))
        return notes

    def _admit(self, pending: PendingRow, column_of, options, seen) -> bool:
        """Keep the row (run-one keeps one); the second row with an id already seen fails."""
        external_id = pending.external_id
        if options.only_external_id is not None and external_id != options.only_external_id:
            return False
        if pending.record.errors and (external_id is None
                                      or (is_generated_key(external_id) and "external_id" in column_of)):
            self._unidentified += 1
        if external_id is None:
            return True
        if external_id in seen and is_generated_key(external_id):
            pending.record.errors.append(RowError(None, None, (
                f"Même fiche que la ligne {seen[external_id]} (même nom, même lieu, mêmes dates, horaires et "
                "âges) : seule la première est importée. Une colonne d'identifiant les distinguerait.")))
        elif external_id in seen:
            pending.record.errors.append(RowError(column_of.get("external_id"), external_id,
                                                  f"Identifiant « {external_id} » en double dans le fichier (déjà "
                                                  f"ligne {seen[external_id]}) : seule sa première ligne est "
                                                  "importée."))
        else:
            seen[external_id] = pending.number
        return True

    def _flush(self, run_id: int, state: RunState, batch: list[PendingRow], locator: Locator,
               writer: Writer) -> None:
        if not batch:
            return
        valid = [p for p in batch if not p.record.errors]
        if valid and not self._write(valid, locator, writer):
            # The database refused the batch: each row again on its own, so that only the
            # rows it refuses fail (with its reason) and the valid rows of the file are stored.
            for p in valid:
                if not self._write([p], locator, writer, report=True):
                    p.status, p.listing_id = "failed", None
        if writer.listing_type is not ListingType.venue:
            self._note_failed_places([p for p in batch if p.record.errors])
        plain, remarked = [], []  # rows without errors or warnings (most), whose lists are left to the default
        for p in batch:
            if p.record.errors:
                p.status = "failed"
            counter = f"{p.status}_count"
            setattr(state, counter, getattr(state, counter) + 1)
            item = {"run_id": run_id, "row_number": p.number, "external_id": p.external_id, "status": p.status,
                    "listing_id": p.listing_id}
            if p.record.errors or p.record.warnings:
                item["errors"], item["warnings"] = [e.as_dict() for e in p.record.errors], p.record.warnings
                remarked.append(item)
            else:
                plain.append(item)
        copy_insert(self.session, ImportItem.__tablename__, plain)
        copy_insert(self.session, ImportItem.__tablename__, remarked)
        state.items.extend(remarked)
        changed = [p.listing_id for p in batch if p.status in ("created", "updated")]
        if writer.listing_type is ListingType.venue:  # survivors show their merged venues' disciplines
            updated = [p.listing_id for p in batch if p.status == "updated"]  # (a new venue is merged into none)
            changed += sorted(set(merged_into(self.session, updated).values()) - set(changed))
        if changed:
            enqueue(self.session, writer.listing_type, changed)

    def _write(self, rows: list[PendingRow], locator: Locator, writer: Writer, report: bool = False) -> bool:
        """Locate and store `rows` in a savepoint: all of them, or none (False)."""
        try:
            with self.session.begin_nested():
                if writer.listing_type is ListingType.venue:
                    locator.locate(rows)
                else:
                    self._attach_venues(rows, locator, writer)
                writer.write(rows)
            return True
        except (IntegrityError, DBAPIError, psycopg.Error) as exc:
            for writer_ in (writer, self._venue_writer):
                if writer_ is not None:
                    writer_.forget_rolled_back()
            for p in rows:
                p.status, p.listing_id = "failed", None
                p.record.values.pop("venue_id", None)
                p.record.values.pop("place_id", None)
                if report:
                    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
                    p.record.errors.append(RowError(None, None, f"Enregistrement refusé par la base : {reason}"))
            return False

    def _attach_venues(self, rows: list[PendingRow], locator: Locator, writer: Writer) -> None:
        """Activities and resources take place somewhere: their location fields become a venue
        of the same source (one per distinct place), located like any venue, and linked."""
        if self._venue_writer is None:
            self._venue_writer = Writer(self.session, writer.source_id, ListingType.venue, writer.now)
        places: dict[str, PendingRow] = {}
        owners: list[tuple[PendingRow, str]] = []
        for row in rows:
            values = row.record.values
            if not (values.get("venue_name") or values.get("address") or values.get("point")):
                town = values.get("commune_name") or values.get("insee_code") or values.get("postal_code")
                if town:
                    row.record.warnings.append(f"Seule la commune est donnée ({town}), sans lieu ni adresse : "
                                               "la fiche n'est pas placée sur la carte.")
                continue
            place, key, earlier = _place(values)
            if place.get(REFUSED) and not values.get(PLACE_REF) and row.external_id in writer.existing():
                # A stored activity whose place cell was refused: the place made of its cells
                # cannot be told, so it stays where it was, and no place is flagged missing.
                values.setdefault(REFUSED, []).append("venue_id")
                self._places_unknown = True
                continue
            if key not in places:
                places[key] = PendingRow(row.number, CanonicalRecord(place), key)
                if earlier:
                    self._venue_writer.adopt(earlier, key)
            owners.append((row, key))
            self._places_seen.add(key)
        if not places:
            return
        venues = list(places.values())
        locator.locate(venues)
        self._venue_writer.write(venues)
        changed = [v.listing_id for v in venues if v.status in ("created", "updated")]
        if changed:
            enqueue(self.session, ListingType.venue, changed)
        survivors = merged_into(self.session, [v.listing_id for v in venues if v.listing_id])
        for row, key in owners:
            # A place a reviewer merged into another: its activities go to the survivor. Their
            # stored digest keeps the place itself, so the merge alone does not make them change.
            place_id = places[key].listing_id
            row.record.values["venue_id"] = survivors.get(place_id, place_id)
            row.record.values["place_id"] = place_id
            row.record.warnings.extend(w for w in places[key].record.warnings if w not in row.record.warnings)

    def _note_failed_places(self, failed: list[PendingRow]) -> None:
        """The places failed rows of an agenda are at are still used. When a failed row's place
        cannot be told (its place cell was refused), no place is flagged missing this run."""
        for row in failed:
            if any(error.column in self._place_columns for error in row.record.errors):
                self._places_unknown = True
            elif any(row.record.values.get(name) for name in ("venue_name", "address", "point")):
                self._places_seen.add(_place(row.record.values)[1])

    def _save_profile(self, source, name, mapping, records, constants) -> None:
        profile = self.session.scalar(select(ImportProfile).where(ImportProfile.source_id == source.id,
                                                                  ImportProfile.name == name))
        if profile is None:
            profile = ImportProfile(source_id=source.id, name=name, mapping=mapping)
            self.session.add(profile)
        profile.mapping = mapping
        profile.options = {"encoding": records.encoding, "delimiter": records.delimiter, "columns": records.columns,
                           "constants": constants}
        self.session.flush()
        source.default_profile_id = profile.id
