"""Contact fields as they come out of partner spreadsheets."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers.normalise import FieldError, clean_email, clean_phone, clean_url
from importers.normalise.contact import _CLEAN_URL, _rewritten_url


@pytest.mark.parametrize(("value", "expected"), [
    ("www.mpaa.fr", "https://www.mpaa.fr"),
    ("mpaa.fr/ateliers?saison=2025", "https://mpaa.fr/ateliers?saison=2025"),
    ("http://WWW.Exemple.FR/Page", "http://www.exemple.fr/Page"),
    ("https://www.bibliotheques.cergypontoise.fr/", "https://www.bibliotheques.cergypontoise.fr/"),
    ("\ufeff https://x.fr ", "https://x.fr"),
    ("", None), ("0", None), ("non", None), ("oui", None), ("-", None),  # placeholders in site_internet
])
def test_clean_url(value, expected):
    assert clean_url(value) == expected


@settings(max_examples=300)
@given(st.from_regex(_CLEAN_URL, fullmatch=True))
def test_an_address_already_clean_is_taken_as_it_is_and_the_whole_cleaning_agrees(value):
    """The short way (an address as cleaning writes it comes back unchanged) gives what the
    whole cleaning gives."""
    assert clean_url(value) == value
    assert _rewritten_url(value, "website") == value


@pytest.mark.parametrize("value", ["https://www.Exemple.fr/", "http://x.fr:8080/", "https://x.fr/a b",
                                   "https://user@x.fr/", "https://x.fr/?a=1#b", "https://x.fr./", " https://x.fr"])
def test_an_address_cleaning_would_change_takes_the_whole_cleaning(value):
    assert not _CLEAN_URL.fullmatch(value)


@pytest.mark.parametrize(("value", "message"), [
    ("javascript:alert(1)", "autorisée"),
    ("data:text/html;base64,PHNjcmlwdD4=", "autorisée"),
    ("Site internet propre", "n'est pas une adresse web"),  # a real value of the libraries file
    ("www.mpaa .fr", "espaces"),
    ("contact@mpaa.fr", "adresse électronique"),
    ("ftp://files.mpaa.fr", "valide"),
    ("localhost", "valide"),
])
def test_clean_url_refuses(value, message):
    with pytest.raises(FieldError) as caught:
        clean_url(value, "registration_url")
    assert caught.value.field == "registration_url"
    assert message in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [
    ("Contact@Mairie-SaintDenis.FR", "contact@mairie-saintdenis.fr"),
    ("mailto:chorale@exemple.fr", "chorale@exemple.fr"),
    ("Chorale du 93 <chorale@exemple.fr>", "chorale@exemple.fr"),
    ("a.b@x.fr; c@y.fr", "a.b@x.fr"),
    (" ", None),
])
def test_clean_email(value, expected):
    assert clean_email(value) == expected


@pytest.mark.parametrize("value", ["pas un mail", "a@b", "a..b@x.fr", "@x.fr", "a@x.f"])
def test_clean_email_refuses(value):
    with pytest.raises(FieldError) as caught:
        clean_email(value)
    assert "adresse électronique valide" in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [
    ("01 48 39 52 46", "01 48 39 52 46"),
    ("01.48.39.52.46", "01 48 39 52 46"),
    ("+33 1 48 39 52 46", "01 48 39 52 46"),
    ("+33 (0)1 48 39 52 46", "01 48 39 52 46"),
    ("+33 0 1 48 39 52 46", "01 48 39 52 46"),
    ("0 800 123 456", "08 00 12 34 56"),
    ("0033148395246", "01 48 39 52 46"),
    ("148395246", "01 48 39 52 46"),        # leading zero lost in a spreadsheet
    (148395246.0, "01 48 39 52 46"),
    ("612345678.0", "06 12 34 56 78"),      # an integer a spreadsheet wrote as a float
    ("Tél. : 06 12 34 56 78 / 01 48 39 52 46", "06 12 34 56 78"),
    ("+262 262 12 34 56", "02 62 12 34 56"),  # La Réunion
    ("+32 2 123 45 67", "+32 2 123 45 67"),   # Belgium stays international
    ("0032 2 123 45 67", "+32 2 123 45 67"),
    ("+39 06 1234 5678", "+39 06 1234 5678"),  # Italy keeps its leading zero
    ("", None),
])
def test_clean_phone(value, expected):
    assert clean_phone(value) == expected


@pytest.mark.parametrize("value", ["12", "appelez-nous", "+33 1 2", "6867868.46", 6867868.46])  # (a Lambert-93 Y)
def test_clean_phone_refuses(value):
    with pytest.raises(FieldError) as caught:
        clean_phone(value)
    assert caught.value.field == "phone"
    assert "numéro" in caught.value.message


@pytest.mark.parametrize("value", [
    "01 49 33 66 0", "06 12 34 56 7",   # a digit missing: not to be stored as « +33 014933660 »
    "01.49.33.66", "01 49 33 66 000",
    "0262 12 34 5",                      # La Réunion, written nationally
    "+33 (0)1 48 39 52 4", "0033 (0)1 48 39 52 4", "+262 (0)262 12 34 5",  # the trunk 0 is not a digit
])
def test_clean_phone_refuses_a_french_number_of_the_wrong_length(value):
    with pytest.raises(FieldError) as caught:
        clean_phone(value)
    assert caught.value.field == "phone"
    assert caught.value.message == f"Le numéro « {value} » n'a pas le bon nombre de chiffres."
