"""Row-by-row readers for tables: CSV text (streamed from disk) and spreadsheets (calamine).

A reader is opened once to learn the header and to make sure at least one data row exists;
``rows()`` then returns a fresh generator each time, so sampling never consumes the import.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError

from .base import MAX_CELL_CHARS, ImportFileError, Row, check_cells, distinct_names

# The csv module refuses fields over 128 KiB by raising, which would abort the whole file;
# long cells are reported per row instead (see base.MAX_CELL_CHARS), so lift the module limit.
csv.field_size_limit(2**31 - 1)

NO_DATA = "Le fichier ne contient qu'un en-tête, aucune ligne de données."


def _blank(cells: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


class CsvTable:
    """A delimited text file read lazily: memory stays flat whatever the number of rows."""

    def __init__(self, path: Path, encoding: str, delimiter: str):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self._header: list[str] = []
        rows = self.rows()
        try:
            first = next(rows, None)
        finally:
            rows.close()
        self.columns = self._header
        if not self.columns:
            raise ImportFileError("unreadable", "L'en-tête du fichier CSV est illisible.")
        if first is None:
            raise ImportFileError("empty", NO_DATA)

    def rows(self) -> Iterator[Row]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            # Strip every leading BOM before parsing, so a quoted first name is still parsed as quoted.
            first_line = handle.readline().lstrip("\ufeff")
            reader = csv.reader(chain([first_line], handle), delimiter=self.delimiter)
            excel_hint = f"sep={self.delimiter}"
            header: list[str] | None = None
            last_line = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    start, last_line = last_line + 1, reader.line_num
                    yield Row(start, {}, f"La ligne {start} est mal formée ({error}).")
                    continue
                start, last_line = last_line + 1, reader.line_num
                if not "".join(cells).strip():
                    continue  # blank line, or only delimiters
                if header is None:
                    if self.delimiter.join(cells).strip().lower() == excel_hint:
                        continue
                    header = self._header = distinct_names(cells)
                    if not header:
                        raise ImportFileError("empty", "La première ligne du fichier est vide.")
                    continue
                yield self._row(start, header, cells)
            if header is None:
                raise ImportFileError("empty", "Le fichier ne contient aucune donnée.")

    @staticmethod
    def _row(number: int, header: list[str], cells: list[str]) -> Row:
        width = len(header)
        if len(cells) != width:
            extra = cells[width:]
            if "".join(extra).strip():
                return Row(number, {}, f"La ligne contient {len(cells)} cellules alors que l'en-tête "
                                       f"n'a que {width} colonnes (un séparateur ou un guillemet en trop ?).")
            cells = cells[:width] + [""] * (width - len(cells))
        if max(map(len, cells)) > MAX_CELL_CHARS:
            return check_cells(number, dict(zip(header, cells)))
        return Row(number, dict(zip(header, cells)))


def _native(value: object) -> object:
    """Spreadsheets store every number as a float: give integers back as int (93066, not 93066.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class SheetTable:
    """The first sheet that holds data in an XLSX, ODS or XLS workbook, read with calamine."""

    def __init__(self, path: Path):
        self.path = path
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            self.sheet_name = None
            for name in workbook.sheet_names:
                rows = [row for _, row in zip(range(2), self._nonblank(workbook, name))]
                if len(rows) == 2:
                    self.sheet_name = name
                    self.columns = distinct_names([_text(cell) for cell in rows[0][1]])
                    break
                if rows:
                    self.sheet_name = self.sheet_name or name
            workbook.close()
        except ImportFileError:
            raise
        except PasswordError:
            raise ImportFileError("unreadable", "Le classeur est protégé par un mot de passe : enregistrez-le "
                                                "sans mot de passe puis renvoyez-le.") from None
        except BaseException as error:  # calamine raises its own types, and panics as BaseException
            _reraise_control(error)
            raise ImportFileError("unreadable", f"Le classeur ne peut pas être lu ({_short(error)}).") from None
        if self.sheet_name is None:
            raise ImportFileError("empty", "Le classeur ne contient aucune donnée.")
        if not hasattr(self, "columns"):
            raise ImportFileError("empty", NO_DATA)

    @staticmethod
    def _nonblank(workbook: CalamineWorkbook, name: str) -> Iterator[tuple[int, list]]:
        for index, cells in enumerate(workbook.get_sheet_by_name(name).iter_rows(), start=1):
            if not _blank(cells):
                yield index, cells

    def rows(self) -> Iterator[Row]:
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
            cells_by_row = self._nonblank(workbook, self.sheet_name)
            next(cells_by_row)  # the header
            width = len(self.columns)
            for number, cells in cells_by_row:
                extra = cells[width:]
                if not _blank(extra):
                    yield Row(number, {}, f"La ligne contient des valeurs au-delà des {width} "
                                          "colonnes de l'en-tête.")
                    continue
                values = [_native(cell) for cell in cells[:width]]
                values += [""] * (width - len(values))
                yield check_cells(number, dict(zip(self.columns, values)))
        except BaseException as error:
            _reraise_control(error)
            raise ImportFileError("unreadable", f"Le classeur ne peut pas être lu ({_short(error)}).") from None


def _text(cell: object) -> str:
    return str(_native(cell)) if cell is not None else ""


def _short(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:200]


def _reraise_control(error: BaseException) -> None:
    """Let interpreter control flow through; only calamine's errors and panics become file errors."""
    if isinstance(error, (GeneratorExit, KeyboardInterrupt, SystemExit, MemoryError)):
        raise error
