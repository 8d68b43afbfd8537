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
