"""INSEE and postal codes that spreadsheets damaged."""
import pytest

from importers.normalise import FieldError, normalise_insee, normalise_postal


@pytest.mark.parametrize(("value", "expected"), [
    ("93048", "93048"), ("93048.0", "93048"), (93048.0, "93048"), ("2220", "02220"), (2220, "02220"),
    ("2a004", "2A004"), ("93 066", "93066"), ("\ufeff75108 ", "75108"), ("", None),
])
def test_normalise_insee(value, expected):
    assert normalise_insee(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("93200", "93200"), ("3600", "03600"), ("93 200", "93200"), (3600.0, "03600"), (None, None),
])
def test_normalise_postal(value, expected):
    assert normalise_postal(value) == expected


def test_bad_codes_are_errors_with_an_example():
    with pytest.raises(FieldError) as caught:
        normalise_insee("Saint-Denis")
    assert caught.value.field == "insee_code" and "ex. 93048" in caught.value.message
    with pytest.raises(FieldError) as caught:
        normalise_postal("932")
    assert caught.value.field == "postal_code" and "5 chiffres" in caught.value.message
