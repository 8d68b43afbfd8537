"""Mapping + normalising: one raw row (partner column names) → one canonical record
(importers/fields.py names, clean Python values), with every problem as a French row error."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from importers.accessibility import resolve_accessibility
from importers.audiences import resolve_audiences
from importers.disciplines import match_disciplines
from importers.normalise import (
    FieldError,
    check_length,
    clean_email,
    clean_phone,
    clean_text,
    clean_url,
    from_serial,
    header_period,
    parse_bool,
    parse_datetime,
    Price,
    parse_decimal,
    parse_int,
    parse_period,
    parse_point,
    parse_price,
    parse_schedule,
    parse_season,
    parse_timings,
    plain_text,
    reject_formula,
    removed_markup,
    sanitise_html,
)
from importers.kinds import resolve_kind, resolve_level, resolve_status
from importers.schema import validate_record
from portal.geo.names import normalise_insee_code, normalise_postal_code
from portal.geo.overseas import OVERSEAS_ZONES, overseas_territory, territory_at
from portal.listings.enums import ListingType

MAX_TEXT = 500
MAX_DESCRIPTION = 20_000


@dataclass
class RowError:
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return {"column": self.column, "value": self.value, "message": self.message}


@dataclass
class CanonicalRecord:
    values: dict
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: bool = False  # a spreadsheet's total line: not a listing, passed over


LIST_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


def _as_list(value, split: bool = True) -> list[str]:
    """A list field: a list as given, or text split on « ; » (as the published schema says),
    « | » or line breaks. Disciplines stay whole: their matching reads the text at once."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    if not split:
        return [str(value)]
    return [part for part in LIST_SEPARATORS.split(str(value)) if part]


def _text(value, name: str, limit: int = MAX_TEXT):
    if not isinstance(value, str):
        return clean_text(value, name, limit)
    text = plain_text(value)  # already scrubbed and collapsed as clean_text would
    if text is not None:
        check_length(text, name, limit)
    return text


FLOAT_INTEGER = re.compile(r"\d+\.0+")


def _identifier(value) -> str | None:
    """Identifiers keep their text, except integers a spreadsheet wrote as floats ("12.0")."""
    text = clean_text(str(value), "external_id", 200)
    if text and FLOAT_INTEGER.fullmatch(text):
        return text.split(".")[0]
    return text


def identifier_of(value) -> str | None:
    """The id a row that cannot be read otherwise still gives, if it gives a usable one."""
    try:
        return _identifier(value) if value not in (None, "") else None
    except FieldError:
        return None


def _date(value, name: str):
    """A day: as written, or a spreadsheet serial number ("45915" is 15/09/2025), never a
    count of seconds since 1970."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(?:[.,]0+)?\s*", value):
        number = float(value.replace(",", "."))
    if number is not None:
        serial = from_serial(number)
        if serial is None:
            raise FieldError(name, value, f"« {value} » n'est pas une date (ex. 15/09/2025).")
        return serial.date()
    moment = _moment(value, name)
    return moment.date() if moment else None


# What a date cell may say before its date: « Mis à jour le 12/09/2025 », « Modifié le … ».
DATE_LEAD = re.compile(r"^\s*(?:(?:mise?|mis) à jour|maj|modifiée?|actualisée?|màj)?\s*(?:le|du)?\s*:?\s*",
                       re.IGNORECASE)


def _moment(value, name: str):
    """A date or time as written: in figures (« 15/09/2025 18:30 », ISO 8601), or in words
    (« 15 septembre 2025 », « lundi 15 septembre 2025 à 14h »), after a lead such as « Mis à
    jour le »; a single day, not a range."""
    try:
        return parse_datetime(value, name)
    except FieldError:
        if not isinstance(value, str) or not any(char.isalpha() for char in value):
            raise
    text = DATE_LEAD.sub("", value, count=1)
    try:
        return parse_datetime(text, name)
    except FieldError:
        pass
    try:  # a day in words
        occurrences = parse_timings(text)
    except FieldError:
        raise FieldError(name, value, f"« {value} » n'est pas une date (ex. 15/09/2025 ou 15 septembre "
                                      "2025).") from None
    if len(occurrences) != 1 or occurrences[0][0].date() != (occurrences[0][1] or occurrences[0][0]).date():
        raise FieldError(name, value, f"« {value} » n'est pas un jour (ex. 15/09/2025).") from None
    return occurrences[0][0]


def _description(value: object) -> str | None:
    """Paragraphs and line breaks kept (not collapsed like one-line texts), nothing executable."""
    if isinstance(value, str):
        check_length(value.strip(), "description", MAX_DESCRIPTION, value)
    return sanitise_html(value)


PARSERS = {
    "external_id": _identifier,
    "name": lambda v: _text(v, "name"),
    "description": _description,
    "organization": lambda v: _text(v, "organization"),
    "venue_name": lambda v: _text(v, "venue_name"),
    "address": lambda v: _text(v, "address"),
    "commune_name": lambda v: _text(v, "commune_name", 200),
    "website": lambda v: clean_url(v, "website"),
    "registration_url": lambda v: clean_url(v, "registration_url"),
    "email": clean_email,
    "phone": clean_phone,
    "age_min": lambda v: parse_int(v, "age_min"),
    "age_max": lambda v: parse_int(v, "age_max"),
    "is_free": lambda v: parse_bool(v, "is_free"),
    "source_modified_at": lambda v: _moment(v, "source_modified_at"),
    "deadline": lambda v: _date(v, "deadline"),
    "area_m2": lambda v: parse_decimal(v, "area_m2"),
    "equipment": lambda v: _text(v, "equipment", 2000),
    "price_notes": lambda v: _text(v, "price_notes", 500),
    "price_period": parse_period,
    "season_start": lambda v: _date(v, "season_start"),
    "season_end": lambda v: _date(v, "season_end"),
}


# Text fields whose cell may hold markup the cleaning removes (the row's report says so).
MARKUP_FIELDS = {"name", "description", "organization", "venue_name", "address", "commune_name", "equipment",
                 "price_notes"}


# A bad value in one of these fails the row; elsewhere it is dropped with a warning, so that a
# library whose "site internet" column says "pas de site" is still stored.
# A refused point is dropped the same way: the geocoder or the commune centroid (flagged) takes over.
HARD_FIELDS = {"name", "external_id"}
# A season's start or end column that holds the whole season (« du 15/09/2025 au 27/06/2026 »)
# gives both, when the file has no column for the other.
SEASON = {"season_start": "season_end", "season_end": "season_start"}
WORD_FIELDS = {"kind": "Type", "level": "Niveau", "status": "Statut"}
WORD_RESOLVERS = {"level": resolve_level, "status": resolve_status}
PRICE_COLUMNS = ("price_min", "price_max")
# A rhythm other than every week, in a weekly schedule cell (« un jeudi sur deux », « le 1er mardi
# du mois »): its slots are kept, with a warning.
NOT_WEEKLY = re.compile(r"\bsur\s+(?:deux|2|trois|3)\b|\b(?:1er|1re|premier|première|\d+\s*(?:e|è|ème|eme)|"
                        r"deuxième|troisième|quatrième|dernier|dernière)\s+\w+\s+du\s+mois\b|"
                        r"\bpar\s+(?:mois|trimestre)\b|\bmensuel|\btous\s+les\s+(?:15|quinze)\s+jours\b|"
                        r"\bsemaines?\s+(?:paires|impaires)\b", re.IGNORECASE)


# Key of the fields whose cell was refused on a row: what is stored for them is kept (a cell
# gone bad in a later export does not erase the good value of the earlier one).
REFUSED = "_refused"


def _problem(record: CanonicalRecord, name: str, column: str | None, value, message: str) -> None:
    if name in HARD_FIELDS:
        record.errors.append(RowError(column, value, message))
    else:
        record.values.pop(name, None)
        refused = record.values.setdefault(REFUSED, [])
        if name not in refused:
            refused.append(name)
        record.warnings.append(f"« {column or name} » ignoré : {message}")


def _resolve_words(record: CanonicalRecord, raw: dict, listing_type: ListingType, column_of) -> None:
    for name in WORD_FIELDS:
        if raw.get(name) in (None, ""):
            continue
        found = resolve_kind(listing_type, raw[name]) if name == "kind" else WORD_RESOLVERS[name](raw[name])
        if found is None:
            _problem(record, name, column_of.get(name, name), str(raw[name])[:200],
                     f"« {str(raw[name])[:80]} » n'est pas un(e) {WORD_FIELDS[name].lower()} connu(e).")
        else:
            record.values[name] = found.value


def normalise(raw: dict, column_of: dict[str, str],
              listing_type: ListingType = ListingType.venue) -> CanonicalRecord:
    """Clean every mapped value; an unusable value is a row error (identity and position) or a
    warning naming its column (everything else)."""
    record = CanonicalRecord(values={})
    prices: dict[str, Price | None] = {}
    price_words = None  # a price cell that says more than its amounts
    for name, value in raw.items():
        column = column_of.get(name, name)
        if isinstance(value, str) and value and not value[0].isalnum():  # (a formula starts with a sign)
            try:
                reject_formula(value, name)
            except FieldError as exc:
                record.errors.append(RowError(column, exc.value, exc.message))
                continue
        try:
            if name in PRICE_COLUMNS:
                prices[name] = parse_price(value, name)
                if prices[name] is not None and prices[name].noted:  # kept in the partner's words
                    price_words = _text(value, name, 500)
            elif name in SEASON and raw.get(SEASON[name]) in (None, "") and (season := parse_season(value, name)):
                record.values["season_start"], record.values["season_end"] = season
            elif name in PARSERS:
                record.values[name] = PARSERS[name](value)
                if name in MARKUP_FIELDS and isinstance(value, str) and "<" in value \
                        and (removed := removed_markup(value, rich=name == "description")):
                    record.warnings.append(f"« {column} » : {removed}.")
            elif name == "postal_code":
                record.values[name] = normalise_postal_code(value)
                if record.values[name] is None:
                    raise FieldError(name, value, f"Code postal invalide : « {value} ».")
            elif name == "insee_code":
                record.values[name] = normalise_insee_code(value)
                if record.values[name] is None:
                    raise FieldError(name, value, f"Code INSEE invalide : « {value} ».")
            elif name == "schedule":
                record.values[name] = parse_schedule(value)
                rhythm = _rhythm(value)
                if record.values[name] and rhythm:
                    record.warnings.append(f"« {column} » : « {rhythm} » n'est pas chaque semaine ; les créneaux "
                                           "sont enregistrés comme hebdomadaires, précisez le rythme dans la "
                                           "description.")
            elif name == "timings":
                problems: list[str] = []
                record.values[name] = parse_timings(value, problems)
                record.warnings += [f"« {column} » : {problem}" for problem in problems]
            elif name in ("disciplines", "tags", "audiences", "accessibility"):
                record.values[name] = _as_list(value, split=name != "disciplines")
        except FieldError as exc:
            _problem(record, exc.field or name, column_of.get(exc.field or name, column), exc.value, exc.message)
    _range_in_one_column(record, raw)
    _apply_prices(record, prices, column_of)
    if price_words and not record.values.get("price_notes"):  # the partner's own details first
        record.values["price_notes"] = price_words
    _split_postal_town(record)
    _resolve_words(record, raw, listing_type, column_of)
    try:
        point = parse_point(raw.get("latitude"), raw.get("longitude"), raw.get("lat_lon"))
        record.values["point"] = (point.lon, point.lat) if point else None
        if point and point.projected:
            record.values["point_projected"] = True  # checked against the declared commune when located
    except FieldError as exc:
        field_name = exc.field or "point"
        if field_name not in column_of and "lat_lon" in column_of:
            field_name = "lat_lon"
        column = column_of.get(field_name, field_name)
        if field_name == "point":  # the pair: both its columns
            column = " / ".join(column_of.get(name, name) for name in ("latitude", "longitude"))
        _problem(record, "point", column, exc.value, exc.message)
        record.values["point"] = None
    if record.values.get("timings"):
        _local_times(record)
    slugs, free_tags = [], list(record.values.get("tags", []))
    for text in record.values.get("disciplines", []):
        found, left = match_disciplines(text)
        slugs += [s for s in found if s not in slugs]
        free_tags += [t for t in left if t not in free_tags]
    for tag in record.values.get("tags", []):  # an agenda's keywords, a theme: « danse », « chorale »
        slugs += [s for s in match_disciplines(tag)[0] if s not in slugs]
    record.values["disciplines"], record.values["tags"] = slugs, free_tags
    refused = {error.column for error in record.errors}  # a name refused is not also « missing »
    for error in validate_record(record.values):
        column = column_of.get(error.field, error.field)
        if not (column in refused and error.value in (None, "", [])):
            _problem(record, error.field, column, error.value, error.message)
    _publics(record, listing_type, column_of)
    return record


def _rhythm(schedule: object) -> str | None:
    """The rhythm other than every week a schedule states: in its text (« un jeudi sur deux »),
    or on the slots of a structured source that could not date it (« chaque mois »)."""
    if isinstance(schedule, str):
        return schedule[:80] if NOT_WEEKLY.search(schedule) else None
    if isinstance(schedule, list):
        return next((slot["rhythm"] for slot in schedule if isinstance(slot, dict) and slot.get("rhythm")), None)
    return None


def _range_in_one_column(record: CanonicalRecord, raw: dict) -> None:
    """An age range in the only age column (« 12-15 ans » mapped to the minimum age) gives both
    ages, not its first alone."""
    for given, other in (("age_min", "age_max"), ("age_max", "age_min")):
        if record.values.get(given) is None or raw.get(other) not in (None, "") or not isinstance(raw[given], str):
            continue
        try:
            age = parse_int(raw[given], other)
        except FieldError:
            continue  # « dès 8 ans » is a minimum only
        low, high = (record.values[given], age) if given == "age_min" else (age, record.values[given])
        if age is not None and low < high:
            record.values[other] = age


# « 93000 Bobigny », « Bobigny (93000) », « 93000 - Bobigny »: a postal code and a town in one cell.
DIGIT_END = ")0123456789"
POSTAL_TOWN = re.compile(r"^\s*(\d{5})\s*[-,]?\s+(\D.*?)\s*$|^\s*(\D.*?)\s*[(,-]\s*(\d{5})\s*\)?\s*$")


def _split_postal_town(record: CanonicalRecord) -> None:
    name = record.values.get("commune_name")
    match = POSTAL_TOWN.match(name) if isinstance(name, str) and (name[:1].isdigit() or name[-1:] in DIGIT_END) \
        else None
    if match:
        postal, town = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        record.values["commune_name"] = town
        record.values.setdefault("postal_code", postal)


PARIS = ZoneInfo("Europe/Paris")


def _overseas(record: CanonicalRecord) -> str | None:
    """The overseas territory (its 3-digit code) of a record's codes, or else of its point."""
    code = record.values.get("insee_code") or record.values.get("postal_code")
    if isinstance(code, str):
        return overseas_territory(code)
    point = record.values.get("point")
    return territory_at(*point) if point else None


def _local_times(record: CanonicalRecord) -> None:
    """Times written without a zone are read as Paris time; at a place overseas (Saint-Denis de
    La Réunion, by its codes or its point), they are that place's time. Times given with their
    offset are left as they are."""
    zone = OVERSEAS_ZONES.get(_overseas(record) or "")
    if zone is None:
        return
    local = ZoneInfo(zone)

    def moved(moment):
        return moment.replace(tzinfo=local) if moment is not None and moment.tzinfo is PARIS else moment

    record.values["timings"] = [(moved(begin), moved(end)) for begin, end in record.values["timings"]]


def _apply_prices(record: CanonicalRecord, prices: dict[str, Price | None], column_of: dict[str, str]) -> None:
    """Price cells as partners write them (« 120 €/an », « de 30 à 150 € », « Gratuit »): a
    single price column gives the lowest and highest amounts; a minimum and a maximum column,
    each its own. Free when every amount is 0 (« Gratuit » is 0); not free when a cell says
    « Payant » without an amount; the period when stated, in the cells or else in the price
    columns' headers (« Tarif annuel »)."""
    if not prices:
        return
    given = [price for price in prices.values() if price is not None]
    if not given:
        return
    low, high = prices.get("price_min"), prices.get("price_max")
    if low is not None and low.minimum is not None:
        record.values["price_min"] = low.minimum
    if high is not None and high.maximum is not None:
        record.values["price_max"] = high.maximum
    elif low is not None and low.maximum is not None and low.maximum != low.minimum:
        record.values["price_max"] = low.maximum
    amounts = [price.maximum for price in given if price.maximum is not None]
    if record.values.get("is_free") is None:
        if amounts and max(amounts) == 0:  # every amount 0 (« Gratuit »): a « 0 » minimum beside 50 € is not
            record.values["is_free"] = True
        elif not amounts and any(price.free is False for price in given):
            record.values["is_free"] = False  # « Payant », no amount
    period = next((price.period for price in given if price.period), None)  # a PricePeriod value
    if period is None and (record.values.get("price_min") or record.values.get("price_max")):
        headers = {header_period(column_of.get(name)) for name in prices} - {None}
        period = headers.pop() if len(headers) == 1 else None
    if period and not record.values.get("price_period"):  # a period column of its own wins
        record.values["price_period"] = period


def _publics(record: CanonicalRecord, listing_type: ListingType, column_of: dict[str, str]) -> None:
    """Audience and accessibility phrases → columns of the listing type; what they cannot hold
    stays in the partner's words (audiences as free tags, accessibility as notes)."""
    values = record.values
    phrases = values.pop("audiences", None) or []
    left = phrases
    if phrases and listing_type is ListingType.activity:
        found = resolve_audiences(phrases)
        values["audiences"], left = list(found.codes), found.left
        low = values["age_min"] if values.get("age_min") is not None else found.age_min
        high = values["age_max"] if values.get("age_max") is not None else found.age_max
        if low is None or high is None or low <= high:  # ages written in their own columns win
            values.update({name: age for name, age in (("age_min", low), ("age_max", high)) if age is not None})
    values["tags"] += [phrase for phrase in left if phrase not in values["tags"]]
    access = values.pop("accessibility", None)
    if access:
        found = resolve_accessibility(listing_type, access, column_of.get("accessibility"))
        values["access"] = {column: flag for column, flag in found.columns.items() if flag is not None}
        if found.notes:
            values["accessibility_notes"] = found.notes
