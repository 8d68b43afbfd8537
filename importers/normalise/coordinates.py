"""Coordinates: accept every way partners write a point, repair swapped latitude/longitude,
and refuse anything that is not in France. Boussole never invents a point: a refused point
leaves the listing to the geocoder (or without a pin), which is better than a wrong pin."""
from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from importers.normalise.errors import FieldError, is_blank, quote

# (name, lat_min, lat_max, lon_min, lon_max): generous boxes around each territory.
FRANCE_BOXES: tuple[tuple[str, float, float, float, float], ...] = (
    ("France métropolitaine et Corse", 41.2, 51.2, -5.3, 9.7),
    ("Guadeloupe", 15.8, 16.6, -61.9, -60.9),
    ("Martinique", 14.35, 14.95, -61.3, -60.75),
    ("Guyane", 2.0, 5.9, -54.7, -51.5),
    ("La Réunion", -21.45, -20.8, 55.15, 55.9),
    ("Mayotte", -13.1, -12.55, 44.9, 45.35),
    ("Saint-Pierre-et-Miquelon", 46.7, 47.2, -56.5, -56.0),
    ("Saint-Barthélemy et Saint-Martin", 17.85, 18.15, -63.2, -62.75),
    ("Wallis-et-Futuna", -14.5, -13.1, -178.3, -176.0),
    ("Polynésie française", -28.0, -7.8, -154.8, -134.4),
    ("Nouvelle-Calédonie", -23.0, -19.5, 163.5, 168.2),
)
# Lambert-93 (EPSG:2154), the official projection of metropolitan France, in which many public
# files give their points as X/Y metres: generous bounds of its eastings and northings.
LAMBERT93_X = (98_900.0, 1_300_000.0)  # Ouessant is at 99 000; postal codes stop at 98 890
LAMBERT93_Y = (6_000_000.0, 7_200_000.0)
_NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)?")
# One number whose thousands are grouped by a space, a no-break space (U+00A0) or a narrow
# no-break space (U+202F), as French spreadsheets write Lambert-93 metres: « 6 866 150,20 ».
_GROUPED = re.compile(r"[-+−]?(?:\d{1,3}(?:\s\d{3})+|\d+)(?:[.,]\d+)?")
_PAIR_SEPARATOR = re.compile(r"\s*[;|/\t]\s*|,\s+")
# Degrees, minutes, seconds as French files write them: 48°56'8"N, 48° 56' 08,5" N, N 48°56.133',
# 48°56′8″N (primes), 2°21'14"O (ouest); the hemisphere letter (or word) comes first or last.
_HEMISPHERE = r"(?:nord|north|sud|south|est|east|ouest|west|[nseow])"
_DMS = re.compile(
    rf"(?P<pre>{_HEMISPHERE})?\s*(?P<sign>[-+−])?\s*(?P<deg>\d+(?:[.,]\d+)?)\s*"
    r"(?:[°º˚]\s*(?:(?P<min>\d+(?:[.,]\d+)?)\s*['′’´]\s*"
    r"(?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:''|′′|[\"″”“])?)?)?)?"
    rf"\s*(?P<post>{_HEMISPHERE})?", re.IGNORECASE)
# What a plain decimal number never has: a letter, a degree or minute mark (most cells have none).
_NOT_PLAIN = re.compile(r"[^\d\s.,+\-−]")
# Between the two coordinates of a one-column pair: a comma, semicolon, bar, slash or spaces.
_DMS_SEPARATOR = re.compile(r"\s*[,;|/\t]\s*|\s+")


def in_france(lon: float, lat: float) -> bool:
    return any(lat_min <= lat <= lat_max and lon_min <= lon <= lon_max
               for _, lat_min, lat_max, lon_min, lon_max in FRANCE_BOXES)


def _number(value: object, field: str) -> float:
    if isinstance(value, bool):
        raise FieldError(field, value, f"{quote(value)} n'est pas une coordonnée.")
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
    else:
        text = str(value).replace("\ufeff", "").replace("\x00", "").replace("°", "").strip()
        text = "".join(text.replace("−", "-").split()).replace(",", ".")  # no-break spaces too
        try:
            number = float(text)
        except ValueError:
            raise FieldError(field, value, f"{quote(value)} n'est pas une coordonnée (nombre décimal attendu, "
                                           "ou degrés, minutes et secondes comme 48°51'24\"N).") from None
    if not math.isfinite(number):
        raise FieldError(field, value, f"{quote(value)} n'est pas une coordonnée.")
    return number


def _dms_match(text: str) -> re.Match[str] | None:
    """The whole text as one coordinate in the _DMS syntax (values unchecked), a single letter."""
    text = " ".join(text.replace("\ufeff", "").replace("\x00", "").split())  # no long runs to backtrack
    match = _DMS.fullmatch(text)
    return None if match is None or (match["pre"] and match["post"]) else match


def _is_dms(match: re.Match[str]) -> bool:
    """Minutes or a hemisphere letter: what a plain number (48.5 or 48.5°) does not have."""
    return bool(match["min"] or match["pre"] or match["post"])


def _from_dms(match: re.Match[str], value: object, field: str) -> tuple[float, str | None]:
    """(signed degrees, axis) of a _DMS match: axis 'lat' for N/S, 'lon' for E/O/W, else None."""
    degrees, minutes, seconds = match["deg"], match["min"], match["sec"]
    if (minutes and not degrees.isdigit()) or (seconds and not minutes.isdigit()):
        raise FieldError(field, value, f"{quote(value)} : seule la dernière valeur (degrés, minutes ou "
                                       "secondes) peut avoir des décimales.")
    for part, name in ((minutes, "minutes"), (seconds, "secondes")):
        if part and float(part.replace(",", ".")) >= 60:
            raise FieldError(field, value, f"{quote(value)} : les {name} doivent être inférieures à 60 (ici {part}).")
    number = sum(float(part.replace(",", ".")) / unit
                 for part, unit in ((degrees, 1), (minutes, 60), (seconds, 3600)) if part)
    written = match["pre"] or match["post"] or ""
    letter = written[:1].upper().replace("O", "W")
    sign = match["sign"]
    if sign and letter and (sign == "+") != (letter in "NE"):  # -2°21'O is west twice: accepted
        raise FieldError(field, value, f"{quote(value)} : le signe « {sign} » contredit la lettre « {written} » "
                                       "(le nord et l'est sont positifs, le sud et l'ouest négatifs).")
    axis = "lat" if letter in ("N", "S") else "lon" if letter else None
    label, limit = {"lat": ("latitude", 90), "lon": ("longitude", 180)}.get(axis, ("coordonnée", 180))
    if number > limit:
        raise FieldError(field, value, f"{quote(value)} : {label} hors limites ({limit}° au plus).")
    negative = (sign is not None and sign != "+") or letter in ("S", "W")
    return round(-number if negative else number, 7), axis


def _coordinate(value: object, field: str) -> tuple[float, str | None]:
    """(degrees, axis) of a number, or of degrees-minutes-seconds whose letter names the axis."""
    if type(value) is str:  # most cells: a decimal number as Python writes one
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number, None
    match = _dms_match(value) if isinstance(value, str) and _NOT_PLAIN.search(value) else None
    if match is None or not _is_dms(match):
        return _number(value, field), None  # plain numbers (and 48.5°) as before
    return _from_dms(match, value, field)


def _dms_pair(text: str) -> tuple[str, str] | None:
    """The two halves of « 48°56'8"N, 2°21'14"E » or « N 48°56,1' E 2°21,2' » when a single
    split gives two coordinates, one at least with minutes or a letter; None otherwise."""
    text = " ".join(text.replace("\ufeff", "").split()).strip("()[]").strip()
    if len(text) > 120:  # far longer than « 48° 56' 08,5" Nord, 2° 21' 14,2" Est »: not a pair
        return None
    found = []
    for separator in _DMS_SEPARATOR.finditer(text):
        first, second = text[: separator.start()], text[separator.end():]
        first_match, second_match = _dms_match(first), _dms_match(second)
        if first_match and second_match and (_is_dms(first_match) or _is_dms(second_match)):
            found.append((first, second))
    return found[0] if len(found) == 1 else None


def _split_pair(value: object) -> tuple[object, object]:
    """'48.87, 2.30', '48,87;2,30', '(48.87, 2.30)', [48.87, 2.30], {'lat':…, 'lon':…}."""
    if isinstance(value, dict):
        lat = value.get("lat", value.get("latitude"))
        lon = value.get("lon", value.get("lng", value.get("longitude")))
        if lat is None or lon is None:
            raise FieldError("lat_lon", value, "Il faut une latitude et une longitude.")
        return lat, lon
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise FieldError("lat_lon", value, "Il faut exactement deux nombres : latitude, longitude.")
        return value[0], value[1]
    dms = _dms_pair(str(value))
    if dms:
        return dms
    numbers = _NUMBER.findall(str(value))
    if len(numbers) != 2:
        grouped = _grouped_pair(str(value))
        if grouped is None:
            raise FieldError("lat_lon", value,
                             f"{quote(value)} : il faut deux nombres « latitude, longitude » (ex. 48.8566, 2.3522).")
        return grouped
    return numbers[0], numbers[1]


MAX_PAIR_WORDS = 12  # « 6 866 150,20 658 360,50 » has 5


def _grouped_pair(text: str) -> tuple[str, str] | None:
    """Two numbers with grouped thousands: « 6 866 150,20 ; 658 360,50 », or separated by
    spaces only (« 6 866 150,20 658 360,50 ») when a single split gives two numbers; None
    when no split, or more than one, does (« 123 456 789 012 » could be read two ways)."""
    text = text.replace("\ufeff", "").strip().strip("()[]").strip()
    parts = _PAIR_SEPARATOR.split(text)
    if len(parts) == 2:
        splits = [(parts[0], parts[1])]
    else:
        words = text.split()  # every kind of space, no-break ones included
        if len(words) > MAX_PAIR_WORDS:
            return None  # no pair of coordinates (and each split would be tried: a hostile cell)
        splits = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    found = [pair for pair in splits if _GROUPED.fullmatch(pair[0]) and _GROUPED.fullmatch(pair[1])]
    return found[0] if len(found) == 1 else None


def is_lambert93(x: float, y: float) -> bool:
    return LAMBERT93_X[0] <= x <= LAMBERT93_X[1] and LAMBERT93_Y[0] <= y <= LAMBERT93_Y[1]


@lru_cache(maxsize=1)
def _lambert93_transformer():
    from pyproj import Transformer  # loaded on the first projected point only

    return Transformer.from_crs(2154, 4326, always_xy=True)


def _from_lambert93(lat: float, lon: float) -> tuple[float, float] | None:
    """(lat, lon) in degrees for metres given as (Y, X), or swapped as (X, Y); None otherwise."""
    for x, y in ((lon, lat), (lat, lon)):
        if is_lambert93(x, y):
            lon_deg, lat_deg = _lambert93_transformer().transform(x, y)
            return round(lat_deg, 7), round(lon_deg, 7)
    return None


class Point(NamedTuple):
    """A point in France in degrees, and whether it was written in Lambert-93 metres."""

    lon: float
    lat: float
    projected: bool = False


def _orient(first: tuple[float, str | None], second: tuple[float, str | None],
            fields: tuple[str, str], raws: tuple[object, object]) -> tuple[float, float, bool]:
    """(lat, lon, lettered) from the latitude-then-longitude coordinates: N/S and E/O/W letters
    decide which is which (a swapped pair is put back); without any, the order given stands."""
    (a, axis_a), (b, axis_b) = first, second
    if axis_a and axis_a == axis_b:
        if axis_a == "lat":
            raise FieldError(fields[1], raws[1], f"{quote(raws[1])} : N et S désignent une latitude ; "
                                                 "la longitude s'écrit avec E, O ou W.")
        raise FieldError(fields[0], raws[0], f"{quote(raws[0])} : E, O et W désignent une longitude ; "
                                             "la latitude s'écrit avec N ou S.")
    if axis_a == "lon" or axis_b == "lat":
        return b, a, True
    return a, b, bool(axis_a or axis_b)


def _check(lat: float, lon: float, field: str, raw: object, lettered: bool = False) -> Point:
    """(lat, lon) as given → the point in France, swapping back a swapped pair (unless N/S/E/O
    letters named them); Lambert-93 metres (X/Y columns of many public files) become degrees."""
    projected = False
    if abs(lat) > 180 or abs(lon) > 180:
        converted = _from_lambert93(lat, lon)
        if converted:
            (lat, lon), projected = converted, True
    if lat == 0 and lon == 0:
        raise FieldError(field, raw, "Les coordonnées (0, 0) ne désignent aucun lieu : elles sont ignorées.")
    if in_france(lon, lat):
        return Point(lon, lat, projected)
    if in_france(lat, lon):
        if lettered:  # the letters say which is which: never swap against them
            raise FieldError(field, raw, f"{quote(raw)} : ce point n'est pas en France (il le serait en échangeant "
                                         "latitude et longitude, mais les lettres N, S, E, O disent le contraire).")
        return Point(lat, lon, projected)  # latitude and longitude were swapped
    valid_as_given = abs(lat) <= 90 and abs(lon) <= 180
    valid_swapped = abs(lon) <= 90 and abs(lat) <= 180
    if not (valid_as_given or valid_swapped):
        raise FieldError(field, raw, f"{quote(raw)} : coordonnées hors limites (latitude entre -90 et 90, "
                                     "longitude entre -180 et 180, ou X/Y en Lambert-93).")
    raise FieldError(field, raw, f"{quote(raw)} : ce point n'est pas en France.")


def parse_point(latitude: object = None, longitude: object = None, lat_lon: object = None) -> Point | None:
    """The point from separate columns or one 'lat, lon' column; None when nothing is given."""
    has_lat, has_lon = not is_blank(latitude), not is_blank(longitude)
    if has_lat and has_lon:
        lat, lon, lettered = _orient(_coordinate(latitude, "latitude"), _coordinate(longitude, "longitude"),
                                     ("latitude", "longitude"), (latitude, longitude))
        return _check(lat, lon, "point", f"{latitude}, {longitude}", lettered)  # the pair is at fault
    if not is_blank(lat_lon):
        raw_lat, raw_lon = _split_pair(lat_lon)
        lat, lon, lettered = _orient(_coordinate(raw_lat, "lat_lon"), _coordinate(raw_lon, "lat_lon"),
                                     ("lat_lon", "lat_lon"), (lat_lon, lat_lon))
        return _check(lat, lon, "lat_lon", lat_lon, lettered)
    if has_lat:
        raise FieldError("longitude", longitude, "La latitude est donnée sans longitude.")
    if has_lon:
        raise FieldError("latitude", latitude, "La longitude est donnée sans latitude.")
    return None


def parse_coordinates(latitude: object = None, longitude: object = None,
                      lat_lon: object = None) -> tuple[float, float] | None:
    """(lon, lat) from separate columns or one 'lat, lon' column; None when nothing is given."""
    point = parse_point(latitude, longitude, lat_lon)
    return (point.lon, point.lat) if point else None
