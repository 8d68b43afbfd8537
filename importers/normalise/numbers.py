"""Numbers, ages, prices and booleans as spreadsheets write them: '12.0' for 12, '1 200,50 €'
(French Excel groups thousands with a no-break space), 'dès 8 ans', '120 €/an', 'oui'/'x'."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from importers.normalise.errors import FieldError, is_blank, quote
from portal.listings.enums import PricePeriod

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|eur(?:os?)?\b|euros?)", re.IGNORECASE)
FREE_WORDS = {"gratuit", "gratuite", "free", "libre"}

TRUE_WORDS = {"oui", "o", "yes", "y", "true", "vrai", "1", "x", "✓", "✔", "ok"}
FALSE_WORDS = {"non", "n", "no", "false", "faux", "0"}
# « Gratuit » column: the words of a price also answer it (folded: no accents, lower case).
IS_FREE_TRUE_WORDS = {"gratuit", "gratuite", "gratuits", "gratuites", "entree libre", "acces libre", "libre"}
IS_FREE_FALSE_WORDS = {"payant", "payante", "payants", "payantes"}

AGE_FIELDS = {"age_min", "age_max"}
PRICE_FIELDS = {"price_min", "price_max"}
MAX_PRICE = Decimal("999999.99")  # the price columns are Numeric(8, 2)
_PRICE_LIMIT = Decimal("999999.995")  # from here on, rounding to cents gives 1 000 000,00


def _fold(value: str) -> str:
    """Lower case, no accents, one kind of space and apostrophe: how words are compared."""
    text = unicodedata.normalize("NFKD", value.replace("\ufeff", "").replace("\x00", "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


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


# Ages as partners write them (folded): « 4 ans », « 12 ans révolus », « dès 8 ans », « 6 ans et + »,
# « 8+ », « 4 à 6 ans », « de 4 à 6 ».
_YEARS = r"(?:\s*ans?)?(?:\s+revolus?)?"
_AGE_EXACT = re.compile(r"(\d{1,3})\s*ans?(?:\s+revolus?)?")
_AGE_FROM = re.compile(rf"(?:(?:des|a partir de|au moins)\s*(\d{{1,3}}){_YEARS}"
                       rf"|(\d{{1,3}}){_YEARS}\s*(?:et\s*\+|et plus|ou plus|\+))")
_AGE_RANGE = re.compile(rf"(?:de|entre)\s+(\d{{1,3}}){_YEARS}\s*(?:a|et|-|–)\s*(\d{{1,3}}){_YEARS}"
                        rf"|(\d{{1,3}})(?:\s*ans?)?\s*(?:a|-|–|/)\s*(\d{{1,3}})\s*ans?(?:\s+revolus?)?")


def _age(value: str, field: str) -> int:
    """The age an age column states in words. A range gives its first age to « age_min » and its
    last to « age_max » (« 4 à 6 ans » is 4 in the first, 6 in the second); a lower bound
    (« dès 8 ans ») only fits « age_min »: as a maximum it would hide the listing from older people."""
    text = _fold(value).rstrip(".")
    exact = _AGE_EXACT.fullmatch(text)
    if exact:
        return int(exact.group(1))
    lower = _AGE_FROM.fullmatch(text)
    if lower:
        if field == "age_max":
            raise FieldError(field, value, f"{quote(value)} donne un âge minimum, pas un âge maximum.")
        return int(lower.group(1) or lower.group(2))
    ages = _AGE_RANGE.fullmatch(text)
    if ages:
        low, high = (int(age) for age in ages.groups() if age is not None)
        if low > high:
            raise FieldError(field, value, f"{quote(value)} : le premier âge dépasse le second.")
        return low if field == "age_min" else high
    if not re.search(r"\d", text):
        raise FieldError(field, value, f"{quote(value)} n'est pas un âge (nombre entier d'années attendu) : "
                                       "un public comme « adultes » ou « tout public » se renseigne dans la "
                                       "colonne « Publics ».")
    raise FieldError(field, value, f"{quote(value)} n'est pas un âge reconnu (nombre entier d'années attendu, "
                                   "ex. « 8 », « dès 8 ans », « 4 à 6 ans »).")


def parse_int(value: object, field: str) -> int | None:
    """'12', '12.0', '12,0', 12.0 → 12; a fractional or non-numeric value is an error. Age
    columns (« age_min », « age_max ») also read ages in words: see _age."""
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
        if field in AGE_FIELDS:
            return _age(str(value), field)
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre entier.")
    return int(match.group(1))


def _too_large(value: object, field: str) -> FieldError:
    return FieldError(field, value, f"{quote(value)} : le montant est trop élevé (999 999,99 € au plus).")


def parse_decimal(value: object, field: str) -> Decimal | None:
    """Prices: '12,50 €', '1 200,5', '6 866 150,20' (no-break spaces), 'gratuit' (→ 0). A price
    field (« price_min », « price_max ») refuses amounts its column cannot hold."""
    number = _decimal(value, field)
    if field in PRICE_FIELDS and number is not None and number >= _PRICE_LIMIT:
        raise _too_large(value, field)
    return number


def _decimal(value: object, field: str) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FieldError(field, value, f"{quote(value)} n'est pas un nombre.")
        return value
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


class Price(NamedTuple):
    """A price as a partner writes it: the lowest and highest amounts in euros (equal for one
    amount; no lowest for a ceiling, « jusqu'à 15 € »), what one payment covers ("year", "term",
    "month", "week", "session", "hour" or None when not said), whether it is free (None when not
    said), and whether the text says more than that (a free contribution, a membership fee besides
    the price, a ceiling or a floor): then it is kept in the partner's words as well."""

    minimum: Decimal | None
    maximum: Decimal | None
    period: str | None
    free: bool | None
    noted: bool = False


# Read in folded text (lower case, no accents, spaces made plain).
_AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?: \d{3})+(?!\d)|\d{1,3}(?:\.\d{3})+(?=,\d)|\d+)"  # « 1 200 », « 1.200,50 »
                     r"(?:[.,]\d+)?(?!\d)")
_EXPONENT = re.compile(r"\d(?:[.,]\d+)?e[+-]?\d")  # « 2e3 », « 1.5e+2 » (spreadsheets' scientific notation)
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PRICE_CURRENCY = re.compile(r"\s*(?:€|eur(?:os?)?\b)")
_RANGE_JOIN = re.compile(r"\s*(?:a|au|et|-|–|—)\s*$")
_NEGATIVE = re.compile(r"(?:^|[^\d€\s])\s*[-−]$")  # « -5 € », « Prix : -5 € », not « 30 - 150 € »
_FREE = re.compile(r"\b(?:gratuit(?:e|s|es)?|(?:entree|acces) libre|sans frais)\b|^libre$")
_PAY_WHAT_YOU_WANT = re.compile(r"\b(?:participation|prix|contribution|tarif)\s+libre\b|\bau chapeau\b|"
                                r"\bprix conscient\b")
_PAID = re.compile(r"\bpayant(?:e|s|es)?\b")
# A fee paid once besides the price (« Adhésion 20 € + 5 €/séance »), said in its own clause.
_FEE = re.compile(r"\b(?:adhesion|frais d'(?:inscription|adhesion|dossier)|carte (?:de membre|d'adherent))\b")
_FEE_INCLUDED = re.compile(r"\b(?:inclus|compris)e?s?\b")
_CLAUSE = re.compile(r"\s*(?:[+;()|]|(?<!\d),|,(?!\d)|\bet\b|\bplus\b|\bpuis\b)\s*")
_PERIOD_WORDS = (
    ("year", r"an|annee|saison"), ("term", r"trimestre"), ("month", r"mois"),
    ("week", r"semaine"), ("session", r"seance|cours"), ("hour", r"heure"),
)
_PERIODS = tuple(
    (period, re.compile(rf"(?:/|\bpar\b|\bla\b|\ble\b|\bl'|\bchaque\b)\s*(?:{words})\b"))
    for period, words in _PERIOD_WORDS
) + (
    ("year", re.compile(r"\bannuel(?:le)?s?\b")), ("term", re.compile(r"\btrimestriel(?:le)?s?\b")),
    ("month", re.compile(r"\bmensuel(?:le)?s?\b")), ("week", re.compile(r"\bhebdo(?:madaire)?s?\b")),
    ("hour", re.compile(r"/\s*h\b|\bhoraire\b")),
)
# One amount as a ceiling (« jusqu'à 15 € », « max. 15 € », « 15 € maximum ») or a floor (« dès 15 € »,
# « à partir de 15 € », « 15 € minimum »): the words right before or after the amount and its currency.
_MONEY = rf"(?:{_AMOUNT.pattern})\s*(?:€|eur(?:os?)?\b)(?:\s*/\s*[a-z]+)?"


def _bound(before: str, after: str) -> re.Pattern:
    return re.compile(rf"(?<![a-z])(?:{before})\.?\s*:?\s*{_MONEY}|{_MONEY}\s*(?:{after})(?![a-z])")


_CEILING = _bound(r"jusqu'?\s*a|au plus|(?:au )?max(?:i|imum)?", r"au plus|(?:au )?max(?:i|imum)?")
_FLOOR = _bound(r"a partir de|des|au moins|min(?:i|imum)?", r"au moins|(?:au )?min(?:i|imum)?|et plus|et \+")
# What a price written without a currency may hold besides its amounts: « 12,50 », « 30 - 150 »,
# « Tarif : de 30 à 150 », « 120 par an ».
_BARE_PRICE = re.compile(r"(?:(?:tarifs?|prix|cout|montant)\s*:?\s*)?(?:(?:de|entre)\s+)?#(?:\s*(?:a|-|–|et)\s*#)?")


def _price_number(text: str, value: object, field: str) -> Decimal:
    number = Decimal(_number_text(text))
    if number >= _PRICE_LIMIT:
        raise _too_large(value, field)
    return number


def _amounts(text: str, value: object, field: str) -> list[Decimal] | None:
    """The amounts of a folded price text: numbers followed by a currency, and the number
    before them in a range (« de 30 à 150 € »); without any currency, a text made of its
    amounts only (« 12,50 », « 30 - 150 »). None when the text is not a price."""
    found = list(_AMOUNT.finditer(text))
    if _PRICE_CURRENCY.search(text):
        marked = [bool(_PRICE_CURRENCY.match(text, number.end())) for number in found]
        for index in range(len(found) - 2, -1, -1):
            between = text[found[index].end():found[index + 1].start()]
            if not marked[index] and marked[index + 1] and _RANGE_JOIN.fullmatch(" " + between):
                marked[index] = True
        found = [number for number, money in zip(found, marked) if money]
    for number in found:
        if _NEGATIVE.search(text[:number.start()]):
            raise FieldError(field, value, f"{quote(value)} : un prix ne peut pas être négatif.")
    if found and not _PRICE_CURRENCY.search(text):
        rest = text
        for _, pattern in _PERIODS:
            rest = pattern.sub(" ", rest)
        rest = _AMOUNT.sub("#", rest).strip(" .;:")
        if not _BARE_PRICE.fullmatch(re.sub(r"\s+", " ", rest)):
            return None
    # « 1.200 € » is 1 200 euros (a dot between thousands before the currency), not 1,20; so is
    # the first amount of « de 1.000 à 2.500 € ».
    dotted = any(_DOTTED_THOUSANDS.fullmatch(number.group()) and _PRICE_CURRENCY.match(text, number.end())
                 for number in found)
    return [_price_number(number.group().replace(".", "") if dotted and _DOTTED_THOUSANDS.fullmatch(number.group())
                          else number.group(), value, field) for number in found]


def parse_price(value: object, field: str) -> Price | None:
    """A price cell → Price; None when blank. « 120 €/an », « 90 € / trimestre », « 5 € la séance »,
    « 15 € de l'heure », « 12,50 », « de 3,50 € à 7 € », « 30 - 150 € », « 8 € / 5 € (réduit) »
    (5 to 8), « 6 866,20 € » (no-break spaces), « Gratuit », « Entrée libre », « 0 € » (free, 0),
    « Payant » (not free, no amount). Free for some and paid for others (« Gratuit pour les
    moins de 12 ans, 8 € ») is 0 to 8 €, not free, as the OpenAgenda reader says it. Several
    periods in one cell (« 120 €/an ou 45 €/trimestre ») give no period. A membership fee beside
    the price (« Adhésion 20 € + 5 €/séance ») is not part of its range: 5 € per session, noted.
    A ceiling (« jusqu'à 15 € », « 15 € max ») is a highest amount without a lowest; a floor
    (« dès 15 € », « 15 € minimum ») is its amount, as any single amount, which stays a minimum
    alone in the price columns: both noted, the columns cannot tell them from an exact price."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, int, float, Decimal)):
        number = _decimal(value, field)
        if number < 0:
            raise FieldError(field, value, f"{quote(value)} : un prix ne peut pas être négatif.")
        if number >= _PRICE_LIMIT:
            raise _too_large(value, field)
        return Price(number, number, None, number == 0)
    text = _fold(str(value))
    if _EXPONENT.search(text):  # « 2e3 € »: its « 3 » alone would be taken for the price
        raise FieldError(field, value, f"{quote(value)} est écrit en notation scientifique : écrivez le montant "
                                       "en chiffres (ex. « 2000 € »).")
    amounts = _amounts(text, value, field)
    if not amounts and _PAY_WHAT_YOU_WANT.search(text):
        return Price(None, None, None, None, True)  # « Participation libre », « au chapeau »: neither free nor priced
    noted = False
    if amounts and len(amounts) > 1 and _FEE.search(text):
        rest = " ; ".join(clause for clause in _CLAUSE.split(text)
                          if not _FEE.search(clause) or _FEE_INCLUDED.search(clause))
        price = _amounts(rest, value, field)
        if price:  # the fee is not the price: the price is what is left, the whole text a note
            text, amounts, noted = rest, price, True
    free, paid = bool(_FREE.search(text)), bool(_PAID.search(text))
    if not amounts and not free and not paid:
        raise FieldError(field, value, f"{quote(value)} n'est pas un prix reconnu (ex. « 120 € par an », "
                                       "« de 5 à 8 € », « Gratuit »).")
    periods = {period for period, pattern in _PERIODS if pattern.search(text)}
    period = periods.pop() if len(periods) == 1 and amounts else None
    if not amounts:
        return Price(Decimal(0), Decimal(0), None, True) if free and not paid else Price(None, None, None, False)
    low, high = min(amounts), max(amounts)
    if high == 0:
        return Price(low, high, period, not paid, noted)
    if free:
        return Price(Decimal(0), high, period, False, noted)
    if len(amounts) == 1 and _CEILING.search(text):
        return Price(None, high, period, False, True)
    if len(amounts) == 1 and _FLOOR.search(text):
        noted = True
    return Price(low, high, period, False, noted)


PERIODS = frozenset(period.value for period in PricePeriod)
_ONE_OFF = re.compile(r"^(?:unique|ponctuel(?:le)?|une fois)$")


def parse_period(value: object, field: str = "price_period") -> str | None:
    """What one payment covers, in a column of its own: « par an », « Annuel », « la séance »,
    « trimestriel », or a period of the published format (« term »)."""
    if is_blank(value):
        return None
    text = _fold(str(value)).strip(" .")
    if text in PERIODS:
        return text
    if _ONE_OFF.match(text):
        return "one_off"
    # The words a price cell says its period with, alone in their column (« séance » as « par séance »).
    found = {period for period, pattern in _PERIODS if pattern.search(text) or pattern.search(f"par {text}")}
    if text == "h":
        found.add("hour")
    if len(found) == 1:
        return found.pop()
    raise FieldError(field, value, f"{quote(value)} n'est pas une période de tarif reconnue (ex. « par an », "
                                   "« par trimestre », « la séance »).")


def header_period(header: object) -> str | None:
    """The period a price column's header states (« Tarif annuel », « Prix à la séance »)."""
    text = _fold(str(header or ""))
    found = {period for period, pattern in _PERIODS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def parse_bool(value: object, field: str) -> bool | None:
    """oui/non, yes/no, true/false, vrai/faux, 1/0, x (a ticked cell); the « Gratuit » column
    (« is_free ») also reads « Gratuit », « Entrée libre », « libre » (yes) and « Payant » (no)."""
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
    if field == "is_free":
        folded = _fold(text)
        if folded in IS_FREE_TRUE_WORDS:
            return True
        if folded in IS_FREE_FALSE_WORDS:
            return False
    raise FieldError(field, value, f"{quote(value)} n'est pas une réponse oui/non.")
