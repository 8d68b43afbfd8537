"""Scheduled pulls of partner feeds: a source with a feed URL and a cron expression is due
when a scheduled time has passed since its last run started (or it never ran)."""
from __future__ import annotations

from datetime import datetime, timezone

from croniter import croniter
from sqlalchemy import func, select

from importers.models import ImportRun, ImportSource


class ScheduleError(ValueError):
    pass


def check_schedule(expression: str) -> str:
    if not croniter.is_valid(expression):
        raise ScheduleError(f"« {expression} » n'est pas une expression cron valide (ex. « 0 3 * * * »).")
    return expression


def due_sources(session, now: datetime | None = None) -> list[ImportSource]:
    now = now or datetime.now(timezone.utc)
    last = dict(session.execute(
        select(ImportRun.source_id, func.max(ImportRun.started_at))
        .where(ImportRun.dry_run.is_(False))  # a simulation stores nothing: the feed is still due
        .group_by(ImportRun.source_id)
    ).all())
    due = []
    for source in session.scalars(select(ImportSource).where(ImportSource.feed_url.is_not(None),
                                                              ImportSource.schedule.is_not(None))):
        previous = last.get(source.id)
        if previous is None:
            due.append(source)
            continue
        next_time = croniter(source.schedule, previous).get_next(datetime)
        if next_time <= now:
            due.append(source)
    return due
