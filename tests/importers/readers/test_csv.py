"""CSV as partners really send it: the two real exports, and every quirk seen in the wild."""
from __future__ import annotations

import tracemalloc

import pytest

from importers.readers import Row, open_records


def values(records):
    return [row.values for row in records]


def test_real_libraries_file_reads_every_row(data_dir):
    path = data_dir / "partners" / "adresses_des_bibliotheques_publiques_prepared.csv"
    with open_records(path) as records:
        assert (records.format, records.encoding, records.delimiter) == ("csv", "utf-8", ",")
        assert records.columns[:4] == ["Code_bib", "nom_de_l_etablissement", "Adresse", "code_region"]
        assert "Nombre de bénévoles" in records.columns and len(records.columns) == 30
        rows = list(records)
    assert len(rows) == 15_702
    assert all(row.error is None for row in rows)
    assert (rows[0].number, rows[-1].number) == (2, 15_703)
    lieu_commun = next(row for row in rows if row.values["Code_bib"] == "LI4205")
    assert lieu_commun.number == 2162
    assert lieu_commun.values["nom_de_l_etablissement"] == "Le Lieu Commun Des Mediatheques"
    assert lieu_commun.values["CP"] == "93200"
    assert lieu_commun.values["Latitude"] == "48.91721"


def test_real_cinemas_file_with_bom_semicolons_and_crlf(data_dir):
    path = data_dir / "partners" / "etablissements-cinematographiques.csv"
    with open_records(path) as records:
        assert (records.encoding, records.delimiter) == ("utf-8-sig", ";")
        assert records.columns[0] == "régionCNC"  # the BOM is not part of the first name
        assert records.columns[-3:] == ["latitude", "longitude", "geolocalisation"]
        rows = list(records)
    assert len(rows) == 2_061
    gaumont = next(row for row in rows if row.values["N° auto"] == "381941")
    assert gaumont.number == 54
    assert gaumont.values["nom"] == "GAUMONT"
    assert gaumont.values["code INSEE"] == "93066"
    assert gaumont.values["geolocalisation"] == "48.925395, 2.363117"
    assert not gaumont.values["geolocalisation"].endswith("\r")


def test_sample_does_not_consume_the_rows(data_dir):
    path = data_dir / "partners" / "etablissements-cinematographiques.csv"
    with open_records(path) as records:
        sample = records.sample(5)
        assert [row.number for row in sample] == [2, 3, 4, 5, 6]
        assert records.sample(2) == sample[:2]
        assert next(iter(records)) == sample[0]


def test_double_bom_semicolon_crlf(write):
    bom = "\ufeff"
    path = write("export.csv", f"{bom}{bom}nom;commune\r\nChorale;Bondy\r\n")
    with open_records(path) as records:
        assert records.columns == ["nom", "commune"]
        assert records.delimiter == ";"
        assert values(records) == [{"nom": "Chorale", "commune": "Bondy"}]


def test_pipe_and_tab_delimiters(write):
    pipe = write("pipe.csv", "nom|cp|ville\nAtelier|93200|Saint-Denis\nStudio|93100|Montreuil\n")
    tab = write("tab.txt", "nom\tcp\nAtelier, peinture\t93200\n")
    with open_records(pipe) as records:
        assert records.delimiter == "|"
        assert values(records)[1] == {"nom": "Studio", "cp": "93100", "ville": "Montreuil"}
    with open_records(tab) as records:
        assert records.delimiter == "\t"
        assert values(records) == [{"nom": "Atelier, peinture", "cp": "93200"}]


def test_semicolon_file_with_commas_inside_cells(write):
    path = write("lieux.csv", "nom;coordonnées\nA;48.9, 2.3\nB;48.8, 2.4\n")
    with open_records(path) as records:
        assert records.delimiter == ";"
        assert values(records)[0] == {"nom": "A", "coordonnées": "48.9, 2.3"}


def test_cp1252_accents(write):
    path = write("windows.csv", "nom;ville\nThéâtre de l'Œil;Épinay-sur-Seine\n", encoding="cp1252")
    with open_records(path) as records:
        assert records.encoding == "cp1252"
        assert records.columns == ["nom", "ville"]
        assert values(records) == [{"nom": "Théâtre de l'Œil", "ville": "Épinay-sur-Seine"}]


def test_cp1252_accent_far_after_the_sniffed_sample(write):
    rows = "".join(f"atelier {n};Bondy\n" for n in range(20_000))
    path = write("late.csv", ("nom;ville\n" + rows + "Fête;Noisy-le-Sec\n"), encoding="cp1252")
    with open_records(path) as records:
        assert records.encoding == "cp1252"
        assert list(records)[-1].values == {"nom": "Fête", "ville": "Noisy-le-Sec"}


@pytest.mark.parametrize("rows", [1, 30])
def test_cp1252_quotes_dashes_and_euros_are_not_read_as_a_dos_code_page(write, rows):
    """Excel's « CSV (séparateur : point-virgule) » of a file whose only special characters are
    typographic: every byte of it also decodes in cp850, as « LÆatelier 0 û cours … 10 Ç »."""
    lines = "".join(f"L’atelier {n} – cours collectif;Bobigny;{10 + n} €\n" for n in range(rows))
    path = write("tarifs.csv", "Nom;Commune;Tarif\nŒuvre collective;Bondy;5 €\n" + lines, encoding="cp1252")
    with open_records(path) as records:
        assert records.encoding == "cp1252"
        first, second = values(records)[:2]
        assert first == {"Nom": "Œuvre collective", "Commune": "Bondy", "Tarif": "5 €"}
        assert second["Nom"] == "L’atelier 0 – cours collectif"


def test_a_real_dos_file_is_still_read_as_cp850(write):
    path = write("dos.csv", "nom;ville\nThéâtre de la Fête;Épinay\nÉcole de musique;Pré-Saint-Gervais\n",
                 encoding="cp850")
    with open_records(path) as records:
        assert records.encoding == "cp850"
        assert values(records)[0] == {"nom": "Théâtre de la Fête", "ville": "Épinay"}


def test_quoted_newlines_keep_partner_line_numbers(write):
    content = 'nom,description\r\nA,"ligne 1\r\nligne 2"\r\n\r\nB,simple\r\n'
    with open_records(write("multi.csv", content)) as records:
        rows = list(records)
    assert [row.number for row in rows] == [2, 5]
    assert rows[0].values["description"] == "ligne 1\r\nligne 2"


def test_header_names_cleaned_and_made_distinct(write):
    path = write("entetes.csv", " nom ;;nom; Ville\ufeff;\nA;x;B;Bondy;\n")
    with open_records(path) as records:
        assert records.columns == ["nom", "colonne 2", "nom_2", "Ville"]
        assert values(records) == [{"nom": "A", "colonne 2": "x", "nom_2": "B", "Ville": "Bondy"}]


def test_short_rows_are_padded_in_a_file_where_they_are_the_habit_blank_rows_skipped(write):
    path = write("court.csv", "a,b,c\n1\n,,\n\n2,3,4\n")
    with open_records(path) as records:
        rows = list(records)
    assert rows == [Row(2, {"a": "1", "b": "", "c": ""}), Row(5, {"a": "2", "b": "3", "c": "4"})]


def test_row_with_too_many_cells_is_an_error_row_not_an_abort(write):
    path = write("trop.csv", "nom;ville\nA;Bondy;en trop\nB;Bobigny\n")
    with open_records(path) as records:
        rows = list(records)
    assert rows[0].number == 2 and rows[0].values == {"nom": "A", "ville": "Bondy"}  # its id still tells its record
    assert rows[0].error == ("La ligne contient 3 cellules alors que l'en-tête n'a que 2 colonnes "
                             "(un séparateur ou un guillemet en trop ?).")
    assert rows[1] == Row(3, {"nom": "B", "ville": "Bobigny"})


def test_a_note_under_the_unnamed_end_of_the_header_keeps_its_row(write):
    """« Nom;Commune;; » then a note in the last column: the header has room for it, the row is
    kept and the column offered to the mapping as « colonne 4 »."""
    path = write("notes.csv", "Nom;Commune;;\nAtelier danse;Bondy;;à vérifier\nChorale;Pantin;;\n")
    with open_records(path) as records:
        assert records.columns == ["Nom", "Commune", "colonne 3", "colonne 4"]
        rows = list(records)
    assert rows[0] == Row(2, {"Nom": "Atelier danse", "Commune": "Bondy", "colonne 3": "", "colonne 4": "à vérifier"})
    assert rows[1].values["Nom"] == "Chorale" and rows[1].error is None


def test_title_lines_above_the_header_are_passed_over(write):
    path = write("export.csv", "Liste des ateliers 2025;;\nMis à jour le 01/09/2025;;\n\nNom;Commune;Tarif\n"
                               "Chorale;Pantin;10\n")
    with open_records(path) as records:
        assert records.columns == ["Nom", "Commune", "Tarif"]
        assert list(records) == [Row(5, {"Nom": "Chorale", "Commune": "Pantin", "Tarif": "10"})]


def test_a_title_line_of_two_cells_and_a_header_said_again_are_passed_over(write):
    path = write("bondy.csv", "Ateliers amateurs - Ville de Bondy;;;Mis à jour le 12/09/2025\n\n"
                              "Nom;Adresse;Ville;Tarif\nChorale;1 rue X;Bondy;10\n"
                              "Nom;Adresse;Ville;Tarif\nJam;2 rue Y;Bondy;0\n")
    with open_records(path) as records:
        assert records.columns == ["Nom", "Adresse", "Ville", "Tarif"]
        assert [(row.number, row.values["Nom"]) for row in records] == [(4, "Chorale"), (6, "Jam")]


def test_a_header_narrower_than_its_rows_stays_the_header(write):
    path = write("etroit.csv", "Nom;Adresse;Ville;;;\nSalle A;1 rue Jean Jaurès;Bondy;x;y;z\n"
                               "Salle B;2 rue Jean Jaurès;Bondy;x;y;z\n")
    with open_records(path) as records:
        assert records.columns[:3] == ["Nom", "Adresse", "Ville"]
        assert [row.values["Nom"] for row in records] == ["Salle A", "Salle B"]


def test_million_character_cell_is_an_error_row(write):
    huge = "x" * 1_000_000
    path = write("enorme.csv", f"nom,description\nA,{huge}\nB,courte\n")
    with open_records(path) as records:
        rows = list(records)
    assert rows[0] == Row(2, {"nom": "A"}, "La cellule « description » dépasse 100 000 caractères.")
    assert rows[1] == Row(3, {"nom": "B", "description": "courte"})


def test_single_column_file(write):
    with open_records(write("noms.csv", "nom\nChorale\nFanfare\n")) as records:
        assert records.columns == ["nom"]
        assert [row.values["nom"] for row in records] == ["Chorale", "Fanfare"]


def test_200k_rows_are_streamed_with_flat_memory(tmp_path):
    path = tmp_path / "gros.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("id;nom;commune;latitude;longitude\r\n")
        for block in range(0, 200_000, 10_000):
            handle.write("".join(f"{n};Atelier n°{n};Saint-Denis;48.93;2.35\r\n"
                                 for n in range(block, block + 10_000)))
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        count = 0
        with open_records(path) as records:
            for row in records:
                count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert row.number == 200_001 and row.values["nom"] == "Atelier n°199999"
    assert peak - baseline < 4 * 1024 * 1024


def test_double_bom_before_a_quoted_header(write):
    path = write("bom.csv", '\ufeff\ufeff"nom";"ville"\n"A";"Bondy"\n')
    with open_records(path) as records:
        assert records.columns == ["nom", "ville"]
        assert values(records) == [{"nom": "A", "ville": "Bondy"}]


def test_excel_sep_hint_line(write):
    path = write("excel.csv", "sep=;\r\nnom;ville\r\nA;Bondy\r\n")
    with open_records(path) as records:
        assert (records.delimiter, records.columns) == (";", ["nom", "ville"])
        assert [(row.number, row.values) for row in records] == [(3, {"nom": "A", "ville": "Bondy"})]


def test_a_utf8_file_with_rows_pasted_from_an_old_excel_keeps_every_accent(write):
    """A UTF-8 export with two rows saved in Windows-1252: read line by line, each line in its own
    encoding, never the whole file as cp1252 (« JaurÃ¨s »); the foreign lines are named."""
    utf8 = "nom;adresse\nThéâtre Gérard Philipe;59 boulevard Jules-Guesde\nSalle Jaurès;1 rue Jean-Jaurès\n"
    pasted = "Fête de l’école;Place de l’Église\nChœur Œcuménique;12 rue Émile-Zola\n".encode("cp1252")
    path = write("mixte.csv", utf8.encode("utf-8") + pasted + "Atelier mosaïque;2 rue Voltaire\n".encode("utf-8"))
    with open_records(path) as records:
        assert records.encoding == "utf-8+cp1252"
        assert [row.values["nom"] for row in records] == [
            "Théâtre Gérard Philipe", "Salle Jaurès", "Fête de l’école", "Chœur Œcuménique", "Atelier mosaïque"]
        assert records.notes == [
            "2 ligne(s) ne sont pas en UTF-8 comme le reste du fichier (4, 5) : elles ont été lues en "
            "Windows-1252, l'encodage d'un ancien Excel. Vérifiez leurs accents, et enregistrez le fichier "
            "entier en « CSV UTF-8 » la prochaine fois."]


def test_a_whole_cp1252_file_is_not_taken_for_a_mixed_one(write):
    """A cp1252 line may be valid UTF-8 by chance (« É » then a no-break space is « ɠ »): a line
    that reads better in cp1252 than in UTF-8 is not a UTF-8 line."""
    path = write("ancien.csv", "nom;ville\nCAFÉ\xa0CONCERT;Bondy\nThéâtre;Épinay\n", encoding="cp1252")
    with open_records(path) as records:
        assert records.encoding == "cp1252" and records.notes == []
        assert [row.values["nom"] for row in records] == ["CAFÉ\xa0CONCERT", "Théâtre"]


def test_a_mixed_file_is_read_by_line_across_read_chunks(write):
    """The lines of a large mixed file are decoded whole even when a chunk ends inside one."""
    rows = "".join(f"Atelier n°{n} à Pantin;Église {n}\n" for n in range(30_000)).encode("utf-8")
    path = write("gros.csv", b"nom;lieu\n" + rows + "Fête;Théâtre\n".encode("cp1252"))
    with open_records(path) as records:
        read = list(records)
    assert len(read) == 30_001 and read[17_123].values == {"nom": "Atelier n°17123 à Pantin", "lieu": "Église 17123"}
    assert read[-1].values == {"nom": "Fête", "lieu": "Théâtre"}
    assert "(30002)" in records.notes[0]


@pytest.mark.parametrize("title", ["Liste des salles de répétition", "Export du 12/09/2025\nSource : mairie"])
def test_title_lines_without_separators_above_a_semicolon_header(write, title):
    path = write("salles.csv", f"{title}\nNom;Adresse;Ville\nLa Cave;1 rue de Paris;Bondy\n"
                               "Studio 2, étage;3 rue X;Pantin\n")
    with open_records(path) as records:
        assert (records.delimiter, records.columns) == (";", ["Nom", "Adresse", "Ville"])
        assert [row.values["Nom"] for row in records] == ["La Cave", "Studio 2, étage"]


def test_a_short_row_among_complete_ones_is_a_broken_line_not_a_row_of_blanks(write):
    """A line cut by an unquoted line break: its two halves are short rows, reported, not read as
    rows whose last cells were emptied (which would erase stored values)."""
    complete = "".join(f"{n};Atelier {n};Bondy;93010\n" for n in range(1, 11))
    path = write("coupe.csv", "id;nom;commune;insee\n" + complete + "11;Atelier\nonze;Bondy;93010\n"
                              "12;Atelier 12;Bondy;93010\n")
    with open_records(path) as records:
        rows = list(records)
    broken = [row for row in rows if row.error]
    assert [(row.number, row.values) for row in broken] == [
        (12, {"id": "11", "nom": "Atelier"}), (13, {"id": "onze", "nom": "Bondy", "commune": "93010"})]
    assert broken[0].error == ("La ligne n'a que 2 cellule(s) alors que l'en-tête a 4 colonnes (une ligne coupée "
                               "par un retour à la ligne ?).")
    assert rows[-1] == Row(14, {"id": "12", "nom": "Atelier 12", "commune": "Bondy", "insee": "93010"})


def test_a_header_on_two_lines_gives_each_column_its_group(write):
    """Group names over merged cells above the column names (as Excel exports them): the lower
    line is the header, each name with its group, so « Nom » of the structure and « Nom » of the
    contact person stay apart."""
    path = write("groupes.csv", "Structure;;;Référent;;\nNom;Commune;Code postal;Nom;Téléphone;Courriel\n"
                                "MJC Bréguet;Bondy;93140;Mme Diallo;01 48 47 00 00;mjc@example.org\n")
    with open_records(path) as records:
        assert records.columns == ["Nom (Structure)", "Commune (Structure)", "Code postal (Structure)",
                                   "Nom (Référent)", "Téléphone (Référent)", "Courriel (Référent)"]
        assert [row.number for row in records] == [3]


@pytest.mark.parametrize("content", [
    "Nom;;;Ville;;\nChorale;a;b;Bondy;c;d\nFanfare;a;b;Pantin;c;d\n",  # unnamed columns, not groups
    "Nom;Commune;;\nAtelier danse;Bondy;;à vérifier\n",
])
def test_a_one_line_header_with_unnamed_columns_is_not_taken_for_groups(write, content):
    with open_records(write("simple.csv", content)) as records:
        assert records.columns[0] == "Nom"
        assert list(records)[0].number == 2
