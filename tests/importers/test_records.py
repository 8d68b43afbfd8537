from importers.records import normalise
from portal.listings.enums import ListingType


def _values(**raw):
    record = normalise({"name": "Chorale", **raw}, {}, ListingType.activity)
    return record.values


def test_a_discipline_family_named_with_its_child_keeps_only_the_child():
    assert _values(disciplines="Musique ; Musiques actuelles")["disciplines"] == ["musiques-actuelles"]
    assert _values(disciplines="Danse, hip-hop")["disciplines"] == ["danse-hip-hop"]


def test_tags_are_split_on_semicolons_as_the_published_schema_says():
    assert _values(tags="polyphonie ; sans audition")["tags"] == ["polyphonie", "sans audition"]
    assert _values(tags="chant, polyphonie")["tags"] == ["chant, polyphonie"]  # a comma is not a separator


def test_season_dates_from_spreadsheets_and_never_from_unix_seconds():
    record = normalise({"name": "Chorale", "season_start": "45915", "season_end": 46200.0},
                       {}, ListingType.activity)
    assert (str(record.values["season_start"]), str(record.values["season_end"])) == ("2025-09-15", "2026-06-27")
    record = normalise({"name": "Chorale", "season_start": "1757894400"}, {"season_start": "Début"},
                       ListingType.activity)
    assert "season_start" not in record.values
    assert record.warnings == ["« Début » ignoré : « 1757894400 » n'est pas une date (ex. 15/09/2025)."]


def test_a_description_keeps_its_paragraphs_and_line_breaks():
    record = normalise({"name": "Atelier", "description": "Atelier ouvert à tous.\n\nProgramme :\n- échauffement\n"
                                                         "- improvisation"}, {}, ListingType.activity)
    assert record.values["description"] == ("<p>Atelier ouvert à tous.</p><p>Programme :<br>- échauffement<br>"
                                            "- improvisation</p>")
    too_long = normalise({"name": "Atelier", "description": "x" * 20_001}, {"description": "Présentation"},
                         ListingType.activity)
    assert "description" not in too_long.values
    assert too_long.warnings == ["« Présentation » ignoré : Le texte fait 20001 caractères ; 20000 au maximum."]


def test_a_postal_code_and_a_town_in_one_cell_are_told_apart():
    for cell in ("93000 Bobigny", "Bobigny (93000)", "93000 - Bobigny", "Bobigny, 93000"):
        record = normalise({"name": "Salle", "commune_name": cell}, {}, ListingType.venue)
        assert (record.values["commune_name"], record.values["postal_code"]) == ("Bobigny", "93000"), cell
    given = normalise({"name": "Salle", "commune_name": "93000 Bobigny", "postal_code": "93001"}, {}, ListingType.venue)
    assert given.values["postal_code"] == "93001"
    assert normalise({"name": "Salle", "commune_name": "Saint-Denis"}, {}, ListingType.venue).values.get(
        "postal_code") is None


def test_times_without_a_zone_are_the_local_time_of_a_place_overseas():
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    record = normalise({"name": "Concert de maloya", "insee_code": "97411", "timings": [
        {"begin": "2025-12-20T20:00:00", "end": "2025-12-20T22:00:00"}, {"begin": "2025-12-21T20:00:00+04:00"}]},
        {}, ListingType.activity)
    (begin, end), (given, _) = record.values["timings"]
    assert begin == datetime(2025, 12, 20, 20, 0, tzinfo=ZoneInfo("Indian/Reunion"))
    assert begin.astimezone(timezone.utc).hour == 16 and end.hour == 22
    assert given.utcoffset() == timedelta(hours=4)  # an offset given is kept as given
    paris = normalise({"name": "Bal", "insee_code": "93066", "timings": "20/12/2025 de 20h à 22h"}, {},
                      ListingType.activity).values["timings"][0][0]
    assert paris.astimezone(timezone.utc).hour == 19
    # Without a code, the point tells: Le Port (La Réunion), Pointe-à-Pitre (Guadeloupe).
    for lat, lon, zone in (("-20.937", "55.293", "Indian/Reunion"), ("16.241", "-61.533", "America/Guadeloupe")):
        record = normalise({"name": "Concert", "latitude": lat, "longitude": lon, "timings": "20/12/2025 à 20h"},
                           {}, ListingType.activity)
        assert record.values["timings"][0][0] == datetime(2025, 12, 20, 20, 0, tzinfo=ZoneInfo(zone))


def test_a_rhythm_other_than_every_week_keeps_its_slots_with_a_warning():
    for cell in ("Un jeudi sur deux 18h-20h", "Le 1er mardi du mois 18h30-20h30", "mardi 18h-20h (semaines paires)"):
        record = normalise({"name": "Atelier", "schedule": cell}, {"schedule": "Horaires"}, ListingType.activity)
        assert record.values["schedule"], cell
        assert record.warnings == [f"« Horaires » : « {cell} » n'est pas chaque semaine ; les créneaux sont "
                                   "enregistrés comme hebdomadaires, précisez le rythme dans la description."]
    for cell in ("un jeudi sur 2 18h-20h", "tous les 15 jours le mardi 18h", "le 2ème samedi du mois 10h-12h"):
        assert normalise({"name": "Atelier", "schedule": cell}, {}, ListingType.activity).warnings, cell
    weekly = normalise({"name": "Atelier", "schedule": "mercredi 14h-16h"}, {}, ListingType.activity)
    assert weekly.warnings == []


def test_a_zero_minimum_beside_a_paid_maximum_is_not_free():
    record = normalise({"name": "Atelier", "price_min": "0", "price_max": "50"}, {}, ListingType.activity)
    assert (record.values["price_min"], record.values["price_max"], record.values.get("is_free")) == (0, 50, None)
    free = normalise({"name": "Atelier", "price_min": "Gratuit"}, {}, ListingType.activity)
    assert free.values["is_free"] is True


def test_season_dates_and_deadlines_may_be_written_in_words():
    from datetime import date

    record = normalise({"name": "Atelier", "season_start": "lundi 15 septembre 2025", "season_end": "30 juin 2026",
                        "deadline": "bientôt"}, {"deadline": "Date limite"}, ListingType.activity)
    assert (record.values["season_start"], record.values["season_end"]) == (date(2025, 9, 15), date(2026, 6, 30))
    assert record.warnings == ["« Date limite » ignoré : « bientôt » n'est pas une date (ex. 15/09/2025 ou "
                               "15 septembre 2025)."]


def test_a_pay_what_you_want_price_is_kept_in_the_partner_s_words():
    record = normalise({"name": "Bal folk", "price_min": "Participation libre"}, {}, ListingType.activity)
    assert record.warnings == [] and record.values["price_notes"] == "Participation libre"
    assert "price_min" not in record.values and record.values.get("is_free") is None


def test_a_membership_fee_beside_the_price_stays_in_the_partner_s_words():
    record = normalise({"name": "Chorale", "price_min": "Adhésion 20 € + 5 €/séance"}, {}, ListingType.activity)
    assert (record.values["price_min"], record.values.get("price_max")) == (5, None)  # not 5 to 20
    assert record.values["price_period"] == "session"
    assert record.values["price_notes"] == "Adhésion 20 € + 5 €/séance"


def test_the_source_date_is_read_in_words_and_after_a_lead():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    for value, expected in [("Mis à jour le 12 septembre 2025", datetime(2025, 9, 12, tzinfo=paris)),
                            ("Modifié le : 3 mars 2025 à 14h", datetime(2025, 3, 3, 14, tzinfo=paris)),
                            ("MAJ 12/09/2025", datetime(2025, 9, 12, tzinfo=paris))]:
        record = normalise({"name": "Studio", "source_modified_at": value}, {}, ListingType.venue)
        assert record.values["source_modified_at"] == expected, value
    unreadable = normalise({"name": "Studio", "source_modified_at": "Mis à jour hier"},
                           {"source_modified_at": "Mise à jour"}, ListingType.venue)
    assert "source_modified_at" not in unreadable.values
    assert unreadable.warnings == ["« Mise à jour » ignoré : « Mis à jour hier » n'est pas une date (ex. 15/09/2025 "
                                   "ou 15 septembre 2025)."]


def test_a_period_column_of_its_own_says_what_the_price_covers():
    record = normalise({"name": "Chorale", "price_min": "180 €", "price_period": "Annuel"}, {}, ListingType.activity)
    assert (record.values["price_min"], record.values["price_period"]) == (180, "year")
    said_twice = normalise({"name": "Chorale", "price_min": "15 € la séance", "price_period": "par trimestre"}, {},
                           ListingType.activity)
    assert said_twice.values["price_period"] == "term"  # the partner's own column wins
    unknown = normalise({"name": "Chorale", "price_min": "15 €", "price_period": "selon QF"},
                        {"price_period": "Périodicité"}, ListingType.activity)
    assert "price_period" not in unknown.values
    assert unknown.warnings == ["« Périodicité » ignoré : « selon QF » n'est pas une période de tarif reconnue "
                                "(ex. « par an », « par trimestre », « la séance »)."]


def test_a_refused_name_is_not_also_said_to_be_missing():
    for name, message in (("=cmd|' /C calc'!A0", "formule de tableur"), ("x" * 600, "500 au maximum")):
        record = normalise({"name": name}, {"name": "Nom"})
        assert [error.column for error in record.errors] == ["Nom"]
        assert message in record.errors[0].message
    assert normalise({"commune_name": "Bondy"}, {}).errors[0].message == "Le champ « Nom / titre » est obligatoire."
