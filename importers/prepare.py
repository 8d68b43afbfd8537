"""Reading, mapping and normalising rows: the half of an import that is pure Python.

For a big file it runs in worker processes, so that normalising the next batches overlaps
with the database writing the previous one (two threads would take turns on one
interpreter lock). Each worker reads the whole file but normalises only its share of the
batches (every other one, with two), the costly part; the importing process takes the
batches from each in turn, so they arrive in the file's order. A worker only reads and
computes: it never touches the database, and it sends back whole batches, or the
file-level error that stops the run.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from importers.readers import ImportFileError, Records
from importers.readers.base import NATURE, NOTES, PLACE_REF
from importers.readers.openagenda import REMOVED
from importers.keys import content_hash, stable_key
from importers.records import CanonicalRecord, RowError, identifier_of, normalise
from importers.rows import is_summary_row, map_row
from importers.upsert import listing_slug
from portal.listings.enums import ListingType


class WorkerStopped(Exception):
    """The worker process died without a word (killed, out of memory)."""

    def __init__(self, exitcode: int | None):
        self.code = "worker"
        self.message = (f"La lecture du fichier s'est interrompue (processus arrêté, code {exitcode}) : "
                        "rien n'a été enregistré, relancez l'import.")
        super().__init__(self.message)


@dataclass
class PendingRow:
    """One row on its way through the pipeline; `digest` hashes its normalised values."""

    number: int
    record: CanonicalRecord
    external_id: str | None = None
    digest: str | None = None
    slug: str | None = None
    location: object | None = None
    status: str = "failed"
    listing_id: int | None = None


@dataclass
class RowPreparer:
    mapping: dict[str, str]
    constants: dict[str, object] = field(default_factory=dict)
    listing_type: ListingType = ListingType.venue

    def __post_init__(self) -> None:
        self.column_of = {target: column for column, target in self.mapping.items()}

    def __call__(self, row) -> PendingRow:
        if row.error:  # its id, when it can be read, tells which record is not updated
            external_id = identifier_of(row.values.get(self.column_of.get("external_id", "")))
            return PendingRow(row.number, CanonicalRecord({}, [RowError(None, None, row.error)]), external_id)
        if row.values.get(REMOVED):
            external_id = row.values.get("external_id")
            return PendingRow(row.number, CanonicalRecord({REMOVED: row.values[REMOVED]}),
                              str(external_id) if external_id else None)
        misplaced = self._misplaced(row.values)
        if misplaced:
            return PendingRow(row.number, CanonicalRecord({}, [RowError(None, None, misplaced)]),
                              identifier_of(row.values.get("external_id")))
        mapped = map_row(row.values, self.mapping, self.constants, row.links)
        if is_summary_row(mapped, row.values):
            return PendingRow(row.number, CanonicalRecord({}, summary=True))
        record = normalise(mapped, self.column_of, self.listing_type)
        record.warnings += row.values.get(NOTES) or []
        if row.values.get(PLACE_REF):
            record.values[PLACE_REF] = str(row.values[PLACE_REF])
        external_id = record.values.get("external_id") or stable_key(
            record.values, distinct=self.listing_type is not ListingType.venue)
        return PendingRow(row.number, record, external_id, content_hash(record.values),
                          listing_slug(record.values.get("name") or ""))

    def _misplaced(self, values: dict) -> str | None:
        """Why a structured record cannot be stored in this source: an event among places, a
        place among activities (a source holds one listing type; a file may mix them)."""
        nature = values.get(NATURE)
        name = str(values.get("name") or "Cet enregistrement")[:120]
        if nature == "activity" and self.listing_type is ListingType.venue:
            return (f"« {name} » est un événement ou un cours, pas un lieu : il n'est pas importé dans cette "
                    "source de lieux. Importez les événements du fichier sous une source d'activités "
                    "(--kind activity).")
        if nature == "place" and self.listing_type is ListingType.activity:
            return (f"« {name} » est un lieu, pas une activité : il n'est pas importé dans cette source "
                    "d'activités. Importez les lieux du fichier sous une source de lieux (--kind venue).")
        return None


def prepared_batches(records: Records, preparer: RowPreparer, size: int,
                     in_worker: bool, workers: int | None = None):
    """The file's rows, prepared, in batches of `size`, in this process or in `workers`
    worker processes: by default two for a CSV file (streamed, and quick to parse) where two
    processors are available, else one (each worker would hold a workbook read by calamine, or
    a JSON document, whole; a streamed workbook's XML is slow to parse twice). The result is
    an iterator with close(): close it when done, even on error."""
    if not in_worker:
        return _batches(records, preparer, size)
    default = min(2, _processors()) if records.rereadable else 1
    return _FromWorkers(records, preparer, size, max(1, workers or default))


def _processors() -> int:
    """Processors this process may run on (those of its container), else the machine's."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


FIRST_BATCH = 250


def _batches(records: Records, preparer: RowPreparer, size: int,
             share: tuple[int, int] = (0, 1)) -> Iterator[list[PendingRow]]:
    """Batches of `size` rows, after smaller first ones (250, 500, …): the database starts
    writing while the next rows are still being normalised, instead of waiting for 2 000.
    With `share` (i, n), only the batches i, i + n, i + 2n…: the rows of the others are read
    (to know where the next batch starts) but neither made into values nor prepared."""
    mine, workers = share
    wanted = True  # whether the batch being read is this reader's to prepare
    rows = records.sparse(lambda: wanted) if workers > 1 else iter(records)
    step, position = min(FIRST_BATCH, size), 0
    while True:
        wanted = position % workers == mine
        chunk = list(islice(rows, step))
        if not chunk:
            return
        if wanted:
            yield [preparer(row) for row in chunk]
        position += 1
        step = min(step * 2, size)


# Rows cross the pipe as plain tuples: unpickling dataclasses costs ten times more.
def _flat(row: PendingRow) -> tuple:
    errors = [(e.column, e.value, e.message) for e in row.record.errors]
    return row.number, row.record.values, errors, row.record.warnings, row.external_id, row.digest, row.slug


def _rebuilt(flat: tuple) -> PendingRow:
    number, values, errors, warnings, external_id, digest, slug = flat
    return PendingRow(number, CanonicalRecord(values, [RowError(*e) for e in errors], warnings), external_id,
                      digest, slug)


def _die_with(parent: int) -> None:
    """Linux: the worker is killed when the importing process dies, even by kill -9 (it would
    otherwise live on, holding that process's database connection and its open transaction)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe stops it at its next batch
    if os.getppid() != parent:  # died before the request above was made
        os._exit(1)


PR_SET_PDEATHSIG = 1


def _work(connection, other_ends, parent: int, records: Records, preparer: RowPreparer, size: int,
          share: tuple[int, int]) -> None:
    """A worker: each batch of its share, then "end"; or the error that stopped it. Its copies
    of the importing process's ends of the pipes are closed, so that a send fails once that
    process is gone."""
    for other_end in other_ends:
        other_end.close()
    _die_with(parent)
    try:
        for batch in _batches(records, preparer, size, share):
            connection.send(("rows", [_flat(row) for row in batch]))
        connection.send(("end", None))
    except ImportFileError as error:
        connection.send(("file_error", (error.code, error.message)))
    except BaseException as error:  # anything else is re-raised in the importing process
        try:
            pickle.dumps(error)
            connection.send(("error", error))
        except Exception:
            connection.send(("error", RuntimeError("".join(traceback.format_exception(error)))))
    finally:
        connection.close()


class _FromWorkers:
    """Batches received from workers started at once: they read ahead while the importing
    process gets ready (commune index, stored records). Batch k comes from worker k mod n,
    so they come in the file's order. Close it to stop the workers."""

    def __init__(self, records: Records, preparer: RowPreparer, size: int, workers: int):
        # fork: the workers start with the modules and vocabularies already loaded.
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe(duplex=False) for _ in range(workers)]
        self._receiving = [receiving for receiving, _ in pipes]
        self._workers = []
        for index, (_, sending) in enumerate(pipes):
            worker = context.Process(target=_work, args=(sending, self._receiving, os.getpid(), records, preparer,
                                                         size, (index, workers)),
                                     daemon=True, name=f"import-prepare-{index + 1}")
            worker.start()
            sending.close()
            self._workers.append(worker)
        self._next = 0  # the worker the next batch comes from
        self._done = False

    def __iter__(self) -> Iterator[list[PendingRow]]:
        return self

    def __next__(self) -> list[PendingRow]:
        if self._done:
            raise StopIteration
        worker = self._next
        try:
            kind, payload = self._receiving[worker].recv()
        except EOFError:
            self.close()
            raise WorkerStopped(self._workers[worker].exitcode) from None
        if kind == "rows":
            self._next = (worker + 1) % len(self._workers)
            return [_rebuilt(row) for row in payload]
        self.close()
        if kind == "end":  # the worker whose turn it was has no batch left: the file is done
            raise StopIteration
        if kind == "file_error":
            raise ImportFileError(*payload)
        raise payload

    def close(self) -> None:
        """Stop the workers; a run that ends early (--limit, an error) does not wait for the file."""
        if self._done:
            return
        self._done = True
        for receiving in self._receiving:
            receiving.close()
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()
        for worker in self._workers:
            worker.join()
