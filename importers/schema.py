"""The published import format (importers/schema/listing.schema.json, a frictionless Table
Schema) and what Boussole derives from it: record validation and partner templates.

The JSON file is the single source: partners read it (or the templates made from it),
validators such as validata.fr can check a file against it, and validate_record applies the
same constraints to normalised records. validate_record is hand-compiled from the schema
rather than run through frictionless row by row, because an import validates ~15 000 rows
and must stay well under a second.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from importers.normalise.errors import FieldError

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "listing.schema.json"
# Fields that a normalised record holds as lists (the file holds them as "a ; b" text).
LIST_FIELDS = {"disciplines", "tags", "audiences", "schedule", "timings", "accessibility"}
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float, Decimal),
    "boolean": (bool,),
    "datetime": (datetime,),
    "date": (date,),
}
_TYPE_NAMES = {
    "string": "un texte", "integer": "un nombre entier", "number": "un nombre", "boolean": "oui ou non",
    "datetime": "une date et heure", "date": "une date",
}


@dataclass(frozen=True)
class _FieldRule:
    name: str
    title: str
    type: str
    required: bool
    pattern: re.Pattern | None
    enum: frozenset | None
    minimum: float | None
    maximum: float | None
    max_length: int | None

    @property
    def text_limit(self) -> int | None:
        """For a text field with no other constraint than its length, that length (unbounded:
        a large number): such a value is checked by its type and length alone."""
        if self.type != "string" or self.pattern is not None or self.enum is not None:
            return None
        return self.max_length if self.max_length is not None else 2**62


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The Table Schema descriptor as published (a fresh parse once per process)."""
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _rules() -> tuple[_FieldRule, ...]:
    rules = []
    for field in load_schema()["fields"]:
        constraints = field.get("constraints", {})
        rules.append(_FieldRule(
            name=field["name"],
            title=field.get("title", field["name"]),
            type=field.get("type", "string"),
            required=bool(constraints.get("required")),
            pattern=re.compile(constraints["pattern"]) if "pattern" in constraints else None,
            enum=frozenset(constraints["enum"]) if "enum" in constraints else None,
            minimum=constraints.get("minimum"),
            maximum=constraints.get("maximum"),
            max_length=constraints.get("maxLength"),
        ))
    return tuple(rules)


def _type_ok(rule: _FieldRule, value: object) -> bool:
    if rule.type in ("integer", "number") and isinstance(value, bool):
        return False
    if rule.type == "date" and isinstance(value, datetime):
        return False
    return isinstance(value, _TYPES.get(rule.type, (object,)))


def _check_value(rule: _FieldRule, value: object) -> str | None:
    """The French message for the first broken constraint, or None."""
    if not _type_ok(rule, value):
        return f"Le champ « {rule.title} » doit être {_TYPE_NAMES.get(rule.type, rule.type)}."
    if rule.enum is not None and value not in rule.enum:
        return f"« {value} » n'est pas une valeur permise pour « {rule.title} » ({', '.join(sorted(rule.enum))})."
    if rule.pattern is not None and not rule.pattern.fullmatch(str(value)):
        return f"« {value} » n'a pas le format attendu pour « {rule.title} »."
    if rule.max_length is not None and len(value) > rule.max_length:
        return f"Le champ « {rule.title} » dépasse {rule.max_length} caractères."
    if rule.minimum is not None and value < rule.minimum:
        return f"Le champ « {rule.title} » doit être au moins {rule.minimum:g}."
    if rule.maximum is not None and value > rule.maximum:
        return f"Le champ « {rule.title} » doit être au plus {rule.maximum:g}."
    return None


@lru_cache(maxsize=1)
def _rule_positions() -> tuple[dict[str, tuple[int, _FieldRule]], tuple[_FieldRule, ...]]:
    rules = _rules()
    return {rule.name: (position, rule, rule.text_limit) for position, rule in enumerate(rules)}, \
        tuple(rule for rule in rules if rule.required)


def validate_record(record: dict) -> list[FieldError]:
    """Every constraint a normalised record breaks (required, type, pattern, enum, bounds,
    length), one FieldError per field, in schema order. Unknown keys are ignored."""
    by_name, required = _rule_positions()
    found: list[tuple[int, FieldError]] = []
    for rule in required:
        value = record.get(rule.name)
        if value is None or value == "" or value == []:
            found.append((by_name[rule.name][0],
                          FieldError(rule.name, value, f"Le champ « {rule.title} » est obligatoire.")))
    for name, value in record.items():  # only the fields present: most records fill a few
        if name not in by_name or value is None or value == "" or value == []:
            continue
        position, rule, text_limit = by_name[name]
        if type(value) is str and text_limit is not None and len(value) <= text_limit:
            continue  # most values: a text within its length
        if rule.name in LIST_FIELDS and isinstance(value, (list, tuple)):
            if rule.type != "string" or rule.name in ("schedule", "timings"):
                continue  # structured values, already checked by their normaliser
            for item in value:
                if type(item) is str and text_limit is not None and len(item) <= text_limit:
                    continue
                message = _check_value(rule, item)
                if message:
                    found.append((position, FieldError(rule.name, value, message)))
                    break
            continue
        message = _scalar_message(name, value) if type(value) in _SCALARS else _check_value(rule, value)
        if message:
            found.append((position, FieldError(rule.name, value, message)))
    errors = [error for _, error in sorted(found, key=lambda pair: pair[0])]
    broken = {error.field for error in errors}
    for low, high, message in ORDERED:
        if low in record and high in record and not broken & {low, high} and _before(record[high], record[low]):
            errors.append(FieldError(high, str(record[high]) if high == "season_end" else record[high], message))
    return errors


# Pairs whose second value may not be below the first.
ORDERED = (("age_min", "age_max", "L'âge maximum est inférieur à l'âge minimum."),
           ("price_min", "price_max", "Le prix maximum est inférieur au prix minimum."),
           ("season_start", "season_end", "La fin de saison précède son début."))
_SCALARS = frozenset((str, bool, int))


@lru_cache(maxsize=65536, typed=True)  # a file repeats its kinds, flags and postal codes
def _scalar_message(name: str, value: str | bool | int) -> str | None:
    return _check_value(_rule_positions()[0][name][1], value)


def _before(high: object, low: object) -> bool:
    numbers = (int, float, Decimal)
    if isinstance(high, date) and isinstance(low, date):
        return high < low
    return (isinstance(high, numbers) and isinstance(low, numbers)
            and not isinstance(high, bool) and not isinstance(low, bool) and high < low)


def _template_rows() -> tuple[list[str], list[str]]:
    fields = load_schema()["fields"]
    return [f["name"] for f in fields], [str(f.get("example", "")) for f in fields]


def template_csv() -> bytes:
    """Header row and one example row, UTF-8 with BOM and « ; » so that French Excel opens
    it in columns with accents intact."""
    header, example = _template_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(example)
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """A workbook with the import sheet (header + example row) and a help sheet describing
    every column in French."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, example = _template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Fiches"
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(example[index - 1]) + 2))
        sheet.cell(row=2, column=index).number_format = "@"  # codes such as 02100 stay text
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["Colonne", "Intitulé", "Obligatoire", "Description"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for field in load_schema()["fields"]:
        required = "oui" if field.get("constraints", {}).get("required") else "non"
        help_sheet.append([field["name"], field.get("title", ""), required, field.get("description", "")])
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 28
    help_sheet.column_dimensions["D"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
