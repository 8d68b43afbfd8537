"""Spreadsheets (XLSX, ODS, XLS): the sheet that holds the data, row by row.

calamine reads a sheet whole, in memory: fast, and right for the workbooks partners send (a
few thousand rows). An XLSX whose sheets hold more than STREAM_ABOVE_BYTES of XML (about
a hundred thousand rows), or reach a cell too far for calamine to hold the rectangle up to
it, is streamed instead, with openpyxl's read-only mode: slower per cell, but its memory
stays flat whatever the number of rows. Both give the same rows: numbers, dates and blanks
as calamine gives them.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, time
from itertools import islice
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook, PasswordError

from .base import (
    HEADER_SEARCH,
    NO_DATA,
    WIDTH_SAMPLE,
    ImportFileError,
    Row,
    check_cells,
    distinct_names,
    filled,
    grouped_header,
    header_position,
    repeats_header,
    used_width,
)
from .links import sheet_links

# Uncompressed XML of an XLSX's sheets above which they are streamed: calamine would hold
# about twice as much in memory, in each process that reads the workbook.
STREAM_ABOVE_BYTES = 32 * 1024 * 1024
# calamine holds a sheet as the whole rectangle from its first to its farthest cell: a value
# left in XFD1048576 asks for 500 GB, and the process is killed. A cell beyond column ZZ or
# row 99 999 makes the sheet's extent worth measuring.
FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}[0-9]|[A-Z]{1,2}[0-9]{6})')
CELL_REFERENCE = re.compile(rb'r="([A-Z]{1,3})([0-9]{1,7})"')
MAX_WHOLE_CELLS = 4_000_000  # rows × columns read whole (about 130 MB in calamine)
MAX_UNNAMED_COLUMNS = 20  # values right of the header kept as columns of their own (« colonne N »)
FAR_SHEET = ("Le classeur s'étend jusqu'à des cellules très éloignées de son tableau (une valeur ou une mise en "
             "forme oubliée loin à droite ou en bas) : il ne peut pas être lu en entier. Supprimez les lignes et "
             "colonnes vides après le tableau (Ctrl+Fin mène à la dernière cellule utilisée), ou exportez la "
             "feuille en CSV.")
UNREADABLE_WORKBOOK = ("Le classeur ne peut pas être lu : il est endommagé, incomplet ou n'est pas un classeur "
                       "Excel ou OpenDocument. Ouvrez-le dans votre tableur et enregistrez-le de nouveau (ou "
                       "exportez-le en CSV).")


def streams_xlsx(path: Path) -> bool:
    """Whether an XLSX is read row by row: its sheets hold more than STREAM_ABOVE_BYTES of XML
    (sizes as its zip declares them, checked against bombs beforehand), or one of them reaches
    a cell so far that calamine could not hold the rectangle up to it."""
    with zipfile.ZipFile(path) as archive:
        parts = [entry for entry in archive.infolist()
                 if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")]
        if sum(part.file_size for part in parts) > STREAM_ABOVE_BYTES:
            return True
        return any(_extent(archive, part) > MAX_WHOLE_CELLS for part in parts)


def _chunks(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, a megabyte at a time, each piece starting with the end of the one
    before so that no cell reference is cut in two."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            yield tail + chunk
            tail = chunk[-16:]


def _extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """Rows × columns from A1 to the sheet's farthest cell, measured only when a cell lies
    far (0 otherwise: most sheets are read in one quick search)."""
    if not any(FAR_CELL.search(chunk) for chunk in _chunks(archive, part)):
        return 0
    rows, letters = 0, set()
    for chunk in _chunks(archive, part):
        for column, row in CELL_REFERENCE.findall(chunk):
            letters.add(column)
            rows = max(rows, int(row))
    return rows * max(column_index_from_string(column.decode()) for column in letters) if letters else 0


def _blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _native(value: object) -> object:
    """Spreadsheets store every number as a float: give integers back as int (93066, not 93066.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _text(cell: object) -> str:
    return str(_native(cell)) if cell is not None else ""


class _Calamine:
    """A workbook read with calamine: each sheet asked for is loaded whole (the last one kept)."""

    def __init__(self, path: Path):
        self._workbook = CalamineWorkbook.from_path(str(path))
        self._loaded: tuple[str, object] | None = None

    @property
    def names(self) -> list[str]:
        return list(self._workbook.sheet_names)

    def _sheet(self, name: str):
        if self._loaded is None or self._loaded[0] != name:
            self._loaded = None  # (one sheet in memory at a time)
            self._loaded = (name, self._workbook.get_sheet_by_name(name))
        return self._loaded[1]

    def rows(self, name: str) -> Iterator[list]:
        """The sheet's rows from its first line, from its first used column on."""
        return self._sheet(name).iter_rows()

    def first_column(self, name: str) -> int:
        return self._sheet(name).start[1] + 1

    def close(self) -> None:
        self._loaded = None
        self._workbook.close()


class _Streamed:
    """An XLSX read row by row (openpyxl, read-only): blanks, dates and the first column as
    calamine gives them; each row as wide as its cells."""

    def __init__(self, path: Path):
        self._file = open(path, "rb")  # (openpyxl judges a path by its extension, not its content)
        try:
            self._workbook = load_workbook(self._file, read_only=True, data_only=True, keep_links=False)
            if not self._workbook.sheetnames:  # their parts are missing
                raise ValueError("no worksheet")
        except BaseException:
            self._file.close()
            raise

    @property
    def names(self) -> list[str]:
        return list(self._workbook.sheetnames)

    def first_column(self, name: str) -> int:
        return self._workbook[name].min_column  # as the sheet's declared dimension says

    def rows(self, name: str) -> Iterator[list]:
        sheet = self._workbook[name]
        first = sheet.min_column
        sheet.reset_dimensions()  # rows as wide as their cells, whatever width the sheet declares
        for cells in sheet.iter_rows(min_col=first, values_only=True):
            yield [_calamine_like(cell) for cell in cells]

    def close(self) -> None:
        self._workbook.close()
        self._file.close()


def _calamine_like(cell: object) -> object:
    if cell is None:
        return ""
    if isinstance(cell, datetime) and cell.time() == time(0) and cell.tzinfo is None:
        return cell.date()  # a day (openpyxl gives every date as a moment)
    return cell


class SheetTable:
    """The sheet that holds the data of an XLSX, ODS or XLS workbook: the one asked for, else
    the first whose header has at least two columns (a notice sheet before it is passed over),
    or else the first with data; title lines above the header are passed over too. The other
    sheets holding a table are named, not read."""

    def __init__(self, path: Path, sheet: str | None = None, streamed: bool = False):
        self.path = path
        self.streamed = streamed
        self.other_sheets: list[str] = []  # other sheets holding a table (not read)
        try:
            workbook = self._open()
            try:
                if sheet is not None and sheet not in workbook.names:
                    names = ", ".join(f"« {name} »" for name in workbook.names)
                    raise ImportFileError("no_sheet", f"Le classeur n'a pas de feuille « {sheet} ». Ses "
                                                      f"feuilles : {names}.")
                found, tables = None, []
                for name in [sheet] if sheet is not None else workbook.names:
                    head = list(islice(_nonblank(workbook.rows(name)), HEADER_SEARCH + WIDTH_SAMPLE))
                    if not head:
                        continue
                    skip = header_position([cells for _, cells in head])
                    shape = (name, skip, head)
                    if len(head) > skip + 1 and filled(head[skip][1]) >= 2:
                        tables.append(name)
                        found = shape if len(tables) == 1 else found
                    elif not tables and (found is None or (len(found[2]) < 2 <= len(head))):
                        found = shape
                if tables:
                    self.other_sheets = tables[1:]
            finally:
                workbook.close()
        except ImportFileError:
            raise
        except PasswordError:
            raise ImportFileError("unreadable", "Le classeur est protégé par un mot de passe : enregistrez-le "
                                                "sans mot de passe puis renvoyez-le.") from None
        except BaseException as error:  # the libraries raise their own types; calamine panics as BaseException
            _reraise_control(error)
            raise _unreadable(error) from None
        if found is None:
            raise ImportFileError("empty", "Le classeur ne contient aucune donnée.")
        self.sheet_name, self._skip, head = found
        grouped = grouped_header([cells for _, cells in head], self._skip)
        self._skip += grouped is not None  # group names above the column names: both make the header
        if len(head) <= self._skip + 1:
            raise ImportFileError("empty", NO_DATA)
        header_cells = [_text(cell) for cell in head[self._skip][1]]
        self._header = [cell.strip() for cell in header_cells]
        # Values right of the header are kept as columns of their own (« colonne 7 »), a few:
        # a stray value far to the right (XFD4) is a row's error, not 16 000 empty columns.
        reach = used_width([header_cells]) + MAX_UNNAMED_COLUMNS
        width = used_width([cells[:reach] for _, cells in head[self._skip + 1:]])
        names = grouped or header_cells
        self.columns = distinct_names(names + [""] * (width - len(names)), width)
        self._links = sheet_links(path, self.sheet_name)  # (row, column) → link, XLSX only

    def _open(self) -> _Calamine | _Streamed:
        if self.streamed:
            try:
                return _Streamed(self.path)
            except Exception:  # openpyxl reads parts calamine has no use for (a broken link part)
                self.streamed = False  # before the first reading only: then the workbook is read whole
        return _Calamine(self.path)

    def _row_links(self, number: int, first_column: int, cells: list) -> dict[str, str] | None:
        """The links of a row's cells that show a text other than the link itself."""
        found = {}
        for offset, column in enumerate(self.columns):
            target = self._links.get((number, first_column + offset))
            if target and offset < len(cells) and str(cells[offset]).strip() != target:
                found[column] = target
        return found or None

    def rows(self) -> Iterator[Row]:
        workbook = None
        try:
            workbook = self._open()
            cells_by_row = _nonblank(workbook.rows(self.sheet_name))
            first_column = workbook.first_column(self.sheet_name) if self._links else 0
            for _ in range(self._skip + 1):
                next(cells_by_row)  # the title lines, then the header
            width = len(self.columns)
            for number, cells in cells_by_row:
                extra = cells[width:]
                if not _blank(extra):
                    yield Row(number, dict(zip(self.columns, map(_native, cells))),
                              f"La ligne contient des valeurs au-delà des {width} colonnes de l'en-tête.")
                    continue
                if repeats_header([_text(cell) for cell in cells], self._header):
                    continue
                values = [_native(cell) for cell in cells[:width]]
                values += [""] * (width - len(values))
                row = check_cells(number, dict(zip(self.columns, values)))
                if self._links and not row.error:
                    row.links = self._row_links(number, first_column, cells)
                yield row
        except BaseException as error:
            _reraise_control(error)
            raise _unreadable(error) from None
        finally:
            if workbook is not None:
                workbook.close()


def _nonblank(rows: Iterator[list]) -> Iterator[tuple[int, list]]:
    """(line number, cells) of each row holding something."""
    for index, cells in enumerate(rows, start=1):
        if not _blank(cells):
            yield index, cells


def _unreadable(error: BaseException) -> ImportFileError:
    detail = (str(error) or type(error).__name__)[:200]
    if detail.startswith("Cell limit exceeded"):  # calamine's guard (ODS): a sheet reaching too far
        return ImportFileError("too_large", FAR_SHEET + f" (détail technique : {detail})")
    return ImportFileError("unreadable", f"{UNREADABLE_WORKBOOK} (détail technique : {detail})")


def _reraise_control(error: BaseException) -> None:
    """Let interpreter control flow through; only the libraries' errors and panics become file errors."""
    if isinstance(error, (GeneratorExit, KeyboardInterrupt, SystemExit, MemoryError)):
        raise error
