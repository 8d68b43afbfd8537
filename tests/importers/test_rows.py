from importers.rows import is_summary_row


def test_a_spreadsheets_total_line_is_not_a_listing():
    for name in ("Total", "TOTAL GÉNÉRAL :", "Sous-total", "somme", "Total : 2 lieux", "Nombre de lieux : 2"):
        assert is_summary_row({"name": name, "price_min": "13"}), name
    assert is_summary_row({"external_id": "Total", "price_min": "1 200"})
    assert is_summary_row({}, {"Nom": "", "Places": "1 200", "Âge": 3.0})
    for ordinary in ({"name": "Total danse"}, {"name": "Salle", "price_min": "13"}, {"external_id": "12", "age_min": 4},
                     {"commune_name": "Bondy", "price_min": "13"}, {"name": "Nombre d'Or : chorale de Bondy"},
                     {"name": "Somme : ensemble vocal"}, {"external_id": "A2", "name": "Total : 2 lieux"},
                     {"postal_code": "93000", "phone": "0148000000"}):
        assert not is_summary_row(ordinary), ordinary
    assert not is_summary_row({}, {"Nom": "", "Adresse": "1 rue X"})
    # A count alone on its line under the table; a name with a number and anything else beside it is a listing.
    assert is_summary_row({"name": "5 ateliers"}, {"Réf.": "", "Atelier": "5 ateliers", "Lieu": ""})
    assert is_summary_row({"name": "Soit 12 lieux au total."}, {"Nom": "Soit 12 lieux au total."})
    assert not is_summary_row({"name": "7 Lézards", "commune_name": "Paris"}, {"Nom": "7 Lézards", "Ville": "Paris"})
    assert not is_summary_row({"name": "3 Baudets"}, {"Nom": "3 Baudets", "Type": "Salle de concert"})
    # Its label in a column the import does not read (« Total » under « N° »), beside the sums.
    assert is_summary_row({"price_min": "540"}, {"N°": "Total", "Atelier": "", "Tarif annuel": 540})
    assert not is_summary_row({"price_min": "540"}, {"N°": "Salle 3", "Atelier": "", "Tarif annuel": 540})
