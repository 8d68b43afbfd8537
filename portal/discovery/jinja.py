"""Template helpers for listing pages (labels in the current language, URLs)."""
from __future__ import annotations

from flask_babel import format_date, get_locale
from markupsafe import Markup

from importers.normalise.text import plain_text, sanitise_html
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


def rich_text(value) -> Markup:
    """A description as HTML: its paragraphs, emphasis, lists and links, cleaned again on the
    way out (whatever wrote it), nothing executable."""
    return Markup(sanitise_html(value) or "")


def init_filters(app) -> None:
    app.jinja_env.filters["weekday_label"] = _weekday_label
    app.jinja_env.filters["rich_text"] = rich_text
    app.jinja_env.filters["plain_text"] = lambda value: plain_text(value) or ""
