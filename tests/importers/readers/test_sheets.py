"""Spreadsheets: XLSX written with openpyxl, ODS assembled from its published XML layout.

Every test runs twice: with XLSX workbooks read whole (calamine), and streamed, as large ones
are (openpyxl's read-only mode). Both must give the same rows."""
from __future__ import annotations

import datetime
import zipfile

import openpyxl
import pytest

from importers.readers import ImportFileError, Row, open_records, sheets

ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Lieux">{rows}</table:table></office:spreadsheet></office:body>
</office:document-content>"""
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


@pytest.fixture(autouse=True, params=["whole", "streamed"])
def xlsx_reading(request, monkeypatch):
    if request.param == "streamed":
        monkeypatch.setattr(sheets, "STREAM_ABOVE_BYTES", -1)
    return request.param


def _ods_cell(value):
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def write_ods(path, rows):
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", ODS_CONTENT.format(rows=body), zipfile.ZIP_DEFLATED)
    return path


def write_xlsx(path, rows, *, empty_first_sheet=False, origin="A1"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if empty_first_sheet:
        sheet.title = "Notes"
        sheet = workbook.create_sheet("Données")
    start = sheet[origin]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.cell(row=start.row + r, column=start.column + c, value=value)
    workbook.save(path)
    return path


def test_xlsx_native_values_and_sheet_row_numbers(tmp_path, xlsx_reading):
    path = write_xlsx(tmp_path / "lieux.xlsx", [
        ["Nom", "Code INSEE", "Latitude", "Ouverture", None],
        ["Conservatoire", 93066, 48.93, datetime.date(2025, 9, 1), None],
        [None, None, None, None, None],
        ["MJC", 93048, 48.86, None, None],
    ], empty_first_sheet=True, origin="B3")
    with open_records(path) as records:
        assert (records.format, records.encoding, records.delimiter) == ("xlsx", None, None)
        assert records.streamed is (xlsx_reading == "streamed")
        assert records.columns == ["Nom", "Code INSEE", "Latitude", "Ouverture"]
        rows = list(records)
    assert rows[0] == Row(4, {"Nom": "Conservatoire", "Code INSEE": 93066, "Latitude": 48.93,
                              "Ouverture": datetime.date(2025, 9, 1)})
    assert isinstance(rows[0].values["Code INSEE"], int)  # not 93066.0
    assert rows[1].number == 6 and rows[1].values["Nom"] == "MJC"


def test_xlsx_values_under_an_unnamed_column_are_kept_as_colonne_n(tmp_path):
    """A note typed right of the header (« à vérifier ») is a column of its own, offered to
    the mapping as « colonne 3 »: the row is not thrown away for it."""
    path = write_xlsx(tmp_path / "notes.xlsx", [
        ["nom", "description"],
        ["B", "ok", "à vérifier"],
        ["C", "ok"],
    ])
    with open_records(path) as records:
        rows = list(records)
        assert records.columns == ["nom", "description", "colonne 3"]
    assert rows[0] == Row(2, {"nom": "B", "description": "ok", "colonne 3": "à vérifier"})
    assert rows[1] == Row(3, {"nom": "C", "description": "ok", "colonne 3": ""})


def test_a_title_line_and_a_notice_sheet_are_passed_over(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    notice = workbook.active
    notice.title = "Lisez-moi"
    notice.append(["Ce classeur liste les ateliers de la saison 2025-2026."])
    notice.append(["Contact : culture@ville.example"])
    sheet = workbook.create_sheet("Ateliers")
    sheet.append(["Ateliers amateurs — mis à jour le 01/09/2025"])
    sheet.append([])
    sheet.append(["Nom", "Commune"])
    sheet.append(["Chorale", "Pantin"])
    path = tmp_path / "ateliers.xlsx"
    workbook.save(path)
    with open_records(path) as records:
        assert records.columns == ["Nom", "Commune"]
        assert list(records) == [Row(4, {"Nom": "Chorale", "Commune": "Pantin"})]


def test_a_sheet_s_header_said_again_is_passed_over(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ateliers de Stains", None, None, "Mis à jour le 01/09/2025"])
    for row in (["N°", "Nom", "Commune", "Tarif"], [1, "Chorale", "Stains", 10], ["N°", "Nom", "Commune", "Tarif"],
                [2, "Jam", "Stains", 0]):
        sheet.append(row)
    path = tmp_path / "stains.xlsx"
    workbook.save(path)
    with open_records(path) as records:
        assert records.columns == ["N°", "Nom", "Commune", "Tarif"]
        assert [(row.number, row.values["Nom"]) for row in records] == [(3, "Chorale"), (5, "Jam")]


def test_ods_long_cell_is_a_row_error(tmp_path):
    # Excel caps cells at 32 767 characters, OpenDocument does not.
    path = write_ods(tmp_path / "long.ods", [["nom", "description"], ["A", "x" * 100_001], ["B", "ok"]])
    with open_records(path) as records:
        rows = list(records)
    assert rows == [Row(2, {"nom": "A"}, "La cellule « description » dépasse 100 000 caractères."),
                    Row(3, {"nom": "B", "description": "ok"})]


def test_xlsx_with_only_a_header_is_empty(tmp_path):
    path = write_xlsx(tmp_path / "vide.xlsx", [["nom", "ville"]])
    with pytest.raises(ImportFileError) as error:
        open_records(path)
    assert error.value.code == "empty"


def test_ods(tmp_path):
    path = write_ods(tmp_path / "lieux.ods", [["nom", "cp"], ["Fanfare", 93140], ["Chorale", "93200"]])
    with open_records(path) as records:
        assert records.format == "ods"
        assert [row.values for row in records] == [{"nom": "Fanfare", "cp": 93140}, {"nom": "Chorale", "cp": "93200"}]


def test_xlsx_named_csv_is_read_by_content(tmp_path):
    path = write_xlsx(tmp_path / "upload.tmp", [["nom"], ["Studio"]])
    with open_records(path, filename="lieux.csv") as records:
        assert records.format == "xlsx"
        assert [row.values for row in records] == [{"nom": "Studio"}]


def test_zip_bomb_disguised_as_xlsx_is_refused_before_reading(tmp_path):
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(ImportFileError) as error:
        open_records(path)
    assert error.value.code == "zip_bomb"
    assert "taux de compression suspect" in error.value.message


def test_a_workbook_too_big_once_unzipped_is_refused_as_such_not_as_a_bomb(tmp_path, monkeypatch):
    """Rows that compress as rows do (not a bomb), but more of them than is read safely: the
    partner is told the size and what to send instead, not that the file looks hostile."""
    from importers.readers import detect

    rows = [["Nom", "Ville"]] + [[f"Atelier {n} {n * 7919 % 10007}", f"Ville {n % 613}"] for n in range(40_000)]
    path = write_xlsx(tmp_path / "grand.xlsx", rows)
    with zipfile.ZipFile(path) as archive:
        unzipped = sum(entry.file_size for entry in archive.infolist())
    monkeypatch.setattr(detect, "MAX_UNZIPPED_BYTES", unzipped - 1)
    with pytest.raises(ImportFileError) as error:
        open_records(path)
    assert error.value.code == "too_large"
    assert f"({unzipped / 2**20:.0f} Mo, au-delà de" in error.value.message
    assert "enregistrez-le au format CSV" in error.value.message


def test_corrupt_xlsx_is_unreadable(tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [["nom"], ["A"]])
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(path.read_bytes()[:600])
    with pytest.raises(ImportFileError) as error:
        open_records(broken)
    assert error.value.code == "unreadable"


def test_a_workbook_missing_its_sheet_says_what_to_do_in_french(tmp_path):
    """Not calamine's own words (« Sheet », « Could not find EOCD »): what the partner can do."""
    path = write_xlsx(tmp_path / "ok.xlsx", [["nom"], ["A"]])
    gutted = tmp_path / "sans-feuille.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(gutted, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
    with pytest.raises(ImportFileError) as error:
        open_records(gutted)
    assert error.value.message.startswith("Le classeur ne peut pas être lu : il est endommagé, incomplet ou n'est "
                                          "pas un classeur Excel ou OpenDocument. Ouvrez-le dans votre tableur")


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "pas un classeur")
    with pytest.raises(ImportFileError) as error:
        open_records(path)
    assert error.value.code == "bad_extension"
    assert "ne contient pas de classeur" in error.value.message


def test_xlsx_cells_showing_a_text_carry_their_link(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Lieux")  # not the first sheet, and not from A1
    rows = [["Nom", "Site web", "Contact"],
            ["MJC", "Site de la MJC", "Écrire"],
            ["Conservatoire", "https://conservatoire.example", "contact@conservatoire.example"],
            ["Studio", "Voir le site", None]]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=2):
            sheet.cell(row=r, column=c, value=value)
    sheet["C4"].hyperlink = "https://mjc.example/ateliers"
    sheet["D4"].hyperlink = "mailto:accueil@mjc.example?subject=Atelier"
    sheet["C5"].hyperlink = "https://conservatoire.example"  # the link it shows: nothing to add
    sheet["C6"].hyperlink = "https://studio.example"
    workbook.save(tmp_path / "liens.xlsx")
    with open_records(tmp_path / "liens.xlsx") as records:
        rows = list(records)
    assert [row.links for row in rows] == [
        {"Site web": "https://mjc.example/ateliers", "Contact": "mailto:accueil@mjc.example?subject=Atelier"},
        None, {"Site web": "https://studio.example"}]
    assert rows[0].values["Site web"] == "Site de la MJC"  # the reader keeps what the cell shows


def test_a_workbook_with_broken_link_parts_is_read_without_its_links(tmp_path):
    path = write_xlsx(tmp_path / "lieux.xlsx", [["Nom", "Site"], ["MJC", "Site de la MJC"]])
    broken = tmp_path / "casse.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/worksheets/_rels/sheet1.xml.rels", "<Relationships")  # not XML
    with open_records(broken) as records:
        assert [row.values for row in records] == [{"Nom": "MJC", "Site": "Site de la MJC"}]


def test_only_a_large_xlsx_is_streamed(tmp_path, monkeypatch):
    """A workbook whose sheets' XML passes the threshold is streamed (and may then be read by
    two workers at once); a smaller one, and any ODS, is read whole by calamine."""
    rows = [["Nom", "Ville"]] + [[f"Atelier {n}", "Bondy"] for n in range(300)]
    small = write_xlsx(tmp_path / "petit.xlsx", rows[:3])
    large = write_xlsx(tmp_path / "grand.xlsx", rows)
    ods = write_ods(tmp_path / "grand.ods", rows)
    with zipfile.ZipFile(large) as archive:
        monkeypatch.setattr(sheets, "STREAM_ABOVE_BYTES", archive.getinfo("xl/worksheets/sheet1.xml").file_size - 1)
    with open_records(large) as streamed, open_records(small) as whole, open_records(ods) as document:
        assert (streamed.streamed, whole.streamed, document.streamed) == (True, False, False)
        assert [row.values for row in streamed][-1] == {"Nom": "Atelier 299", "Ville": "Bondy"}


def test_a_streamed_workbook_gives_days_blanks_and_wide_rows_as_calamine_does(tmp_path, monkeypatch):
    """openpyxl gives a date cell as a moment at midnight, a blank as None, and trusts the width
    the sheet declares: the streamed reader gives the day, an empty cell, and every cell."""
    path = write_xlsx(tmp_path / "lieux.xlsx", [
        ["Nom", "Ouverture", "Séance", "Places"],
        ["MJC", datetime.date(2025, 9, 1), datetime.datetime(2025, 9, 1, 18, 30), None],
        ["Studio", None, None, 12],
    ])
    with zipfile.ZipFile(path) as source:  # a writer that declares the sheet one column wide
        parts = {item.filename: source.read(item) for item in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert 'ref="A1:D3"' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('ref="A1:D3"', 'ref="A1:A3"').encode()
    narrow = tmp_path / "etroit.xlsx"
    with zipfile.ZipFile(narrow, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    read = {}
    for reading, threshold in (("whole", sheets.STREAM_ABOVE_BYTES), ("streamed", -1)):
        monkeypatch.setattr(sheets, "STREAM_ABOVE_BYTES", threshold)
        with open_records(narrow) as records:
            read[reading] = [row.values for row in records]
    assert read["streamed"] == read["whole"] == [
        {"Nom": "MJC", "Ouverture": datetime.date(2025, 9, 1), "Séance": datetime.datetime(2025, 9, 1, 18, 30),
         "Places": ""},
        {"Nom": "Studio", "Ouverture": "", "Séance": "", "Places": 12},
    ]


def _read_apart(path) -> dict:
    """Read a workbook in a process of its own: calamine, asked to hold too large a sheet,
    aborts its process (a test in this one would take the whole run down with it)."""
    import json
    import subprocess
    import sys

    script = ("import json, sys\n"
              "from importers.readers import open_records, sheets\n"
              "sheets.STREAM_ABOVE_BYTES = int(sys.argv[2])\n"
              "with open_records(sys.argv[1]) as records:\n"
              "    rows = [(row.number, row.values, row.error) for row in records]\n"
              "    print(json.dumps({'streamed': records.streamed, 'columns': records.columns, 'rows': rows}))\n")
    done = subprocess.run([sys.executable, "-c", script, str(path), str(sheets.STREAM_ABOVE_BYTES)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_value_left_in_the_last_cell_of_the_sheet_is_a_row_s_error_not_a_crash(tmp_path):
    """A stray « x » in XFD1048576 (Ctrl+Fin, then a key pressed): calamine would hold the
    rectangle up to it, 17 billion cells, and its process be killed. The workbook is streamed:
    its rows are read, and the stray value's row is reported."""
    path = write_xlsx(tmp_path / "lieux.xlsx", [["Nom", "Ville"], ["MJC", "Montreuil"], ["Studio", "Pantin"]])
    workbook = openpyxl.load_workbook(path)
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    read = _read_apart(path)
    assert read["streamed"] is True
    assert read["columns"] == ["Nom", "Ville"]
    assert read["rows"][:2] == [[2, {"Nom": "MJC", "Ville": "Montreuil"}, None],
                                [3, {"Nom": "Studio", "Ville": "Pantin"}, None]]
    [(number, _, error)] = read["rows"][2:]
    assert number == 1048576 and error == "La ligne contient des valeurs au-delà des 2 colonnes de l'en-tête."


def test_a_value_far_right_of_the_table_makes_no_empty_columns(tmp_path):
    """Values a few columns right of the header are kept as columns of their own; one far to
    the right is its row's error, not thousands of empty « colonne N »."""
    path = write_xlsx(tmp_path / "lieux.xlsx", [["Nom", "Ville", None, "Note"], ["MJC", "Montreuil", "à voir"],
                                                ["Studio", "Pantin"]])
    workbook = openpyxl.load_workbook(path)
    workbook.active["ZZ3"] = "x"
    workbook.save(path)
    with open_records(path) as records:
        assert records.columns == ["Nom", "Ville", "colonne 3", "Note"]
        rows = list(records)
    assert rows[0] == Row(2, {"Nom": "MJC", "Ville": "Montreuil", "colonne 3": "à voir", "Note": ""})
    assert rows[1].error == "La ligne contient des valeurs au-delà des 4 colonnes de l'en-tête."


def test_a_sheet_reaching_far_but_not_too_far_is_still_read_whole(tmp_path, xlsx_reading):
    """Row 150 000 of column B: 300 000 cells from A1, which calamine holds easily."""
    path = write_xlsx(tmp_path / "lieux.xlsx", [["Nom", "Ville"], ["MJC", "Montreuil"]])
    workbook = openpyxl.load_workbook(path)
    workbook.active["B150000"] = "Pantin"
    workbook.save(path)
    with open_records(path) as records:
        assert records.streamed is (xlsx_reading == "streamed")
        assert [row.number for row in records] == [2, 150000]


def test_an_ods_sheet_reaching_a_far_cell_says_how_to_trim_it(tmp_path):
    """calamine refuses an OpenDocument sheet past 100 million cells: the partner is told why
    and what to do (Ctrl+Fin), not that the workbook is damaged."""
    far = [["Nom", "Ville"], ["MJC", "Pantin"]]
    path = write_ods(tmp_path / "loin.ods", far)
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    stray = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
             'table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell '
             'table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p>'
             '</table:table-cell></table:table-row></table:table>')
    parts["content.xml"] = parts["content.xml"].replace(b"</table:table>", stray.encode())
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError) as error:
        open_records(path)
    assert error.value.code == "too_large"
    assert "Ctrl+Fin mène à la dernière cellule utilisée" in error.value.message
