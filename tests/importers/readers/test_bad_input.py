"""Files that cannot be imported: each gives one clear French ImportFileError, and random input
never escapes as any other exception."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.readers import ImportFileError, open_records

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def error_of(path, **kwargs) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        with open_records(path, **kwargs) as records:
            list(records)
    return caught.value


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \r\n\r\n", b"nom;ville\r\n", b"\xef\xbb\xbfnom,ville\n\n,\n"])
def test_empty_files(write, content):
    error = error_of(write("vide.csv", content))
    assert error.code == "empty"
    assert error.message.startswith("Le fichier")


@pytest.mark.parametrize("content", ["[]", '{"results": []}', '{"type": "FeatureCollection", "features": []}'])
def test_json_without_records_is_empty(write, content):
    assert error_of(write("vide.json", content)).code == "empty"


def test_too_large_checked_before_reading(write):
    path = write("gros.csv", "nom\n" + "Chorale\n" * 200)
    os.chmod(path, 0o000)  # unreadable: only os.stat may look at it
    try:
        error = error_of(path, max_bytes=1000)
    finally:
        os.chmod(path, 0o600)
    assert error.code == "too_large"
    assert error.message == ("Le fichier pèse 1,6 Ko, au-delà de la limite de 1000 octets. "
                             "Découpez-le en plusieurs fichiers.")


def test_png_named_csv_is_a_wrong_extension(write):
    error = error_of(write("lieux.csv", PNG))
    assert error.code == "bad_extension"
    assert error.message == ("Le fichier porte l'extension « .csv » mais son contenu est une image PNG. "
                             "Envoyez un fichier CSV, XLSX, ODS ou JSON.")


def test_uploaded_filename_decides_the_wording(write):
    assert error_of(write("tmp123", PNG), filename="Lieux 2025.XLSX").code == "bad_extension"
    assert error_of(write("tmp456", PNG)).code == "binary"


def test_csv_text_named_xlsx_is_read_as_csv(write):
    with open_records(write("lieux.xlsx", "nom;ville\nStudio;Bondy\n")) as records:
        assert records.format == "csv"
        assert [row.values for row in records] == [{"nom": "Studio", "ville": "Bondy"}]


def test_binary_garbage(write):
    garbage = bytes(range(256)) * 40
    error = error_of(write("donnees.bin", garbage))
    assert error.code == "binary"
    assert "binaire" in error.message


def test_html_page_instead_of_an_export(write):
    error = error_of(write("export.csv", "<!DOCTYPE html><html><body>Connexion</body></html>"))
    assert error.code == "bad_extension"
    assert "page web (HTML)" in error.message


def test_unknown_encoding(write):
    # Bytes that are not UTF-8 and that no Western encoding turns into text without control codes.
    content = b"nom;ville\n" + b"caf\x81\x8d\x8f\x90\x9d;ville\n" * 5
    error = error_of(write("bizarre.csv", content))
    assert error.code == "encoding"
    assert "UTF-8" in error.message


def test_utf16_excel_unicode_text(write):
    path = write("unicode.txt", "\ufeffnom\tville\r\nThéâtre\tPantin\r\n".encode("utf-16-le"))
    with open_records(path) as records:
        assert (records.encoding, records.delimiter) == ("utf-16", "\t")
        assert [row.values for row in records] == [{"nom": "Théâtre", "ville": "Pantin"}]


def test_invalid_json_reports_line_and_column(write):
    error = error_of(write("cassé.json", '[\n  {"nom": "A"},\n  {"nom": "B",}\n]'))
    assert error.code == "bad_json"
    assert error.message == ("Le fichier JSON est invalide à la ligne 3, colonne 15 : "
                             "un nom de propriété entre guillemets doubles est attendu.")


def test_deeply_nested_json(write):
    assert error_of(write("profond.json", "[" * 100_000 + "]" * 100_000)).code == "bad_json"


@pytest.mark.parametrize("content", ['{"nom": "A"}', '"texte"', "[1, 2, 3]", '{"results": 3}', "42"])
def test_json_that_is_not_records(write, content):
    error = error_of(write("pas-des-lignes.json", content))
    assert error.code == "bad_structure"


def test_jsonld_without_places_events_or_courses(write):
    content = json.dumps({"@context": "https://schema.org", "@type": "Person", "name": "Ada"})
    error = error_of(write("personne.jsonld", content))
    assert error.code == "bad_structure"
    assert "schema.org" in error.message


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "absent.csv").code == "unreadable"


def _read_all(path) -> None:
    try:
        with open_records(path, max_bytes=1_000_000) as records:
            records.sample(3)
            for row in records:
                assert row.number >= 1
                assert isinstance(row.values, dict)
                assert row.error is None or isinstance(row.error, str)
    except ImportFileError as error:
        assert error.code and error.message


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_else(write, content):
    _read_all(write("hasard.csv", content))


csv_text = st.text(alphabet=st.sampled_from(list('ab é;,|\t"\r\n\ufeff{}[]:0')), max_size=400)


@FAST
@given(csv_text, st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_csvish_text_never_raises_anything_else(write, text, encoding):
    _read_all(write("hasard.csv", text.encode(encoding, errors="replace")))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["nom", "type", "@type", "@graph", "results", "records", "fields", "record", "events",
                         "features", "geometry", "coordinates", "properties", "title", "uid", "timings",
                         "title_fr", "location", "isLocatedAt", "rdfs:label", "@id", "begin"]),
        children, max_size=5),
    max_leaves=30,
)


@FAST
@given(json_values)
def test_random_json_documents_never_raise_anything_else(write, document):
    _read_all(write("hasard.json", json.dumps(document)))


def _shaped(required: dict, optional: list[str]):
    return st.fixed_dictionaries(required, optional={key: json_values for key in optional})


structured_records = st.one_of(
    st.lists(_shaped({"uid": json_values, "title": st.dictionaries(st.sampled_from(["fr", "en"]), json_values)},
                     ["description", "keywords", "conditions", "registration", "age", "accessibility", "status",
                      "location", "timings", "links"]), min_size=1, max_size=3).map(lambda events: {"events": events}),
    st.lists(_shaped({"title_fr": json_values, "timings": json_values | st.just('[{"begin": 1}]')},
                     ["uid", "keywords_fr", "location_coordinates", "registration", "firstdate_begin", "age_min"]),
             min_size=1, max_size=3),
    st.lists(_shaped({"rdfs:label": json_values, "isLocatedAt": json_values},
                     ["@id", "@type", "hasDescription", "hasContact", "takesPlaceAt", "hasTheme", "offers"]),
             min_size=1, max_size=3).map(lambda nodes: {"@graph": nodes}),
    st.lists(_shaped({"@type": st.sampled_from(["Event", "Place", "Course"]) | json_values},
                     ["@id", "name", "location", "address", "geo", "startDate", "eventSchedule", "hasCourseInstance",
                      "offers", "audience", "typicalAgeRange", "organizer", "keywords", "eventStatus"]),
             min_size=1, max_size=3),
)


@FAST
@given(structured_records)
def test_random_structured_records_never_raise_anything_else(write, document):
    _read_all(write("hasard.json", json.dumps(document)))
