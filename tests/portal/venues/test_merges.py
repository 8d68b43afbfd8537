"""A venue takes on the disciplines and tags of the venues merged into it, except withdrawn ones."""
from types import SimpleNamespace

from portal.venues.merges import united


def _item(ident, label):
    return SimpleNamespace(id=ident, label=label)


def test_the_survivor_s_own_first_then_what_only_merged_venues_have():
    theatre, danse, chant = _item(1, "Théâtre"), _item(2, "Danse"), _item(3, "Chant")
    survivor = SimpleNamespace(disciplines=[theatre])
    merged = [SimpleNamespace(disciplines=[danse, theatre], archived_at=None),
              SimpleNamespace(disciplines=[chant], archived_at="2026-01-01")]  # withdrawn by its source
    assert [d.label for d in united(survivor, merged, "disciplines")] == ["Théâtre", "Danse"]
    assert united(survivor, [], "disciplines") == [theatre]
