"""Files with the real quirks of partner exports, built here from what the real files do."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from importers.models import RunStatus
from importers.runs import run_path
from portal.listings.enums import ListingType
from tests.importers.helpers import run_import
from tests.support.fake_ban import FakeBan

BOM = "\ufeff"


def test_a_ministry_portal_export_imports_with_the_automatic_mapping(app, db_session, tmp_path):
    """Semicolon, doubled BOM, codes without leading zeros, "lat, lon" in one column,
    integers written as floats, HTML in descriptions, an article-less commune name."""
    rows = [
        "Identifiant;Nom du lieu;Adresse postale;Code commune;Ville;Présentation;Coordonnées géographiques",
        "1.0;Salle Jacques Brel;42 avenue Édouard Vaillant;93048.0;Montreuil;<p>Salle <b>municipale</b><script>alert(1)</script></p>;\"48,8566, 2,4411\"",
        "2.0;Studio des Lilas;10 rue de Paris;93045;Lilas;Répétitions;\"48.8794, 2.4180\"",
        "3.0;Maison de l'Aisne;1 rue Pasteur;2408;Laon;;\"49.5641, 3.6199\"",
        "4.0;;sans nom;93048;Montreuil;;\"48.86, 2.44\"",
        "5.0;Point perdu;1 rue X;93048;Montreuil;;\"0, 0\"",
    ]
    path = tmp_path / "export_ministere.csv"
    path.write_bytes((BOM + BOM + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    run = run_import(app, db_session, path, source="ministere")
    assert run.status is RunStatus.partial
    assert (run.created_count, run.failed_count) == (4, 1)
    mapping = run.mapping
    assert mapping["Nom du lieu"] == "name" and mapping["Code commune"] == "insee_code"
    assert mapping["Coordonnées géographiques"] == "lat_lon"
    venues = {r.name: r for r in db_session.execute(text(
        "SELECT v.name, v.commune_code, v.description, ST_X(v.location::geometry) AS lon, "
        "ST_Y(v.location::geometry) AS lat, "
        "v.external_id FROM venue v JOIN import_source s ON s.id = v.source_id WHERE s.name = 'ministere'"
    ))}
    brel = venues["Salle Jacques Brel"]
    assert brel.commune_code == "93048" and brel.external_id == "1"
    assert (round(brel.lat, 4), round(brel.lon, 4)) == (48.8566, 2.4411)
    assert "<script" not in brel.description and "<b>municipale</b>" in brel.description
    assert venues["Studio des Lilas"].commune_code == "93045"
    assert venues["Maison de l'Aisne"].commune_code == "02408"
    failures = {item["row_number"]: item["errors"] for item in run.report_items if item["errors"]}
    assert set(failures) == {5}
    assert any(e["column"] == "Nom du lieu" and "obligatoire" in e["message"] for e in failures[5])
    # A point at (0, 0) is refused, never stored: the commune centre takes over, flagged.
    lost = next(item for item in run.report_items if item["row_number"] == 6)
    assert any("Coordonnées géographiques" in w for w in lost["warnings"])
    assert any("approximative" in w for w in lost["warnings"])


def test_geocoding_by_ban_then_commune_centroid_flagged_approximate(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(
        "id,nom,adresse,code postal,commune\n"
        "a,Atelier du Bas Montreuil,12 rue de Paris,93100,Montreuil\n"
        "b,Local inconnu,rue qui n'existe pas,93100,Montreuil\n", encoding="utf-8")
    known = {"12 rue de Paris": (2.4265, 48.8563, "housenumber", "93048")}
    with FakeBan(known) as ban:
        run = run_import(app, db_session, path, source="geo", config={"BAN_URL": ban.url})
    assert run.created_count == 2
    rows = dict(db_session.execute(text(
        "SELECT external_id, location_precision::text FROM venue WHERE external_id IN ('a', 'b') "
        "AND source_id = (SELECT id FROM import_source WHERE name = 'geo')")).all())
    assert rows == {"a": "address", "b": "municipality"}
    warnings = [w for item in run.report_items for w in item["warnings"]]
    assert any("approximative" in w for w in warnings)


def test_a_down_geocoder_falls_back_to_centroids_and_says_so(app, db_session, tmp_path):
    from tests.support.services import free_port

    path = tmp_path / "lieux.csv"
    path.write_text("id,nom,adresse,commune\na,Atelier,3 rue Lenain,Montreuil\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="geo-down",
                     config={"BAN_URL": f"http://127.0.0.1:{free_port()}", "BAN_TIMEOUT": 2})
    assert run.status is RunStatus.succeeded and run.created_count == 1
    assert "Géocodage indisponible (géocodeur injoignable : serveur introuvable ou connexion refusée)" in run.error


def test_provenance_newer_date_updates_hand_edits_survive_and_missing_rows_are_archived(app, db_session, tmp_path):
    path = tmp_path / "flux.csv"

    def write(rows):
        path.write_text("id,nom,commune,latitude,longitude,mise à jour\n" + "\n".join(rows) + "\n", encoding="utf-8")

    write(["1,Chorale du Plateau,Montreuil,48.86,2.45,2026-01-01", "2,Troupe des Murs,Montreuil,48.86,2.44,2026-01-01"])
    first = run_import(app, db_session, path, source="flux")
    assert first.created_count == 2
    db_session.execute(text("UPDATE venue SET name = 'Chorale du Plateau (nom corrigé)', "
                            "hand_edited_fields = '{name}' WHERE external_id = '1' AND source_id = "
                            "(SELECT id FROM import_source WHERE name = 'flux')"))
    write(["1,Chorale du Plateau,Montreuil,48.87,2.45,2026-02-01", "2,Troupe des Murs,Montreuil,48.86,2.44,2025-12-01"])
    second = run_import(app, db_session, path, source="flux")
    assert (second.updated_count, second.unchanged_count) == (1, 1)   # row 2 has an older date: kept
    name, lat = db_session.execute(text(
        "SELECT name, ST_Y(location::geometry) FROM venue WHERE external_id = '1' AND source_id = "
        "(SELECT id FROM import_source WHERE name = 'flux')")).one()
    assert name == "Chorale du Plateau (nom corrigé)" and round(lat, 2) == 48.87

    write(["1,Chorale du Plateau,Montreuil,48.87,2.45,2026-02-01"])
    third = run_import(app, db_session, path, source="flux")
    assert third.archived_count == 0                                  # grace period not over
    db_session.execute(text("UPDATE venue SET missing_since = :t WHERE external_id = '2'"),
                       {"t": datetime.now(timezone.utc) - timedelta(days=30)})
    fourth = run_import(app, db_session, path, source="flux")
    assert fourth.archived_count == 1
    assert db_session.execute(text("SELECT archived_at IS NOT NULL FROM venue WHERE external_id = '2' AND "
                                   "source_id = (SELECT id FROM import_source WHERE name = 'flux')")).scalar_one()
    write(["1,Chorale du Plateau,Montreuil,48.87,2.45,2026-02-01", "2,Troupe des Murs,Montreuil,48.86,2.44,2026-03-01"])
    fifth = run_import(app, db_session, path, source="flux")
    assert fifth.updated_count == 1
    assert db_session.execute(text("SELECT archived_at FROM venue WHERE external_id = '2' AND "
                                   "source_id = (SELECT id FROM import_source WHERE name = 'flux')")).scalar_one() is None


def test_sources_without_ids_get_a_stable_content_key(app, db_session, tmp_path):
    path = tmp_path / "sans_id.csv"
    path.write_text("nom;ville;lat;lon\nAtelier Terre;Bagnolet;48.869;2.418\n", encoding="utf-8")
    assert run_import(app, db_session, path, source="sans-id").created_count == 1
    assert run_import(app, db_session, path, source="sans-id").unchanged_count == 1


def test_activities_without_ids_are_told_apart_by_their_times_and_ages(app, db_session, tmp_path):
    """Two « Atelier théâtre » at one MJC, for children on Wednesday and adults on Thursday:
    two activities, each found again by the next import. A true repeat says which row it repeats."""
    path = tmp_path / "ateliers.csv"
    path.write_text("Nom;Lieu;Adresse;Commune;Horaires;Âge min;Âge max\n"
                    "Atelier théâtre;MJC;3 rue X;Pantin;mercredi 14h-16h;8;12\n"
                    "Atelier théâtre;MJC;3 rue X;Pantin;jeudi 19h-21h;18;\n"
                    "Atelier théâtre;MJC;3 rue X;Pantin;jeudi 19h-21h;18;\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="mjc-sans-id", kind=ListingType.activity)
    assert (run.created_count, run.failed_count) == (2, 1)
    [repeat] = [item for item in run.report_items if item["errors"]]
    assert repeat["row_number"] == 4
    assert repeat["errors"][0]["message"].startswith("Même fiche que la ligne 3 (même nom, même lieu")
    again = run_import(app, db_session, path, source="mjc-sans-id", kind=ListingType.activity)
    assert (again.unchanged_count, again.created_count) == (2, 0)


def test_dry_run_reports_but_stores_nothing(app, db_session, tmp_path):
    path = tmp_path / "essai.csv"
    path.write_text("id,nom,commune\n1,Atelier,Montreuil\n2,,Montreuil\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="essai", dry_run=True)
    assert (run.created_count, run.failed_count) == (1, 1)
    assert [item["row_number"] for item in run.report_items if item["errors"]] == [3]
    assert db_session.execute(text("SELECT count(*) FROM venue WHERE source_id = "
                                   "(SELECT id FROM import_source WHERE name = 'essai')")).scalar_one() == 0
    # The simulation's report is kept with its run, for its page and its download.
    page = app.test_client().get(run_path(run)).get_data(as_text=True)
    assert "simulation" in page and "Le champ « Nom / titre » est obligatoire." in page
    # Its time is the one a French clock showed, not UTC.
    from zoneinfo import ZoneInfo
    finished = run.finished_at.astimezone(ZoneInfo("Europe/Paris"))
    assert f"{finished:%d/%m/%Y %H:%M}" in page
    report = app.test_client().get(f"{run_path(run)}/rapport.json").get_json()
    assert report["dry_run"] is True
    assert [(item["row_number"], item["status"]) for item in report["items"] if item["errors"]] == [(3, "failed")]



def test_a_dry_run_asked_to_save_its_mapping_says_it_did_not(app, db_session, tmp_path):
    path = tmp_path / "essai.csv"
    path.write_text("id,nom,commune\n1,Atelier,Montreuil\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="essai-profil", dry_run=True, save_profile="std")
    assert "la correspondance n'est pas enregistrée sous « std » ; relancez sans --dry-run" in run.error
    assert db_session.execute(text("SELECT count(*) FROM import_profile WHERE name = 'std'")).scalar_one() == 0
    saved = run_import(app, db_session, path, source="essai-profil", save_profile="std")
    assert saved.error is None
    assert db_session.execute(text("SELECT count(*) FROM import_profile WHERE name = 'std'")).scalar_one() == 1


def test_activities_keep_slots_ages_price_and_disciplines(app, db_session, tmp_path):
    path = tmp_path / "ateliers.csv"
    path.write_text(
        "id;titre;discipline;horaires;âge min;âge max;tarif;gratuit\n"
        "a1;Hip-hop ados;Danse hip hop;mercredi 18h-19h30;12;15;120,00;non\n"
        "a2;Chœur du dimanche;Chorale, kuduro;dimanche 10h-12h;;;;oui\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="ateliers", kind=ListingType.activity,
                     mapping={"id": "external_id", "titre": "name", "discipline": "disciplines",
                              "horaires": "schedule", "âge min": "age_min", "âge max": "age_max",
                              "tarif": "price_min", "gratuit": "is_free"})
    assert run.created_count == 2, run.report_items
    hiphop = db_session.execute(text(
        "SELECT a.id, a.age_min, a.age_max, a.price_min, a.is_free, s.weekday, s.starts_at::text FROM activity a "
        "JOIN activity_slot s ON s.activity_id = a.id WHERE a.external_id = 'a1'")).one()
    assert (hiphop.age_min, hiphop.age_max, float(hiphop.price_min), hiphop.is_free) == (12, 15, 120.0, False)
    assert (hiphop.weekday, hiphop.starts_at) == (2, "18:00:00")
    slugs = set(db_session.execute(text(
        "SELECT d.slug FROM activity_discipline ad JOIN discipline d ON d.id = ad.discipline_id "
        "JOIN activity a ON a.id = ad.activity_id WHERE a.external_id = 'a2'")).scalars())
    assert "chant-chorale" in slugs
    tags = set(db_session.execute(text(
        "SELECT t.label FROM activity_tag at JOIN tag t ON t.id = at.tag_id "
        "JOIN activity a ON a.id = at.activity_id WHERE a.external_id = 'a2'")).scalars())
    assert "kuduro" in tags  # outside the vocabulary: kept as a free tag, never dropped


def test_free_access_of_a_place_is_kept_and_found_by_gratuit(app, db_session, tmp_path):
    from search.backends.base import SearchQuery
    from search.service import process_queue, search

    path = tmp_path / "lieux.csv"
    path.write_text("id,nom,commune,latitude,longitude,gratuite_des_services\n"
                    "g1,Médiathèque Ouverte,Montreuil,48.861,2.441,Oui\n"
                    "g2,Médiathèque Payante,Montreuil,48.862,2.442,Non\n", encoding="utf-8")
    run_import(app, db_session, path, source="gratuite")
    process_queue(bind=db_session.connection())
    titles = [hit.document["title"] for hit in search(SearchQuery(text="médiathèque gratuit")).hits]
    assert "Médiathèque Ouverte" in titles and "Médiathèque Payante" not in titles


def test_lambert93_x_y_columns_place_venues_where_they_are(app, db_session, tmp_path):
    """Many public files (QGIS, ministry datasets) give X/Y metres in Lambert-93, not degrees."""
    from pyproj import Transformer

    to_lambert = Transformer.from_crs(4326, 2154, always_xy=True)
    places = {"Salle Jacques Brel": (2.4411, 48.8566, "93048"), "Studio des Lilas": (2.4180, 48.8794, "93045"),
              # outside the boundaries loaded commune by commune: checked against their département
              "Chorale Lyon 7": (4.8425, 45.7450, "69123"), "Théâtre d'Ajaccio": (8.7369, 41.9192, "2A004")}
    lines = ["Nom;Commune;X_L93;Y_L93"]
    for name, (lon, lat, code) in places.items():
        x, y = to_lambert.transform(lon, lat)
        lines.append(f"{name};{code};{x:.2f};{y:.2f}".replace(".", ","))  # French decimal commas
    path = tmp_path / "lieux_l93.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="l93")
    assert run.status is RunStatus.succeeded and run.created_count == 4, run.report_items
    assert (run.mapping["X_L93"], run.mapping["Y_L93"]) == ("longitude", "latitude")
    assert not [w for item in run.report_items for w in item["warnings"] if "X/Y" in w]
    for row in db_session.execute(text(
        "SELECT v.name, v.location_precision::text AS precision, v.location_commune_code, "
        "ST_X(v.location::geometry) AS lon, ST_Y(v.location::geometry) AS lat "
        "FROM venue v JOIN import_source s ON s.id = v.source_id WHERE s.name = 'l93'"
    )):
        lon, lat, _code = places[row.name]
        assert (round(row.lon, 4), round(row.lat, 4)) == (lon, lat)
        assert row.precision == "given" and row.location_commune_code is None  # inside its own commune


def test_web_mercator_metres_mistaken_for_lambert93_are_dropped_not_stored_at_sea(app, db_session, tmp_path):
    """EPSG:3857 X/Y for northern France fit Lambert-93's bounds; read as Lambert-93 they land in
    the sea or another département. Such points are refused; the commune places the row."""
    from pyproj import Transformer

    to_lambert = Transformer.from_crs(4326, 2154, always_xy=True)
    to_mercator = Transformer.from_crs(4326, 3857, always_xy=True)
    x, y = to_lambert.transform(2.4411, 48.8566)
    mx, my = to_mercator.transform(2.4411, 48.8566)   # Montreuil again, in Web Mercator
    path = tmp_path / "lieux_xy.csv"
    path.write_text(f"Nom;Code INSEE;X;Y\nBonne projection;93048;{x:.1f};{y:.1f}\n"
                    f"Autre projection;93048;{mx:.1f};{my:.1f}\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="xy")
    assert run.status is RunStatus.succeeded and run.created_count == 2, run.report_items
    rows = {r.name: r for r in db_session.execute(text(
        "SELECT v.name, v.location_precision::text AS precision, v.commune_code, ST_X(v.location::geometry) AS lon "
        "FROM venue v JOIN import_source s ON s.id = v.source_id WHERE s.name = 'xy'"))}
    assert rows["Bonne projection"].precision == "given" and round(rows["Bonne projection"].lon, 4) == 2.4411
    assert rows["Autre projection"].precision == "municipality" and rows["Autre projection"].commune_code == "93048"
    [warned] = [item for item in run.report_items if any("X/Y ignorées" in w for w in item["warnings"])]
    assert warned["row_number"] == 3


def test_a_workbook_s_other_data_sheets_are_named_and_one_can_be_chosen(app, db_session, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    notice = workbook.active
    notice.title = "Notice"
    notice.append(["Ateliers du conservatoire, saison 2026-2027."])
    for title, rows in (("Ateliers 2026-2027", [("A1", "Violon adultes"), ("A2", "Piano enfants")]),
                        ("Stages vacances", [("S1", "Stage percussions")])):
        sheet = workbook.create_sheet(title)
        sheet.append(["Identifiant", "Atelier", "Commune"])
        for identifier, name in rows:
            sheet.append([identifier, name, "Pantin"])
    path = tmp_path / "conservatoire.xlsx"
    workbook.save(path)
    run = run_import(app, db_session, path, source="crd-feuilles", kind=ListingType.activity)
    assert run.created_count == 2
    assert ("Seule la feuille « Ateliers 2026-2027 » est lue ; le classeur a d'autres feuilles avec des données : "
            "« Stages vacances » (importez-les avec --sheet).") in run.error
    result = app.test_cli_runner().invoke(args=["import", "run", str(path), "--source", "crd-stages", "--kind",
                                                "activity", "--sheet", "Stages vacances"])
    assert result.exit_code == 0 and "1 créées" in result.output, result.output
    missing = app.test_cli_runner().invoke(args=["import", "mapping", str(path), "--sheet", "Été"])
    assert missing.exit_code == 1
    assert "Le classeur n'a pas de feuille « Été ». Ses feuilles : « Notice », « Ateliers 2026-2027 »" in missing.output
    preview = app.test_cli_runner().invoke(args=["import", "mapping", str(path)])
    assert "feuille « Ateliers 2026-2027 »" in preview.output and "« Stages vacances »" in preview.output


def test_a_spreadsheet_s_linked_texts_give_the_website_and_the_email(app, db_session, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["Nom", "Commune", "Site internet", "Courriel"],
                ["MJC Bréguet", "Pantin", "Site de la MJC", "Écrire à l'accueil"],
                ["Studio", "Bondy", "https://studio.example", "studio@example.org"]):
        sheet.append(row)
    sheet["C2"].hyperlink = "https://mjc-pantin.example/ateliers"
    sheet["D2"].hyperlink = "mailto:accueil@mjc-pantin.example"
    sheet["C3"].hyperlink = "https://ancien-studio.example"  # the text is a site itself: it is kept
    workbook.save(tmp_path / "lieux.xlsx")
    run = run_import(app, db_session, tmp_path / "lieux.xlsx", source="liens")
    assert (run.created_count, run.error) == (2, None)
    stored = dict(db_session.execute(text(
        "SELECT name, website || ' ' || email FROM venue WHERE source_id = "
        "(SELECT id FROM import_source WHERE name = 'liens')")).all())
    assert stored == {"MJC Bréguet": "https://mjc-pantin.example/ateliers accueil@mjc-pantin.example",
                      "Studio": "https://studio.example studio@example.org"}


def test_a_workbook_with_a_two_line_header_of_merged_group_cells_imports_with_the_automatic_mapping(
        app, db_session, tmp_path):
    """« Structure » merged over three columns and « Contact » over two, above the column names:
    the structure's name is the venue's name, the contact's columns its phone and e-mail."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Structure", None, None, "Contact", None])
    sheet.append(["Nom", "Adresse", "Commune", "Téléphone", "Courriel"])
    sheet.append(["MJC Bréguet", "1 rue Bréguet", "Bondy", "01 48 47 00 00", "mjc@example.org"])
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("D1:E1")
    path = tmp_path / "structures.xlsx"
    workbook.save(path)
    run = run_import(app, db_session, path, source="deux-lignes")
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1), run.report_items
    assert run.mapping == {"Nom (Structure)": "name", "Adresse (Structure)": "address",
                           "Commune (Structure)": "commune_name", "Téléphone (Contact)": "phone",
                           "Courriel (Contact)": "email"}
    venue = db_session.execute(text(
        "SELECT v.name, v.phone, v.email FROM venue v JOIN import_source s ON s.id = v.source_id "
        "WHERE s.name = 'deux-lignes'")).one()
    assert tuple(venue) == ("MJC Bréguet", "01 48 47 00 00", "mjc@example.org")


def test_hours_to_be_set_on_a_few_rows_do_not_drop_the_others_hours(app, db_session, tmp_path):
    path = tmp_path / "cours.csv"
    hours = ["18h-19h", "à définir", "14h-16h", "à définir", "10h-11h", "à définir", "9h-10h"]
    path.write_text("Réf;Cours;Jour;Horaire\n" + "".join(f"H{i};Cours {i};Lundi;{hour}\n"
                                                           for i, hour in enumerate(hours)), encoding="utf-8")
    run = run_import(app, db_session, path, source="horaires", kind=ListingType.activity)
    assert run.created_count == 7
    assert db_session.execute(text("SELECT count(*) FROM activity_slot")).scalar_one() == 4
    warned = {item["row_number"]: item["warnings"] for item in run.report_items if item["warnings"]}
    assert sorted(warned) == [3, 5, 7]  # the rows « à définir », not the others


def test_a_point_outside_france_blames_both_its_columns_and_a_cedex_town_is_found(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;code postal;ville;Lat;Long\n"
                    "1;Salle A;93000;Bobigny;48,8640;24,432\n"
                    "2;Préfecture;93006;Bobigny Cedex;;\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="cedex")
    warnings = {item["row_number"]: " ".join(item["warnings"]) for item in run.report_items}
    assert "« Lat / Long » ignoré : « 48,8640, 24,432 » : ce point n'est pas en France." in warnings[2]
    assert db_session.execute(text("SELECT commune_code FROM venue WHERE name = 'Préfecture'")).scalar_one() == "93008"
