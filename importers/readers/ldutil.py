"""Small helpers to walk linked-data-ish JSON (JSON-LD, OpenAgenda) without caring how each
producer spells a property: « schema:address », « address » and « https://schema.org/address »
are the same property here, a value may be a list, a {"@value": …} literal or a language map.
"""
from __future__ import annotations

import re

LANGS = ("fr", "fr-FR", "fr_FR", "en", "@none")
LANG_KEY = re.compile(r"^[a-z]{2}([-_][A-Za-z]{2})?$|^@none$")


def local(key: str) -> str:
    if key.startswith("@"):
        return key
    return re.split(r"[#/:]", key)[-1]


def prop(node: object, *names: str) -> object:
    """The first value of a property with one of these local names, or None."""
    if not isinstance(node, dict):
        return None
    for name in names:
        for key, value in node.items():
            if local(key) == name and value not in (None, "", [], {}):
                return value
    return None


def is_lang_map(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, str) and LANG_KEY.match(key) for key in value
    )


def first(value: object) -> object:
    """One scalar or node from a list / literal / language map (French preferred)."""
    if isinstance(value, list):
        french = [item for item in value if isinstance(item, dict) and item.get("@language", "").startswith("fr")]
        for item in french or value:
            picked = first(item)
            if picked not in (None, ""):
                return picked
        return None
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        if is_lang_map(value):
            for lang in LANGS:
                if value.get(lang) not in (None, "", []):
                    return first(value[lang])
            return first(next(iter(value.values())))
    return value


def text(value: object) -> str | None:
    picked = first(value)
    if picked is None or isinstance(picked, (dict, list)):
        return None
    return str(picked).strip() or None


def term(value: object) -> str | None:
    """The local name of an enumeration value, however it is written: « EventCancelled »,
    « schema:EventCancelled », « https://schema.org/EventCancelled » or {"@id": …}."""
    picked = first(value) if isinstance(value, list) else value
    if isinstance(picked, dict):
        picked = picked.get("@id") if isinstance(picked.get("@id"), str) else first(picked)
    if picked is None or isinstance(picked, (dict, list)):
        return None
    return re.split(r"[/:#]", str(picked).strip())[-1] or None


def texts(value: object) -> list[str]:
    """Every text of a multi-valued property (lists, language maps of lists, « a, b » strings)."""
    if is_lang_map(value):  # French first; another language when French is empty
        filled = {lang: item for lang, item in value.items() if item not in (None, "", [])}
        if not filled:
            return []
        value = next((filled[lang] for lang in LANGS if lang in filled), next(iter(filled.values())))
    items = value if isinstance(value, list) else [value]
    result: list[str] = []
    for item in items:
        if isinstance(item, dict) and not ("@value" in item or is_lang_map(item)):
            item = prop(item, "label", "name", "prefLabel")
        label = text(item)
        if label:
            result.append(label)
    if not isinstance(value, list) and len(result) == 1:
        result = [part.strip() for part in re.split(r"[,;]", result[0]) if part.strip()]
    return result


def node(value: object) -> dict | None:
    picked = first(value) if isinstance(value, list) else value
    return picked if isinstance(picked, dict) else None


def types(node_: dict) -> list[str]:
    raw = node_.get("@type") or node_.get("type") or []
    return [local(str(item)) for item in (raw if isinstance(raw, list) else [raw])]


def when(date: object, time: object = None) -> str | None:
    """An ISO date or date-time; a separate time is joined to its date as given (no zone invented)."""
    date_text = text(date)
    if not date_text:
        return None
    time_text = text(time)
    if time_text and "T" not in date_text:
        return f"{date_text[:10]}T{time_text}"
    return date_text


def compact(values: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}
