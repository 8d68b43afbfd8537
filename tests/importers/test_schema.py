"""The published Table Schema, record validation against it, and the partner templates."""
import csv
import io
import time
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import frictionless
import pytest
from openpyxl import load_workbook

from importers.fields import FIELDS, REQUIRED
from importers.schema import load_schema, template_csv, template_xlsx, validate_record

GOOD = {
    "external_id": "CONS-93-0042", "name": "Chorale du mercredi", "kind": "recruiting_group",
    "postal_code": "93200", "insee_code": "93066", "commune_name": "Saint-Denis",
    "latitude": 48.9362, "longitude": 2.3574, "website": "https://www.exemple.fr", "email": "contact@exemple.fr",
    "age_min": 16, "age_max": 99, "level": "all_levels", "is_free": False,
    "price_min": Decimal("0"), "price_max": Decimal("120"), "disciplines": ["chant-chorale"], "tags": ["gospel"],
    "status": "scheduled", "source_modified_at": datetime(2025, 3, 1, tzinfo=ZoneInfo("Europe/Paris")),
}


def test_schema_file_is_a_valid_table_schema_describing_every_canonical_field():
    descriptor = load_schema()
    assert list(frictionless.Schema.metadata_validate(descriptor)) == []
    schema = frictionless.Schema.from_descriptor(descriptor)
    assert [field.name for field in schema.fields] == list(FIELDS)
    for field in schema.fields:
        assert field.title == FIELDS[field.name][0] and field.description
    assert [f.name for f in schema.fields if f.constraints.get("required")] == list(REQUIRED)
    assert {"enum"} <= set(schema.get_field("kind").constraints)
    assert schema.get_field("age_min").constraints == {"minimum": 0, "maximum": 120}


def test_a_good_record_has_no_error_and_unknown_keys_are_ignored():
    assert validate_record(GOOD) == []
    assert validate_record({"name": "Atelier", "_row": 3}) == []


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": None}, "name", "Le champ « Nom / titre » est obligatoire."),
    ({"name": ""}, "name", "Le champ « Nom / titre » est obligatoire."),
    ({"postal_code": "9320"}, "postal_code", "« 9320 » n'a pas le format attendu pour « Code postal »."),
    ({"insee_code": "93048.0"}, "insee_code", "format attendu"),
    ({"kind": "chorale"}, "kind", "« chorale » n'est pas une valeur permise pour « Type »"),
    ({"level": "expert"}, "level", "n'est pas une valeur permise"),
    ({"age_min": 200}, "age_min", "Le champ « Âge minimum » doit être au plus 120."),
    ({"age_min": -1}, "age_min", "doit être au moins 0"),
    ({"age_min": "12"}, "age_min", "doit être un nombre entier"),
    ({"age_min": True}, "age_min", "doit être un nombre entier"),
    ({"latitude": 60.0}, "latitude", "au plus 51.5"),
    ({"is_free": "oui"}, "is_free", "doit être oui ou non"),
    ({"name": "x" * 301}, "name", "dépasse 300 caractères"),
    ({"website": "www.exemple.fr"}, "website", "format attendu"),
    ({"age_min": 18, "age_max": 12}, "age_max", "inférieur à l'âge minimum"),
    ({"price_min": Decimal("20"), "price_max": Decimal("10")}, "price_max", "inférieur au prix minimum"),
    ({"source_modified_at": "2025-03-01"}, "source_modified_at", "date et heure"),
])
def test_broken_constraints_give_one_french_error_per_field(change, field, message):
    errors = validate_record({**GOOD, **change})
    assert [error.field for error in errors] == [field]
    assert message in errors[0].message


def test_validating_a_large_import_is_fast():
    records = [{**GOOD, "external_id": str(i)} for i in range(15_000)]
    start = time.perf_counter()
    assert not any(validate_record(record) for record in records)
    assert time.perf_counter() - start < 1.0


def test_csv_template_has_every_field_and_an_example_row_valid_against_the_schema():
    content = template_csv()
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 accents only with a BOM
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(FIELDS) and len(rows) == 2
    resource = frictionless.Resource(data=content, format="csv", encoding="utf-8-sig",
                                     schema=frictionless.Schema.from_descriptor(load_schema()),
                                     control=frictionless.formats.CsvControl(delimiter=";"))
    report = frictionless.validate(resource)
    assert report.valid, report.flatten(["fieldName", "note"])


def test_xlsx_template_reads_back_with_header_example_and_french_help():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["Fiches", "Aide"]
    rows = list(workbook["Fiches"].iter_rows(values_only=True))
    assert list(rows[0]) == list(FIELDS)
    example = dict(zip(rows[0], rows[1]))
    assert example["name"] == "Chorale du mercredi"
    assert example["postal_code"] == "93200" and isinstance(example["postal_code"], str)
    help_rows = {row[0]: row for row in workbook["Aide"].iter_rows(min_row=2, values_only=True)}
    assert help_rows["name"][1:3] == ("Nom / titre", "oui")
    assert "5 chiffres" in help_rows["postal_code"][3]
