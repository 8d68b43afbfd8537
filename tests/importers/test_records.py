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


def test_a_spreadsheets_total_line_is_not_a_listing():
    for name in ("Total", "TOTAL GÉNÉRAL :", "Sous-total", "somme"):
        record = normalise({"name": name, "price_min": "13"}, {"name": "Nom"}, ListingType.activity)
        assert [(e.column, e.message) for e in record.errors] == [
            ("Nom", "Ligne de total du tableur : ce n'est pas une fiche, elle n'est pas importée.")]
    assert not normalise({"name": "Total danse"}, {}, ListingType.activity).errors
