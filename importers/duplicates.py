"""Possible duplicates across sources, for a human to merge or dismiss.

Two venues are candidates when their normalised names are ≥ 70 % similar and they lie
within 100 m, or when they share the same address in the same commune, however abbreviated
(« 12, av. J. Jaurès » is « 12 avenue J Jaures »; see migration 0009). Merging keeps both
rows (and so both provenances: a re-import still finds its own row) and redirects the
merged one to the survivor.
"""
from __future__ import annotations

from sqlalchemy import select, text, update

from importers.bulk import any_ids
from importers.models import DuplicateCandidate
from portal.listings.enums import ListingType
from portal.venues.models import Venue

NAME_SIMILARITY = 0.7
DISTANCE_M = 100


# Venues a run touched: those it wrote, or the places of the activities or resources it wrote
# (an agenda's places are venues too, and often a registry's venues under another name).
TOUCHED = {
    ListingType.venue: "SELECT v.* FROM venue v JOIN import_item i ON i.listing_id = v.id",
    ListingType.activity: "SELECT DISTINCT v.* FROM venue v JOIN activity l ON l.venue_id = v.id "
                          "JOIN import_item i ON i.listing_id = l.id",
    ListingType.resource: "SELECT DISTINCT v.* FROM venue v JOIN resource l ON l.venue_id = v.id "
                          "JOIN import_item i ON i.listing_id = l.id",
}


# What the search filters venues on: fresh statistics of these (the point's above all) keep the
# planner on the GiST index when thousands of new rows are joined.
SEARCHED_COLUMNS = "location, source_id, commune_code, location_precision, merged_into_id, archived_at"


def find_duplicates(session, listing_type: ListingType, run_id: int, source_id: int, analyze: bool = False) -> int:
    """Record candidates between venues created or updated by this run and venues of other
    sources; `analyze` when the run wrote many rows (statistics first)."""
    if listing_type is ListingType.venue and not _others_exist(session, source_id):
        return 0  # the first source of venues: nothing to compare its venues with (saves a probe per venue)
    if analyze:
        session.execute(text(f"ANALYZE venue ({SEARCHED_COLUMNS})" if listing_type is ListingType.venue
                             else f"ANALYZE {listing_type.value}"))
    result = session.execute(text(f"""
        WITH touched AS (
            {TOUCHED[listing_type]} AND i.run_id = :run_id AND i.status IN ('created', 'updated')
            WHERE v.merged_into_id IS NULL
        ), near AS (
            SELECT t.id AS a, o.id AS b,
                   similarity(lower(unaccent(t.name)), lower(unaccent(o.name))) AS name_similarity,
                   ST_Distance(t.location, o.location) AS distance_m, 'proximity' AS reason
            FROM touched t
            JOIN venue o ON ST_DWithin(t.location, o.location, :distance)
                        AND o.id <> t.id AND o.source_id IS DISTINCT FROM t.source_id
                        AND o.merged_into_id IS NULL AND o.archived_at IS NULL
                        -- a commune's centre is where a venue of unknown place is put, not a place
                        AND o.location_precision <> 'municipality'
            WHERE t.location_precision <> 'municipality'
        ), same_address AS (
            SELECT t.id AS a, o.id AS b,
                   similarity(lower(unaccent(t.name)), lower(unaccent(o.name))) AS name_similarity,
                   ST_Distance(t.location, o.location) AS distance_m, 'address' AS reason
            FROM touched t
            JOIN venue o ON o.commune_code = t.commune_code
                        -- the house numbers first (cheap), then the whole addresses as spelled out
                        AND substring(o.address from '^\\s*(\\d+)')
                            IS NOT DISTINCT FROM substring(t.address from '^\\s*(\\d+)')
                        AND address_key(o.address) = address_key(t.address)
                        AND o.id <> t.id AND o.source_id IS DISTINCT FROM t.source_id
                        AND o.merged_into_id IS NULL AND o.archived_at IS NULL
        ), pairs AS (
            SELECT * FROM near WHERE name_similarity::numeric >= :similarity  -- (a float4: 0.7 is 0.69999…)
            UNION ALL
            SELECT * FROM same_address
        )
        INSERT INTO duplicate_candidate (listing_type, first_id, second_id, name_similarity, distance_m, reason)
        SELECT 'venue', least(a, b), greatest(a, b), name_similarity, distance_m, reason FROM pairs
        ON CONFLICT DO NOTHING
        RETURNING id
    """), {"run_id": run_id, "distance": DISTANCE_M, "similarity": NAME_SIMILARITY})
    return len(result.all())


def _others_exist(session, source_id: int) -> bool:
    """Whether a live venue of another source (or of none: entered by hand) exists."""
    return session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM venue WHERE source_id IS DISTINCT FROM :source "
        "AND merged_into_id IS NULL AND archived_at IS NULL)"), {"source": source_id}).scalar_one()


def merged_into(session, venue_ids: list[int]) -> dict[int, int]:
    """{venue id: the venue it was merged into} for those of `venue_ids` that were merged."""
    if not venue_ids:
        return {}
    return dict(session.execute(select(Venue.id, Venue.merged_into_id)
                                .where(Venue.id == any_ids(venue_ids), Venue.merged_into_id.is_not(None))).all())


class ReviewError(Exception):
    """A decision that cannot be applied; the message is in French, for the reviewer."""


def pending(session, limit: int = 50) -> list[dict]:
    """Pairs waiting for a decision, most alike first, with what a reviewer compares: names,
    addresses, communes, sources. A pair whose venue has since been merged is left out."""
    return [dict(row) for row in session.execute(text("""
        SELECT c.id, c.reason, round(c.name_similarity * 100)::int AS similarity,
               round(c.distance_m)::int AS distance_m,
               a.id AS first_id, a.name AS first_name, a.address AS first_address, ca.name AS first_commune,
               sa.name AS first_source, b.id AS second_id, b.name AS second_name, b.address AS second_address,
               cb.name AS second_commune, sb.name AS second_source
        FROM duplicate_candidate c
        JOIN venue a ON a.id = c.first_id JOIN venue b ON b.id = c.second_id
        LEFT JOIN commune ca ON ca.insee_code = a.commune_code LEFT JOIN commune cb ON cb.insee_code = b.commune_code
        LEFT JOIN import_source sa ON sa.id = a.source_id LEFT JOIN import_source sb ON sb.id = b.source_id
        WHERE c.status = 'pending' AND c.listing_type = 'venue'
          AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL
          AND a.archived_at IS NULL AND b.archived_at IS NULL
        ORDER BY c.name_similarity DESC, c.distance_m NULLS LAST, c.id
        LIMIT :limit
    """), {"limit": limit}).mappings()]


def _candidate(session, candidate_id: int) -> DuplicateCandidate:
    # Locked: two reviewers deciding the same pair at once take turns.
    candidate = session.get(DuplicateCandidate, candidate_id, with_for_update=True)
    if candidate is None:
        raise ReviewError(f"Aucun doublon possible n° {candidate_id}.")
    if candidate.status != "pending":
        raise ReviewError(f"Le doublon possible n° {candidate_id} a déjà été traité ({candidate.status}).")
    pair = session.execute(select(Venue.id, Venue.merged_into_id)
                           .where(Venue.id.in_([candidate.first_id, candidate.second_id]))
                           .order_by(Venue.id).with_for_update()).all()
    merged = [venue_id for venue_id, merged_into in pair if merged_into is not None]
    if merged:
        raise ReviewError(f"Le lieu n° {merged[0]} a déjà été fusionné dans un autre : ce doublon n'a plus d'objet.")
    return candidate


def decide(session, candidate_id: int, keep_id: int | None) -> DuplicateCandidate:
    """Merge the pair into `keep_id`, or dismiss it when `keep_id` is None (it will not be
    proposed again: the pair stays recorded as dismissed)."""
    candidate = _candidate(session, candidate_id)
    if keep_id is None:
        candidate.status = "dismissed"
        session.flush()
        return candidate
    if keep_id not in (candidate.first_id, candidate.second_id):
        raise ReviewError(f"Le lieu à garder doit être l'un des deux : n° {candidate.first_id} "
                          f"ou n° {candidate.second_id}.")
    gone = session.execute(select(Venue.id, Venue.archived_at, Venue.merged_into_id).where(
        Venue.id.in_([candidate.first_id, candidate.second_id]))).all()
    if any(row.archived_at or row.merged_into_id for row in gone):
        raise ReviewError("L'un des deux lieux est archivé ou déjà fusionné depuis que la paire a été proposée : "
                          "elle ne peut plus être fusionnée (rejetez-la).")
    merge(session, candidate, keep_id)
    return candidate


def merge(session, candidate: DuplicateCandidate, keep_id: int) -> None:
    """Merge the pair into `keep_id`: the other venue redirects there, its activities move."""
    if keep_id not in (candidate.first_id, candidate.second_id):
        raise ValueError("keep_id must be one of the pair")
    gone_id = candidate.second_id if keep_id == candidate.first_id else candidate.first_id
    session.execute(update(Venue).where(Venue.id == gone_id).values(merged_into_id=keep_id))
    # Venues merged earlier into the one that goes now redirect straight to the survivor.
    session.execute(update(Venue).where(Venue.merged_into_id == gone_id).values(merged_into_id=keep_id))
    from search.queue import enqueue

    for listing_type in (ListingType.activity, ListingType.resource):  # moved: found at their new place
        moved = session.execute(text(f"UPDATE {listing_type.value} SET venue_id = :keep WHERE venue_id = :gone "
                                     "RETURNING id"), {"keep": keep_id, "gone": gone_id}).scalars().all()
        enqueue(session, listing_type, moved)
    candidate.status = "merged"
    enqueue(session, ListingType.venue, [keep_id, gone_id])
    session.flush()
