"""Audiences, accessibility and season dates, from a partner's file to the stored listing:
understood words become columns, everything else stays in the partner's words."""
import csv

from sqlalchemy import text

from importers.models import RunStatus
from portal.listings.enums import ListingType
from tests.importers.helpers import run_import

HEADER = ["Identifiant", "Titre", "Lieu", "Adresse", "Code postal", "Commune", "Latitude", "Longitude", "Public",
          "Accessibilité", "Horaires", "Début de saison", "Fin de saison"]
PLACE = ["MJC", "12 rue de Paris", "93100", "Montreuil", "48.8612", "2.4432"]
ROWS = {
    "A1": ["A1", "Chorale des aînés", *PLACE, "Seniors ; + de 60 ans", "Accès fauteuil ; LSF", "mercredi 14h-16h",
           "15/09/2025", "27/06/2026"],
    "A2": ["A2", "Éveil musical", *PLACE, "Enfants (3-5 ans) | Public scolaire", "Boucle magnétique ; Visite tactile",
           "samedi 10h-11h", "", ""],
    "A3": ["A3", "Atelier ouvert", *PLACE, "Tout public", "", "", "", ""],
}


def _write(tmp_path, rows, header=HEADER, name="ateliers.csv"):
    """A semicolon CSV as French Excel saves it: cells holding « ; » are quoted."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _activities(session):
    return {row["external_id"]: row for row in session.execute(text("""
        SELECT a.external_id, a.audiences, a.age_min, a.age_max, a.access_motor, a.access_hearing,
               a.has_lsf, a.has_hearing_loop, a.accessibility_notes, a.season_start::text, a.season_end::text,
               array(SELECT t.label FROM activity_tag x JOIN tag t ON t.id = x.tag_id
                     WHERE x.activity_id = a.id ORDER BY t.label) AS tags
        FROM activity a JOIN import_source s ON s.id = a.source_id WHERE s.name = 'ateliers'
    """)).mappings()}


def test_audiences_accessibility_and_season_are_stored_and_nothing_is_dropped(app, db_session, tmp_path):
    run = run_import(app, db_session, _write(tmp_path, ROWS.values()), source="ateliers", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded and run.created_count == 3, [(i["errors"], i["warnings"]) for i in run.report_items]
    rows = _activities(db_session)
    choir, toddlers, open_ = rows["A1"], rows["A2"], rows["A3"]
    assert choir["audiences"] == ["adults", "seniors"] and (choir["age_min"], choir["age_max"]) == (60, None)
    assert choir["access_motor"] is True and choir["has_lsf"] is True and choir["access_hearing"] is True
    assert choir["accessibility_notes"] is None  # every word understood
    assert (choir["season_start"], choir["season_end"]) == ("2025-09-15", "2026-06-27")
    assert toddlers["audiences"] == ["children"] and (toddlers["age_min"], toddlers["age_max"]) == (3, 5)
    assert "Public scolaire" in toddlers["tags"]                  # an unknown audience stays a tag
    assert toddlers["has_hearing_loop"] is True and toddlers["access_motor"] is None
    assert toddlers["accessibility_notes"] == "Visite tactile"    # unknown words stay as notes
    assert open_["audiences"] == ["children", "teenagers", "young_adults", "adults", "seniors", "families"]
    assert open_["has_lsf"] is False and open_["access_motor"] is None


def test_a_flag_the_source_withdraws_is_cleared_but_a_hand_edit_stays(app, db_session, tmp_path):
    run_import(app, db_session, _write(tmp_path, ROWS.values()), source="ateliers", kind=ListingType.activity)
    again = run_import(app, db_session, _write(tmp_path, ROWS.values()), source="ateliers", kind=ListingType.activity)
    assert again.unchanged_count == 3 and again.updated_count == 0
    db_session.execute(text("UPDATE activity SET access_motor = false, hand_edited_fields = '{access_motor}' "
                            "WHERE external_id = 'A1'"))
    changed = dict(ROWS, A1=[cell.replace("Accès fauteuil ; LSF", "Accès fauteuil") for cell in ROWS["A1"]])
    run = run_import(app, db_session, _write(tmp_path, changed.values()), source="ateliers", kind=ListingType.activity)
    assert run.updated_count == 1 and run.unchanged_count == 2
    choir = _activities(db_session)["A1"]
    assert choir["has_lsf"] is False          # the source no longer says LSF
    assert choir["access_motor"] is False     # a moderator's correction is not overwritten


def test_a_season_ending_before_it_starts_keeps_its_start_and_warns(app, db_session, tmp_path):
    row = [cell.replace("15/09/2025", "15/09/2026") for cell in ROWS["A1"]]
    run = run_import(app, db_session, _write(tmp_path, [row]), source="ateliers", kind=ListingType.activity)
    assert run.status is RunStatus.succeeded and run.created_count == 1
    [item] = run.report_items
    assert any("fin de saison précède" in warning for warning in item["warnings"])
    choir = _activities(db_session)["A1"]
    assert (choir["season_start"], choir["season_end"]) == ("2026-09-15", None)


def test_venues_take_accessibility_columns_and_keep_audiences_as_tags(app, db_session, tmp_path):
    path = _write(tmp_path, [["Médiathèque Elsa Triolet", "1 rue Elsa Triolet", "93500", "Pantin", "Jeunesse",
                              "Accès PMR ; ascenseur ; boucle magnétique à l'accueil"]],
                  header=["Nom", "Adresse", "CP", "Ville", "Public", "Accessibilité"], name="lieux.csv")
    run = run_import(app, db_session, path, source="lieux")
    assert run.status is RunStatus.succeeded and run.created_count == 1, [(i["errors"], i["warnings"]) for i in run.report_items]
    venue = db_session.execute(text("""
        SELECT v.access_motor, v.has_lift, v.access_hearing, v.accessibility_notes,
               array(SELECT t.label FROM venue_tag x JOIN tag t ON t.id = x.tag_id WHERE x.venue_id = v.id) AS tags
        FROM venue v JOIN import_source s ON s.id = v.source_id WHERE s.name = 'lieux'
    """)).mappings().one()
    assert venue["access_motor"] is True and venue["has_lift"] is True and venue["access_hearing"] is True
    assert venue["accessibility_notes"] == "boucle magnétique à l'accueil"
    assert venue["tags"] == ["Jeunesse"]


def test_a_moderator_who_set_one_end_of_a_season_or_age_range_keeps_both(app, db_session, tmp_path):
    run_import(app, db_session, _write(tmp_path, ROWS.values()), source="ateliers", kind=ListingType.activity)
    db_session.execute(text("UPDATE activity SET season_start = '2026-01-10', age_min = 5, age_max = 10, "
                            "hand_edited_fields = '{season_start,age_max}' WHERE external_id = 'A1'"))
    # The source now ends the season before the moderator's start, and says "dès 12 ans".
    changed = [cell.replace("27/06/2026", "20/12/2025").replace("+ de 60 ans", "dès 12 ans") for cell in ROWS["A1"]]
    run = run_import(app, db_session, _write(tmp_path, [changed, ROWS["A2"], ROWS["A3"]]), source="ateliers",
                     kind=ListingType.activity)
    assert (run.status, run.updated_count, run.failed_count) == (RunStatus.succeeded, 1, 0)
    choir = _activities(db_session)["A1"]
    assert (choir["season_start"], choir["season_end"]) == ("2026-01-10", "2026-06-27")
    assert (choir["age_min"], choir["age_max"]) == (5, 10)


def test_a_row_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(app, db_session, tmp_path):
    # A rule the database holds that the file's checks do not know (a later migration, say).
    db_session.execute(text("ALTER TABLE venue ADD CONSTRAINT test_refused CHECK (name <> 'Salle refusée')"))
    path = _write(tmp_path, [["Salle A", "Pantin"], ["Salle refusée", "Pantin"], ["Salle B", "Pantin"]],
                  header=["Nom", "Ville"], name="lieux.csv")
    run = run_import(app, db_session, path, source="lieux")
    assert (run.status, run.created_count, run.failed_count) == (RunStatus.partial, 2, 1)
    [failed] = [item for item in run.report_items if item["errors"]]
    assert failed["row_number"] == 3 and "refusé par la base" in failed["errors"][0]["message"]
    names = db_session.execute(text("SELECT v.name FROM venue v JOIN import_source s ON s.id = v.source_id "
                                    "WHERE s.name = 'lieux' ORDER BY name")).scalars().all()
    assert names == ["Salle A", "Salle B"]


def test_a_slot_and_accessibility_spread_over_several_columns_are_read_together(app, db_session, tmp_path):
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Atelier", "Lieu", "Commune", "Jour", "Heure début", "Heure fin", "Handicap moteur",
                  "Handicap auditif", "Boucle magnétique"])
    sheet.append(["Éveil musical", "MJC", "Montreuil", "Mercredi", datetime.time(14, 30), datetime.time(16), "Oui",
                  "Non", "X"])
    sheet.append(["Chorale", "MJC", "Montreuil", "Lundi et jeudi", datetime.time(19), datetime.time(21), "Oui",
                  "Non", ""])
    workbook.save(tmp_path / "ateliers.xlsx")
    run = run_import(app, db_session, tmp_path / "ateliers.xlsx", source="colonnes", kind=ListingType.activity)
    assert (run.created_count, run.error) == (2, None)
    rows = db_session.execute(text(
        "SELECT a.title, a.access_motor, a.access_hearing, a.has_hearing_loop, "
        "       array_agg(s.weekday || ' ' || s.starts_at::text || '-' || s.ends_at::text ORDER BY s.weekday) AS slots "
        "FROM activity a JOIN activity_slot s ON s.activity_id = a.id "
        "WHERE a.source_id = (SELECT id FROM import_source WHERE name = 'colonnes') GROUP BY a.id")).mappings()
    stored = {row["title"]: row for row in rows}
    assert stored["Éveil musical"]["slots"] == ["2 14:30:00-16:00:00"]
    assert stored["Chorale"]["slots"] == ["0 19:00:00-21:00:00", "3 19:00:00-21:00:00"]
    # A hearing loop serves hearing-impaired people: its yes stands over « Handicap auditif : Non ».
    flags = ("access_motor", "access_hearing", "has_hearing_loop")
    assert [stored["Éveil musical"][flag] for flag in flags] == [True, True, True]
    assert [stored["Chorale"][flag] for flag in flags] == [True, False, False]


def test_a_moderator_s_price_keeps_what_the_price_cell_feeds(app, db_session, tmp_path):
    path = tmp_path / "ateliers.csv"
    path.write_text("id;titre;lieu;commune;tarif\nT1;Théâtre ados;MJC;Pantin;120 €/an\n", encoding="utf-8")
    run_import(app, db_session, path, source="tarifs-main", kind=ListingType.activity)
    db_session.execute(text("UPDATE activity SET price_min = 35, price_max = 140, hand_edited_fields = '{price_min}' "
                            "WHERE external_id = 'T1'"))
    path.write_text("id;titre;lieu;commune;tarif\nT1;Théâtre ados;MJC;Pantin;Gratuit\n", encoding="utf-8")
    run_import(app, db_session, path, source="tarifs-main", kind=ListingType.activity)
    stored = db_session.execute(text("SELECT price_min, price_max, is_free, price_period FROM activity "
                                     "WHERE external_id = 'T1'")).one()
    assert tuple(stored) == (35, 140, None, "year")  # never « Gratuit » over the moderator's price


def test_an_age_column_with_an_odd_cell_keeps_its_ages_and_names_the_odd_one(app, db_session, tmp_path):
    """« Âge minimum » said outright, one cell in words: the column stays the minimum age (it
    went whole to the audiences, where the ages became tags without a word)."""
    path = _write(tmp_path, [["M1", "Éveil musical", *PLACE, "4"], ["M2", "Chorale", *PLACE, "tout public"]],
                  header=["Identifiant", "Titre", "Lieu", "Adresse", "Code postal", "Commune", "Latitude", "Longitude",
                          "Âge minimum"])
    run = run_import(app, db_session, path, source="ages", kind=ListingType.activity)
    assert run.mapping["Âge minimum"] == "age_min"
    ages = dict(db_session.execute(text("SELECT external_id, age_min FROM activity WHERE external_id IN ('M1', 'M2')")).all())
    assert ages == {"M1": 4, "M2": None}
    warnings = [w for item in run.report_items if item["external_id"] == "M2" for w in item["warnings"]]
    assert any(w.startswith("« Âge minimum » ignoré") for w in warnings)
