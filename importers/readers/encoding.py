"""The text encoding of a partner file, checked over the whole file by streaming it.

UTF-8 (with or without BOM) first, then the legacy Western code pages a French partner's tools
produce (Excel on Windows, old Mac, DOS), ranked by charset-normalizer and by how French they
make the text read. A UTF-8 file some of whose lines were saved in a code page (rows pasted in
from an older export) is read line by line, each line in the encoding that decodes it: reading
it all in the code page would turn every correct accent into « Ã© ». Those lines are named.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .base import ImportFileError
from .detect import HEAD_BYTES

CHUNK_BYTES = 256 * 1024
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
LEGACY_NAMES = {"cp1252": "Windows-1252", "iso8859_15": "ISO-8859-15", "mac_roman": "Mac Roman",
                "cp850": "DOS (cp850)"}
C1_CONTROLS = re.compile("[\x80-\x9f]")
MIXED = "utf-8+"  # « utf-8+cp1252 »: UTF-8 lines, and lines in that code page
LISTED_LINES = 1000  # the foreign lines' numbers kept for the run's message


@dataclass
class Decoding:
    """How to decode a text file: a codec name for ``open``, and the lines that are not in UTF-8
    when only some are (their numbers, up to LISTED_LINES, and how many there are)."""

    name: str
    foreign_lines: list[int] = field(default_factory=list)
    foreign_count: int = 0

    def note(self) -> str | None:
        if not self.foreign_count:
            return None
        legacy = LEGACY_NAMES[self.name.removeprefix(MIXED)]
        shown = ", ".join(map(str, self.foreign_lines[:10])) + (" …" if self.foreign_count > 10 else "")
        return (f"{self.foreign_count} ligne(s) ne sont pas en UTF-8 comme le reste du fichier ({shown}) : "
                f"elles ont été lues en {legacy}, l'encodage d'un ancien Excel. Vérifiez leurs accents, et "
                "enregistrez le fichier entier en « CSV UTF-8 » la prochaine fois.")


def detect_encoding(path: Path, head: bytes) -> Decoding:
    """The encoding that decodes the WHOLE file; a decoding that only succeeds by producing
    control characters is garbage, not text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _decode_error_at(path, "utf-16") is None:
            return Decoding("utf-16")
        raise _encoding_error()
    utf8 = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    bad_offset = _decode_error_at(path, utf8)
    if bad_offset is None:
        return Decoding(utf8)
    if b"\x00" in head:
        raise ImportFileError("binary", "Le fichier contient des données binaires, pas du texte.")
    some_utf8, foreign_lines, foreign_count, foreign = _utf8_and_foreign_lines(path)
    if some_utf8:
        legacy = _most_french([encoding for encoding in _ranked(foreign) if _decodes(foreign, encoding)], foreign)
        return Decoding(MIXED + legacy, foreign_lines, foreign_count)
    candidates, sample = _legacy_candidates(path, head, bad_offset)
    decoding = [encoding for encoding in candidates if _decode_error_at(path, encoding, reject_c1=True) is None]
    return Decoding(_most_french(decoding, sample))


def _most_french(encodings: list[str], sample: bytes) -> str:
    """Several Western code pages decode any byte: the one that reads as French wins (ties keep
    charset-normalizer's order). cp850 reads cp1252's « ’ – € Œ » as « Æ û Ç î »."""
    if not encodings:
        raise _encoding_error()
    return max(encodings, key=lambda encoding: (_french_score(sample.decode(encoding, "replace")),
                                                -encodings.index(encoding)))


def _encoding_error() -> ImportFileError:
    return ImportFileError(
        "encoding",
        "L'encodage des caractères du fichier n'a pas pu être reconnu. "
        "Enregistrez-le en UTF-8 (« CSV UTF-8 » dans Excel) puis renvoyez-le.",
    )


def _ranked(sample: bytes) -> list[str]:
    """The legacy encodings charset-normalizer finds plausible for this sample, then cp1252."""
    ranked = [match.encoding for match in from_bytes(sample, cp_isolation=LEGACY_ENCODINGS)]
    return ranked + ([] if "cp1252" in ranked else ["cp1252"])


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        return not C1_CONTROLS.search(sample.decode(encoding))
    except UnicodeDecodeError:
        return False


def _legacy_candidates(path: Path, head: bytes, bad_offset: int) -> tuple[list[str], bytes]:
    """Encodings plausible on the start of the file and around the first byte that is not UTF-8
    (accents may only appear deep in the file); and that sample."""
    with open(path, "rb") as handle:
        handle.seek(max(0, bad_offset - 1024))
        around = handle.read(HEAD_BYTES // 2)
    sample = head[: HEAD_BYTES // 2] + b"\n" + around
    return _ranked(sample), sample


def _utf8_and_foreign_lines(path: Path) -> tuple[bool, list[int], int, bytes]:
    """Whether some line reads as French in UTF-8 (and better than in cp1252: a code page's
    « Ã© » may be valid UTF-8 by chance, a UTF-8 « é » is never a cp1252 accent); the numbers
    of the lines that are not UTF-8, how many, and a bounded sample of them."""
    some_utf8, numbers, count, sample = False, [], 0, bytearray()
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                count += 1
                if len(numbers) < LISTED_LINES:
                    numbers.append(number)
                if len(sample) < HEAD_BYTES:
                    sample += line
                continue
            if not some_utf8:
                some_utf8 = _french_score(text) > _french_score(line.decode("cp1252", "replace"))
    return some_utf8, numbers, count, bytes(sample)


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


def _by_line(data: bytes, legacy: str) -> str:
    """Each line in UTF-8 when it is, else in the legacy code page."""
    parts = []
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(line.decode(legacy, "replace"))
    return "".join(parts)


def _mixed_codec(legacy: str) -> codecs.CodecInfo:
    class Decoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data, errors, final):
            end = len(data) if final else data.rfind(b"\n") + 1  # whole lines only
            return _by_line(data[:end], legacy), end

    return codecs.CodecInfo(
        name=MIXED + legacy, encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": (_by_line(bytes(data), legacy), len(data)),
        incrementaldecoder=Decoder, incrementalencoder=codecs.getincrementalencoder("utf-8"),
    )


def _search(name: str) -> codecs.CodecInfo | None:
    """Python hands codec search functions « utf-8+cp1252 » as « utf_8_cp1252 »."""
    legacy = name.removeprefix("utf_8_")
    return _mixed_codec(legacy) if name.startswith("utf_8_") and legacy in LEGACY_ENCODINGS else None


codecs.register(_search)
