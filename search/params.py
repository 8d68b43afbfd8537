"""URL parameters → SearchQuery, shared by the JSON API and the HTML results page.

Each bad parameter gets its own French message, so a page can show it beside the field and
an API client knows which value to fix. Repeated parameters and comma lists both work
(`discipline=danse&discipline=theatre` or `discipline=danse,theatre`).
"""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from portal.geo.names import match_name, normalise_insee_code
from portal.listings.enums import ActivityKind, Level, ResourceKind, VenueKind
from search.backends.base import ACCESSIBILITY, SORTS, SearchQuery
from search.understanding import PERIODS, WEEKDAYS

MAX_PER_PAGE = 100
MAX_RADIUS_KM = 200
TYPES = ("venue", "activity", "resource")
TYPE_WORDS = {"lieu": "venue", "lieux": "venue", "activite": "activity", "activites": "activity",
              "ressource": "resource", "ressources": "resource"}
KINDS = {k.value for enum in (VenueKind, ActivityKind, ResourceKind) for k in enum}
PRICE_BANDS = ("free", "under_10", "10_50", "50_200", "over_200")
DAY_PERIODS = ("morning", "afternoon", "evening")
LEVELS = tuple(level.value for level in Level)
TRUE_WORDS, FALSE_WORDS = {"1", "true", "oui", "on", "yes"}, {"0", "false", "non", "off", "no"}


def _values(args: MultiDict, name: str) -> list[str]:
    return [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]


def _number(raw: str, kind=float):
    return kind(raw.strip().replace(",", ".") if kind is float else raw.strip())


def _choices(args, name, allowed, errors, label, aliases=None) -> list[str]:
    chosen = []
    for value in _values(args, name):
        value = (aliases or {}).get(match_name(value), value)
        if value not in allowed:
            errors[name] = f"{label} inconnu : « {value} » (valeurs possibles : {', '.join(sorted(allowed))})."
            return []
        chosen.append(value)
    return chosen


def _float(args, name, errors, message, low=None, high=None) -> float | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = _number(raw)
    except ValueError:
        errors[name] = message
        return None
    if (low is not None and value < low) or (high is not None and value > high) or value != value:
        errors[name] = message
        return None
    return value


def _int(args, name, errors, message, low, high) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = message
        return None
    if not low <= value <= high:
        errors[name] = message
        return None
    return value


def _bbox(args, errors) -> tuple[float, float, float, float] | None:
    raw = args.get("bbox", "").strip()
    if not raw:
        return None
    message = ("La zone (bbox) doit être « lon_min,lat_min,lon_max,lat_max » en degrés, "
               "avec lon_min < lon_max et lat_min < lat_max.")
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        errors["bbox"] = message
        return None
    if len(values) != 4:
        errors["bbox"] = message
        return None
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        errors["bbox"] = message
        return None
    return min_lon, min_lat, max_lon, max_lat


def _communes(args, errors, resolve_commune) -> list[str]:
    codes = []
    for value in _values(args, "commune"):
        code = normalise_insee_code(value) if any(c.isdigit() for c in value) else None
        if code is None and resolve_commune is not None:
            code = resolve_commune(value)
        if code is None:
            errors["commune"] = f"Commune introuvable : « {value} » (code INSEE ou nom)."
            return []
        codes.append(code)
    return codes


def _weekdays(args, errors) -> list[int]:
    days = []
    for value in _values(args, "weekday"):
        folded = match_name(value)
        if folded.isdigit() and 0 <= int(folded) <= 6:
            days.append(int(folded))
        elif folded in WEEKDAYS:
            days.append(WEEKDAYS[folded])
        else:
            errors["weekday"] = f"Jour inconnu : « {value} » (lundi … dimanche, ou 0 … 6)."
            return []
    return sorted(set(days))


def _free(args, errors) -> bool | None:
    raw = args.get("free", "").strip().lower()
    if not raw:
        return None
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    errors["free"] = "« free » vaut oui ou non (1 ou 0)."
    return None


def query_from_args(args: MultiDict, resolve_commune=None) -> tuple[SearchQuery, dict[str, str]]:
    """The query and the errors (parameter → French message); `resolve_commune(name)` turns
    a commune name into its INSEE code (None when unknown)."""
    errors: dict[str, str] = {}
    query = SearchQuery(text=args.get("q", "")[:200])
    lat = _float(args, "lat", errors, "La latitude (lat) doit être un nombre entre -90 et 90.", -90, 90)
    lon = _float(args, "lon", errors, "La longitude (lon) doit être un nombre entre -180 et 180.", -180, 180)
    if (lat is None) != (lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lat" if lat is None else "lon"] = "Donnez la latitude et la longitude ensemble (lat et lon)."
    elif lat is not None and lon is not None:
        query.point = (lon, lat)
    query.radius_km = _float(args, "radius_km", errors,
                             f"Le rayon (radius_km) doit être un nombre de kilomètres entre 0 et {MAX_RADIUS_KM}.",
                             0.1, MAX_RADIUS_KM)
    if query.radius_km is not None and query.point is None and not {"lat", "lon", "radius_km"} & errors.keys():
        errors["radius_km"] = "Un rayon (radius_km) demande un point (lat et lon)."
    query.bbox = _bbox(args, errors)
    query.communes = _communes(args, errors, resolve_commune)
    query.disciplines = _values(args, "discipline")
    query.kinds = _choices(args, "kind", KINDS, errors, "Type d'offre")
    query.listing_types = _choices(args, "type", set(TYPES), errors, "Catégorie", TYPE_WORDS)
    query.age = _int(args, "age", errors, "L'âge (age) doit être un nombre entier entre 0 et 120.", 0, 120)
    query.weekdays = _weekdays(args, errors)
    periods = {match_name(k): v for k, v in PERIODS.items()}
    query.day_periods = _choices(args, "period", set(DAY_PERIODS), errors, "Moment de la journée", periods)
    query.free = _free(args, errors)
    query.price_bands = _choices(args, "price", set(PRICE_BANDS), errors, "Tranche de prix")
    query.levels = _choices(args, "level", set(LEVELS), errors, "Niveau")
    query.accessibility = _choices(args, "accessibility", set(ACCESSIBILITY), errors, "Accessibilité")
    sort = args.get("sort", "relevance").strip() or "relevance"
    if sort not in SORTS:
        errors["sort"] = f"Tri inconnu : « {sort} » (valeurs possibles : {', '.join(SORTS)})."
    elif sort == "distance" and query.point is None:
        errors["sort"] = "Le tri par distance demande un point (lat et lon)."
    else:
        query.sort = sort
    query.page = _int(args, "page", errors, "La page (page) doit être un nombre entier à partir de 1.", 1, 10_000) or 1
    query.per_page = _int(args, "per_page", errors,
                          f"Le nombre de résultats par page (per_page) va de 1 à {MAX_PER_PAGE}.",
                          1, MAX_PER_PAGE) or 20
    return query, errors
