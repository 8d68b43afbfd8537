"""The links of an XLSX sheet's cells: a partner's « Site de la MJC » cell whose link is the
site. calamine gives the text a cell shows, not its hyperlink; these are read from the
workbook's own parts (workbook, relationships, the sheet's <hyperlinks>), streamed.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl.utils import column_index_from_string

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCUMENT_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HYPERLINK_TYPE = DOCUMENT_RELS[1:-1] + "/hyperlink"
CELL = re.compile(r"([A-Z]{1,3})(\d{1,7})")
MAX_LINKED_CELLS = 1_000_000  # a range over a whole column is not a list of places


def sheet_links(path: Path, sheet_name: str) -> dict[tuple[int, int], str]:
    """(row, column) → external link target, both 1-based as the partner's spreadsheet counts
    them, for the named sheet of an XLSX workbook; empty when it has none or is no XLSX."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheet_part = _sheet_part(archive, sheet_name)
            if sheet_part is None:
                return {}
            targets = _relationships(archive, sheet_part, HYPERLINK_TYPE)
            if not targets:  # most sheets: no external link, nothing more to read
                return {}
            return _linked_cells(archive, sheet_part, targets)
    except (zipfile.BadZipFile, KeyError, ParseError, OSError, ValueError):
        return {}  # links are a help: a workbook calamine reads is imported without them


def _relationships(archive: zipfile.ZipFile, part: str, kind: str | None = None) -> dict[str, str]:
    """A part's relationships: id → target (external URLs as they are, parts resolved)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    with archive.open(rels) as stream:
        for _, element in iterparse(stream):
            if element.tag == PACKAGE_RELS + "Relationship" and (kind is None or element.get("Type") == kind):
                target = element.get("Target") or ""
                if element.get("TargetMode") != "External":  # a part of the workbook
                    target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                    target = posixpath.normpath(target)
                found[element.get("Id")] = target
    return found


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    with archive.open("xl/workbook.xml") as stream:
        ids = [element.get(DOCUMENT_RELS + "id") for _, element in iterparse(stream)
               if element.tag == MAIN + "sheet" and element.get("name") == sheet_name]
    if not ids:
        return None
    return _relationships(archive, "xl/workbook.xml").get(ids[0])


def _linked_cells(archive: zipfile.ZipFile, sheet_part: str, targets: dict[str, str]) -> dict[tuple[int, int], str]:
    links: dict[tuple[int, int], str] = {}
    with archive.open(sheet_part) as stream:
        for _, element in iterparse(stream):
            if element.tag == MAIN + "hyperlink":
                target = targets.get(element.get(DOCUMENT_RELS + "id"))
                if target:
                    for cell in _cells(element.get("ref") or ""):
                        links[cell] = target
                        if len(links) > MAX_LINKED_CELLS:
                            return links
            elif element.tag in (MAIN + "row", MAIN + "c"):
                element.clear()  # the sheet's data is not kept: only its links are wanted
    return links


def _cells(ref: str) -> list[tuple[int, int]]:
    """« C4 » or « C4:D6 » → its cells as (row, column)."""
    corners = [CELL.fullmatch(part.replace("$", "")) for part in ref.split(":")]
    if not corners or not all(corners):
        return []
    (first_row, first_col), (last_row, last_col) = (_position(corners[0]), _position(corners[-1]))
    if (last_row - first_row + 1) * (last_col - first_col + 1) > MAX_LINKED_CELLS:
        return []
    return [(row, col) for row in range(first_row, last_row + 1) for col in range(first_col, last_col + 1)]


def _position(found: re.Match) -> tuple[int, int]:
    letters, digits = found.groups()
    return int(digits), column_index_from_string(letters)
