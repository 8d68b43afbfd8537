"""Delimited text (CSV) read row by row, streamed from disk; spreadsheets are in sheets.py.

A reader is opened once to learn the header and to make sure at least one data row exists;
``rows()`` then returns a fresh generator each time, so sampling never consumes the import.
"""
from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path

from .base import (
    HEADER_SEARCH,
    MAX_CELL_CHARS,
    NO_DATA,
    WIDTH_SAMPLE,
    ImportFileError,
    Row,
    check_cells,
    distinct_names,
    grouped_header,
    header_position,
    repeats_header,
    used_width,
)

# The csv module refuses fields over 128 KiB by raising, which would abort the whole file;
# long cells are reported per row instead (see base.MAX_CELL_CHARS), so lift the module limit.
csv.field_size_limit(2**31 - 1)

RAGGED_SHARE = 5  # one row in five without its last cells: the file's habit


def unclosed_quote(line: int, first: int, last: int) -> str:
    taken = f"la ligne {first}" if first == last else f"les lignes {first} à {last}"
    return (f"Guillemet non fermé : une cellule de la ligne {line} s'ouvre par un guillemet qui n'est jamais "
            f"refermé et englobait {taken}. La ligne {line} n'est pas importée ; {taken} "
            f"{'est lue' if first == last else 'sont lues'} à part. Fermez le guillemet, "
            "ou doublez-le (\"\") s'il fait partie du texte.")


class CsvTable:
    """A delimited text file read lazily: memory stays flat whatever the number of rows."""

    streamed = rereadable = True  # two readers at once cost no memory, and little time
    sparse = True  # rows(wanted) passes over the rows another reader prepares

    def __init__(self, path: Path, encoding: str, delimiter: str):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self._width = self._widest = 0  # the header's width once known; the widest record read so far
        head: list[tuple[int, list[str] | None, str | None]] = []
        lines = self._lines()
        try:
            head = list(islice(lines, HEADER_SEARCH + WIDTH_SAMPLE))
        finally:
            lines.close()
        readable = [cells for _, cells, error in head if error is None]
        if not readable:
            raise ImportFileError("empty", "Le fichier ne contient aucune donnée.")
        self._skip = header_position(readable)  # readable lines above the header (a title)
        header_cells = readable[self._skip]
        grouped = grouped_header(readable, self._skip)
        if grouped is not None:  # group names above the column names: both make the header
            self._skip += 1
            header_cells = readable[self._skip]
        self._header = [cell.strip() for cell in header_cells]
        self._width = len(header_cells)
        self.columns = distinct_names(grouped or header_cells,
                                      min(self._width, used_width(readable[self._skip + 1:])))
        if not self.columns:
            raise ImportFileError("unreadable", "L'en-tête du fichier CSV est illisible.")
        header_line = [start for start, cells, _ in head if cells is header_cells][0]
        if not any(start > header_line for start, _, _ in head):
            raise ImportFileError("empty", NO_DATA)
        # Rows without their last cells (not even empty ones) are the file's habit when many of
        # the first rows are so (hand-written files); else a short row is a broken line.
        sampled = readable[self._skip + 1:]
        self._ragged = sum(len(cells) < len(self.columns) for cells in sampled) * RAGGED_SHARE >= len(sampled)

    def _lines(self) -> Iterator[tuple[int, list[str] | None, str | None]]:
        """(line number, cells, None) for each non-blank line, or (line number, cells or None,
        error) for a line that cannot be read as it stands."""
        with open(self.path, encoding=self.encoding, newline="") as handle:
            # Strip every leading BOM before parsing, so a quoted first name is still parsed as quoted.
            first_line = handle.readline().lstrip("\ufeff")
            excel_hint, first = f"sep={self.delimiter}", True
            for start, cells, error in self._records(enumerate(chain([first_line], handle), start=1)):
                if error is None and not "".join(cells).strip():
                    continue  # blank line, or only delimiters
                if first and error is None and self.delimiter.join(cells).strip().lower() == excel_hint:
                    first = False
                    continue
                first = False
                yield start, cells, error

    def _records(self, numbered: Iterator[tuple[int, str]]) -> Iterator[tuple[int, list[str] | None, str | None]]:
        """The csv module's records, each with the number of its first line. A cell opened by a
        quote that is never closed would swallow the following lines (up to the next quote, or
        to the end of the file): that row fails, and the lines it swallowed are read again."""
        lines: list[tuple[int, str]] = []  # the physical lines of the record being read
        again: deque[tuple[int, str]] = deque()  # swallowed lines, to be read again
        ended = False

        def feed() -> Iterator[str]:
            nonlocal ended
            while True:
                line = again.popleft() if again else next(numbered, None)
                if line is None:
                    ended = True
                    return
                lines.append(line)
                yield line[1]

        reader = csv.reader(feed(), delimiter=self.delimiter)
        while True:
            lines.clear()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                start = lines[0][0] if lines else 0
                yield start, None, f"La ligne {start} est mal formée ({error})."
                continue
            start = lines[0][0]
            if len(lines) > 1 and self._swallowed(cells, lines):
                yield start, self._alone(lines[0][1]), unclosed_quote(start, lines[1][0], lines[-1][0])
                again.extendleft(reversed(lines[1:]))
                if ended:  # the reader saw the end of the file: a new one reads the lines again
                    ended, reader = False, csv.reader(feed(), delimiter=self.delimiter)
                continue
            self._widest = max(self._widest, len(cells))
            yield start, cells, None

    def _alone(self, text: str) -> list[str]:
        return next(csv.reader([text.rstrip("\r\n")], delimiter=self.delimiter), [])

    def _swallowed(self, cells: list[str], lines: list[tuple[int, str]]) -> bool:
        """Whether a record over several lines is a quote left open rather than a cell holding
        line breaks: its quotes are not well formed (the csv module, in strict mode, refuses a
        quote closed in mid-cell or left open at the end of the file) or it does not have the
        header's width, and one of the lines it took in has the separators of a row."""
        width = self._width or self._widest
        if width < 3:
            return False
        if len(cells) == width:
            try:
                list(csv.reader([text for _, text in lines], delimiter=self.delimiter, strict=True))
                return False
            except csv.Error:
                pass
        return any(text.count(self.delimiter) >= width - 1 for _, text in lines[1:])

    def rows(self, wanted: Callable[[], bool] | None = None) -> Iterator[Row | None]:
        """The rows; with `wanted`, a row it says is not wanted when the row is reached is
        only counted (None in its place): its cells are not made into values."""
        above = self._skip + 1  # the title lines, then the header
        for start, cells, error in self._lines():
            if error is not None:
                yield Row(start, dict(zip(self.columns, cells or [])), error)
                continue
            if above:
                above -= 1
                continue
            if repeats_header(cells, self._header):
                continue
            yield self._row(start, cells) if wanted is None or wanted() else None

    def _row(self, number: int, cells: list[str]) -> Row:
        header, width = self.columns, len(self.columns)
        extra: dict[str, str] = {}
        if len(cells) != width:
            if len(cells) > self._width and "".join(cells[self._width:]).strip():
                return Row(number, dict(zip(header, cells)), f"La ligne contient {len(cells)} cellules alors que "
                           f"l'en-tête n'a que {self._width} colonnes (un séparateur ou un guillemet en trop ?).")
            if not self._ragged and any(self._header[len(cells):width]):
                return Row(number, dict(zip(header, cells)), f"La ligne n'a que {len(cells)} cellule(s) alors que "
                           f"l'en-tête a {width} colonnes (une ligne coupée par un retour à la ligne ?).")
            # Cells under the header's unnamed end that the first rows left empty: kept, unmapped.
            extra = {f"colonne {index}": cell for index, cell in enumerate(cells[width:self._width], start=width + 1)
                     if cell.strip()}
            cells = cells[:width] + [""] * (width - len(cells))
        if max(map(len, cells)) > MAX_CELL_CHARS:
            return check_cells(number, dict(zip(header, cells)))
        return Row(number, {**dict(zip(header, cells)), **extra} if extra else dict(zip(header, cells)))
