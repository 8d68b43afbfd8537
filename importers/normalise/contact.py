"""Contact fields: web addresses, e-mail and phone numbers as partners type them."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

from importers.normalise.errors import FieldError, is_blank, quote

# Values partners put in a website/email column to say "none" (the libraries file has
# "0", "non", "oui" in site_internet): absent, not an error.
PLACEHOLDERS = {"0", "-", "--", "/", "non", "oui", "n/a", "na", "nc", "n.c.", "aucun", "aucune", "neant",
                "néant", "none", "null", "nan", "?", "x"}
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_UNSAFE_SCHEME = re.compile(r"(?:javascript|data|vbscript|file):")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://")
_SPACE = re.compile(r"\s")
_BRACKETED_EMAIL = re.compile(r"<\s*(?:mailto:)?([^<>\s]+@[^<>\s]+)\s*>", re.IGNORECASE)
# An address already as cleaning writes it: http(s), a lower-case host name as _HOST has it, no
# port or user, a path without query, fragment or space. Most cells are; they come back as they are.
_CLEAN_URL = re.compile(r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}"
                        r"(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?")


def _text(value: object) -> str:
    return str(value).replace("\ufeff", "").replace("\x00", "").replace("\xa0", " ").strip()


def clean_url(value: object, field: str = "website") -> str | None:
    """'www.x.fr' → 'https://www.x.fr'; only http(s) addresses with a real host name survive."""
    if is_blank(value):
        return None
    if isinstance(value, str) and len(value) <= 300:
        return _clean_url_text(value, field)
    return _clean_url(value, field)


# A network's libraries share one site: the same address comes back for many rows.
@lru_cache(maxsize=4096)
def _clean_url_text(value: str, field: str) -> str | None:
    return _clean_url(value, field)


def _clean_url(value: object, field: str) -> str | None:
    if isinstance(value, str) and _CLEAN_URL.fullmatch(value):
        return value
    return _rewritten_url(value, field)


def _rewritten_url(value: object, field: str) -> str | None:
    text = _text(value)
    if text.lower() in PLACEHOLDERS:
        return None
    lowered = text.lower()
    if _UNSAFE_SCHEME.match(lowered):
        raise FieldError(field, value, f"L'adresse {quote(value)} n'est pas une adresse web autorisée.")
    if lowered.startswith("mailto:") or ("@" in text and "/" not in text):
        raise FieldError(field, value, f"{quote(value)} est une adresse électronique, pas un site web.")
    spaced = _SPACE.search(text)
    if spaced and "." not in text and "/" not in text:
        raise FieldError(field, value, f"{quote(value)} n'est pas une adresse web (ex. https://www.exemple.fr).")
    if spaced:
        raise FieldError(field, value, f"L'adresse web {quote(value)} contient des espaces.")
    if lowered.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(lowered):
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host):
        raise FieldError(field, value, f"{quote(value)} n'est pas une adresse web valide (ex. https://www.exemple.fr).")
    netloc = parts.netloc.replace(parts.hostname or "", host) if parts.hostname else parts.netloc
    return urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path, parts.query, parts.fragment))


def clean_email(value: object) -> str | None:
    """Lower-cased address; 'mailto:' and 'Nom <a@b.fr>' wrappers removed; the first of a list."""
    if is_blank(value):
        return None
    text = _text(value)
    if text.lower() in PLACEHOLDERS:
        return None
    bracketed = _BRACKETED_EMAIL.search(text)
    if bracketed:
        text = bracketed.group(1)
    text = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE)
    first = re.split(r"[;,\s]+", text.strip())[0].strip(".").lower()
    if not _EMAIL.match(first) or ".." in first:
        raise FieldError("email", value, f"{quote(value)} n'est pas une adresse électronique valide.")
    return first


# French numbering zones whose national form starts with 0: metropolitan France and the DROM.
FRENCH_COUNTRY_CODES = {33, 262, 269, 590, 594, 596}


# A number with a decimal part: a phone number's dots group its digits in twos (01.48.10.20.30).
DECIMAL = re.compile(r"-?\d+[.,](?!0+$)\d+")


def clean_phone(value: object) -> str | None:
    """French numbers in national form '01 23 45 67 89' (from +33, 0033, or nine digits that lost
    their leading zero in a spreadsheet); foreign numbers in international form."""
    if is_blank(value):
        return None
    raw = value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value)
    if text.lower() in PLACEHOLDERS:
        return None
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)  # « 612345678.0 »: an integer a spreadsheet wrote as a float
    if DECIMAL.fullmatch(text):  # « 6867868.46 », a coordinate or a measure, not a number to call
        raise FieldError("phone", raw, f"{quote(raw)} n'est pas un numéro de téléphone.")
    text = re.sub(r"^(t[ée]l(?:[ée]phone)?|tel:|t\.|portable|fixe)\s*[.:]?\s*", "", text, flags=re.IGNORECASE)
    first = re.split(r"\s*(?:/|;|\bou\b|\bor\b|,)\s*", text)[0]
    digits = re.sub(r"[^\d+]", "", first)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if "+" in digits[1:] or not re.search(r"\d", digits):
        raise FieldError("phone", raw, f"{quote(raw)} n'est pas un numéro de téléphone.")
    if re.fullmatch(r"[1-9]\d{8}", digits):
        digits = "0" + digits
    if re.fullmatch(r"0\d{9}", digits):
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    wrong_length = FieldError("phone", raw, f"Le numéro {quote(raw)} n'a pas le bon nombre de chiffres.")
    if digits.startswith("0"):  # a French number written nationally has ten digits (« 01 49 33 66 0 » lacks one)
        raise wrong_length
    try:
        number = phonenumbers.parse(digits if digits.startswith("+") else first, "FR")
    except phonenumbers.NumberParseException:
        raise FieldError("phone", raw, f"{quote(raw)} n'est pas un numéro de téléphone.") from None
    # phonenumbers keeps the 0 after « +33 (0) » as part of the number when the rest is too short,
    # which makes « +33 (0)1 48 39 52 4 » look long enough: that 0 is the French trunk prefix.
    trunk_zero_kept = number.country_code in FRENCH_COUNTRY_CODES and number.italian_leading_zero
    if trunk_zero_kept or not phonenumbers.is_possible_number(number):
        raise wrong_length
    national = str(number.national_number)
    if number.country_code in FRENCH_COUNTRY_CODES and len(national) == 9:
        digits = "0" + national
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
