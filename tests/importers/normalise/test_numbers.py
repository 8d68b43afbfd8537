"""Numbers and yes/no answers as spreadsheets write them."""
from decimal import Decimal

import pytest

from importers.normalise import FieldError, parse_bool, parse_decimal, parse_int


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), ("12.0", 12), ("12,0", 12), (12.0, 12), (12, 12), (" 1 200 ", 1200), ("\ufeff7", 7),
    ("", None), (None, None),
])
def test_parse_int(value, expected):
    assert parse_int(value, "age_min") == expected


@pytest.mark.parametrize("value", ["12.5", "abc", 12.5, True, "1-2"])
def test_parse_int_refuses(value):
    with pytest.raises(FieldError) as caught:
        parse_int(value, "age_min")
    assert caught.value.field == "age_min"
    assert "nombre entier" in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [
    ("12,50 €", Decimal("12.50")), ("1 200,5", Decimal("1200.5")), ("1\u202f200,50 EUR", Decimal("1200.50")),
    ("1.200,50", Decimal("1200.50")), ("1,200.50", Decimal("1200.50")), ("15 euros", Decimal("15")),
    (12.5, Decimal("12.5")), (3, Decimal(3)), ("Gratuit", Decimal(0)), ("", None),
])
def test_parse_decimal(value, expected):
    assert parse_decimal(value, "price_min") == expected


@pytest.mark.parametrize("value", ["sur devis", "12,50,3", float("nan")])
def test_parse_decimal_refuses(value):
    with pytest.raises(FieldError) as caught:
        parse_decimal(value, "price_min")
    assert "n'est pas un nombre" in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [
    ("oui", True), ("OUI", True), ("Yes", True), ("true", True), ("1", True), ("x", True), ("Vrai", True),
    ("non", False), ("No", False), ("false", False), ("0", False), ("faux", False), (1, True), (False, False),
    ("", None),
])
def test_parse_bool(value, expected):
    assert parse_bool(value, "is_free") is expected


def test_parse_bool_refuses_with_a_french_message():
    with pytest.raises(FieldError) as caught:
        parse_bool("peut-être", "is_free")
    assert caught.value.message == "« peut-être » n'est pas une réponse oui/non."
    assert str(caught.value).startswith("Gratuit : ")
