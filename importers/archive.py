"""Records a full feed stopped listing: flagged missing, archived after a grace period,
never deleted (a partner's accidental partial export must not erase its listings)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, update

from importers.models import ImportItem, ItemStatus
from importers.upsert import MODELS
from search.queue import enqueue


def archive_missing(session, run_id: int, source, seen: set[str], now: datetime, grace_days: int) -> int:
    model = MODELS[source.listing_type]
    active = (model.source_id == source.id) & model.archived_at.is_(None) & model.external_id.is_not(None)
    not_seen = ~model.external_id.in_(seen) if seen else True
    session.execute(update(model).where(active, not_seen, model.missing_since.is_(None)).values(missing_since=now))
    archived = session.execute(
        update(model)
        .where(active, not_seen, model.missing_since <= now - timedelta(days=grace_days))
        .values(archived_at=now)
        .returning(model.id, model.external_id)
    ).all()
    if archived:
        session.execute(insert(ImportItem), [
            {"run_id": run_id, "row_number": 0, "external_id": external_id, "status": ItemStatus.archived,
             "listing_id": listing_id, "errors": [],
             "warnings": [f"Absent du flux depuis plus de {grace_days} jours : archivé."]}
            for listing_id, external_id in archived
        ])
        enqueue(session, source.listing_type, [listing_id for listing_id, _ in archived])
    return len(archived)
