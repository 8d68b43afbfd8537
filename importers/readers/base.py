"""Shared vocabulary of the reading stage: the file-level error, the row, and the cell limit.

Kept apart from ``__init__`` so that every reader module can import it without a cycle.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from importers.mapping import header_scores

# A cell longer than this is almost always a broken export (an unclosed quote swallowing the
# rest of the file, a pasted binary blob); the row is reported instead of loaded.
MAX_CELL_CHARS = 100_000
# Key a structured record (JSON-LD) carries to say what it is, whatever the source imports:
# "place" or "activity" (an event, a course, a group).
NATURE = "_nature"
# Key of the French remarks a structured reader makes on a record (a second place it could not
# keep): they become the row's warnings.
NOTES = "_notes"
# Key of the agenda's own id of the place an event is at (OpenAgenda's location uid): the place
# stays one venue when the agenda moves its point or corrects its address.
PLACE_REF = "_place_ref"


def other_places_note(names: list[str]) -> str:
    """The remark on places a record gives beyond the one a listing can be at."""
    shown = ", ".join(f"« {name} »" for name in names[:5]) + (" …" if len(names) > 5 else "")
    return (f"{len(names)} autre(s) lieu(x) donné(s) ({shown}) : une fiche n'a qu'un lieu, seul le premier est "
            "importé ; publiez une fiche par lieu.")


class ImportFileError(Exception):
    """The whole file is unusable: nothing from it should be imported.

    ``message`` is a French sentence shown to the partner as is; ``code`` is a short machine
    code ("empty", "too_large", "binary", "bad_extension", "zip_bomb", "encoding", "bad_json",
    "bad_structure", "unreadable", "no_sheet") the pipeline can store and test on.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ImportFileError({self.code!r}, {self.message!r})"


@dataclass
class Row:
    """One record as the partner sees it: its number in their file, its raw values, and a
    French error when it cannot be read (the rest of the file still is)."""

    number: int
    values: dict[str, object] = field(default_factory=dict)  # an error row's: those it could read
    error: str | None = None
    links: dict[str, str] | None = None  # column → the link of its cell, when it shows a text


def too_long_cell(column: str) -> str:
    return f"La cellule « {column} » dépasse 100 000 caractères."


def check_cells(number: int, values: dict[str, object]) -> Row:
    """Build a Row, turning it into an error row when one text cell is over the limit; the
    row's other cells are kept, so that its id still tells which record it is."""
    for column, value in values.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            return Row(number, {name: cell for name, cell in values.items() if name != column}, too_long_cell(column))
    return Row(number, values)


def distinct_names(names: list[str], keep: int = 0) -> list[str]:
    """Header names the mapping stage can tell apart: stripped, BOM-free, never empty, unique.

    Trailing empty names (a trailing delimiter, a spreadsheet's used range wider than the data)
    are dropped, except the first `keep` columns (the rows fill them); an empty name kept
    becomes « colonne N »; a repeated name gets a suffix « _2 », « _3 »…
    """
    cleaned = [str(name if name is not None else "").replace("\ufeff", "").strip() for name in names]
    while len(cleaned) > keep and not cleaned[-1]:
        cleaned.pop()
    result: list[str] = []
    seen: set[str] = set()
    for index, name in enumerate(cleaned, start=1):
        candidate = name or f"colonne {index}"
        base, suffix = candidate, 2
        while candidate in seen:
            candidate = f"{base}_{suffix}"
            suffix += 1
        seen.add(candidate)
        result.append(candidate)
    return result


NO_DATA = "Le fichier ne contient qu'un en-tête, aucune ligne de données."
HEADER_SEARCH = 10  # lines of a table where its header is looked for
TITLE_CHARS = 30  # a cell longer than this is a sentence, not a column name
WIDTH_SAMPLE = 200  # rows that tell which unnamed trailing columns hold data


def filled(cells: list) -> int:
    return sum(1 for cell in cells if cell is not None and str(cell).strip())


def header_position(first_lines: list[list]) -> int:
    """Which of a table's first non-blank lines is its header: the first, unless it is a title
    above it: a single cell (« Liste des ateliers », « Mis à jour le … », a notice), or two
    cells above a wider line that read as a sentence or a date, not as column names
    (« Ateliers amateurs - Ville de Bondy ;;; Mis à jour le 12/09/2025 »). A header narrower
    than its data rows (unnamed columns at its end) stays the header."""
    lines = first_lines[:HEADER_SEARCH]
    for position, cells in enumerate(lines):
        width = filled(cells)
        following = filled(lines[position + 1]) if position + 1 < len(lines) else 0
        if width >= 2 and not (width == 2 and following > width and _title_like(cells)):
            return position
    return 0


def grouped_header(first_lines: list[list], position: int) -> list[str] | None:
    """A header on two lines: group names over merged cells (« Identité ;; Contact ;; ») above
    the column names. Returns the column names, each with its group after it (« Téléphone
    (Contact) »: a French header's head word first), or None for a one-line header. The lower
    line must read as column names (most of them known headers), not as a first data row."""
    if position + 1 >= len(first_lines):
        return None
    groups = [str(cell).strip() if cell is not None else "" for cell in first_lines[position]]
    names = [str(cell).strip() if cell is not None else "" for cell in first_lines[position + 1]]
    named = [name for name in names if name]
    if len(named) < 3 or not 2 <= sum(map(bool, groups)) <= len(named) // 2:
        return None
    if any(group and (index >= len(names) or not names[index]) for index, group in enumerate(groups)):
        return None  # a group over no column
    # Each group spans its column and the next at least (their cells were merged).
    spans = all(index + 1 < len(names) and names[index + 1] and not (groups[index + 1:index + 2] or [""])[0]
                for index, group in enumerate(groups) if group)
    if not spans or any(len(name) > TITLE_CHARS or name.replace(" ", "").isdigit() for name in named):
        return None
    if sum(1 for name in named if header_scores(name)) * 2 < len(named):
        return None
    combined, group = [], ""
    for index, name in enumerate(names):
        group = groups[index] if index < len(groups) and groups[index] else group
        combined.append(f"{name} ({group})" if name and group and group != name else name)
    return combined


def _title_like(cells: list) -> bool:
    """Cells that say something (a sentence, a date) rather than name a column."""
    texts = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
    return any(len(text) > TITLE_CHARS or any(char.isdigit() for char in text) for text in texts)


def repeats_header(cells: list, header: list[str]) -> bool:
    """A line that says the header again (two exports pasted one under the other)."""
    for cell, name in zip(cells, header):  # (most lines differ at their first named column)
        if name:
            if cell is None or str(cell).strip() != name:
                return False
            break
    texts = [str(cell).strip() if cell is not None else "" for cell in cells]
    named = [(text, name) for text, name in zip(texts, header) if name]
    return len(named) >= 2 and all(text == name for text, name in named) \
        and not any(texts[len(header):])


def used_width(rows) -> int:
    """One past the last column any of these rows fills."""
    width = 0
    for cells in rows:
        for index in range(len(cells) - 1, width - 1, -1):
            cell = cells[index]
            if cell is not None and str(cell).strip():
                width = index + 1
                break
    return width


class BrokenRecord:
    """Stands for a structured record whose shape defeated its mapper (a list where an object
    was expected…): it becomes an error row instead of aborting the file."""

    message = "L'enregistrement a une structure inattendue et n'a pas pu être lu."


def safe_map(mapper, item: dict) -> dict[str, object] | BrokenRecord:
    try:
        return mapper(item)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError):
        return BrokenRecord()
