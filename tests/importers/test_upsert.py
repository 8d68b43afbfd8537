"""What an import writes beyond a listing's own columns: its organisation, and its links and
times, which a moderator's hand edits protect like any field."""
from sqlalchemy import text

from portal.listings.enums import ListingType
from tests.importers.helpers import run_import

HEADER = "id;titre;organisme;disciplines;mots-clés;horaires;commune\n"


def _write(path, rows):
    path.write_text(HEADER + "".join(";".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_organisation_a_row_names_is_stored_once_per_source_and_linked(app, db_session, tmp_path):
    path = _write(tmp_path / "ateliers.csv", [
        ("A1", "Violon adultes", "Conservatoire de Pantin", "Violon", "", "mercredi 18h-19h", "Pantin"),
        ("A2", "Piano enfants", "Conservatoire  de Pantin", "Piano", "", "jeudi 17h-18h", "Pantin"),
        ("A3", "Chorale", "", "Chant choral", "", "", "Pantin"),
    ])
    run = run_import(app, db_session, path, source="crd-pantin", kind=ListingType.activity)
    assert run.created_count == 3 and run.mapping["organisme"] == "organization"
    rows = db_session.execute(text(
        "SELECT a.title, o.name, o.slug FROM activity a LEFT JOIN organization o ON o.id = a.organization_id "
        "JOIN import_source s ON s.id = a.source_id WHERE s.name = 'crd-pantin' ORDER BY a.title")).all()
    assert [(r.title, r.name) for r in rows] == [("Chorale", None), ("Piano enfants", "Conservatoire de Pantin"),
                                                 ("Violon adultes", "Conservatoire de Pantin")]
    again = run_import(app, db_session, path, source="crd-pantin", kind=ListingType.activity)
    assert again.unchanged_count == 3
    assert db_session.execute(text("SELECT count(*) FROM organization WHERE slug = 'conservatoire-de-pantin'")
                              ).scalar_one() == 1


def test_hand_edited_disciplines_tags_and_slots_survive_a_new_export(app, db_session, tmp_path):
    first = _write(tmp_path / "v1.csv", [
        ("A1", "Violon adultes", "", "Violon", "débutants", "mercredi 18h-19h", "Pantin"),
        ("A2", "Piano enfants", "", "Piano", "éveil", "jeudi 17h-18h", "Pantin"),
    ])
    def state(external_id):
        return db_session.execute(text("""
            SELECT (SELECT string_agg(d.slug, ',' ORDER BY d.slug) FROM activity_discipline ad
                    JOIN discipline d ON d.id = ad.discipline_id WHERE ad.activity_id = a.id),
                   (SELECT string_agg(t.slug, ',' ORDER BY t.slug) FROM activity_tag at
                    JOIN tag t ON t.id = at.tag_id WHERE at.activity_id = a.id),
                   (SELECT string_agg(s.weekday || ' ' || s.starts_at, ',') FROM activity_slot s
                    WHERE s.activity_id = a.id)
            FROM activity a JOIN import_source src ON src.id = a.source_id
            WHERE src.name = 'crd-mains' AND a.external_id = :id"""), {"id": external_id}).one()

    run_import(app, db_session, first, source="crd-mains", kind=ListingType.activity)
    before = state("A1")
    db_session.execute(text(
        "UPDATE activity SET hand_edited_fields = '{schedule,disciplines,tags}' WHERE external_id = 'A1' "
        "AND source_id = (SELECT id FROM import_source WHERE name = 'crd-mains')"))
    second = _write(tmp_path / "v2.csv", [
        ("A1", "Violon adultes", "", "Alto", "confirmés", "mercredi 10h-11h30", "Pantin"),
        ("A2", "Piano enfants", "", "Jazz", "ados", "vendredi 17h-18h", "Pantin"),
    ])
    run = run_import(app, db_session, second, source="crd-mains", kind=ListingType.activity)
    assert run.updated_count == 2

    assert before[1:] == ("debutants", "2 18:00:00") and before[0]
    assert state("A1") == before  # as the moderator left them
    assert state("A2") == ("jazz", "ados", "4 17:00:00")  # not hand-edited: the export wins


def test_resources_keep_their_deadline_room_details_and_booking_link(app, db_session, tmp_path):
    from datetime import date

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Identifiant", "Intitulé", "Type", "Commune", "Date limite de dépôt", "Surface", "Équipement",
                  "Réservation", "Tarif horaire", "Dates"])
    sheet.append(["R1", "Studio de répétition Le Local", "salle de répétition", "Montreuil", None, "45,5",
                  "Batterie, amplis, sonorisation", "https://lelocal.example/reserver", "15 €/h", "12/01/2027"])
    sheet.append(["F1", "Aide aux pratiques amateurs 2027", "aide", "Bobigny", date(2027, 3, 31), None, None,
                  None, None, None])
    path = tmp_path / "ressources.xlsx"
    workbook.save(path)
    run = run_import(app, db_session, path, source="ressources-93", kind=ListingType.resource)
    assert (run.created_count, run.failed_count) == (2, 0), run.report_items
    assert "Colonnes sans emploi pour des ressources, non importées : « Dates » (Dates)." in run.error
    rows = {r.external_id: r for r in db_session.execute(text(
        "SELECT r.external_id, r.kind::text, r.deadline, r.area_m2, r.equipment, r.booking_url, r.price_min, "
        "r.price_period::text AS period FROM resource r JOIN import_source s ON s.id = r.source_id "
        "WHERE s.name = 'ressources-93'"))}
    room, grant = rows["R1"], rows["F1"]
    assert (room.kind, float(room.area_m2), room.equipment) == ("rehearsal_room", 45.5, "Batterie, amplis, sonorisation")
    assert (room.booking_url, float(room.price_min), room.period) == ("https://lelocal.example/reserver", 15.0, "hour")
    assert (grant.kind, grant.deadline) == ("funding", date(2027, 3, 31))


def test_fields_a_file_lost_since_its_profile_keep_their_stored_columns(app, db_session, tmp_path):
    first = tmp_path / "v1.csv"
    first.write_text("id;nom;organisme;commune;latitude;longitude\nP1;Chorale;Ville de Pantin;Pantin;48.8940;2.4090\n",
                     encoding="utf-8")
    run_import(app, db_session, first, source="garde", save_profile="std")
    lost = tmp_path / "v2.csv"
    lost.write_text("id;nom;commune\nP1;Chorale;Pantin\n", encoding="utf-8")
    run = run_import(app, db_session, lost, source="garde")
    assert "Latitude (latitude), Longitude (longitude), Organisme (organization)" in run.error
    row = db_session.execute(text(
        "SELECT o.name, v.location_precision::text AS precision, round(ST_Y(v.location::geometry)::numeric, 4) AS lat "
        "FROM venue v LEFT JOIN organization o ON o.id = v.organization_id JOIN import_source s ON s.id = v.source_id "
        "WHERE s.name = 'garde'")).one()
    assert (row.name, row.precision, float(row.lat)) == ("Ville de Pantin", "given", 48.894)


def test_a_hand_edit_holds_what_goes_with_it_the_point_of_an_address_and_the_page_of_a_name(
        app, db_session, tmp_path):
    """A moderator who corrected an address keeps its point too (text and map agree), one who
    corrected a name keeps the page's address; the fields they did not touch follow the source."""
    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;adresse;commune;latitude;longitude\n"
                    "K1;Harmonie de Vincennes;5 rue de Fontenay;Vincennes;48.8475;2.4385\n", encoding="utf-8")
    run_import(app, db_session, path, source="mains-lieux")
    db_session.execute(text(
        "UPDATE venue SET name = 'Harmonie municipale de Vincennes', slug = 'harmonie-municipale-de-vincennes', "
        "hand_edited_fields = '{address,name}' WHERE external_id = 'K1'"))
    path.write_text("id;nom;adresse;commune;latitude;longitude;téléphone\n"
                    "K1;Harmonie de Vincenne;40 avenue de la République;Vincennes;48.8420;2.4420;01 43 98 65 00\n",
                    encoding="utf-8")
    run = run_import(app, db_session, path, source="mains-lieux")
    assert run.updated_count == 1
    row = db_session.execute(text(
        "SELECT name, slug, address, round(ST_Y(location::geometry)::numeric, 4), phone FROM venue "
        "WHERE external_id = 'K1'")).one()
    assert tuple(row[:3]) == ("Harmonie municipale de Vincennes", "harmonie-municipale-de-vincennes",
                              "5 rue de Fontenay")
    assert float(row[3]) == 48.8475 and row[4] == "01 43 98 65 00"


def test_a_point_is_stored_to_the_last_digit_when_created_and_when_updated(app, db_session, tmp_path):
    """Created venues are copied with their point in binary form, updated ones bound as text:
    both keep every digit the partner gave (and the Guadeloupe longitude's sign)."""
    path = tmp_path / "lieux.csv"

    def stored():
        return db_session.execute(text(
            "SELECT external_id, ST_X(location::geometry), ST_Y(location::geometry), "
            "location_precision::text FROM venue v JOIN import_source s ON s.id = v.source_id "
            "WHERE s.name = 'points' ORDER BY external_id")).all()

    path.write_text("id;nom;commune;latitude;longitude\n"
                    "P1;Salle des fêtes;Pantin;48.89437612345678;2.40938712345679\n"
                    "P2;Médiathèque;Pointe-à-Pitre;16.241111;-61.533056\n", encoding="utf-8")
    assert run_import(app, db_session, path, source="points").created_count == 2
    assert stored() == [("P1", 2.40938712345679, 48.89437612345678, "given"),
                        ("P2", -61.533056, 16.241111, "given")]
    path.write_text("id;nom;commune;latitude;longitude\n"
                    "P1;Salle des fêtes;Pantin;48.89437612345699;2.40938712345611\n"
                    "P2;Médiathèque;Pointe-à-Pitre;16.241111;-61.533056\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="points")
    assert (run.updated_count, run.unchanged_count) == (1, 1)
    assert stored()[0] == ("P1", 2.40938712345611, 48.89437612345699, "given")
