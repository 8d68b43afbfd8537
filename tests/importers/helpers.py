"""Shared helpers for pipeline tests."""
from __future__ import annotations

from sqlalchemy import text

from importers.options import ImportOptions
from importers.pipeline import ImportPipeline
from portal.listings.enums import ListingType

LISTING_TABLES = ("venue", "activity", "resource", "venue_discipline", "venue_tag", "tag", "activity_slot",
                  "activity_timing", "organization")


# An activity's dated occurrences in Paris time, « 2026-10-03 22:00 → 2026-10-04 02:00 » (SQL, for a
# query on « activity a »).
TIMINGS = """array(SELECT to_char(t.begins_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI') || ' → '
                       || coalesce(to_char(t.ends_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI'), '?')
                FROM activity_timing t WHERE t.activity_id = a.id ORDER BY t.begins_at) AS timings"""


def warnings_of(run) -> list[str]:
    """Every warning of a run's reported rows, in file order."""
    return [warning for item in run.report_items for warning in item["warnings"]]


def run_import(app, session, path, source="partenaire", kind=ListingType.venue, config=None, **options):
    settings = {**app.config, **(config or {})}
    return ImportPipeline(session, settings).run(path, ImportOptions(source=source, listing_type=kind, **options))


def fingerprint(session) -> dict[str, str]:
    """A digest of every listing table: equal fingerprints mean nothing stored was touched."""
    return {
        table: session.execute(text(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM {table} t"
        )).scalar_one()
        for table in LISTING_TABLES
    }
