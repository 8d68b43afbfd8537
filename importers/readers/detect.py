"""Sniffing before reading: size, what the bytes really are, their text encoding, the CSV
delimiter, and whether a zip is safe to hand to calamine.

Everything here runs on a bounded sample or streams the file in chunks, so a large or hostile
file is rejected before any reader allocates memory for it. Content wins over the extension:
partners rename files freely, but an extension that names one of our formats on content we
cannot read gets its own clear message.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from pathlib import Path

from charset_normalizer import from_bytes

from .base import ImportFileError

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 256 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
DELIMITERS = ",;|\t"
# The legacy encodings a French partner's tools produce (Excel on Windows, old Mac, DOS).
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
C1_CONTROLS = re.compile("[\x80-\x9f]")
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
            if total > MAX_UNZIPPED_BYTES or too_dense or (
                total > 1024 * 1024 and total > MAX_ZIP_RATIO * max(packed, 1)
            ):
                raise ImportFileError(
                    "zip_bomb",
                    "Le classeur se décompresse en un volume anormal (plus de 200 Mo ou un taux "
                    "de compression suspect) : il a été refusé par sécurité.",
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


def detect_encoding(path: Path, head: bytes) -> str:
    """The text encoding that decodes the WHOLE file, checked by streaming it in chunks.

    UTF-8 (with or without BOM) first, then legacy Western encodings ranked by
    charset-normalizer; a decoding that only succeeds by producing control characters is
    garbage, not text.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _decode_error_at(path, "utf-16") is None:
            return "utf-16"
        raise _encoding_error()
    utf8 = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    bad_offset = _decode_error_at(path, utf8)
    if bad_offset is None:
        return utf8
    if b"\x00" in head:
        raise ImportFileError("binary", "Le fichier contient des données binaires, pas du texte.")
    candidates, sample = _legacy_candidates(path, head, bad_offset)
    decoding = [encoding for encoding in candidates if _decode_error_at(path, encoding, reject_c1=True) is None]
    if not decoding:
        raise _encoding_error()
    # Several Western code pages decode any byte: the one that reads as French wins (ties keep
    # charset-normalizer's order). cp850 reads cp1252's « ’ – € Œ » as « Æ û Ç î ».
    return max(decoding, key=lambda encoding: (_french_score(sample.decode(encoding, "replace")),
                                               -decoding.index(encoding)))


def _encoding_error() -> ImportFileError:
    return ImportFileError(
        "encoding",
        "L'encodage des caractères du fichier n'a pas pu être reconnu. "
        "Enregistrez-le en UTF-8 (« CSV UTF-8 » dans Excel) puis renvoyez-le.",
    )


def _legacy_candidates(path: Path, head: bytes, bad_offset: int) -> tuple[list[str], bytes]:
    """Encodings charset-normalizer finds plausible on the start of the file and around the
    first byte that is not UTF-8 (accents may only appear deep in the file), then cp1252; and
    that sample."""
    with open(path, "rb") as handle:
        handle.seek(max(0, bad_offset - 1024))
        around = handle.read(HEAD_BYTES // 2)
    sample = head[: HEAD_BYTES // 2] + b"\n" + around
    ranked = [match.encoding for match in from_bytes(sample, cp_isolation=LEGACY_ENCODINGS)]
    return ranked + ([] if "cp1252" in ranked else ["cp1252"]), sample


FRENCH_LOWER = set("àâäçéèêëîïôöùûüÿœæ")
FRENCH_UPPER = set("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ")
FRENCH_PUNCTUATION = set("’‘“”«»–—…€°·\xa0")


def _french_score(text: str) -> int:
    """How French the non-ASCII characters of a decoded text look. For: accented letters inside
    words, French punctuation. Against: any other character (« Ú », « ‚ », box drawing), an
    accented letter standing alone (« 12 Ç », « 0 û cours »; « à » excepted) and a capital in
    the middle of a word (« LÆatelier »): what a wrong code page makes of quotes and dashes."""
    score = 0
    for position, char in enumerate(text):
        if char.isascii():
            continue
        before, after = text[position - 1:position], text[position + 1:position + 2]
        if not char.isalpha():
            score += 1 if char in FRENCH_PUNCTUATION else -2
        elif char not in FRENCH_LOWER and char not in FRENCH_UPPER:
            score -= 2
        elif not (before.isalpha() or after.isalpha()) and char != "à":
            score -= 2
        elif char.isupper() and before.isalpha() and after.islower():
            score -= 2
        else:
            score += 2 if char in FRENCH_LOWER else 1
    return score


def _decode_error_at(path: Path, encoding: str, *, reject_c1: bool = False) -> int | None:
    """None when the whole file decodes (streamed in chunks), else the offset of the failure."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(CHUNK_BYTES):
                text = decoder.decode(chunk)
                if reject_c1 and C1_CONTROLS.search(text):
                    return offset
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset + max(error.start, 0)
    return None


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


def _width(sample: str, delimiter: str) -> int:
    rows = _rows(sample, delimiter, 1)
    return len(rows[0]) if rows else 0


def _consistency(sample: str, delimiter: str) -> float:
    """Share of sampled rows with as many fields as the header (0 when the header has one)."""
    rows = _rows(sample, delimiter)
    if not rows or len(rows[0]) < 2:
        return 0.0
    if len(rows) == 1:
        return 0.9
    width = len(rows[0])
    return sum(1 for row in rows[1:] if len(row) == width) / (len(rows) - 1)
