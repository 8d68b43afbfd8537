"""Numbers and yes/no answers as spreadsheets write them."""
from decimal import Decimal

import pytest

from importers.normalise import FieldError, parse_bool, parse_decimal, parse_int
from importers.normalise.numbers import Price, parse_price
from importers.records import normalise
from portal.listings.enums import ListingType


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


# French Excel groups thousands with a no-break space (U+00A0) or a narrow one (U+202F).
@pytest.mark.parametrize(("value", "expected"), [
    ("6\u00a0866\u00a0150,20", Decimal("6866150.20")), ("658\u202f360,50", Decimal("658360.50")),
    ("6 866 150,20", Decimal("6866150.20")),
])
def test_parse_decimal_reads_thousands_separated_by_any_space(value, expected):
    assert parse_decimal(value, "surface") == expected


@pytest.mark.parametrize("value", ["1\u00a0000\u00a0000", "999 999,996 €", 1_000_000, Decimal("1234567.5")])
def test_a_price_field_refuses_amounts_its_column_cannot_hold(value):
    with pytest.raises(FieldError) as caught:
        parse_decimal(value, "price_max")
    assert caught.value.field == "price_max"
    assert caught.value.message.endswith("le montant est trop élevé (999 999,99 € au plus).")
    assert parse_decimal("999 999,99", "price_min") == Decimal("999999.99")
    assert parse_decimal("1 000 000", "surface") == Decimal(1_000_000)  # only prices are bounded


@pytest.mark.parametrize(("value", "expected"), [
    ("4 ans", 4), ("dès 8 ans", 8), ("Dès 8 ans.", 8), ("à partir de 6 ans", 6), ("A partir de 6 ans", 6),
    ("6 ans et +", 6), ("6 ans et plus", 6), ("8+", 8), ("8 +", 8), ("12 ans révolus", 12), ("3 an", 3),
])
def test_an_age_min_column_reads_ages_in_words(value, expected):
    assert parse_int(value, "age_min") == expected


@pytest.mark.parametrize("value", ["4 ans", "12 ans révolus"])
def test_an_age_max_column_reads_an_age_in_words(value):
    assert parse_int(value, "age_max") == int(value.split()[0])


@pytest.mark.parametrize(("value", "age_min", "age_max"), [
    ("4 à 6 ans", 4, 6), ("4-6 ans", 4, 6), ("de 4 à 6", 4, 6), ("entre 4 et 6 ans", 4, 6), ("12/17 ans", 12, 17),
])
def test_an_age_range_gives_its_first_age_as_minimum_and_its_last_as_maximum(value, age_min, age_max):
    assert parse_int(value, "age_min") == age_min
    assert parse_int(value, "age_max") == age_max


@pytest.mark.parametrize("value", ["dès 8 ans", "à partir de 6 ans", "6 ans et +", "8+"])
def test_a_lower_bound_is_not_a_maximum_age(value):
    with pytest.raises(FieldError) as caught:
        parse_int(value, "age_max")
    assert caught.value.field == "age_max"
    assert caught.value.message == f"« {value} » donne un âge minimum, pas un âge maximum."


@pytest.mark.parametrize("value", ["adultes", "tout public", "Adultes et seniors"])
def test_audience_words_in_an_age_column_are_refused_in_french(value):
    for field in ("age_min", "age_max"):
        with pytest.raises(FieldError) as caught:
            parse_int(value, field)
        assert caught.value.message.startswith(f"« {value} » n'est pas un âge (nombre entier d'années attendu)")
        assert "« Publics »" in caught.value.message


@pytest.mark.parametrize(("value", "field", "expected"), [
    *[(value, "age_min", "âge") for value in ("6 à 4 ans", "4 ans et demi", "vers 8 ans", "8 à 10 mois")],
    # Other integer fields stay strict: ages in words are for age columns only.
    *[(value, "capacity", "n'est pas un nombre entier.") for value in ("4 ans", "dès 8 ans", "8+", "4 à 6 ans")],
])
def test_unreadable_ages_and_words_in_other_integer_fields_are_refused_in_french(value, field, expected):
    with pytest.raises(FieldError) as caught:
        parse_int(value, field)
    assert caught.value.message.startswith(f"« {value} »") and expected in caught.value.message


def _price(minimum, maximum, period=None, free=False):
    return Price(None if minimum is None else Decimal(minimum), None if maximum is None else Decimal(maximum),
                 period, free)


@pytest.mark.parametrize(("value", "expected"), [
    ("120 €/an", _price("120", "120", "year")),
    ("120€ par an", _price("120", "120", "year")),
    ("300 € à l'année", _price("300", "300", "year")),
    ("90 € / trimestre", _price("90", "90", "term")),
    ("35€/mois", _price("35", "35", "month")),
    ("10 € par semaine", _price("10", "10", "week")),
    ("5 € la séance", _price("5", "5", "session")),
    ("5€/séance", _price("5", "5", "session")),
    ("15 €/h", _price("15", "15", "hour")),
    ("15 € de l'heure", _price("15", "15", "hour")),
    ("15 € de l’heure", _price("15", "15", "hour")),
    ("12,50", _price("12.50", "12.50")),
    ("120 par an", _price("120", "120", "year")),
    ("Tarif selon QF : de 30 à 150 €", _price("30", "150")),
    ("de 3,50 € à 7 €", _price("3.50", "7")),
    ("30 - 150 €", _price("30", "150")),
    ("30-150", _price("30", "150")),
    ("8 € / 5 € (réduit)", _price("5", "8")),
    ("Tarif plein 12 euros / réduit 6,50 €", _price("6.50", "12")),
    ("1\u00a0200 € par an", _price("1200", "1200", "year")),
    ("1.200 € la saison", _price("1200", "1200", "year")),  # a dot between thousands, as French Excel writes
    ("de 1.000 à 2.500 euros", _price("1000", "2500")),
    ("12.50 €", _price("12.50", "12.50")),
    ("1\u202f200,50 €", _price("1200.50", "1200.50")),
    ("Gratuit", _price("0", "0", free=True)),
    ("gratuit", _price("0", "0", free=True)),
    ("Entrée libre", _price("0", "0", free=True)),
    ("Entrée : gratuite", _price("0", "0", free=True)),
    ("0 €", _price("0", "0", free=True)),
    ("Prix : 0 €", _price("0", "0", free=True)),
    ("Payant", _price(None, None, free=False)),
    ("Gratuit pour les moins de 12 ans, 8 € pour les adultes", _price("0", "8")),
    ("120 €/an ou 45 €/trimestre", _price("45", "120")),  # two periods: none is said
    ("180 € / an (adhésion incluse)", _price("180", "180", "year")),
    ("Adhésion : 20 €", _price("20", "20")),  # the fee alone is the price
    (12, _price("12", "12")),
    (0, _price("0", "0", free=True)),
])
def test_parse_price_reads_prices_as_partners_write_them(value, expected):
    assert parse_price(value, "price") == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Adhésion 20 € + 5 €/séance", ("5", "5", "session")),
    ("Adhésion 20 €/an + 5 € la séance", ("5", "5", "session")),
    ("15 € d'adhésion et 90 € par trimestre", ("90", "90", "term")),
    ("Frais d'inscription 10 €, puis de 6,50 à 8 € la séance", ("6.50", "8", "session")),
    ("120 €/an, carte d'adhérent 5 €", ("120", "120", "year")),
])
def test_a_membership_fee_beside_the_price_is_noted_not_taken_for_its_range(value, expected):
    minimum, maximum, period = expected
    assert parse_price(value, "price") == Price(Decimal(minimum), Decimal(maximum), period, False, True)


@pytest.mark.parametrize(("value", "maximum", "period"), [
    ("jusqu'à 15 €", "15", None),
    ("Jusqu’à 15 euros", "15", None),
    ("15 € max", "15", None),
    ("15€ maxi", "15", None),
    ("15 € maximum", "15", None),
    ("15 € au maximum", "15", None),
    ("au plus 15 €", "15", None),
    ("max. 15 €", "15", None),
    ("Tarif maximum : 15 €", "15", None),
    ("jusqu'à 3 000 €", "3000", None),
    ("jusqu'à 3\u00a0000 €", "3000", None),
    ("jusqu'à 1.200 € par an", "1200", "year"),
    ("15 €/séance maximum", "15", "session"),
])
def test_a_ceiling_is_a_highest_amount_without_a_lowest(value, maximum, period):
    assert parse_price(value, "price_min") == Price(None, Decimal(maximum), period, False, True)  # and noted


@pytest.mark.parametrize(("value", "minimum", "period"), [
    ("à partir de 15 €", "15", None),
    ("A partir de 15€", "15", None),
    ("dès 15 €", "15", None),
    ("15 € minimum", "15", None),
    ("min. 15 €", "15", None),
    ("au moins 15 €", "15", None),
    ("15 € et plus", "15", None),
    ("dès 90 € par trimestre", "90", "term"),
])
def test_a_floor_is_its_amount_and_is_noted(value, minimum, period):
    assert parse_price(value, "price_min") == Price(Decimal(minimum), Decimal(minimum), period, False, True)


@pytest.mark.parametrize(("value", "expected"), [
    ("de 5 à 15 € max", _price("5", "15")),                          # a range: both its ends
    ("Gratuit jusqu'à 12 ans, 8 €", _price("0", "8")),               # « jusqu'à » says an age, not a price
    ("8 € jusqu'à 12 ans", _price("8", "8")),
])
def test_bound_words_about_something_else_than_the_amount_change_nothing(value, expected):
    assert parse_price(value, "price_min") == expected


@pytest.mark.parametrize(("value", "stored"), [
    ("jusqu'à 15 €", (None, 15)),
    ("15 € max", (None, 15)),
    ("au plus 15 €", (None, 15)),
    ("jusqu'à 3 000 €", (None, 3000)),
    ("à partir de 15 €", (15, None)),
    ("dès 15 €", (15, None)),
    ("15 € minimum", (15, None)),
    ("15 €", (15, None)),
])
def test_a_single_price_column_stores_a_ceiling_as_the_maximum_and_a_floor_as_the_minimum(value, stored):
    record = normalise({"name": "Atelier", "price_min": value}, {"price_min": "Tarif"}, ListingType.activity)
    assert (record.values.get("price_min"), record.values.get("price_max")) == stored
    assert record.warnings == []
    if value != "15 €":
        assert record.values["price_notes"] == value  # the columns alone would read « 15 € »


def test_a_ceiling_in_the_maximum_column_is_that_maximum():
    record = normalise({"name": "Atelier", "price_min": "dès 5 €", "price_max": "jusqu'à 15 €"}, {},
                       ListingType.activity)
    assert (record.values["price_min"], record.values["price_max"]) == (5, 15)


def test_parse_price_of_nothing_is_none():
    assert parse_price("", "price") is None
    assert parse_price(None, "price") is None


@pytest.mark.parametrize("value", ["sur devis", "4 ans", "€", "bientôt", "QF 1 à 3"])
def test_parse_price_refuses_a_value_without_amount_or_free_word(value):
    with pytest.raises(FieldError) as caught:
        parse_price(value, "price_min")
    assert caught.value.field == "price_min"
    assert caught.value.message.startswith(f"« {value} » n'est pas un prix reconnu")


@pytest.mark.parametrize("value", ["1 000 000 €", "1\u00a0000\u00a0000,00 € par an", "de 5 à 2 000 000 €", 10_000_000.0])
def test_parse_price_refuses_amounts_too_large_for_the_database(value):
    with pytest.raises(FieldError) as caught:
        parse_price(value, "price_max")
    assert caught.value.message.endswith("le montant est trop élevé (999 999,99 € au plus).")


@pytest.mark.parametrize("value", ["-5 €", "Prix : -5 €", "−12,50", -3, "de -5 à 3 €"])
def test_parse_price_refuses_negative_amounts(value):
    with pytest.raises(FieldError) as caught:
        parse_price(value, "price_min")
    assert caught.value.message.endswith("un prix ne peut pas être négatif.")


def test_a_dash_between_a_label_and_an_amount_is_not_a_minus():
    assert parse_price("Tarif réduit - 5 €", "price") == _price("5", "5")


@pytest.mark.parametrize(("value", "expected"), [
    ("Gratuit", True), ("gratuite", True), ("GRATUIT", True), ("Entrée libre", True), ("libre", True),
    ("Payant", False), ("payante", False),
])
def test_the_is_free_column_also_reads_price_words(value, expected):
    assert parse_bool(value, "is_free") is expected


@pytest.mark.parametrize("value", ["Gratuit", "Entrée libre", "Payant"])
def test_other_yes_no_columns_keep_their_words(value):
    with pytest.raises(FieldError) as caught:
        parse_bool(value, "wheelchair")
    assert caught.value.message == f"« {value} » n'est pas une réponse oui/non."


@pytest.mark.parametrize("value", ["Participation libre", "Prix libre", "au chapeau", "Tarif libre"])
def test_pay_what_you_want_is_neither_free_nor_priced(value):
    assert parse_price(value, "price_min") == (None, None, None, None, True)  # and kept in words


@pytest.mark.parametrize("value", ["2e3 €", "1e308 €", "1,5E+2 euros", "2e3"])
def test_a_price_in_scientific_notation_is_refused_not_read_as_its_exponent(value):
    """« 2e3 € » was stored as 3 €, « 1e308 € » as 308 €, without a word."""
    with pytest.raises(FieldError) as caught:
        parse_price(value, "price_min")
    assert "notation scientifique" in caught.value.message
    assert parse_price("2e séance : 3 €", "price_min").minimum == Decimal(3)  # an ordinal is no exponent
