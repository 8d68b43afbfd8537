"""Quotes left open in CSV files: one bad cell must not swallow the rows after it."""
from __future__ import annotations

from importers.readers import open_records

HEADER = "id;nom;adresse;code_postal;commune\n"


def _rows(count: int, changed: dict[int, str] | None = None) -> str:
    lines = [f"{n};Lieu {n};{n} rue de Paris;93100;Montreuil\n" for n in range(1, count + 1)]
    for number, line in (changed or {}).items():
        lines[number - 1] = line
    return HEADER + "".join(lines)


def _read(path):
    with open_records(path) as records:
        return list(records)


def test_an_unclosed_quote_fails_its_row_and_the_rows_it_swallowed_are_read(write):
    rows = _read(write("lieux.csv", _rows(20, {6: '6;"Lieu 6;6 rue de Paris;93100;Montreuil\n'})))
    assert [row.values["id"] for row in rows] == [str(n) for n in range(1, 21)]
    bad = [row for row in rows if row.error]
    assert [row.number for row in bad] == [7]
    assert bad[0].error.startswith("Guillemet non fermé : une cellule de la ligne 7 s'ouvre par un guillemet qui "
                                   "n'est jamais refermé et englobait les lignes 8 à 21.")
    assert bad[0].values["id"] == "6"  # its id still tells which record it is
    last = rows[-1]
    assert (last.number, last.values["nom"], last.values["commune"]) == (21, "Lieu 20", "Montreuil")


def test_a_quote_closed_by_a_later_row_s_quotes_gives_that_row_back_whole(write):
    rows = _read(write("lieux.csv", _rows(20, {
        6: '6;"Lieu 6;6 rue de Paris;93100;Montreuil\n',
        12: '12;"Cinéma ""Le Studio""";12 rue de Paris;93100;Montreuil\n'})))
    assert [row.number for row in rows if row.error] == [7]
    assert "englobait les lignes 8 à 13." in rows[5].error
    studio = next(row for row in rows if row.values["id"] == "12")
    assert (studio.error, studio.values["nom"]) == (None, 'Cinéma "Le Studio"')
    assert len(rows) == 20 and rows[-1].values["nom"] == "Lieu 20"


def test_an_unclosed_quote_on_the_second_last_row(write):
    rows = _read(write("lieux.csv", _rows(3, {2: '2;Lieu 2;"2 rue de Paris;93100;Montreuil\n'})))
    assert [(row.number, row.error is None) for row in rows] == [(2, True), (3, False), (4, True)]
    assert "englobait la ligne 4. La ligne 3 n'est pas importée ; la ligne 4 est lue à part." in rows[1].error
    assert rows[2].values == {"id": "3", "nom": "Lieu 3", "adresse": "3 rue de Paris", "code_postal": "93100",
                              "commune": "Montreuil"}


def test_cells_holding_line_breaks_are_still_one_row(write):
    """A description over several lines, even one whose lines hold separators, is a cell."""
    content = ('id;nom;description;commune\n'
               '1;Atelier;"Le lundi; le mardi\nDébutants; confirmés; tous âges\nInscription sur place";Pantin\n'
               '2;"Chorale\n""La Clé""";"une ligne";Bobigny\n')
    rows = _read(write("ateliers.csv", content))
    assert [row.error for row in rows] == [None, None]
    assert rows[0].values["description"] == "Le lundi; le mardi\nDébutants; confirmés; tous âges\nInscription sur place"
    assert rows[1].values["nom"] == 'Chorale\n"La Clé"'
    assert [row.number for row in rows] == [2, 5]


def test_every_row_opening_a_quote_is_read_in_linear_time(write):
    """A hostile file where every row opens a quote: each row fails on its own, none swallows
    the whole file, and reading stays linear (each line is read at most twice)."""
    content = HEADER + "".join(f'{n};"Lieu {n};rue;93100;Montreuil\n' for n in range(1, 20_001))
    rows = _read(write("hostile.csv", content))
    assert len(rows) == 20_000
    assert all(row.error and row.error.startswith("Guillemet non fermé") for row in rows[:-1])
