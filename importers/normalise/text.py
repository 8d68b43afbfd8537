"""Text fields: safe HTML for descriptions, plain text for titles and search, and the
CSV-formula guard (a partner's spreadsheet must not become an attack on the next one)."""
from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from importers.normalise.errors import FieldError, is_blank, quote

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    clean_content_tags={"script", "style"},
)
_STRIPPER = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"})

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLOCK_TAG = re.compile(r"(?i)<(/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote)\b)")
# Control characters other than tab and newline: NUL from broken exports, BOM remnants, etc.
# Control characters, and the invisible ones (zero-width, word joiner, soft hyphen) that make
# « Z1 » and « Z1\u200d » two ids, or two names, that look the same; and the direction overrides,
# embeddings and isolates, which show a text in another order than it is stored (« ‮lanrétxe » shows
# as « externaL »): the letters' own direction is enough to show French, Arabic or Hebrew names.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d\u2060\u00ad\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True})


def _is_clean_line(text: str) -> bool:
    """Whether cleaning would leave a one-line text as it is but for its ends: printable (no
    control, invisible or no-break character, no line break: the only space left is « »), no
    run of spaces, no markup or entity, already composed. Most names and addresses are."""
    return (text.isprintable() and "  " not in text and "<" not in text and "&" not in text
            and unicodedata.is_normalized("NFC", text))


def _scrub(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value: object, field: str, max_length: int | None = None) -> str | None:
    """One-line text (names, addresses): NUL and BOM remnants removed, whitespace collapsed."""
    if type(value) is str and _is_clean_line(value):
        text = value.strip()
    elif is_blank(value):
        return None
    else:
        text = _WHITESPACE.sub(" ", _scrub(value)).strip()
    if not text:
        return None
    if max_length is not None:
        check_length(text, field, max_length, value)
    return text


def check_length(text: str, field: str, max_length: int, value: object = None) -> None:
    if len(text) > max_length:
        raise FieldError(field, text if value is None else value,
                         f"Le texte fait {len(text)} caractères ; {max_length} au maximum.")


def sanitise_html(value: object) -> str | None:
    """Descriptions keep their paragraphs, emphasis, lists and links, nothing executable.
    Plain text (no tag at all) gets its line breaks turned into paragraphs."""
    if is_blank(value):
        return None
    text = _scrub(value).strip()
    if not _TAG.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(
            # (Entities written in the text, « &amp; », are its characters: escaped once.)
            "<p>" + "<br>".join(html.escape(html.unescape(line.strip()), quote=False) for line in p.split("\n"))
            + "</p>"
            for p in paragraphs
        )
    cleaned = _CLEANER.clean(text).strip()
    return cleaned if plain_text(cleaned) else None


def markdown_html(value: object) -> str | None:
    """Markdown, as OpenAgenda writes long descriptions (« **Bal** avec :\n\n- le groupe X »), as
    HTML for sanitise_html; its raw HTML is not let through, and text already in HTML is left
    as it is. Line breaks are kept as breaks, as the author saw them."""
    if is_blank(value):
        return None
    text = _scrub(value).strip()
    if _TAG.search(text):
        return text
    return _MARKDOWN.render(text)


# What the sanitiser removes from a description, that its author may want to know about.
_ACTIVE = re.compile(r"<\s*(?:script|style|iframe|object|embed|form|svg|math)\b|<[^>]*\son\w+\s*=", re.IGNORECASE)


def removed_markup(value: str, rich: bool) -> str | None:
    """What cleaning a text cell took out, in French for the row's report: tags from a one-line
    text (a name is plain text), executable code from a description (its formatting stays)."""
    if rich:
        return "code retiré (script, style, cadre ou attribut d'événement)" if _ACTIVE.search(value) else None
    return "balises HTML retirées" if _TAG.search(value) else None


def plain_text(value: object) -> str | None:
    """Text without markup, for titles, search documents and map popups."""
    if type(value) is str and _is_clean_line(value):
        return value.strip() or None
    if is_blank(value):
        return None
    text = _scrub(value)
    if "<" in text or "&" in text:  # most names and addresses have neither: no parsing then
        text = html.unescape(_STRIPPER.clean(_BLOCK_TAG.sub(r" <\1", text)))
    text = _WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()
    return text or None


# A cell a spreadsheet would evaluate: =anything, or +/-/@ followed by a function call,
# a DDE payload (cmd|'…'!A0) or a short arithmetic expression (+1+1).
_FUNCTION_CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*\s*\(")
_DDE = re.compile(r"\|.*!|^\s*cmd\b", re.IGNORECASE)
_ARITHMETIC = re.compile(r"^\d+(?:[.,]\d+)?\s*[-+*/^]\s*\(?\s*\d+(?:[.,]\d+)?\s*\)?$")
_ARROW = re.compile(r"^=+[<>]")
_NAME_ARITHMETIC = re.compile(r"^[A-Za-z]+\d+\s*[-+*/^]")  # +A1+B2, -A1*2
# After + - @, what only a formula has: a function called anywhere (« -(1)+HYPERLINK( »), a cell
# reference first (« +A1&… », « -$A$1 », « +A1:B2 »), a text joined with & (« +"x"&… »).
_CALL_ANYWHERE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*\(")
_CELL_REFERENCE = re.compile(r"^\(?\$?[A-Za-z]{1,3}\$?\d+\s*(?:[-+*/^&:,;)]|$)")
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_JOINED = re.compile(r'&(?:"|\$?[A-Za-z]{1,3}\$?\d+\b)|"\s*&')


def reject_formula(value: object, field: str) -> None:
    """Raise when a cell would run as a formula if the file is opened in a spreadsheet again
    (exports of Boussole data go back to partners). Phones, prices and dashes are left alone."""
    if not isinstance(value, str) or not value or value[0].isalnum():
        return
    text = _CONTROL.sub("", value)
    text = text[len(text) - len(text.lstrip()):]  # every space, as cleaning will strip them (no-break, ideographic…)
    if not text or text[0] not in "=+-@":
        return
    rest = text[1:].strip()
    if text[0] in "+-" and _PLAIN_NUMBER.fullmatch(rest):  # a negative longitude: a number to any spreadsheet
        return
    if text[0] == "=":
        # « => Sur inscription », « ==> » : arrows in prose, which no spreadsheet runs.
        looks_like_formula = bool(rest) and not _ARROW.match(text)
    else:
        looks_like_formula = bool(
            _FUNCTION_CALL.match(rest) or _DDE.search(rest) or _ARITHMETIC.match(rest)
            or _NAME_ARITHMETIC.match(rest) or (rest[:1] in "=@" and len(rest) > 1)
            or _CALL_ANYWHERE.search(rest) or _CELL_REFERENCE.match(rest) or _JOINED.search(rest)
        )
    if looks_like_formula:
        raise FieldError(
            field, value,
            f"La valeur {quote(value)} ressemble à une formule de tableur ; "
            "elle est refusée par sécurité (retirez le signe de tête).",
        )
