"""What happens across runs of one source: saved profiles on a changed file, source dates,
records coming back, places an agenda stops using, merged venues, unreadable rows."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text

from importers.duplicates import decide
from importers.models import RunStatus
from importers.runs import run_report
from portal.listings.enums import ListingType
from tests.importers.helpers import fingerprint, run_import

LONG_AGO = datetime.now(timezone.utc) - timedelta(days=60)


def _venue(session, source, external_id, columns="name, website, archived_at, missing_since, source_modified_at"):
    return session.execute(text(
        f"SELECT {columns} FROM venue WHERE external_id = :id AND source_id = "
        "(SELECT id FROM import_source WHERE name = :source)"), {"id": external_id, "source": source}).mappings().one()


def test_a_saved_profile_follows_a_renamed_column_and_refuses_to_lose_the_ids(app, db_session, tmp_path):
    first = tmp_path / "v1.csv"
    first.write_text("id;nom;ville;site web\nP1;Chorale;Pantin;https://chorale.example\n", encoding="utf-8")
    run = run_import(app, db_session, first, source="prof", save_profile="std")
    assert run.created_count == 1
    renamed = tmp_path / "v2.csv"
    renamed.write_text("id;nom;ville;Site internet\nP1;Chorale;Pantin;https://chorale.example\n", encoding="utf-8")
    again = run_import(app, db_session, renamed, source="prof")
    assert (again.unchanged_count, again.error) == (1, None)  # the website is still read
    grown = tmp_path / "v2b.csv"
    grown.write_text("id;nom;ville;Site internet;Courriel\nP1;Chorale;Pantin;https://chorale.example;"
                     "contact@chorale.example\n", encoding="utf-8")
    added = run_import(app, db_session, grown, source="prof")
    assert added.error == ("Colonnes nouvelles depuis le profil « std », non importées : « Courriel » (Courriel). "
                           "Ajoutez-les avec --map \"COLONNE=champ\" et --save-profile.")
    gone = tmp_path / "v3.csv"
    gone.write_text("id;nom;ville\nP1;Chorale;Pantin\n", encoding="utf-8")
    lost = run_import(app, db_session, gone, source="prof")
    assert lost.updated_count == 1
    assert lost.error.startswith("Colonnes du profil « std » absentes du fichier : Site web (website) : leurs "
                                 "valeurs enregistrées sont gardées telles quelles.")
    assert _venue(db_session, "prof", "P1")["website"] == "https://chorale.example"  # not erased
    before = fingerprint(db_session)
    no_id = tmp_path / "v4.csv"
    no_id.write_text("ident;nom;ville\nP1;Chorale;Pantin\n", encoding="utf-8")
    refused = run_import(app, db_session, no_id, source="prof")
    assert refused.status is RunStatus.failed
    assert "La colonne d'identifiant « id » du profil « std » est absente du fichier" in refused.error
    assert fingerprint(db_session) == before


def test_a_column_gone_from_the_next_export_keeps_its_values_without_a_profile(app, db_session, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id;nom;ville;téléphone;site web\nP1;Chorale;Pantin;01 48 10 20 30;https://chorale.example\n",
                    encoding="utf-8")
    run_import(app, db_session, path, source="sans-profil")
    path.write_text("id;nom;ville;site web\nP1;Chorale;Pantin;https://chorale.example\n", encoding="utf-8")
    lost = run_import(app, db_session, path, source="sans-profil")
    assert lost.error.startswith("Colonnes des imports précédents absentes du fichier : Téléphone (phone) : leurs "
                                 "valeurs enregistrées sont gardées telles quelles.")
    again = run_import(app, db_session, path, source="sans-profil")  # the same file: nothing changes
    assert again.unchanged_count == 1
    assert _venue(db_session, "sans-profil", "P1", "phone")["phone"] == "01 48 10 20 30"
    # A column still in the file that the partner leaves unmapped is their choice: emptied.
    unmapped = run_import(app, db_session, path, source="sans-profil", corrections={"site web": None})
    assert unmapped.updated_count == 1
    assert _venue(db_session, "sans-profil", "P1", "website")["website"] is None
    # The mapping saved with a run is complete: the values of the columns gone are emptied.
    confirmed = run_import(app, db_session, path, source="sans-profil", save_profile="sans-tel")
    assert (confirmed.updated_count, confirmed.error) == (1, None)
    assert _venue(db_session, "sans-profil", "P1", "phone")["phone"] is None
    assert run_import(app, db_session, path, source="sans-profil").unchanged_count == 1


def test_an_export_without_the_id_column_earlier_runs_read_is_refused_without_a_profile(app, db_session, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Réf.;nom;ville\nP1;Chorale;Pantin\nP2;Studio;Bondy\n", encoding="utf-8")
    run_import(app, db_session, path, source="sans-ref")
    before = fingerprint(db_session)
    path.write_text("nom;ville\nChorale;Pantin\nStudio;Bondy\n", encoding="utf-8")
    refused = run_import(app, db_session, path, source="sans-ref")
    assert refused.status is RunStatus.failed
    assert refused.error.startswith("La colonne d'identifiant « Réf. » des imports précédents est absente du "
                                    "fichier : sans elle, chaque fiche serait créée une seconde fois.")
    assert fingerprint(db_session) == before  # no second copy of every record


def test_a_later_date_on_the_same_content_is_kept_so_an_older_export_never_overwrites(app, db_session, tmp_path):
    path = tmp_path / "registre.csv"

    def export(date, site):
        path.write_text(f"id;nom;ville;site;mise à jour\nV3;Studio;Bondy;{site};{date}\n", encoding="utf-8")
        return run_import(app, db_session, path, source="registre")

    export("2025-01-10", "https://studio.example")
    assert export("2025-06-01", "https://studio.example").unchanged_count == 1
    stored = _venue(db_session, "registre", "V3")["source_modified_at"]
    assert stored.astimezone(ZoneInfo("Europe/Paris")).date().isoformat() == "2025-06-01"
    older = export("2025-03-01", "https://ancien.example")
    assert (older.unchanged_count, older.updated_count) == (1, 0)
    assert "1 fiche(s) de ce fichier sont datées d'avant leur version enregistrée" in older.error
    assert older.report_items[0]["warnings"][-1:] == [
        "Version datée du 01/03/2025, plus ancienne que celle enregistrée (du 01/06/2025) : elle est ignorée."]
    assert _venue(db_session, "registre", "V3")["website"] == "https://studio.example"


def test_an_unchanged_record_is_said_verified_again_once_a_day_not_at_every_pull(app, db_session, tmp_path):
    """A listing's page says when its source last confirmed it (« vérifié le »): a record found
    unchanged a day later is verified again; pulled again the same day (an hourly feed), it is
    left as it is, and so is a record the file does not give."""
    path = tmp_path / "registre.csv"
    path.write_text("id;nom;ville\nV1;Studio;Bondy\nV2;Atelier;Bondy\n", encoding="utf-8")
    run_import(app, db_session, path, source="verifie")
    db_session.execute(text(
        "UPDATE venue SET last_imported_at = :then, last_verified_at = :then WHERE source_id = "
        "(SELECT id FROM import_source WHERE name = 'verifie')"), {"then": LONG_AGO})
    path.write_text("id;nom;ville\nV1;Studio;Bondy\n", encoding="utf-8")
    next_day = run_import(app, db_session, path, source="verifie")
    assert next_day.unchanged_count == 1

    def verified(external_id):
        return _venue(db_session, "verifie", external_id, "last_verified_at, last_imported_at")

    assert verified("V1")["last_verified_at"] == verified("V1")["last_imported_at"] == next_day.started_at
    assert verified("V2")["last_verified_at"] == LONG_AGO
    again = run_import(app, db_session, path, source="verifie")
    assert again.unchanged_count == 1
    assert verified("V1")["last_verified_at"] == next_day.started_at


def test_an_older_version_coming_back_is_only_restored_not_written(app, db_session, tmp_path):
    path = tmp_path / "agenda.csv"

    def export(*rows):
        path.write_text("id;nom;lieu;commune;horaires;mise à jour\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return run_import(app, db_session, path, source="agenda-retour", kind=ListingType.activity)

    a1 = "A1;Chorale;MJC;Pantin;lundi 18h-20h;2025-09-01"
    export(a1, "A2;Danse;MJC;Pantin;jeudi 18h-20h;2025-09-10")
    export(a1)
    back = export(a1, "A2;Danse;MJC;Pantin;vendredi 18h-20h;2025-08-01")
    assert back.updated_count == 1
    slots = text("SELECT array_agg(s.weekday) FROM activity_slot s JOIN activity a ON a.id = s.activity_id "
                 "WHERE a.external_id = 'A2'")
    assert db_session.execute(slots).scalar_one() == [3]  # still Thursday
    assert db_session.execute(text("SELECT missing_since FROM activity WHERE external_id = 'A2'")).scalar_one() is None


def test_a_place_no_event_is_at_any_more_is_archived_like_a_missing_record(app, db_session, tmp_path):
    path = tmp_path / "agenda.csv"

    def export(place):
        path.write_text(f"id;nom;lieu;adresse;commune\nE1;Concert;{place};1 place Jean Vilar;Pantin\n",
                        encoding="utf-8")
        return run_import(app, db_session, path, source="agenda-lieux", kind=ListingType.activity)

    export("Salle Jean Vilar")
    export("Salle Jean-Vilar")  # renamed at the source: a new place
    places = text("SELECT name, missing_since IS NOT NULL AS missing, archived_at IS NOT NULL AS archived "
                  "FROM venue WHERE source_id = (SELECT id FROM import_source WHERE name = 'agenda-lieux') "
                  "ORDER BY name")
    assert [tuple(row) for row in db_session.execute(places)] == [("Salle Jean Vilar", True, False),
                                                               ("Salle Jean-Vilar", False, False)]
    db_session.execute(text("UPDATE venue SET missing_since = :t WHERE name = 'Salle Jean Vilar'"), {"t": LONG_AGO})
    run = export("Salle Jean-Vilar")
    assert run.archived_count == 1
    assert [tuple(row) for row in db_session.execute(places)] == [("Salle Jean Vilar", True, True),
                                                               ("Salle Jean-Vilar", False, False)]
    # The report names the place, in no row of the file, with no key the import made up for it;
    # the file by its name, not where it lay on the server.
    assert run_report(db_session, run)["location"] == run.location.rsplit("/", 1)[-1]
    assert [(item["row_number"], item["external_id"], item["warnings"]) for item in run_report(db_session, run)["items"]
            if item["status"] == "archived"] == [
        (None, None, ["« Salle Jean Vilar » : absent du flux depuis plus de 14 jours, archivé."])]


def test_a_failed_event_keeps_its_place_and_others_places_are_still_flagged(app, db_session, tmp_path):
    path = tmp_path / "agenda.csv"
    header = "id;nom;lieu;adresse;commune\n"
    path.write_text(header + "E1;Concert;Salle Jean Vilar;1 place Jean Vilar;Pantin\n"
                             "E2;Bal;Salle des fêtes;2 rue Hoche;Pantin\n"
                             "E3;Chorale;Ancienne salle;3 rue Lépine;Pantin\n", encoding="utf-8")
    run_import(app, db_session, path, source="agenda-echecs", kind=ListingType.activity)
    # E2 fails (a formula in its title), E3 moved to another place.
    path.write_text(header + "E1;Concert;Salle Jean Vilar;1 place Jean Vilar;Pantin\n"
                             "E2;=HYPERLINK(\"x\");Salle des fêtes;2 rue Hoche;Pantin\n"
                             "E3;Chorale;Nouvelle salle;4 rue Lépine;Pantin\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="agenda-echecs", kind=ListingType.activity)
    assert (run.status, run.failed_count) == (RunStatus.partial, 1)
    places = text("SELECT name FROM venue WHERE missing_since IS NOT NULL AND source_id = "
                  "(SELECT id FROM import_source WHERE name = 'agenda-echecs')")
    assert db_session.execute(places).scalars().all() == ["Ancienne salle"]
    # A failed row whose place cell is refused: its place cannot be told, none is flagged.
    path.write_text(header + "E1;Concert;Salle Jean Vilar;1 place Jean Vilar;Pantin\n"
                             "E2;Bal;=cmd|' /C calc'!A0;2 rue Hoche;Pantin\n", encoding="utf-8")
    db_session.execute(text("UPDATE venue SET missing_since = NULL"))
    refused = run_import(app, db_session, path, source="agenda-echecs", kind=ListingType.activity)
    assert refused.failed_count == 1
    assert db_session.execute(places).scalars().all() == []


def test_a_venue_others_were_merged_into_stays_while_they_are_listed(app, db_session, tmp_path):
    feed, other = tmp_path / "flux.csv", tmp_path / "autre.csv"
    feed.write_text("id;nom;adresse;commune;latitude;longitude\nF1;Médiathèque Cesaria Evora;1 rue X;Montreuil;"
                    "48.8610;2.4397\nF2;Conservatoire;2 rue Y;Montreuil;48.8620;2.4420\n", encoding="utf-8")
    other.write_text("id;nom;adresse;commune;latitude;longitude\nO1;Médiathèque Césaria-Évora;1 rue X;Montreuil;"
                     "48.8611;2.4398\n", encoding="utf-8")
    run_import(app, db_session, feed, source="flux-fusion")
    run_import(app, db_session, other, source="autre-fusion")
    candidate = db_session.execute(text("SELECT id FROM duplicate_candidate")).scalar_one()
    survivor = db_session.execute(text("SELECT id FROM venue WHERE external_id = 'F1'")).scalar_one()
    decide(db_session, candidate, survivor)
    feed.write_text("id;nom;adresse;commune;latitude;longitude\nF2;Conservatoire;2 rue Y;Montreuil;48.8620;2.4420\n",
                    encoding="utf-8")
    run_import(app, db_session, feed, source="flux-fusion")
    db_session.execute(text("UPDATE venue SET missing_since = :t WHERE id = :id"), {"t": LONG_AGO, "id": survivor})
    assert run_import(app, db_session, feed, source="flux-fusion").archived_count == 0
    assert _venue(db_session, "flux-fusion", "F1")["archived_at"] is None  # « autre » still lists it


def test_an_unreadable_row_keeps_its_record_and_others_absent_are_still_flagged(app, db_session, tmp_path):
    """A row with a cell too many, or cut by a line break, is reported; its id still says which
    record it is: that record keeps its values and is not missing, while a record really gone
    from the full feed is flagged. Only a row whose id cannot be read holds the flagging back."""
    header = "id,nom,commune,description\n"
    path = tmp_path / "flux.csv"
    path.write_text(header + "".join(f"F{n},Atelier {n},Pantin,ok\n" for n in range(1, 9)), encoding="utf-8")
    run_import(app, db_session, path, source="flux-illisible")
    path.write_text(header + "".join(f"F{n},Atelier {n},Pantin,ok\n" for n in range(1, 6))
                    + "F6,Atelier 6,Pantin,hip hop, break\nF7,Atelier 7\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="flux-illisible")
    assert run.status is RunStatus.partial and run.failed_count == 2
    assert "sans identifiant lisible" not in run.error and "« Atelier 8 »" in run.error
    assert [_venue(db_session, "flux-illisible", f"F{n}")["missing_since"] is None for n in (6, 7, 8)] == [
        True, True, False]
    assert _venue(db_session, "flux-illisible", "F6", "description")["description"] == "<p>ok</p>"
    huge_id = "x" * 100_001
    path.write_text(header + "".join(f"F{n},Atelier {n},Pantin,ok\n" for n in range(1, 6)) + f"{huge_id},A,B,c\n",
                    encoding="utf-8")
    run = run_import(app, db_session, path, source="flux-illisible")
    assert "1 ligne(s) en erreur sans identifiant lisible" in run.error
    assert _venue(db_session, "flux-illisible", "F6")["missing_since"] is None


def test_an_unclosed_quote_in_a_full_feed_loses_no_row_and_flags_no_record_missing(app, db_session, tmp_path):
    """A quote left open used to swallow every following row: those records were neither
    updated nor counted, and the feed then flagged them missing. Now only that row fails."""
    header = "id;nom;commune;description\n"
    path = tmp_path / "flux.csv"
    path.write_text(header + "".join(f"Q{n};Atelier {n};Pantin;ok\n" for n in range(1, 11)), encoding="utf-8")
    run_import(app, db_session, path, source="flux-guillemet")
    rows = [f"Q{n};Atelier {n};Pantin;{'neuf' if n > 4 else 'ok'}\n" for n in range(1, 11)]
    rows[3] = 'Q4;"Atelier 4;Pantin;ok\n'
    path.write_text(header + "".join(rows), encoding="utf-8")
    run = run_import(app, db_session, path, source="flux-guillemet")
    assert (run.failed_count, run.updated_count, run.unchanged_count) == (1, 6, 3)
    failed = [item for item in run.report_items if item["status"] == "failed"]
    assert [(item["row_number"], item["external_id"]) for item in failed] == [(5, "Q4")]
    assert failed[0]["errors"][0]["message"].startswith("Guillemet non fermé : une cellule de la ligne 5 ")
    assert all(_venue(db_session, "flux-guillemet", f"Q{n}")["missing_since"] is None for n in range(1, 11))
    assert _venue(db_session, "flux-guillemet", "Q10", "description")["description"] == "<p>neuf</p>"


def test_run_one_without_the_record_and_a_run_where_every_row_fails_are_failed_runs(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;commune\nV1;Studio;Bondy\n", encoding="utf-8")
    one = run_import(app, db_session, path, source="un", only_external_id="V99")
    assert one.status is RunStatus.failed and one.error == "Aucun enregistrement d'identifiant « V99 » dans le fichier."
    path.write_text("id;nom;commune\nV1;=cmd|' /C calc'!A0;Bondy\nV2;;Bondy\n", encoding="utf-8")
    broken = run_import(app, db_session, path, source="tout-faux")
    assert (broken.status, broken.failed_count) == (RunStatus.failed, 2)
    assert broken.error.startswith("Aucune ligne n'a pu être importée")


def test_a_used_source_keeps_its_type_and_can_be_made_a_full_feed_again(app, db_session, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;commune\nV1;Studio;Bondy\n", encoding="utf-8")
    run_import(app, db_session, path, source="typee")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["import", "source", "typee", "--kind", "activity"])
    assert refused.exit_code == 1 and "son type ne change plus" in refused.output
    assert runner.invoke(args=["import", "source", "typee", "--partial-feed"]).exit_code == 0
    full = text("SELECT is_full_feed FROM import_source WHERE name = 'typee'")
    assert db_session.execute(full).scalar_one() is False
    assert runner.invoke(args=["import", "source", "typee", "--full-feed"]).exit_code == 0
    assert db_session.execute(full).scalar_one() is True


def test_total_lines_are_passed_over_and_do_not_stop_a_full_feed_archiving(app, db_session, tmp_path):
    first = tmp_path / "feed1.csv"
    first.write_text("Identifiant;Nom;Ville;Places\nL1;Salle A;Bondy;100\nL2;Salle B;Bondy;200\nL3;Salle C;Bondy;300\n",
                     encoding="utf-8")
    run_import(app, db_session, first, source="avec-totaux")
    second = tmp_path / "feed2.csv"
    second.write_text("Identifiant;Nom;Ville;Places\nL1;Salle A;Bondy;100\nL2;Salle B;Bondy;200\n;;;300\n"
                      "Total : 2 lieux;;;300\n", encoding="utf-8")
    run = run_import(app, db_session, second, source="avec-totaux")
    assert (run.status, run.unchanged_count, run.failed_count, run.processed_rows) == (RunStatus.succeeded, 2, 0, 2)
    assert "Ligne(s) de total du tableur passée(s) : 4, 5" in run.error
    missing = db_session.execute(text(
        "SELECT external_id FROM venue WHERE missing_since IS NOT NULL AND source_id = "
        "(SELECT id FROM import_source WHERE name = 'avec-totaux')")).scalars().all()
    assert missing == ["L3"]


def test_a_simulation_in_the_wrong_type_does_not_fix_a_new_source_s_type(app, db_session, tmp_path):
    path = tmp_path / "ateliers.csv"
    path.write_text("id;titre;lieu;commune;horaires\nA1;Chorale;MJC;Pantin;lundi 18h-20h\n", encoding="utf-8")
    run_import(app, db_session, path, source="essai-type", kind=ListingType.resource, dry_run=True)
    run = run_import(app, db_session, path, source="essai-type", kind=ListingType.activity)
    assert (run.status, run.created_count) == (RunStatus.succeeded, 1)
    # Once it has stored listings, its type is fixed.
    refused = run_import(app, db_session, path, source="essai-type", kind=ListingType.resource)
    assert refused.status is RunStatus.failed
    assert refused.error.startswith("La source « essai-type » importe des activités, pas des ressources")


def test_rows_pasted_in_an_old_encoding_update_their_records_without_garbling_the_others(app, db_session,
                                                                                          tmp_path):
    """The next export is UTF-8 but for one row saved by an old Excel: every name stays as it
    was (none becomes « JaurÃ¨s »), the pasted row is read in Windows-1252, and the run says
    which line to check. The same in the reading worker of large files."""
    header = "id;nom;commune\n"
    first = tmp_path / "salles.csv"
    first.write_text(header + "1;Salle Jaurès;Bobigny\n2;Théâtre de l'Œuvre;Pantin\n", encoding="utf-8")
    assert run_import(app, db_session, first, source="salles-mixte").created_count == 2
    later = tmp_path / "salles-2.csv"
    later.write_bytes((header + "1;Salle Jaurès;Bobigny\n").encode("utf-8")
                      + "2;Théâtre de l'Œuvre – Fête;Pantin\n".encode("cp1252"))
    for settings in ({"IMPORT_WORKER_MIN_BYTES": -1}, {"IMPORT_WORKER_MIN_BYTES": 0}):
        run = run_import(app, db_session, later, source="salles-mixte", config=settings)
        assert "1 ligne(s) ne sont pas en UTF-8 comme le reste du fichier (3)" in run.error
        names = db_session.execute(text(
            "SELECT v.name FROM venue v JOIN import_source s ON s.id = v.source_id "
            "WHERE s.name = 'salles-mixte' ORDER BY v.external_id")).scalars().all()
        assert names == ["Salle Jaurès", "Théâtre de l'Œuvre – Fête"]


def test_a_cell_gone_bad_in_the_next_export_keeps_the_value_stored_from_the_earlier_one(app, db_session, tmp_path):
    header = "Réf;Atelier;Tarif;Courriel;Horaires;Lieu;Adresse;CP;Ville\n"
    good = tmp_path / "v1.csv"
    good.write_text(header + "B1;Atelier vidéo;120 €/an;video@mjc.example;mercredi 14h-16h;MJC;18 rue Hoche;"
                             "93500;Pantin\n", encoding="utf-8")
    run_import(app, db_session, good, source="mjc", kind=ListingType.activity)
    stored = "SELECT price_min, price_period::text, email, title, (SELECT count(*) FROM activity_slot s " \
             "WHERE s.activity_id = a.id) FROM activity a WHERE external_id = 'B1'"
    assert tuple(db_session.execute(text(stored)).one()) == (120, "year", "video@mjc.example", "Atelier vidéo", 1)
    bad = tmp_path / "v2.csv"
    bad.write_text(header + "B1;Atelier vidéo (ados);Nous contacter;video(at)mjc.example;le mercredi;MJC;18 rue Hoche;"
                            "93500;Pantin\n", encoding="utf-8")
    run = run_import(app, db_session, bad, source="mjc", kind=ListingType.activity)
    assert run.updated_count == 1
    [item] = run.report_items
    assert {warning.split(" ignoré")[0] for warning in item["warnings"]} >= {"« Tarif »", "« Courriel »", "« Horaires »"}
    # The good cells of the row are written; the refused ones leave what was stored.
    assert tuple(db_session.execute(text(stored)).one()) == (120, "year", "video@mjc.example",
                                                             "Atelier vidéo (ados)", 1)


def test_a_refused_point_on_a_later_export_keeps_the_stored_point(app, db_session, tmp_path):
    header = "id;nom;ville;latitude;longitude\n"
    good = tmp_path / "v1.csv"
    good.write_text(header + "S1;Salle Hoche;Pantin;48.8944;2.4094\n", encoding="utf-8")
    run_import(app, db_session, good, source="salles")
    bad = tmp_path / "v2.csv"
    bad.write_text(header + "S1;Salle Hoche;Pantin;48.8944;250\n", encoding="utf-8")
    run = run_import(app, db_session, bad, source="salles")
    [warnings] = [item["warnings"] for item in run.report_items]
    assert any("ignoré" in warning for warning in warnings)
    assert not any("Position approximative" in warning for warning in warnings)  # the stored point stays
    assert tuple(db_session.execute(text(
        "SELECT round(ST_X(location::geometry)::numeric, 4), location_precision FROM venue WHERE external_id = 'S1'")).one()
    ) == (Decimal("2.4094"), "given")


def test_the_same_records_exported_by_a_spreadsheet_that_drops_leading_zeros_are_the_same(app, db_session, tmp_path):
    """« 00123 » in the CSV, 123 in the Excel export of the same table: the records are found
    again (unchanged, nothing flagged missing), under the id first stored, and the run says so."""
    from openpyxl import Workbook

    csv_path = tmp_path / "lieux.csv"
    csv_path.write_text("Code;Nom;Ville\n00123;Studio du Canal;Pantin\n00124;Salle des Fêtes;Bobigny\n",
                        encoding="utf-8")
    first = run_import(app, db_session, csv_path, source="zeros", corrections={"Code": "external_id"})
    assert first.created_count == 2
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code", "Nom", "Ville"])
    sheet.append([123, "Studio du Canal", "Pantin"])
    sheet.append([124, "Salle des Fêtes", "Bobigny"])
    xlsx_path = tmp_path / "lieux.xlsx"
    workbook.save(xlsx_path)
    again = run_import(app, db_session, xlsx_path, source="zeros", corrections={"Code": "external_id"})
    assert (again.created_count, again.unchanged_count, again.updated_count) == (0, 2, 0), again.report_items
    assert "2 identifiant(s) numérique(s) sans leurs zéros en tête" in again.error
    ids = db_session.execute(text("SELECT external_id, missing_since FROM venue WHERE source_id = "
                                  "(SELECT id FROM import_source WHERE name = 'zeros') ORDER BY 1")).all()
    assert ids == [("00123", None), ("00124", None)]


def test_saving_the_mapping_of_a_file_without_a_column_empties_that_column_s_values(app, db_session, tmp_path):
    """As the run's message says: once the partner saves the mapping of the file that lacks
    « téléphone », the phone numbers kept until then are emptied (the run is no « unchanged »)."""
    path = tmp_path / "export.csv"
    path.write_text("id;nom;ville;téléphone\nP1;Chorale;Pantin;01 48 10 20 30\n", encoding="utf-8")
    run_import(app, db_session, path, source="vider", save_profile="base")
    path.write_text("id;nom;ville\nP1;Chorale;Pantin\n", encoding="utf-8")
    kept = run_import(app, db_session, path, source="vider", profile="base")
    assert "enregistrez la correspondance de ce fichier avec --save-profile NOM" in kept.error
    assert _venue(db_session, "vider", "P1", "phone")["phone"] == "01 48 10 20 30"
    assert run_import(app, db_session, path, source="vider", profile="base").unchanged_count == 1
    saved = run_import(app, db_session, path, source="vider", save_profile="base")
    assert (saved.updated_count, saved.unchanged_count) == (1, 0)
    assert _venue(db_session, "vider", "P1", "phone")["phone"] is None


def test_a_full_feed_whose_every_row_is_new_and_every_stored_record_missing_is_called_out(app, db_session, tmp_path):
    """The same places under new ids (another id column chosen): the run warns first thing,
    instead of a bare « 2 fiches absentes » among its notes; a feed that keeps one record does not."""
    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;ville\nA1;Studio du Canal;Pantin\nA2;Salle des Fêtes;Bobigny\n", encoding="utf-8")
    run_import(app, db_session, path, source="renumerote")
    path.write_text("id;nom;ville\nL-1;Studio du Canal;Pantin\nL-2;Salle des Fêtes;Bobigny\n", encoding="utf-8")
    renumbered = run_import(app, db_session, path, source="renumerote")
    assert renumbered.created_count == 2
    assert renumbered.error.startswith("Attention : aucune des 2 fiche(s) déjà importée(s) de cette source n'est "
                                       "dans ce fichier")
    path.write_text("id;nom;ville\nL-1;Studio du Canal;Pantin\nN-3;Atelier;Bondy\n", encoding="utf-8")
    partly = run_import(app, db_session, path, source="renumerote")
    assert "Attention" not in (partly.error or "") and "absente(s) de ce flux complet" in partly.error
