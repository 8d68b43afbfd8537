"""Records a full feed stopped listing: flagged missing, archived after a grace period,
never deleted (a partner's accidental partial export must not erase its listings). Records
the source says it deleted (OpenAgenda's removal stubs) are archived at once, by any feed."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, text

from importers.models import ImportItem, ItemStatus
from importers.keys import made_up_key
from importers.upsert import MODELS
from search.queue import enqueue


# A venue other live venues were merged into stands for them too: it stays while they are listed.
KEPT_BY_MERGED = ("AND NOT EXISTS (SELECT 1 FROM venue m WHERE m.merged_into_id = venue.id "
                  "AND m.archived_at IS NULL AND m.missing_since IS NULL)")


def archive_missing(session, run_id: int, source, missing_ids: list[int], now: datetime,
                    grace_days: int, listing_type=None) -> tuple[int, list[str]]:
    """Flag the records of `missing_ids` (known to the source, absent from this full run) as
    missing, and archive those missing for longer than the grace period. `listing_type`: the
    source's own, or venue for the places of an agenda's activities. Returns how many were
    archived, and the names of those this run newly flagged (for the partner to know now)."""
    if not missing_ids:
        return 0, []
    listing_type = listing_type or source.listing_type
    model = MODELS[listing_type]
    table = model.__tablename__
    label = _label(model)
    kept = KEPT_BY_MERGED if table == "venue" else ""
    params = {"ids": sorted(missing_ids), "now": now, "cutoff": now - timedelta(days=grace_days)}
    flagged = session.execute(text(
        f"UPDATE {table} SET missing_since = :now WHERE id = ANY(CAST(:ids AS integer[])) "
        f"AND archived_at IS NULL AND missing_since IS NULL RETURNING {label}"), params).scalars().all()
    archived = session.execute(text(
        f"UPDATE {table} SET archived_at = :now WHERE id = ANY(CAST(:ids AS integer[])) "
        f"AND archived_at IS NULL AND missing_since <= :cutoff {kept} RETURNING id, external_id, {label}"),
        params).all()
    return _reported(session, run_id, source, archived, f"absent du flux depuis plus de {grace_days} jours, archivé.",
                     listing_type), sorted(flagged)


# Why a source withdrew a record (openagenda.REMOVED values), as its archived item says it.
WITHDRAWN = {"deleted": "supprimé par la source, archivé.",
             "unpublished": "retiré de la publication par l'agenda (refusé ou en attente de modération), archivé."}


def archive_removed(session, run_id: int, source, withdrawn: list[tuple[int, str]], now: datetime) -> int:
    """Archive the records of `withdrawn` ((id, reason) pairs), which the source says it deleted
    or no longer publishes."""
    if not withdrawn:
        return 0
    model = MODELS[source.listing_type]
    label = _label(model)
    reasons = dict(withdrawn)
    archived = session.execute(text(
        f"UPDATE {model.__tablename__} SET archived_at = :now, missing_since = coalesce(missing_since, :now) "
        f"WHERE id = ANY(CAST(:ids AS integer[])) AND archived_at IS NULL RETURNING id, external_id, {label}"),
        {"ids": sorted(reasons), "now": now}).all()
    count = 0
    for reason, message in WITHDRAWN.items():
        count += _reported(session, run_id, source, [row for row in archived if reasons[row[0]] == reason], message)
    return count


def _label(model) -> str:
    """The column that names a listing: an activity's or resource's title, a venue's name."""
    return "title" if hasattr(model, "title") else "name"


def _reported(session, run_id: int, source, archived: list, message: str, listing_type=None) -> int:
    """One item per archived record: in no row of the file (row 0), named, with the source's
    id when it has one (not a key the import made up for it)."""
    if archived:
        session.execute(insert(ImportItem), [
            {"run_id": run_id, "row_number": 0, "external_id": None if made_up_key(external_id) else external_id,
             "status": ItemStatus.archived, "listing_id": listing_id, "errors": [], "warnings": [f"« {name} » : {message}"]}
            for listing_id, external_id, name in archived
        ])
        enqueue(session, listing_type or source.listing_type, [listing_id for listing_id, _, _ in archived])
    return len(archived)


def flagged_note(names: list[str], what: str, grace: int) -> str:
    shown = ", ".join(f"« {name} »" for name in names[:10]) + (" …" if len(names) > 10 else "")
    return f"{len(names)} {what} : {shown} ; archivage dans {grace} jours si le flux ne les redonne pas."


def replaced_note(stored: int, grace: int) -> str:
    """A full feed none of whose rows is a record already stored, all of which are missing: most
    likely the same records under new ids (another id column, another format), not a new list."""
    return (f"Attention : aucune des {stored} fiche(s) déjà importée(s) de cette source n'est dans ce fichier, dont "
            "toutes les lignes sont nouvelles. Si ce sont les mêmes lieux ou activités sous d'autres identifiants "
            "(autre colonne d'identifiant, autre format), corrigez la correspondance (--map \"COLONNE=external_id\") "
            f"et relancez : les anciennes fiches restent publiées {grace} jours avant d'être archivées.")
