"""Turn rows into the phrases a page shows: prices, weekly slots, ages, accessibility."""
from __future__ import annotations

from decimal import Decimal

from flask import url_for
from flask_babel import format_date, gettext as _

from portal.discovery import labels

PATHS = {"venue": "discovery.venue", "activity": "discovery.activity", "resource": "discovery.resource"}


def listing_type_of(listing) -> str:
    return {"Venue": "venue", "Activity": "activity", "Resource": "resource"}[type(listing).__name__]


def title_of(listing) -> str:
    return getattr(listing, "name", None) or listing.title


def detail_url(listing_type: str, listing_id: int, slug: str, external: bool = False) -> str:
    return url_for(PATHS[listing_type], ident=f"{listing_id}-{slug}", _external=external)


def listing_url(listing, external: bool = False) -> str:
    return detail_url(listing_type_of(listing), listing.id, listing.slug, external)


def _euros(value: Decimal | float) -> str:
    value = Decimal(str(value))
    text = f"{value:.0f}" if value == value.to_integral() else f"{value:.2f}".replace(".", ",")
    return f"{text} €"


def price_text(listing) -> str | None:
    if getattr(listing, "is_free", None):
        return _("Gratuit")
    low, high = getattr(listing, "price_min", None), getattr(listing, "price_max", None)
    if low is None and high is None:
        return None
    if low is not None and high is not None and high != low:
        amount = _("de %(low)s à %(high)s", low=_euros(low), high=_euros(high))
    elif low is None:  # a ceiling alone (« jusqu'à 15 € »): not the price everyone pays
        amount = _("jusqu'à %(high)s", high=_euros(high))
    else:
        amount = _euros(low)
    if listing.price_period:
        amount = _("%(amount)s pour %(period)s", amount=amount,
                   period=labels.label(labels.PRICE_PERIODS, listing.price_period))
    return amount


def ages_text(activity) -> str | None:
    low, high = activity.age_min, activity.age_max
    if low is not None and high is not None:
        return _("de %(low)s à %(high)s ans", low=low, high=high)
    if low is not None:
        return _("à partir de %(low)s ans", low=low)
    if high is not None:
        return _("jusqu'à %(high)s ans", high=high)
    return None


def _clock_text(value) -> str:
    """« 9 h », « 18 h 30 », « 0 h 30 »: the hour without a leading zero, as French writes it."""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def slot_rows(activity) -> list[tuple[str, str]]:
    """(day, hours) per weekly slot; an end before the start is the next day's (« 22 h à 1 h »)."""
    rows = []
    for slot in activity.slots:
        day = str(labels.WEEKDAYS[slot.weekday])
        hours = _clock_text(slot.starts_at)
        if slot.ends_at is not None:
            hours = _("%(start)s à %(end)s", start=hours, end=_clock_text(slot.ends_at))
        rows.append((day, hours))
    return rows


def season_text(activity) -> str | None:
    if activity.season_start and activity.season_end:
        return _("du %(start)s au %(end)s", start=format_date(activity.season_start, "long"),
                 end=format_date(activity.season_end, "long"))
    return None


def timing_text(timing) -> str:
    """Local Paris time, the way people say it: "mercredi 24 septembre 2025 à 18:00"."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime as babel_datetime
    from flask_babel import get_locale

    local = timing.begins_at.astimezone(ZoneInfo("Europe/Paris"))
    pattern = "EEEE d MMMM y 'à' HH:mm" if str(get_locale() or "fr") == "fr" else "EEEE d MMMM y 'at' HH:mm"
    return babel_datetime(local, pattern, tzinfo=ZoneInfo("Europe/Paris"), locale=str(get_locale() or "fr"))


def venue_accessibility(venue) -> list[str]:
    if venue is None:
        return []
    pairs = [(venue.access_motor, labels.ACCESSIBILITY["motor"]), (venue.access_visual, labels.ACCESSIBILITY["visual"]),
             (venue.access_hearing, labels.ACCESSIBILITY["hearing"]),
             (venue.access_mental, labels.ACCESSIBILITY["mental"]),
             (venue.step_free_entrance, _("Entrée de plain-pied")), (venue.has_lift, _("Ascenseur")),
             (venue.accessible_toilets, _("Toilettes adaptées")),
             (venue.accessible_parking, _("Stationnement adapté"))]
    return [str(text) for flag, text in pairs if flag]


def activity_accessibility(activity) -> list[str]:
    """The activity's own families (those its venue does not already show) and services."""
    venue = getattr(activity, "venue", None)
    pairs = [(getattr(activity, attr) and not (venue is not None and getattr(venue, attr)), key)
             for attr, key in (("access_motor", "motor"), ("access_visual", "visual"),
                               ("access_hearing", "hearing"), ("access_mental", "mental"))]
    pairs += [(activity.has_lsf, "lsf"), (activity.has_audio_description, "audio_description"),
             (activity.has_hearing_loop, "hearing_loop"), (activity.has_easy_read, "easy_read"),
             (activity.has_subtitles, "subtitles"), (activity.is_relaxed_session, "relaxed")]
    return [str(labels.ACCESSIBILITY[key]) for flag, key in pairs if flag]


def accessibility_notes(listing, venue) -> list[str]:
    """What the partner wrote beyond the flags: the listing's own notes, then its venue's."""
    notes = [getattr(listing, "accessibility_notes", None)]
    if venue is not None and venue is not listing:
        notes.append(venue.accessibility_notes)
    return [note for note in dict.fromkeys(notes) if note]


def verified_text(listing) -> str | None:
    if listing.last_verified_at is None:
        return None
    return format_date(listing.last_verified_at, "long")


def source_text(listing, merged: list | tuple = ()) -> str:
    """Where the information comes from: the import source, else the organisation; with the
    sources of the venues merged into it (both provenances are kept)."""
    names = []
    for item in (listing, *merged):
        name = _source_name(item)
        if name and name not in names:
            names.append(name)
    if names:
        return ", ".join(names)
    if listing.organization is not None:
        return listing.organization.name
    return _("saisie sur Boussole")


def _source_name(listing) -> str | None:
    source = getattr(listing, "source_id", None)
    if not source:
        return None
    from importers.models import ImportSource
    from portal.extensions import db

    row = db.session.get(ImportSource, source)
    return None if row is None else getattr(row, "name", None) or str(row.id)


CONTACT_FIELDS = ("organization", "website", "email", "phone")


def contact_of(listing, merged: list | tuple = ()) -> dict:
    """How to get in touch: the listing's own details, each completed from the venues merged
    into it when the listing lacks it (a merge loses no phone number)."""
    return {name: next((getattr(item, name) for item in (listing, *merged) if getattr(item, name, None)), None)
            for name in CONTACT_FIELDS}
