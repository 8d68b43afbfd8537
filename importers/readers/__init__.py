"""Reading stage of partner imports: any file a partner's tool exports → numbered rows.

``open_records`` checks the file as a whole (size, what the bytes really are, encoding, zip
safety, structure) and raises ImportFileError with a French message the partner can act on;
once open, problems are per row (Row.error) so one bad line never sinks an import.
CSV is streamed from disk; spreadsheets go through calamine, except large XLSX workbooks,
streamed; JSON is parsed whole (bounded by ``max_bytes``). Structured formats (OpenAgenda,
DATAtourisme, schema.org JSON-LD) come out already keyed by the canonical field names of
importers/fields.py (``premapped``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Protocol

from importers.fields import FIELDS

from . import detect, openagenda
from .encoding import detect_encoding
from .base import MAX_CELL_CHARS, BrokenRecord, ImportFileError, Row, safe_map
from .jsonish import JsonTable
from .sheets import SheetTable, streams_xlsx
from .tabular import CsvTable

__all__ = ["ImportFileError", "Row", "Records", "open_records", "MAX_CELL_CHARS", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class _Table(Protocol):
    columns: list[str]

    def rows(self) -> Iterator[Row]: ...


class Records:
    """An opened partner file: what it is (format, encoding, delimiter, columns) and its rows.

    Each iteration reads the file afresh from the start, so ``sample()`` (used to suggest a
    mapping) never consumes the rows the import will then walk. Use it as a context manager
    so that an abandoned iteration releases its file handle.
    """

    def __init__(self, table: _Table, *, format: str, premapped: bool = False,
                 encoding: str | None = None, delimiter: str | None = None, notes: list[str] | None = None):
        self._table = table
        self.format = format
        self.columns = list(table.columns)
        self.premapped = premapped
        # Only deletions (an OpenAgenda changes feed): no column to map, nothing required.
        self.removals_only = bool(getattr(table, "removals_only", False))
        # Why the file, by its own account, does not list every record (a page of an API's
        # answer, a changes feed): then records absent from it are not missing.
        self.incomplete: str | None = getattr(table, "incomplete", None)
        # A workbook: the sheet read, and its other sheets that hold a table too.
        self.sheet: str | None = getattr(table, "sheet_name", None)
        self.other_sheets: list[str] = list(getattr(table, "other_sheets", []))
        self.encoding = encoding
        self.delimiter = delimiter
        # Delimited text (and a large XLSX) is streamed from disk: its memory stays flat, where a
        # workbook read by calamine or a JSON document is held whole by each reader.
        self.streamed = bool(getattr(table, "streamed", False))
        # Delimited text is also quick to parse: two workers may each read it all (each prepares
        # every other batch), where a streamed workbook's XML costs as much as preparing its rows.
        self.rereadable = bool(getattr(table, "rereadable", False))
        self.notes = notes or []  # what the run should tell of the file as read (lines in another encoding)
        self._iterators: list[Iterator[Row]] = []

    def sample(self, n: int = 50) -> list[Row]:
        rows = self._table.rows()
        try:
            return list(islice(rows, n))
        finally:
            rows.close()

    def __iter__(self) -> Iterator[Row]:
        rows = self._table.rows()
        self._iterators.append(rows)
        return rows

    def sparse(self, wanted: Callable[[], bool]) -> Iterator[Row | None]:
        """The rows, each made only if `wanted()` says so when it is reached (None in its place
        otherwise): a reader that prepares every other batch does not make the others' rows.
        A table that cannot pass rows over makes them all."""
        rows = self._table.rows(wanted) if getattr(self._table, "sparse", False) else self._table.rows()
        self._iterators.append(rows)
        return rows

    def close(self) -> None:
        for rows in self._iterators:
            rows.close()  # type: ignore[attr-defined]
        self._iterators.clear()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Records {self.format} {len(self.columns)} colonnes encoding={self.encoding!r}>"


class MappedTable:
    """A table whose rows a known vocabulary maps to canonical fields (the OpenAgenda dataset's
    CSV export): each row is mapped as it is read, so the file is still streamed."""

    def __init__(self, table: _Table, mapper):
        self._table, self._mapper = table, mapper
        self.streamed = bool(getattr(table, "streamed", False))
        self.rereadable = bool(getattr(table, "rereadable", False))
        self.sparse = bool(getattr(table, "sparse", False))
        rows = self.rows()
        try:
            seen = {key for row in islice(rows, 200) for key in row.values}
        finally:
            rows.close()
        self.columns = [name for name in FIELDS if name in seen]

    def rows(self, wanted: Callable[[], bool] | None = None) -> Iterator[Row | None]:
        """The rows, mapped; with `wanted`, as CsvTable.rows: a row not wanted is neither made
        nor mapped (the costly part: an event's timings, its place)."""
        rows = self._table.rows(wanted) if wanted is not None else self._table.rows()
        try:
            for row in rows:
                if row is None:
                    yield None
                    continue
                if row.error:
                    yield row
                    continue
                mapped = safe_map(self._mapper, row.values)
                yield Row(row.number, {}, mapped.message) if isinstance(mapped, BrokenRecord) \
                    else Row(row.number, mapped)
        finally:
            rows.close()


def open_records(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, filename: str | None = None,
                 sheet: str | None = None) -> Records:
    """Open a partner file for reading, or raise ImportFileError saying why it cannot be.

    ``filename`` is the name the partner uploaded (``path`` is often a temporary file); its
    extension is only used to word errors, the content decides the format. ``sheet`` names
    the sheet of a workbook to read (else the first holding a table).
    """
    path = Path(path)
    detect.check_size(path, max_bytes)
    ext = detect.extension_of(path, filename)
    head = detect.read_head(path)
    container = detect.sniff_binary(head, ext)
    if container == "zip":
        fmt = detect.check_zip(path, ext)
        return Records(SheetTable(path, sheet, streamed=fmt == "xlsx" and streams_xlsx(path)), format=fmt)
    if container == "xls":
        return Records(SheetTable(path, sheet), format="xls")
    decoding = detect_encoding(path, head)
    encoding, notes = decoding.name, [note] if (note := decoding.note()) else []
    sample = detect.first_text(path, encoding)
    if detect.check_text(sample, ext) == "json":
        table = JsonTable(path, encoding)
        return Records(table, format=table.format, premapped=table.premapped, encoding=encoding, notes=notes)
    delimiter = detect.detect_delimiter(sample)
    table = CsvTable(path, encoding, delimiter)
    if openagenda.ods_columns(table.columns):
        return Records(MappedTable(table, openagenda.map_ods), format="openagenda", premapped=True,
                       encoding=encoding, delimiter=delimiter, notes=notes)
    return Records(table, format="csv", encoding=encoding, delimiter=delimiter, notes=notes)
