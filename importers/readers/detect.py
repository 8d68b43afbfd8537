"""Sniffing before reading: size, what the bytes really are, the CSV delimiter, and whether a
zip is safe to hand to calamine (the text encoding is found by ``encoding``).

Everything here runs on a bounded sample or streams the file in chunks, so a large or hostile
file is rejected before any reader allocates memory for it. Content wins over the extension:
partners rename files freely, but an extension that names one of our formats on content we
cannot read gets its own clear message.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

from .base import HEADER_SEARCH, ImportFileError

HEAD_BYTES = 64 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
DELIMITERS = ",;|\t"
BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")

TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab"}
JSON_EXTENSIONS = {".json", ".geojson", ".jsonld"}
SHEET_EXTENSIONS = {".xlsx", ".xlsm", ".ods", ".xls"}
OUR_EXTENSIONS = TEXT_EXTENSIONS | JSON_EXTENSIONS | SHEET_EXTENSIONS

# Magic numbers of files partners send by mistake, with a French name for the message.
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"%PDF", "un document PDF"),
    (b"\x1f\x8b", "une archive GZIP"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme Windows"),
    (b"RIFF", "un fichier audio ou vidéo"),
    (b"ID3", "un fichier audio"),
    (b"\x00\x00\x00\x18ftyp", "une vidéo"),
    (b"\x00\x00\x00\x20ftyp", "une vidéo"),
]
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def check_size(path: Path, max_bytes: int) -> int:
    """Reject empty and oversized files from os.stat, before reading a byte."""
    try:
        size = os.stat(path).st_size
    except OSError:
        raise ImportFileError("unreadable", "Le fichier est introuvable ou illisible.") from None
    if size == 0:
        raise ImportFileError("empty", "Le fichier est vide.")
    if size > max_bytes:
        raise ImportFileError(
            "too_large",
            f"Le fichier pèse {human_size(size)}, au-delà de la limite de "
            f"{human_size(max_bytes)}. Découpez-le en plusieurs fichiers.",
        )
    return size


def human_size(size: int) -> str:
    """« 20 Mo », « 1,5 Mo », « 12 Ko », « 980 octets » (French units, decimal comma)."""
    for unit, scale in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".0", "").replace(".", ",") + f" {unit}"
    return f"{size} octets"


def read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES)
    except OSError:
        raise ImportFileError("unreadable", "Le fichier est introuvable ou illisible.") from None


def extension_of(path: Path, filename: str | None) -> str:
    return Path(filename or path.name).suffix.lower()


def wrong_content(ext: str, what: str) -> ImportFileError:
    """Content we cannot read: blame the extension when it promised one of our formats."""
    if ext in OUR_EXTENSIONS:
        return ImportFileError(
            "bad_extension",
            f"Le fichier porte l'extension « {ext} » mais son contenu est {what}. "
            "Envoyez un fichier CSV, XLSX, ODS ou JSON.",
        )
    return ImportFileError(
        "binary",
        f"Le contenu du fichier est {what}, pas un tableau de données. "
        "Envoyez un fichier CSV, XLSX, ODS ou JSON.",
    )


def sniff_binary(head: bytes, ext: str) -> str | None:
    """'xlsx'/'ods'/'xls' for spreadsheet containers, None for text; raises on other binaries."""
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise wrong_content(ext, what)
    return None


def check_zip(path: Path, ext: str) -> str:
    """Inspect a zip's directory before calamine touches it: refuse bombs, name the format.

    Sizes are the ones the archive declares; zipfile (and calamine's reader) never inflate an
    entry past its declared size, so checking the declaration bounds the work.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            total = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries)
            too_dense = any(
                entry.file_size > 1024 * 1024
                and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1)
                for entry in entries
            )
            if too_dense or (total > 1024 * 1024 and total > MAX_ZIP_RATIO * max(packed, 1)):
                raise ImportFileError(
                    "zip_bomb",
                    f"Le classeur se décompresse en un volume anormal (plus de {MAX_ZIP_RATIO} fois sa taille, "
                    "un taux de compression suspect) : il a été refusé par sécurité.",
                )
            if total > MAX_UNZIPPED_BYTES:  # an honest workbook, too big to be read safely
                raise ImportFileError(
                    "too_large",
                    f"Le classeur est trop volumineux une fois décompressé ({total / 2**20:.0f} Mo, au-delà de "
                    f"{MAX_UNZIPPED_BYTES / 2**20:.0f} Mo) : enregistrez-le au format CSV, qui est lu ligne à "
                    "ligne, ou découpez-le en plusieurs fichiers.",
                )
            mimetype = b""
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:200].strip()
    except zipfile.BadZipFile:
        raise ImportFileError(
            "unreadable", "Le classeur est endommagé : l'archive ZIP ne peut pas être ouverte."
        ) from None
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
        return "ods"
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return "xlsx"
    raise wrong_content(ext, "une archive ZIP qui ne contient pas de classeur XLSX ou ODS")


def first_text(path: Path, encoding: str) -> str:
    """A bounded, decoded sample of the file, every BOM and leading blank removed."""
    with open(path, encoding=encoding, newline="") as handle:
        text = handle.read(HEAD_BYTES)
    return text.lstrip("\ufeff \t\r\n")


def check_text(sample: str, ext: str) -> str:
    """'json' or 'csv' from the first character; other text formats are refused by name."""
    if not sample.strip("\ufeff \t\r\n"):
        raise ImportFileError("empty", "Le fichier ne contient aucune donnée.")
    if len(BAD_CONTROLS.findall(sample)) > max(2, len(sample) // 100):
        raise wrong_content(ext, "binaire (caractères de contrôle)")
    first = sample[0]
    if first in "[{":
        return "json"
    if ext in JSON_EXTENSIONS and re.match(r'["\d-]|true|false|null', sample):
        return "json"  # a bare JSON value: let the JSON reader say it holds no records
    if first == "<":
        what = "une page web (HTML)" if "<html" in sample[:2000].lower() else "un document XML"
        raise wrong_content(ext, what) if ext in OUR_EXTENSIONS else ImportFileError(
            "unreadable", f"Le contenu du fichier est {what}, qui n'est pas un format d'import pris en charge."
        )
    return "csv"


def detect_delimiter(sample: str) -> str:
    """The CSV delimiter among , ; | and tab.

    csv.Sniffer answers first; its answer is kept only when it splits the header into several
    columns that the next rows agree with, otherwise each candidate is tried by counting the
    fields it gives per row (robust to « 48.87, 2.30 » inside a `;` file).
    """
    if sample[:4].lower() == "sep=" and len(sample) > 4 and sample[4] in DELIMITERS:
        return sample[4]  # Excel's explicit « sep=; » first line
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        sample = "".join(lines[:-1]) if not sample.endswith(("\n", "\r")) else sample
    try:
        sniffed = csv.Sniffer().sniff(sample[:20000], delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and _consistency(sample, sniffed) >= 0.8:
        return sniffed
    scored = [(_consistency(sample, d), _width(sample, d), d) for d in DELIMITERS]
    best = max(scored)
    return best[2] if best[1] > 1 else ","


def _rows(sample: str, delimiter: str, limit: int = 30) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _from_header(rows: list[list[str]]) -> list[list[str]]:
    """The rows from the first that this delimiter splits: title lines above a header
    (« Liste des salles ») have none of its delimiters."""
    for position, row in enumerate(rows[:HEADER_SEARCH]):
        if len(row) > 1:
            return rows[position:]
    return rows


def _width(sample: str, delimiter: str) -> int:
    rows = _from_header(_rows(sample, delimiter, HEADER_SEARCH))
    return len(rows[0]) if rows else 0


def _consistency(sample: str, delimiter: str) -> float:
    """Share of sampled rows with as many fields as the header (0 when the header has one)."""
    rows = _from_header(_rows(sample, delimiter, 30 + HEADER_SEARCH))
    if not rows or len(rows[0]) < 2:
        return 0.0
    if len(rows) == 1:
        return 0.9
    width = len(rows[0])
    return sum(1 for row in rows[1:] if len(row) == width) / (len(rows) - 1)
