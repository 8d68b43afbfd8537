"""Facets of the results page: each engine facet as a titled group of checkboxes with
counts, named like the URL parameters search.params reads."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy import select

from portal.discovery import labels

# engine facet → (URL parameter, group title)
FACET_PARAMS = {
    "listing_type": ("type", _l("Type de fiche")),
    "disciplines": ("discipline", _l("Discipline")),
    "kind": ("kind", _l("Genre")),
    "audiences": ("audience", _l("Public")),
    "price_band": ("price", _l("Prix")),
    "weekdays": ("weekday", _l("Jour")),
    "day_periods": ("period", _l("Moment de la journée")),
    "level": ("level", _l("Niveau")),
    "accessibility": ("accessibility", _l("Accessibilité")),
    "commune_code": ("commune", _l("Commune")),
}
PARAM_TITLES = {param: title for param, title in FACET_PARAMS.values()}
PARAM_TITLES.update({"age": _l("Âge"), "free": _l("Gratuit"), "sort": _l("Tri"), "radius_km": _l("Distance")})

OPEN_BY_DEFAULT = {"disciplines", "weekdays", "day_periods", "audiences", "price_band"}
# Long facets (communes of a national search…) show their most frequent values and the
# checked ones; the rest is one line, so that the page stays within its weight budget.
MAX_OPTIONS = 12


@dataclass
class Option:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class Facet:
    name: str
    param: str
    title: str
    options: list[Option]
    open: bool
    hidden: int = 0


LABEL_TABLES = {
    "listing_type": labels.LISTING_TYPES, "kind": labels.KINDS, "audiences": labels.AUDIENCES,
    "price_band": labels.PRICE_BANDS, "day_periods": labels.DAY_PERIODS, "level": labels.LEVELS,
    "accessibility": labels.ACCESSIBILITY,
}


def _weekday(value) -> str:
    return str(labels.WEEKDAYS[int(value)]).capitalize() if str(value).isdigit() and int(value) < 7 else str(value)


def _labeller(name: str):
    if name == "weekdays":
        return _weekday
    if name in LABEL_TABLES:
        return lambda v: labels.label(LABEL_TABLES[name], v)
    return str


def _names(name: str, values: list[str]) -> dict[str, str]:
    """Disciplines and communes are labelled from the database, in one query each."""
    from portal.extensions import db

    if name == "disciplines" and values:
        from portal.vocabulary.models import Discipline

        english = str(get_locale() or "fr") == "en"
        rows = db.session.execute(select(Discipline.slug, Discipline.label_en if english else Discipline.label_fr)
                                  .where(Discipline.slug.in_(values))).all()
        return dict(rows)
    if name == "commune_code" and values:
        from portal.geo.models import Commune

        return dict(db.session.execute(select(Commune.insee_code, Commune.name)
                                       .where(Commune.insee_code.in_(values))).all())
    return {}


def build_facets(engine_facets: dict[str, dict[str, int]], args) -> list[Facet]:
    facets = []
    for name, (param, title) in FACET_PARAMS.items():
        counts = engine_facets.get(name) or {}
        chosen = set(args.getlist(param))
        if not counts and not chosen:
            continue
        label_of = _labeller(name)
        values = list(counts)
        values += [v for v in chosen if v not in counts]
        if name == "weekdays":
            values.sort(key=lambda v: int(v) if str(v).isdigit() else 99)
        elif name not in ("day_periods",):
            values.sort(key=lambda v: -counts.get(v, 0))
        values = [v for v in values if v not in ("", None)]
        shown = [v for i, v in enumerate(values) if i < MAX_OPTIONS or str(v) in chosen]
        if name == "is_free":
            continue
        labelled = _names(name, shown) if name in ("disciplines", "commune_code") else {}
        options = [Option(str(v), labelled.get(v) or label_of(v), counts.get(v, 0), str(v) in chosen) for v in shown]
        facets.append(Facet(name, param, str(title), options, name in OPEN_BY_DEFAULT or bool(chosen),
                            hidden=len(values) - len(shown)))
    return facets
