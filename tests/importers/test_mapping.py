"""Column mapping suggestions on the real partner files, a ministry-portal-like export with
unseen headers, and columns whose header says nothing."""
import csv
import io

import pytest

from importers.mapping import corrected, describe_mapping, fold_header, suggest_mapping
from importers.rows import map_row


def read_sample(path, delimiter, rows=200):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        sample = [row for _, row in zip(range(rows), reader)]
        return list(reader.fieldnames), sample


def test_libraries_file(data_dir):
    columns, sample = read_sample(data_dir / "partners" / "adresses_des_bibliotheques_publiques_prepared.csv", ",")
    mapping = suggest_mapping(columns, sample)
    expected = {"Code_bib": "external_id", "nom_de_l_etablissement": "name", "Adresse": "address",
                "CP": "postal_code", "Ville": "commune_name", "Longitude": "longitude", "Latitude": "latitude",
                "site_internet": "website"}
    assert {column: mapping.get(column) for column in expected} == expected
    for other in ("code_region", "code_departement", "Département", "Région", "Population commune", "type_adresse",
                  "site_internet_accessible", "nombre_de_livres", "etp_salaries", "temps_de_travail_des_benevoles"):
        assert other not in mapping, other


def test_cinemas_file_with_bom_and_statistics_columns(data_dir):
    columns, sample = read_sample(data_dir / "partners" / "etablissements-cinematographiques.csv", ";")
    mapping = suggest_mapping(columns, sample)
    expected = {"N° auto": "external_id", "nom": "name", "adresse": "address", "code INSEE": "insee_code",
                "commune": "commune_name", "latitude": "latitude", "longitude": "longitude",
                "geolocalisation": "lat_lon"}
    assert {column: mapping.get(column) for column in expected} == expected
    for other in ("DEP", "population de la commune", "région administrative", "régionCNC", "N°UU",
                  "unité urbaine", "population unité urbaine", "zone de la commune", "entrées 2022", "écrans"):
        assert other not in mapping, other


def test_never_two_columns_for_one_field(data_dir):
    for name, delimiter in (("adresses_des_bibliotheques_publiques_prepared.csv", ","),
                            ("etablissements-cinematographiques.csv", ";")):
        mapping = suggest_mapping(*read_sample(data_dir / "partners" / name, delimiter))
        assert len(set(mapping.values())) == len(mapping)


MINISTRY_LIKE = """\ufeff\ufeffIdentifiant_Equipement;Libellé;Type_equipement_ou_lieu;Adresse_postale;Code_Postal;\
Localité;Code_Insee_commune;N_Departement;Région;Population_commune;coordonnees_GPS;Mél;Tél.;Web;\
Date de dernière mise à jour;Nb_salles;Surface_m2
EQ-0001;Le Chaudron;Théâtre;1 rue Edouard Poisson;93300;Aubervilliers;93001;93;Île-de-France;88948;48.9146, 2.3821;\
contact@chaudron.fr;01 48 39 52 46;www.chaudron.fr;2024-05-01;2;350
EQ-0002;Salle des fêtes;Salle;2 place de l'Église;02100;Saint-Quentin;2691.0;2;Hauts-de-France;53586;49.8465, 3.2876;\
mairie@saint-quentin.fr;03 23 06 93 93;https://www.saint-quentin.fr;01/02/2024;1;420
EQ-0003;Conservatoire;Conservatoire;15 rue Catulienne;93200;Saint-Denis;93066.0;93;Île-de-France;113942;\
48.9362, 2.3574;conservatoire@ville-saint-denis.fr;+33 1 83 72 20 45;https://ville-saint-denis.fr;2024-03-15;6;1200
EQ-0004;Le Silo;Tiers-lieu;4 quai de Rive-Neuve;13001;Marseille;13201;13;PACA;861635;43.2965, 5.3698;\
bonjour@lesilo.fr;04 91 00 00 00;lesilo.fr;2023-11-30;3;800
"""


def test_ministry_portal_export_with_unseen_headers():
    reader = csv.DictReader(io.StringIO(MINISTRY_LIKE.lstrip("\ufeff")), delimiter=";")
    sample = list(reader)
    mapping = suggest_mapping(list(reader.fieldnames), sample)
    assert mapping == {
        "Identifiant_Equipement": "external_id", "Libellé": "name", "Type_equipement_ou_lieu": "kind",
        "Adresse_postale": "address", "Code_Postal": "postal_code", "Localité": "commune_name",
        "Code_Insee_commune": "insee_code", "coordonnees_GPS": "lat_lon", "Mél": "email", "Tél.": "phone",
        "Web": "website", "Date de dernière mise à jour": "source_modified_at", "Surface_m2": "area_m2",
    }


def test_content_rescues_columns_whose_header_means_nothing():
    sample = [
        {"col1": "Chorale A", "col2": "93048.0", "col3": "48.8566, 2.3522", "col4": "a@chorale.fr",
         "col5": "+33 1 48 39 52 46", "col6": "https://chorale.fr", "col7": "48.8566", "col8": "2.3522",
         "col9": "12034"},
        {"col1": "Chorale B", "col2": "2691", "col3": "49.8465, 3.2876", "col4": "b@chorale.fr",
         "col5": "03 23 06 93 93", "col6": "www.chorale-b.fr", "col7": "49.8465", "col8": "3.2876",
         "col9": "561"},
        {"col1": "Chorale C", "col2": "75108", "col3": "43.2965, 5.3698", "col4": "c@chorale.fr",
         "col5": "0491000000", "col6": "http://c.fr/x", "col7": "43.2965", "col8": "5.3698", "col9": "1200345"},
    ]
    mapping = suggest_mapping([f"col{i}" for i in range(1, 10)], sample)
    assert mapping == {"col2": "insee_code", "col3": "lat_lon", "col4": "email", "col5": "phone",
                       "col6": "website", "col7": "latitude", "col8": "longitude"}


def test_content_tells_postal_codes_from_insee_codes():
    postal = [{"code": value} for value in ("93200", "75008", "02100", "13001", "93300")]
    insee = [{"code": value} for value in ("93066", "75108", "02691", "13201", "93001")]
    assert suggest_mapping(["code"], postal) == {"code": "postal_code"}
    assert suggest_mapping(["valeur"], [{"valeur": r["code"]} for r in postal]) == {"valeur": "postal_code"}
    assert suggest_mapping(["valeur"], [{"valeur": r["code"]} for r in insee]) == {"valeur": "insee_code"}


def test_a_header_that_lies_is_vetoed_by_content():
    # Counts under "latitude"/"longitude" are not coordinates.
    sample = [{"latitude": "12", "longitude": "350", "lat": "48.85", "lon": "2.35"}] * 5
    assert suggest_mapping(["latitude", "longitude", "lat", "lon"], sample) == {"lat": "latitude",
                                                                               "lon": "longitude"}


def test_lambert93_metres_under_lat_lon_headers_of_a_one_row_file_are_no_phone_number():
    mapping = suggest_mapping(["Nom", "latitude", "longitude"],
                              [{"Nom": "MC93", "latitude": "6867868.46", "longitude": "658916.12"}])
    assert mapping == {"Nom": "name", "latitude": "latitude", "longitude": "longitude"}


def test_lambert93_metres_under_x_y_headers_are_taken_when_no_degrees_are_given():
    lambert = [{"X_L93": "652000.5", "Y_L93": "6862000.1"}] * 5
    assert suggest_mapping(["X_L93", "Y_L93"], lambert) == {"X_L93": "longitude", "Y_L93": "latitude"}
    # Degrees win when the file has both.
    both = [{"x": "652000.5", "y": "6862000.1", "latitude": "48.85", "longitude": "2.35"}] * 5
    assert suggest_mapping(["x", "y", "latitude", "longitude"], both) == {"latitude": "latitude",
                                                                         "longitude": "longitude"}
    # Postal codes under "Long" are not Lambert-93 eastings.
    postal = [{"Long": "93100", "Nom": "Salle"}, {"Long": "93200", "Nom": "Salle"}, {"Long": "75011", "Nom": "Salle"}]
    assert suggest_mapping(["Long", "Nom"], postal).get("Long") != "longitude"
    # Such numbers never make a coordinate column on their own (a budget, a population).
    budgets = [{"montant": "6500000", "valeur": "6600000", "nom": "Salle"}] * 5
    assert "longitude" not in suggest_mapping(["montant", "valeur", "nom"], budgets).values()
    assert "latitude" not in suggest_mapping(["montant", "valeur", "nom"], budgets).values()


def test_empty_sample_maps_from_headers_alone_and_canonical_names_map_to_themselves():
    columns = ["name", "postal_code", "insee_code", "age_min", "is_free", "source_modified_at", "Colonne 12"]
    assert suggest_mapping(columns, []) == {column: column for column in columns[:-1]}


@pytest.mark.parametrize(("header", "folded"), [
    ("\ufeff\ufeffNom_de_l'Établissement", "nom etablissement"),
    ("nomEtablissement", "nom etablissement"),
    ("N° auto", "n auto"),
    ("  Code   INSEE ", "code insee"),
])
def test_fold_header(header, folded):
    assert fold_header(header) == folded


def test_describe_mapping_gives_french_labels_for_the_partner():
    rows = describe_mapping({"CP": "postal_code", "Ville": "commune_name", "DEP": None})
    assert rows == [
        {"column": "CP", "field": "postal_code", "label": "Code postal"},
        {"column": "Ville", "field": "commune_name", "label": "Commune"},
        {"column": "DEP", "field": None, "label": "Colonne non utilisée"},
    ]


def test_a_correction_may_name_a_field_by_its_name_its_label_or_a_usual_header():
    from importers.mapping import field_named

    assert field_named("postal_code") == field_named("Code postal") == field_named("CP") == "postal_code"
    assert field_named("nom") == "name"
    assert field_named("bidule") is None


@pytest.mark.parametrize("headers, expected", [
    # A header that starts by naming is the name, whatever it names…
    (["Nom du lieu de pratique", "Adresse", "Code postal", "Commune du lieu", "Tarif horaire"],
     {"Nom du lieu de pratique": "name", "Adresse": "address", "Code postal": "postal_code",
      "Commune du lieu": "commune_name", "Tarif horaire": "price_min"}),
    (["Nom de l'association", "Objet", "Ville"], {"Nom de l'association": "name", "Ville": "commune_name"}),
    # …unless another column is the title: then the place's name is the venue's.
    (["N°", "Atelier", "Nom du lieu de pratique", "Jour", "Horaire", "Date de début", "Date de fin",
      "Date de fin des inscriptions", "Dernière modification"],
     {"Atelier": "name", "Nom du lieu de pratique": "venue_name", "Jour": "schedule", "Horaire": "schedule",
      "Date de début": "season_start", "Date de fin": "season_end", "Date de fin des inscriptions": "deadline",
      "Dernière modification": "source_modified_at"}),
    # « N° » beside a street is a house number, not an identifier.
    (["Nom", "N°", "Voie", "Code postal", "Ville"], {"Nom": "name", "Voie": "address", "Code postal": "postal_code",
                                                     "Ville": "commune_name"}),
    (["Activité", "Lieu", "Ville"], {"Activité": "name", "Lieu": "venue_name", "Ville": "commune_name"}),
    # The price and what it leaves unsaid.
    (["Atelier", "Tarif", "Précisions tarifaires"], {"Atelier": "name", "Tarif": "price_min",
                                                     "Précisions tarifaires": "price_notes"}),
    (["Activité", "Tarifs", "Conditions tarifaires"], {"Activité": "name", "Tarifs": "price_min",
                                                        "Conditions tarifaires": "price_notes"}),
    (["Atelier", "Tarif", "Périodicité"], {"Atelier": "name", "Tarif": "price_min", "Périodicité": "price_period"}),
])
def test_usual_workshop_list_headers_and_their_head_word(headers, expected):
    assert suggest_mapping(headers, []) == expected


def test_a_field_spread_over_several_columns_takes_each_column_that_names_it():
    headers = ["Nom", "Handicap moteur", "Handicap auditif", "Boucle magnétique", "Jour", "Heure début", "Heure fin"]
    sample = [{"Nom": "MJC", "Handicap moteur": "Oui", "Handicap auditif": "Non", "Boucle magnétique": "X",
               "Jour": "Mercredi", "Heure début": "14:30", "Heure fin": "16:00"}] * 3
    assert suggest_mapping(headers, sample) == {
        "Nom": "name", "Handicap moteur": "accessibility", "Handicap auditif": "accessibility",
        "Boucle magnétique": "accessibility", "Jour": "schedule", "Heure début": "schedule", "Heure fin": "schedule"}
    # A « Jour » column of dates is an agenda's day, not a weekly slot.
    dates = [{"Titre": "Concert", "Jour": f"{day:02d}/10/2025"} for day in (4, 11, 18)]
    assert suggest_mapping(["Titre", "Jour"], dates) == {"Titre": "name"}
    # Correcting one column of a spread field leaves the others.
    assert corrected({"Jour": "schedule", "Horaire": "schedule"}, {"Horaire": "schedule"}, ["Jour", "Horaire"]) == \
        {"Jour": "schedule", "Horaire": "schedule"}


def test_a_day_column_of_any_weekday_is_a_slot_column():
    sample = [{"Atelier": "Chorale", "Jour": day, "Horaire": "19h-21h"} for day in ("Vendredi", "samedi", "Dimanche")]
    assert suggest_mapping(["Atelier", "Jour", "Horaire"], sample) == {
        "Atelier": "name", "Jour": "schedule", "Horaire": "schedule"}


def test_a_list_of_rooms_named_by_their_room_column_and_numbered_by_their_code():
    """« Nom de la salle » names the place an activity is at; in a list of rooms (venues or
    resources) with no other name column, it is the listing's own name."""
    columns = ["Code salle", "Nom de la salle", "Adresse", "Commune"]
    assert suggest_mapping(columns, []) == {"Code salle": "external_id", "Nom de la salle": "venue_name",
                                            "Adresse": "address", "Commune": "commune_name"}
    for kind in ("venue", "resource"):
        assert suggest_mapping(columns, [], kind)["Nom de la salle"] == "name"
    assert suggest_mapping(columns, [], "activity")["Nom de la salle"] == "venue_name"
    assert suggest_mapping(["Atelier", "Nom de la salle"], [], "resource") == {"Atelier": "name",
                                                                              "Nom de la salle": "venue_name"}


def test_an_address_split_into_number_street_type_and_name_is_one_address():
    """« N° voie » is a house number, not an id: with « Type voie » and « Nom voie » it makes the
    address, as the national address files split it."""
    columns = ["Code lieu", "N° voie", "Type voie", "Nom voie", "Code postal", "Commune"]
    assert suggest_mapping(columns, []) == {"Code lieu": "external_id", "N° voie": "address", "Type voie": "address",
                                            "Nom voie": "address", "Code postal": "postal_code",
                                            "Commune": "commune_name"}
    mapping = {"Nom": "name", "Adresse": "address", "Adresse postale": "address"}
    assert map_row({"Nom": "Salle", "Adresse": "1 rue X", "Adresse postale": "1 rue X"}, mapping, {}) == {
        "name": "Salle", "address": "1 rue X"}  # the same address twice is said once
    assert map_row({"N° voie": 12, "Type voie": "rue", "Nom voie": "de la Paix"},
                   {"N° voie": "address", "Type voie": "address", "Nom voie": "address"}, {}) == {
        "address": "12 rue de la Paix"}


def test_a_field_over_several_columns_keeps_each_named_column_whatever_its_cells():
    """Real cells: house numbers are digits, not addresses; a few hours « à définir »."""
    columns = ["Code lieu", "N° voie", "Type voie", "Nom voie", "Commune"]
    sample = [{"Code lieu": f"L{i}", "N° voie": str(i), "Type voie": "rue", "Nom voie": "Pleyel",
               "Commune": "Saint-Denis"} for i in range(1, 11)]
    assert [column for column, field in suggest_mapping(columns, sample).items() if field == "address"] == [
        "N° voie", "Type voie", "Nom voie"]
    hours = ["18h-19h", "à définir", "14h-16h", "à définir", "10h-11h", "à définir", "9h-10h"]
    sample = [{"Réf": f"H{i}", "Cours": f"Cours {i}", "Jour": "Lundi", "Horaire": hour} for i, hour in enumerate(hours)]
    mapping = suggest_mapping(["Réf", "Cours", "Jour", "Horaire"], sample, "activity")
    assert (mapping["Jour"], mapping["Horaire"]) == ("schedule", "schedule")


def test_an_association_s_name_beside_its_activity_is_the_organisation_and_its_siret_no_id():
    columns = ["Nom de l'association", "N° SIRET", "Activité", "Âge", "Commune"]
    sample = [{"Nom de l'association": "Les Voix du Canal", "N° SIRET": "12345678900012", "Activité": activity,
               "Âge": age, "Commune": "Pantin"}
              for activity, age in (("Chorale du mardi", "adultes"), ("Chorale enfants", "6-10 ans"),
                                    ("Éveil vocal", "4-5 ans"))]
    assert suggest_mapping(columns, sample, "activity") == {
        "Nom de l'association": "organization", "Activité": "name", "Âge": "audiences", "Commune": "commune_name"}
    # Alone, the association's name is the listing's (a list of associations).
    assert suggest_mapping(["Nom de l'association", "Commune"], sample)["Nom de l'association"] == "name"


def test_a_column_whose_values_repeat_is_no_id():
    """« Numéro » holds house numbers here (12 twice): « Code lieu » is the id."""
    columns = ["Code lieu", "Nom du lieu", "Numéro", "Voie", "Commune"]
    sample = [{"Code lieu": f"L{i}", "Nom du lieu": f"Salle {i}", "Numéro": number, "Voie": "rue Hoche",
               "Commune": "Pantin"} for i, number in enumerate(["12", "3", "5", "12"])]
    mapping = suggest_mapping(columns, sample)
    assert mapping["Code lieu"] == "external_id" and "external_id" not in {
        field for column, field in mapping.items() if column != "Code lieu"}
    unique = [{"Numéro": str(i), "Nom": f"Salle {i}"} for i in range(5)]
    assert suggest_mapping(["Numéro", "Nom"], unique)["Numéro"] == "external_id"
