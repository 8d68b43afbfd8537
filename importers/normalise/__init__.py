"""Normalisers: one raw partner value → one clean canonical value, or a FieldError with a
French message. Pure functions, no database: the pipeline calls them per field and records
errors per row, so one bad cell never sinks a whole file."""
from importers.normalise.codes import normalise_insee, normalise_postal
from importers.normalise.contact import clean_email, clean_phone, clean_url
from importers.normalise.coordinates import in_france, parse_coordinates, parse_point
from importers.normalise.dates import from_serial, parse_datetime, parse_season, parse_timings
from importers.normalise.errors import FieldError
from importers.normalise.numbers import (
    Price,
    header_period,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_period,
    parse_price,
)
from importers.normalise.schedule import parse_schedule
from importers.normalise.text import check_length, clean_text, plain_text, reject_formula, removed_markup, sanitise_html

__all__ = [
    "FieldError",
    "check_length",
    "clean_email",
    "clean_phone",
    "clean_text",
    "clean_url",
    "from_serial",
    "in_france",
    "normalise_insee",
    "normalise_postal",
    "parse_bool",
    "parse_coordinates",
    "parse_point",
    "parse_datetime",
    "parse_decimal",
    "parse_period",
    "header_period",
    "parse_price",
    "Price",
    "parse_int",
    "parse_schedule",
    "parse_season",
    "parse_timings",
    "plain_text",
    "reject_formula",
    "removed_markup",
    "sanitise_html",
]
