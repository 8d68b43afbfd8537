"""The commune lookup everything else uses, on the real reference data."""
import pytest

from portal.geo.lookup import CommuneIndex, communes_at_points
from portal.geo.repository import find_commune


@pytest.mark.parametrize("evidence, expected", [
    ({"postal_code": "93380"}, "93066"),            # Pierrefitte's postal code, now Saint-Denis
    ({"name": "Bourget"}, "93013"),                 # the boundary file's name, without its article
    ({"name": "Le Bourget"}, "93013"),
    ({"name": "BOURGET (LE)"}, "93013"),
    ({"code": "93059"}, "93066"),                   # former code
    ({"code": "2220"}, "02220"),                    # leading zero lost by a spreadsheet
    ({"code": "93048.0"}, "93048"),                 # integer written as a float
    ({"code": "75108"}, "75056"),                   # Paris arrondissement code
    ({"name": "Saint-Denis", "postal_code": "93200"}, "93066"),
    ({"name": "l'ile saint denis"}, "93039"),
    ({"name": "Bobigny Cedex", "postal_code": "93006"}, "93008"),     # a CEDEX code and its suffix
    ({"name": "SAINT-DENIS CEDEX 1", "postal_code": "93205"}, "93066"),
    ({"lon": 2.4397, "lat": 48.8610}, "93048"),    # a point in Montreuil
    # Communes merged into another, by their own (delegated) name.
    ({"name": "Pierrefitte-sur-Seine"}, "93066"),
    ({"name": "Bellegarde-sur-Valserine", "postal_code": "01200"}, "01033"),   # Valserhône
    ({"name": "Cherbourg-Octeville"}, "50129"),     # Cherbourg-en-Cotentin
    ({"name": "Annecy-le-Vieux"}, "74010"),         # Annecy
    ({"name": "Marennes", "postal_code": "17320"}, "17219"),  # Marennes-Hiers-Brouage, not Marennes (69)
    ({"name": "Marennes"}, "69281"),                # a current name first
    # Spellings: ligatures, « lez », arrondissements written out, Corsica's 20xxx codes.
    ({"name": "Joeuf"}, "54280"), ({"name": "JŒUF"}, "54280"), ({"name": "Mons-en-Baroeul"}, "59410"),
    ({"name": "Saint-Christol-lez-Alès"}, "30243"),
    ({"name": "Paris 11e"}, "75056"), ({"name": "PARIS XIe"}, "75056"),
    ({"name": "Lyon 7e arrondissement"}, "69123"), ({"name": "Marseille 3ème"}, "13055"),
    ({"name": "Ajaccio", "postal_code": "20700"}, "2A004"),
])
def test_find_commune(db_session, evidence, expected):
    commune = find_commune(**evidence)
    assert commune is not None and commune.insee_code == expected


@pytest.mark.parametrize("evidence", [
    {"name": "Saint-Denis"},          # also in La Réunion: ambiguous without more evidence
    {"code": "99999"},
    {"code": "not a code"},
    {"postal_code": "1"},
    {"lon": -40.0, "lat": 10.0},      # the Atlantic: never a commune
    {"name": "Laval", "postal_code": "38190"},  # Laval (53) has no such code: no guess
])
def test_find_commune_refuses_to_guess(db_session, evidence):
    assert find_commune(**evidence) is None


def test_index_resolves_in_memory_and_points_in_batches(db_session):
    index = CommuneIndex.load(db_session)
    assert index.resolve(insee="93059").insee_code == "93066"
    assert index.resolve(name="Dugny", postal_code="93440").insee_code == "93030"
    # Montreuil, Dugny, and a point off the coast (no commune).
    assert communes_at_points(db_session, [(2.4397, 48.8610), (2.4164, 48.9535), (-3.0, 47.0)]) == [
        "93048", "93030", None]


def test_points_far_from_every_boundary_are_answered_without_the_database(db_session, monkeypatch):
    index = CommuneIndex.cached(db_session)
    west, south, east, north = index.extent
    assert west < 2.4164 < east and south < 48.9535 < north  # the loaded boundaries (Seine-Saint-Denis…)
    points = [(2.4397, 48.8610), (-3.0, 47.0), (2.4164, 48.9535), (5.37, 43.30)]  # … Marseille has none
    sent = []
    execute = db_session.execute
    monkeypatch.setattr(db_session, "execute", lambda *a, **k: sent.append(a[1]) or execute(*a, **k))
    assert communes_at_points(db_session, points, index.extent) == ["93048", None, "93030", None]
    assert [len(params["lons"]) for params in sent] == [2]
