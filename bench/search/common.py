"""Bench plumbing: a throwaway PostGIS cluster (or --database-url), the app on it, real seeds.

Benches print figures; they are not tests. Nothing here touches the development database.
"""
from __future__ import annotations

import csv
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

IDF = ("75", "77", "78", "91", "92", "93", "94", "95")


def start_database(url: str | None):
    """(url, cluster or None): a separate bench cluster unless a URL is given."""
    if url:
        return url, None
    from tests.support.services import PostgisCluster

    cluster = PostgisCluster().start()
    return cluster.url, cluster


def make_app(url: str, **config):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.geo.loader import load_reference_geography
    from portal.vocabulary.api import load_disciplines

    app = create_app({"DATABASE_URL": url, "REDIS_URL": "", "SEARCH_PROCESS_AFTER_COMMIT": False,
                      "GEO_DEPARTEMENTS": ",".join(IDF), **config})
    with app.app_context():
        upgrade()
        if not db.session.execute(db.text("SELECT count(*) FROM commune")).scalar_one():
            load_reference_geography(db.session, Path(app.config["REFERENCE_DATA_DIR"]))
            load_disciplines(db.session)
        db.session.remove()
    return app


def _float(value: str) -> float | None:
    try:
        return float(value.replace(",", ".").strip())
    except (ValueError, AttributeError):
        return None


def partner_seeds(data_dir: Path, departements=IDF) -> list[dict]:
    """Real venues (name, kind, lon, lat, insee or postal code) from the partner files."""
    seeds = []
    libraries = data_dir / "partners" / "adresses_des_bibliotheques_publiques_prepared.csv"
    if libraries.is_file():
        with libraries.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                lon, lat = _float(row.get("Longitude", "")), _float(row.get("Latitude", ""))
                if row.get("code_departement", "").zfill(2) in departements and lon and lat:
                    seeds.append({"name": row["nom_de_l_etablissement"].strip(), "kind": "library", "lon": lon,
                                  "lat": lat, "postal_code": (row.get("CP") or "").zfill(5), "insee": None,
                                  "address": row.get("Adresse")})
    cinemas = data_dir / "partners" / "etablissements-cinematographiques.csv"
    if cinemas.is_file():
        with cinemas.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                lon, lat = _float(row.get("longitude", "")), _float(row.get("latitude", ""))
                insee = (row.get("code INSEE") or "").strip().zfill(5)
                if insee[:2] in departements and lon and lat:
                    seeds.append({"name": row["nom"].strip().title(), "kind": "cinema", "lon": lon, "lat": lat,
                                  "postal_code": None, "insee": insee, "address": (row.get("adresse") or "").title()})
    return seeds


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def rng(seed: int = 7) -> random.Random:
    return random.Random(seed)
