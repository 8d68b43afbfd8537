"""The one error every normaliser raises, so the pipeline can record a per-field failure
on the import item (and show it to the partner) instead of crashing the run."""
from __future__ import annotations

from importers.fields import FIELDS

MAX_VALUE_CHARS = 200


def shorten(value: object, limit: int = MAX_VALUE_CHARS) -> object:
    """Keep error rows small: a 2 MB description must not be copied into every report."""
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def quote(value: object, limit: int = 60) -> str:
    """The raw value as a partner would recognise it inside a French sentence."""
    text = str(value).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"


class FieldError(Exception):
    """A value that cannot be normalised: `field` is the canonical field, `value` the raw
    value (shortened), `message` a French sentence a partner can act on."""

    def __init__(self, field: str, value: object, message: str):
        self.field = field
        self.value = shorten(value)
        self.message = message
        super().__init__(f"{field_label(field)} : {message}")

    def __repr__(self) -> str:
        return f"FieldError(field={self.field!r}, value={self.value!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.value, self.message) == (
            other.field, other.value, other.message)

    def __hash__(self) -> int:
        return hash((self.field, str(self.value), self.message))


def field_label(field: str) -> str:
    return FIELDS.get(field, (field,))[0]


def is_blank(value: object) -> bool:
    """None, empty or whitespace-only strings (BOM and NUL remnants included) count as absent."""
    if value is None:
        return True
    if isinstance(value, str):
        if value[:1].isalnum():
            return False
        return not value.replace("\ufeff", "").replace("\x00", "").strip()
    return False
