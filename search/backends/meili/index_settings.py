"""The Meilisearch index settings: kept as JSON in git (search/settings/listings.json), diffed
against the live index so `apply_settings` only sends — and reindexes for — what changed.

Synonyms are generated from portal.vocabulary.data.SEARCH_SYNONYMS so the vocabulary stays the
single source of truth: `python -m search.backends.meili.index_settings` rewrites them in the
JSON file, `--check` fails when the file is out of date (the test suite checks it too).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SETTINGS_PATH = Path(__file__).resolve().parents[2] / "settings" / "listings.json"

# Meilisearch stores these as sets and answers them sorted: order is meaningless.
SET_KEYS = frozenset({"stopWords", "filterableAttributes", "sortableAttributes"})
# Meilisearch answers these objects with every sub-key filled in; we only own the ones we set.
OBJECT_KEYS = frozenset({"typoTolerance", "pagination", "faceting"})


def load_settings(path: Path = SETTINGS_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def synonyms_from_vocabulary(groups: list[list[str]] | None = None) -> dict[str, list[str]]:
    """Every term of a group maps to every other term: Meilisearch synonyms are one-way, so a
    two-way group needs one entry per term. A term in several groups gets the union."""
    if groups is None:
        from portal.vocabulary.data import SEARCH_SYNONYMS
        groups = SEARCH_SYNONYMS
    synonyms: dict[str, list[str]] = {}
    for group in groups:
        terms = [term.strip().lower() for term in group if term.strip()]
        for term in terms:
            others = synonyms.setdefault(term, [])
            others.extend(other for other in terms if other != term and other not in others)
    return {term: others for term, others in sorted(synonyms.items()) if others}


def _normalise(key: str, value, desired=None):
    """The comparable form of a setting value (live or desired)."""
    if value is None:
        return None
    if key in SET_KEYS:
        return sorted(json.dumps(item, sort_keys=True) for item in value)
    if key == "synonyms":
        return {term: sorted(others) for term, others in value.items()}
    if key in OBJECT_KEYS and isinstance(value, dict) and isinstance(desired, dict):
        return {sub: _normalise_object(value.get(sub), desired[sub]) for sub in desired}
    return value


def _normalise_object(value, desired):
    if isinstance(desired, dict) and isinstance(value, dict):
        return {sub: _normalise_object(value.get(sub), desired[sub]) for sub in desired}
    return value


def diff_settings(live: dict, desired: dict) -> dict[str, dict]:
    """{key: {"from": live value, "to": desired value}} for every desired key that differs."""
    changed = {}
    for key, wanted in desired.items():
        current = live.get(key)
        if _normalise(key, current, wanted) != _normalise(key, wanted, wanted):
            changed[key] = {"from": current, "to": wanted}
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the synonyms of the Meilisearch settings "
                                                 "from portal/vocabulary/data.py.")
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument("--path", type=Path, default=SETTINGS_PATH)
    args = parser.parse_args(argv)
    settings = load_settings(args.path)
    synonyms = synonyms_from_vocabulary()
    if args.check:
        if settings.get("synonyms") != synonyms:
            print(f"{args.path}: synonyms out of date, run python -m search.backends.meili.index_settings")
            return 1
        return 0
    settings["synonyms"] = synonyms
    args.path.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{args.path}: {len(synonyms)} synonym entries written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
