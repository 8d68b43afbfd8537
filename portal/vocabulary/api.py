"""Writes to the vocabulary: the idempotent load of the discipline list."""
from __future__ import annotations

from sqlalchemy import select

from portal.vocabulary.data import iter_disciplines
from portal.vocabulary.models import Discipline


def load_disciplines(session) -> int:
    """Insert or update every discipline; returns how many rows changed."""
    existing = {d.slug: d for d in session.scalars(select(Discipline))}
    changed = 0
    for slug, label_fr, label_en, synonyms, parent_slug, position in iter_disciplines():
        discipline = existing.get(slug)
        if discipline is None:
            discipline = Discipline(slug=slug)
            session.add(discipline)
            existing[slug] = discipline
        parent = existing[parent_slug] if parent_slug else None
        values = {"label_fr": label_fr, "label_en": label_en, "synonyms": list(synonyms),
                  "position": position, "parent": parent}
        if any(getattr(discipline, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(discipline, key, value)
            changed += 1
        session.flush()
    session.commit()
    return changed
