"""Relevance over demo data: the real libraries and cinemas of Seine-Saint-Denis from the
partner files, plus the activities listed in queries.json, scored on the queries there.

    .venv/bin/python bench/search/relevance.py [--database-url URL]

Prints recall@10 and nDCG@10 (graded by the order of `expected`) per query and overall.
"""
from __future__ import annotations

import argparse
import json
import math
from datetime import datetime, time, timezone
from pathlib import Path

from common import make_app, partner_seeds, start_database

HERE = Path(__file__).resolve().parent


def load(app, spec) -> None:
    from sqlalchemy import insert, select, text

    from portal.activities.models import Activity, ActivitySlot, activity_discipline
    from portal.extensions import db
    from portal.venues.models import Venue

    session = db.session
    now = datetime.now(timezone.utc)
    communes = {c[0]: c for c in session.execute(text("SELECT insee_code, postal_codes FROM commune "
                                                       "WHERE departement_code = '93'"))}
    by_postal = {p: code for code, postals in communes.values() for p in postals}
    venues = {}
    for i, seed in enumerate(partner_seeds(Path(app.config["DATA_DIR"]), departements=("93",))):
        code = seed["insee"] if seed["insee"] in communes else by_postal.get(seed["postal_code"])
        venue_id = session.execute(insert(Venue).returning(Venue.id), {
            "name": seed["name"], "slug": f"lieu-{i}", "kind": seed["kind"], "commune_code": code,
            "location": f"SRID=4326;POINT({seed['lon']} {seed['lat']})", "location_precision": "given",
            "moderation_status": "published", "last_verified_at": now}).scalar_one()
        venues.setdefault(seed["name"].lower(), venue_id)
    disciplines = dict(session.execute(text("SELECT slug, id FROM discipline")).all())
    for i, item in enumerate(spec["activities"]):
        age = item.get("age") or [None, None]
        activity_id = session.execute(insert(Activity).returning(Activity.id), {
            "title": item["title"], "slug": f"activite-{i}", "kind": "regular_class",
            "venue_id": venues.get(item["venue"].lower()), "moderation_status": "published",
            "last_verified_at": now, "is_free": item.get("free", False), "price_min": item.get("price"),
            "age_min": age[0], "age_max": age[1]}).scalar_one()
        session.execute(insert(activity_discipline), {"activity_id": activity_id,
                                                      "discipline_id": disciplines[item["discipline"]]})
        session.execute(insert(ActivitySlot), {"activity_id": activity_id, "weekday": item["weekday"],
                                               "starts_at": time(item["hour"], 0)})
    session.commit()


def ndcg(found: list[str], expected: list[str], k: int = 10) -> float:
    gains = {title: len(expected) - i for i, title in enumerate(expected)}
    dcg = sum(gains.get(title, 0) / math.log2(rank + 2) for rank, title in enumerate(found[:k]))
    ideal = sum(g / math.log2(rank + 2) for rank, g in enumerate(sorted(gains.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    spec = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
    url, cluster = start_database(args.database_url)
    try:
        app = make_app(url)
        from portal.extensions import db
        from search import service
        from search.backends.base import SearchQuery
        from search.backends.postgres import PostgresBackend
        from search.indexer import rebuild
        from search.text import fold

        with app.app_context():
            load(app, spec)
            count = rebuild(db.session, PostgresBackend(lambda: db.session))
            db.session.commit()
        print(f"{count} documents; {len(spec['queries'])} queries\n")
        recalls, ndcgs = [], []
        with app.test_request_context():
            for item in spec["queries"]:
                hits = service.search(SearchQuery(text=item["q"], per_page=10)).hits
                found = list(dict.fromkeys(fold(h.document["title"]) for h in hits))
                expected = [fold(title) for title in item["expected"]]
                recall = len(set(found) & set(expected)) / len(expected)
                score = ndcg(found, expected)
                recalls.append(recall)
                ndcgs.append(score)
                flag = "" if recall == 1 else "   ← missing: " + ", ".join(t for t in expected if t not in found)
                print(f"  {item['q']:35s} recall@10 {recall:4.2f}  nDCG@10 {score:4.2f}{flag}")
        print(f"\nmean recall@10 {sum(recalls) / len(recalls):.3f}   mean nDCG@10 {sum(ndcgs) / len(ndcgs):.3f}")
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()
