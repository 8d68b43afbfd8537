"""The reference geography loaded from the real files (once per session, by the app fixture)."""
import json
import shutil

import pytest
from sqlalchemy import func, select, text

from portal.geo.loader import GeoDataError, load_reference_geography
from portal.geo.models import Commune, Departement


def test_seine_saint_denis_has_39_communes_and_its_2026_population(db_session):
    count, population = db_session.execute(
        select(func.count(), func.sum(Commune.population)).where(Commune.departement_code == "93")
    ).one()
    assert count == 39
    assert population == 1_704_316
    assert db_session.get(Departement, "93").population == 1_704_316


def test_ile_de_france_communes_all_have_boundaries(db_session):
    with_boundary = db_session.scalar(
        select(func.count()).where(Commune.region_code == "11", Commune.boundary.is_not(None))
    )
    assert with_boundary >= 1265


def test_pierrefitte_boundary_is_merged_into_saint_denis(db_session):
    assert db_session.get(Commune, "93059") is None
    saint_denis = db_session.get(Commune, "93066")
    assert "93059" in saint_denis.former_codes
    assert saint_denis.former_names == ["pierrefitte sur seine"]  # its name too, as the lookup compares names
    # A point in the former Pierrefitte-sur-Seine (its town hall) now lies in Saint-Denis.
    inside = db_session.scalar(text(
        "SELECT ST_Contains(boundary, ST_SetSRID(ST_MakePoint(2.3614, 48.9655), 4326)) "
        "FROM commune WHERE insee_code = '93066'"
    ))
    assert inside


def test_communes_carry_ept_and_postal_codes(db_session):
    montreuil = db_session.get(Commune, "93048")
    assert montreuil.name == "Montreuil"
    assert montreuil.ept_name == "Est Ensemble"
    assert "93100" in montreuil.postal_codes
    assert db_session.get(Commune, "93013").name == "Le Bourget"


def test_loading_twice_changes_nothing(db_session, data_dir):
    report = load_reference_geography(db_session, data_dir / "reference")
    assert report.changed == {"region": 0, "departement": 0, "commune": 0}
    assert report.communes_with_boundary >= 1265


def _copy_reference(data_dir, tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(data_dir / "reference", target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def test_a_bare_feature_is_accepted_as_a_boundary_file(db_session, data_dir, tmp_path):
    target = _copy_reference(data_dir, tmp_path)
    for path in target.glob("communes-*.geojson"):
        path.unlink()
    collection = json.loads((data_dir / "reference" / "communes-ile-de-france.geojson").read_text())
    montreuil = next(f for f in collection["features"] if f["properties"]["code"] == "93048")
    (target / "communes-montreuil.geojson").write_text(json.dumps(montreuil))
    report = load_reference_geography(db_session, target)
    assert report.communes_with_boundary == 1
    assert db_session.scalar(text("SELECT count(*) FROM commune WHERE boundary IS NOT NULL")) >= 1


@pytest.mark.parametrize("damage, expected", [
    (lambda d: (d / "communes.json").unlink(), "communes.json : fichier introuvable"),
    (lambda d: (d / "communes.json").write_text('[{"code": "93048", "nom": '), "communes.json : fichier illisible"),
    (lambda d: (d / "communes-ile-de-france.geojson").write_text('{"type": "Point"}'),
     "communes-ile-de-france.geojson : ce n'est ni un Feature"),
    (lambda d: (d / "communes-ile-de-france.geojson").write_bytes(b"\xff\xfe\x00garbage"),
     "communes-ile-de-france.geojson : fichier illisible"),
    (lambda d: (d / "regions.json").write_text("[{\"code\": \"11\"}]"), "regions.json : l'enregistrement n° 1"),
])
def test_a_missing_or_corrupt_file_is_named_and_nothing_changes(db_session, data_dir, tmp_path, damage, expected):
    target = _copy_reference(data_dir, tmp_path)
    damage(target)
    db_session.execute(text("UPDATE commune SET population = 1 WHERE insee_code = '93048'"))
    before = db_session.execute(text("SELECT md5(string_agg(insee_code || coalesce(population, 0)::text, ',' "
                                      "ORDER BY insee_code)) FROM commune")).scalar_one()
    with pytest.raises(GeoDataError) as error:
        load_reference_geography(db_session, target)
    assert expected in str(error.value)
    after = db_session.execute(text("SELECT md5(string_agg(insee_code || coalesce(population, 0)::text, ',' "
                                     "ORDER BY insee_code)) FROM commune")).scalar_one()
    assert before == after


def test_the_cli_reports_a_missing_directory_clearly(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["geo", "load", "--data-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "dossier de données de référence introuvable" in result.output
