"""Template helpers for listing pages (labels in the current language, URLs)."""
from __future__ import annotations

from flask_babel import format_date, get_locale

from portal.discovery import labels, presenters


def discipline_label(discipline) -> str:
    return discipline.label_en if str(get_locale() or "fr") == "en" else discipline.label_fr


def init_app(app) -> None:
    app.jinja_env.globals.update(
        listing_url=presenters.listing_url,
        detail_url=presenters.detail_url,
        kind_label=lambda v: labels.label(labels.KINDS, v),
        status_label=lambda v: labels.label(labels.STATUSES, v),
        level_label=lambda v: labels.label(labels.LEVELS, v),
        discipline_label=discipline_label,
        timing_text=presenters.timing_text,
        format_date=format_date,
    )
    app.jinja_env.filters["audience_label"] = lambda v: labels.label(labels.AUDIENCES, v)
    init_filters(app)


def _weekday_label(value) -> str:
    try:
        return str(labels.WEEKDAYS[int(value)])
    except (ValueError, IndexError, TypeError):
        return str(value)


def init_filters(app) -> None:
    app.jinja_env.filters["weekday_label"] = _weekday_label
