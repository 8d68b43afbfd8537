"""Workbook reading benchmark: a large XLSX read whole by calamine, and streamed.

    .venv/bin/python -m bench.import.workbook [--rows 200000] [--file PATH]

Builds an XLSX of `--rows` rows from the real libraries file (its eight columns a partner
would keep: id, name, address, postal code, town, longitude, latitude, site), then reads
every row through `open_records` in a fresh process per way of reading, and prints the time
and the peak memory (RSS) of each, beside that of a process that reads nothing. Not a test.
Linux only (peak memory is read from /proc).
"""
from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from itertools import chain, cycle, islice
from pathlib import Path
from xml.sax.saxutils import escape

from portal.settings import Settings

from .run import LIBRARIES

NUMBER = re.compile(r"-?\d{1,9}(\.\d+)?")
KEPT = ("Code_bib", "nom_de_l_etablissement", "Adresse", "CP", "Ville", "Longitude", "Latitude", "site_internet")


PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="Bibliothèques" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>',
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def build(source: Path, target: Path, rows: int) -> None:
    """An XLSX as Excel or LibreOffice write one: texts in the shared strings table, numbers in
    their cells, the sheet's dimension first (openpyxl writes texts inline, and no dimension
    when streaming: neither is what partners send)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    strings: dict[str, int] = {}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def cell(column: int, row: int, value: str) -> str:
        reference = f"{letters[column]}{row}"
        if not value:
            return ""
        if NUMBER.fullmatch(value):
            return f'<c r="{reference}"><v>{value}</v></c>'
        return f'<c r="{reference}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension '
                        f'ref="A1:{letters[len(KEPT) - 1]}{rows + 1}"/><sheetData>'.encode())
            lines = chain([dict(zip(KEPT, KEPT))], islice(cycle(records), rows))
            for number, record in enumerate(lines, start=1):
                values = [record[column] for column in KEPT]
                if number > 1:
                    values[0] = f"{values[0]}-{number}"  # one id per row
                cells = "".join(cell(column, number, escape(value)) for column, value in enumerate(values))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        table = "".join(f"<si><t>{text}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
                                                 f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>')


def read(path: Path, streamed: bool | None) -> None:
    """In a child process: read every row, print rows, seconds, peak MB (JSON-free, one line)."""
    from importers.readers import open_records, sheets

    if streamed is not None:
        sheets.STREAM_ABOVE_BYTES = -1 if streamed else 1 << 62
    started = time.perf_counter()
    count = 0
    if streamed is not None:
        with open_records(path, max_bytes=1 << 30) as records:
            count = sum(1 for _ in records)
    elapsed = time.perf_counter() - started
    # (Not getrusage: a child's maximum starts from its parent's size at the fork.)
    peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM"))
    print(count, f"{elapsed:.2f}", f"{int(peak.split()[1]) / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--file", type=Path, default=Path(Settings.from_env().DATA_DIR) / LIBRARIES)
    parser.add_argument("--read", choices=["nothing", "whole", "streamed"], help=argparse.SUPPRESS)
    parser.add_argument("--workbook", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read(args.workbook, {"nothing": None, "whole": False, "streamed": True}[args.read])
        return
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "bibliotheques.xlsx"
        started = time.perf_counter()
        build(args.file, workbook, args.rows)
        with zipfile.ZipFile(workbook) as archive:
            xml = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        print(f"workbook      : {args.rows} rows × {len(KEPT)} columns, {workbook.stat().st_size / 2**20:.1f} MB, "
              f"{xml / 2**20:.0f} MB of sheet XML (built in {time.perf_counter() - started:.0f} s)")
        for way in ("nothing", "whole", "streamed"):
            output = subprocess.run([sys.executable, "-m", "bench.import.workbook", "--read", way,
                                     "--workbook", str(workbook)], check=True, capture_output=True, text=True)
            count, seconds, peak = output.stdout.split()
            label = {"nothing": "no reading", "whole": "calamine", "streamed": "streamed"}[way]
            rate = f" = {int(count) / float(seconds):,.0f} rows/s" if int(count) else ""
            print(f"{label:<14}: {count} rows in {seconds} s{rate}, peak RSS {peak} MB")


if __name__ == "__main__":
    main()
