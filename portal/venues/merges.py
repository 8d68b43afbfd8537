"""What a venue takes on from the venues merged into it (their pages redirect to it)."""
from __future__ import annotations


def united(listing, merged: list | tuple, relation: str) -> list:
    """The listing's disciplines or tags (`relation`), then those only the venues merged into
    it have (a merge loses no discipline); venues their own source has since withdrawn
    (archived) add none."""
    found = {item.id: item for item in getattr(listing, relation)}
    for other in merged:
        if other.archived_at is None:
            for item in getattr(other, relation):
                found.setdefault(item.id, item)
    return list(found.values())
