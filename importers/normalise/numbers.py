"""Numbers and booleans as spreadsheets write them: '12.0' for 12, '1 200,50 €', 'oui'/'x'."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from importers.normalise.errors import FieldError, is_blank, quote

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|eur(?:os?)?\b|euros?)", re.IGNORECASE)
FREE_WORDS = {"gratuit", "gratuite", "free", "libre"}

TRUE_WORDS = {"oui", "o", "yes", "y", "true", "vrai", "1", "x", "✓", "✔", "ok"}
FALSE_WORDS = {"non", "n", "no", "false", "faux", "0"}


def _number_text(value: object) -> str:
    text = str(value).replace("\ufeff", "").replace("\x00", "").strip()
    text = _CURRENCY.sub("", text)
    text = _SPACES.sub("", text)
    if "," in text and "." in text:
        # The last separator is the decimal one: '1.200,50' and '1,200.50'.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")  # '1.200.000'
    return text


def parse_int(value: object, field: str) -> int | None:
    """'12', '12.0', '12,0', 12.0 → 12; a fractional or non-numeric value is an error."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre entier.")
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        if value == value and value not in (float("inf"), float("-inf")) and value == int(value):
            return int(value)
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre entier.")
    text = _number_text(value)
    match = re.fullmatch(r"([-+]?\d+)(?:\.0*)?", text)
    if not match:
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre entier.")
    return int(match.group(1))


def parse_decimal(value: object, field: str) -> Decimal | None:
    """Prices: '12,50 €', '1 200,5', 'gratuit' (→ 0)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.")
        return Decimal(repr(value))
    if str(value).strip().lower() in FREE_WORDS:
        return Decimal(0)
    text = _number_text(value)
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already guards
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.") from None


def parse_bool(value: object, field: str) -> bool | None:
    """oui/non, yes/no, true/false, vrai/faux, 1/0, x (a ticked cell)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).replace("\ufeff", "").strip().lower().rstrip(".")
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise FieldError(field, value, f"{quote(value)} n'est pas une réponse oui/non.")
