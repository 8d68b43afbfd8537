"""Dates and prices as partners' tools write them, through the whole pipeline: a « Date »
column, one broken occurrence among good ones, spreadsheet serial numbers, free-text
conditions, and fields that only later rows of a streamed export fill."""
import json
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import text

from importers.models import RunStatus
from portal.listings.enums import ListingType
from tests.importers.helpers import TIMINGS, run_import, warnings_of


def _activities(session, source):
    return {row["title"]: row for row in session.execute(text(f"""
        SELECT a.title, a.is_free, a.price_min, a.price_max, a.price_notes, a.price_period::text, a.age_min, a.age_max, a.email, a.source_modified_at,
               a.access_motor, a.access_hearing,
               {TIMINGS}
        FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = :source
    """), {"source": source}).mappings()}


def test_a_date_column_gives_each_row_its_occurrences(app, db_session, tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_text("Nom;Commune;Code INSEE;Date\n"
                    "Concert de la chorale;Bobigny;93008;04/10/2025 20:00\n"
                    "Portes ouvertes;Bobigny;93008;11/10/2025\n"
                    "Stage de danse;Bobigny;93008;du 18/10/2025 au 19/10/2025\n"
                    "Répétitions publiques;Bobigny;93008;\"07/11/2025 19:00 ; 14/11/2025 19:00\"\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-dates", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, [(i["errors"], i["warnings"]) for i in run.report_items]
    assert not any("Date" in warning for warning in warnings_of(run))
    rows = _activities(db_session, "agenda-dates")
    assert rows["Concert de la chorale"]["timings"] == ["2025-10-04 20:00 → ?"]
    assert rows["Portes ouvertes"]["timings"] == ["2025-10-11 00:00 → 2025-10-11 23:59"]
    assert rows["Stage de danse"]["timings"] == ["2025-10-18 00:00 → 2025-10-19 23:59"]
    assert rows["Répétitions publiques"]["timings"] == ["2025-11-07 19:00 → ?", "2025-11-14 19:00 → ?"]


def test_spreadsheet_date_cells_and_serial_numbers_are_dates_not_1970(app, db_session, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Commune", "Code INSEE", "Date", "Mise à jour"])
    sheet.append(["Bal folk", "Pantin", "93055", datetime(2025, 10, 4, 21, 0), 45900])
    sheet.append(["Scène ouverte", "Pantin", "93055", 45945.8125, "45901,5"])
    path = tmp_path / "agenda.xlsx"
    workbook.save(path)
    run = run_import(app, db_session, path, source="agenda-xlsx", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    rows = _activities(db_session, "agenda-xlsx")
    assert rows["Bal folk"]["timings"] == ["2025-10-04 21:00 → ?"]
    assert rows["Scène ouverte"]["timings"] == ["2025-10-15 19:30 → ?"]
    assert rows["Bal folk"]["source_modified_at"].year == 2025
    assert (rows["Scène ouverte"]["source_modified_at"].month, rows["Scène ouverte"]["source_modified_at"].day) \
        == (9, 1)


def test_one_broken_occurrence_is_dropped_with_a_warning_and_the_others_kept(app, db_session, tmp_path):
    timings = [{"begin": f"2025-10-{day:02d}T18:00:00+02:00", "end": f"2025-10-{day:02d}T20:00:00+02:00"}
               for day in (1, 8, 22)]
    timings.insert(2, {"begin": "2025-10-15T19:00:00+02:00", "end": "2025-10-15T17:00:00+02:00"})
    event = {"uid": 7, "title": {"fr": "Atelier d'écriture"}, "timings": timings,
             "location": {"name": "Médiathèque", "city": "Bondy", "postalCode": "93140",
                          "latitude": 48.902, "longitude": 2.483}}
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps({"events": [event]}), encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-oa", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded
    row = _activities(db_session, "agenda-oa")["Atelier d'écriture"]
    assert [timing[:10] for timing in row["timings"]] == ["2025-10-01", "2025-10-08", "2025-10-22"]
    assert warnings_of(run) == ["« timings » : Date n° 3 ignorée : La fin (15/10/2025 17:00) précède le début "
                              "(15/10/2025 19:00)."]


def test_openagenda_conditions_give_free_or_a_price_range(app, db_session, tmp_path):
    def event(uid, title, conditions):
        return {"uid": uid, "title": {"fr": title}, "conditions": {"fr": conditions},
                "location": {"name": "MJC", "city": "Pantin", "postalCode": "93500",
                             "latitude": 48.8944, "longitude": 2.4094}}

    path = tmp_path / "agenda.json"
    path.write_text(json.dumps({"events": [
        event(1, "Bal", "Gratuit pour les moins de 12 ans, 8 € pour les adultes"),
        event(2, "Concert", "Entrée : gratuite"),
        event(3, "Spectacle", "Tarif plein 12 euros / réduit 6,50 €"),
        event(4, "Visite", "Sur réservation"),
        event(5, "Gala", "2 000 000 € la place"),
        event(6, "Chorale", "8 €"),
        event(7, "Cours de chant", "5 € la séance"),
    ]}), encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-prix", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded
    rows = _activities(db_session, "agenda-prix")
    prices = {title: (row["is_free"], row["price_min"], row["price_max"]) for title, row in rows.items()}
    assert prices["Bal"] == (False, 0, 8)
    assert prices["Concert"] == (True, None, None)
    assert prices["Spectacle"] == (False, 6.5, 12)
    assert prices["Visite"] == (None, None, None)
    assert prices["Gala"] == (None, None, None)  # too large for a price: not a range, yet not lost
    # The conditions stay in the partner's words unless they are only a price.
    notes = {title: row["price_notes"] for title, row in rows.items()}
    assert notes["Spectacle"] == "Tarif plein 12 euros / réduit 6,50 €"
    assert notes["Visite"] == "Sur réservation"
    assert notes["Gala"] == "2 000 000 € la place"
    assert (notes["Concert"], notes["Chorale"], notes["Cours de chant"]) == (None, None, None)
    assert rows["Cours de chant"]["price_period"] == "session"  # what one payment covers


def test_the_openagenda_dataset_csv_keeps_fields_only_late_rows_fill(app, db_session, tmp_path):
    """The export is streamed: its columns are guessed from its first rows, yet the 230th
    event's ages, e-mail and accessibility (« hi;mi » in the CSV export) are kept."""
    header = "uid;title_fr;timings;location_coordinates;location_city;location_insee;age_min;age_max;" \
             "registration;accessibility"
    timings = '"[{""begin"": ""2025-10-04T14:00:00+02:00"", ""end"": ""2025-10-04T17:00:00+02:00""}]"'
    lines = [f"{10_000 + n};Événement {n};{timings};48.9362, 2.3574;Saint-Denis;93066;;;;" for n in range(250)]
    lines[229] = (f"10229;Événement 229;{timings};48.9362, 2.3574;Saint-Denis;93066;8;12;"
                  '"[{""type"": ""email"", ""value"": ""atelier@mjc.example""}]";"hi;mi"')
    path = tmp_path / "evenements-publics-openagenda.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="ods-tard", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded and run.created_count == 250, run.report_items
    row = _activities(db_session, "ods-tard")["Événement 229"]
    assert (row["age_min"], row["age_max"], row["email"]) == (8, 12, "atelier@mjc.example")
    assert (row["access_hearing"], row["access_motor"]) == (True, True)


def test_prices_ages_and_dates_in_the_words_of_a_workshop_list(app, db_session, tmp_path):
    path = tmp_path / "ateliers.csv"
    path.write_text(
        "id;titre;tarif;âge minimum;âge maximum;date;commune\n"
        "1;Danse éveil;Gratuit;4 ans;6 ans;20/10/2026 de 14h à 17h;Bondy\n"
        "2;Théâtre ados;120 €/an;dès 12 ans;;samedi 7 novembre 2026 à 20h;Bondy\n"
        "3;Chorale;Tarif selon QF : de 30 à 150 €;;;du 20 au 24 octobre 2026;Bondy\n"
        "4;Studio;15 €/h;;;;Bondy\n"
        "6;Piano;90 € / trimestre;;;;Bondy\n"
        "5;Guitare;bientôt;;;à définir;Bondy\n",
        encoding="cp1252")
    run = run_import(app, db_session, path, source="ateliers-mots", kind=ListingType.activity)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 6), run.report_items
    found = _activities(db_session, "ateliers-mots")
    periods = dict(db_session.execute(text(
        "SELECT a.title, a.price_period::text FROM activity a JOIN import_source s ON s.id = a.source_id "
        "WHERE s.name = 'ateliers-mots'")).all())
    eveil = found["Danse éveil"]
    assert (eveil["is_free"], eveil["price_min"], eveil["age_min"], eveil["age_max"]) == (True, 0, 4, 6)
    assert eveil["timings"] == ["2026-10-20 14:00 → 2026-10-20 17:00"]
    ados = found["Théâtre ados"]
    assert (ados["price_min"], ados["price_max"], periods["Théâtre ados"], ados["age_min"]) == (120, None, "year", 12)
    assert ados["timings"] == ["2026-11-07 20:00 → ?"]
    chorale = found["Chorale"]
    assert (chorale["price_min"], chorale["price_max"], chorale["is_free"]) == (30, 150, None)
    assert len(chorale["timings"]) == 1 and chorale["timings"][0].startswith("2026-10-20 00:00 → 2026-10-24")
    assert (periods["Studio"], periods["Piano"]) == ("hour", "term")
    warnings = next(item["warnings"] for item in run.report_items if item["row_number"] == 7)
    assert any("« bientôt » n'est pas un prix reconnu" in warning for warning in warnings)
    assert any("« à définir »" in warning for warning in warnings)


def test_a_workshop_list_s_own_headers_give_ids_ages_prices_periods_and_every_discipline(app, db_session, tmp_path):
    """« N° atelier » is the id; « Âge(s) » a range; « Tarif réduit » and « Tarif plein » the lowest
    and highest prices, paid yearly as their headers say; « Domaine » and « Sous-domaines » both
    give disciplines."""
    path = tmp_path / "ateliers.csv"
    path.write_text("N° atelier;Atelier;Âge(s);Tarif réduit (par an);Tarif plein (par an);Domaine;Sous-domaines;Commune\n"
                    "A-12;Chorale ados;12-15 ans;90;180;Musique;Chant choral, Musiques actuelles;Bondy\n",
                    encoding="utf-8")
    run = run_import(app, db_session, path, source="ateliers-entetes", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded, run.report_items
    assert run.mapping == {"N° atelier": "external_id", "Atelier": "name", "Âge(s)": "audiences",
                           "Tarif réduit (par an)": "price_min", "Tarif plein (par an)": "price_max",
                           "Domaine": "disciplines", "Sous-domaines": "disciplines", "Commune": "commune_name"}
    row = _activities(db_session, "ateliers-entetes")["Chorale ados"]
    assert (row["age_min"], row["age_max"], row["price_min"], row["price_max"], row["price_period"]) == (
        12, 15, 90, 180, "year")
    external_id, disciplines = db_session.execute(text(
        "SELECT a.external_id, array(SELECT d.slug FROM activity_discipline ad JOIN discipline d "
        "ON d.id = ad.discipline_id WHERE ad.activity_id = a.id ORDER BY d.slug) FROM activity a "
        "JOIN import_source s ON s.id = a.source_id WHERE s.name = 'ateliers-entetes'")).one()
    assert external_id == "A-12" and disciplines == ["chant-chorale", "musique", "musiques-actuelles"]
    assert run_import(app, db_session, path, source="ateliers-entetes", kind=ListingType.activity).unchanged_count == 1


def test_an_age_range_in_the_one_age_column_mapped_by_hand_gives_both_ages(app, db_session, tmp_path):
    path = tmp_path / "ages.csv"
    path.write_text("Nom;Âge;Commune\nÉveil musical;4 à 6 ans;Bondy\nDanse;dès 8 ans;Bondy\nPiano;10;Bondy\n",
                    encoding="utf-8")
    run = run_import(app, db_session, path, source="ages-main", kind=ListingType.activity,
                     corrections={"Âge": "age_min"})
    assert run.status is RunStatus.succeeded, run.report_items
    found = _activities(db_session, "ages-main")
    assert [(found[name]["age_min"], found[name]["age_max"]) for name in ("Éveil musical", "Danse", "Piano")] == [
        (4, 6), (8, None), (10, None)]


def test_a_course_s_days_and_a_season_in_one_cell_each_reach_the_listing(app, db_session, tmp_path):
    """A holiday course « du 20 au 24 octobre 2026 de 10h à 16h » meets five times; « les 14 et
    15 mars 2027 » twice; a « Saison » cell « du 15/09/2026 au 27/06/2027 » starts and ends the
    season (no column of its own for the end)."""
    path = tmp_path / "stages.csv"
    path.write_text("Réf;Atelier;Commune;Dates;Saison\n"
                    "S1;Stage théâtre;Bondy;du 20 au 24 octobre 2026 de 10h à 16h;\n"
                    "S2;Week-end chorale;Bondy;les 14 et 15 mars 2027;\n"
                    "C1;Atelier chant;Bondy;;du 15/09/2026 au 27/06/2027\n"
                    "C2;Atelier danse;Bondy;;de septembre 2026 à juin 2027\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="stages-jours", kind=ListingType.activity)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 4), run.report_items
    assert not [warning for warning in warnings_of(run) if "Dates" in warning or "Saison" in warning]
    rows = _activities(db_session, "stages-jours")
    assert rows["Stage théâtre"]["timings"] == [f"2026-10-{day} 10:00 → 2026-10-{day} 16:00" for day in range(20, 25)]
    assert rows["Week-end chorale"]["timings"] == ["2027-03-14 00:00 → 2027-03-14 23:59",
                                                   "2027-03-15 00:00 → 2027-03-15 23:59"]
    seasons = dict(db_session.execute(text(
        "SELECT a.title, a.season_start::text || ' → ' || a.season_end::text FROM activity a "
        "JOIN import_source s ON s.id = a.source_id WHERE s.name = 'stages-jours'")).all())
    assert seasons["Atelier chant"] == "2026-09-15 → 2027-06-27"
    assert seasons["Atelier danse"] == "2026-09-01 → 2027-06-30"
