"""INSEE and postal codes: a thin error-raising layer over portal.geo.names, which the
geography loader and lookup already use (one definition of what a code is)."""
from __future__ import annotations

from portal.geo.names import normalise_insee_code, normalise_postal_code

from importers.normalise.errors import FieldError, is_blank, quote


def _as_text(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.replace("\ufeff", "").replace("\x00", "").strip()
    return value


def normalise_insee(value: object, field: str = "insee_code") -> str | None:
    """'93048.0' → '93048', '2220' → '02220', '2a004' → '2A004'."""
    if is_blank(value):
        return None
    code = normalise_insee_code(_as_text(value))
    if code is None:
        raise FieldError(field, value, f"{quote(value)} n'est pas un code INSEE de commune (5 caractères, ex. 93048).")
    return code


def normalise_postal(value: object, field: str = "postal_code") -> str | None:
    """'3600' → '03600', '93 200' → '93200'."""
    if is_blank(value):
        return None
    code = normalise_postal_code(_as_text(value))
    if code is None:
        raise FieldError(field, value, f"{quote(value)} n'est pas un code postal (5 chiffres, ex. 93200).")
    return code
