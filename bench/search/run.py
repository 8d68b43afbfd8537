"""Search latency over 100 000 listings scaled up from real records.

    .venv/bin/python bench/search/run.py [--database-url URL] [--listings 100000]

Venues are the libraries and cinemas of Île-de-France from the partner files (or, without
them, commune centroids), copied with jittered points and varied names until the count is
reached; activities and resources hang off them with varied disciplines, slots and prices.
Everything goes through the real path (rows → documents.py → postgres backend), into a
throwaway cluster unless --database-url is given. Prints p50/p95 per query class for the
service and for the HTTP endpoint under 20 concurrent clients, beside a primary-key lookup.
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time as dtime, timezone
from pathlib import Path

from common import ROOT, percentiles, rng, start_database, make_app, partner_seeds

TEXTS = ["théâtre", "chorale", "danse hip hop", "piano", "atelier d'écriture", "photo", "impro", "téâtre",
         "chorle", "bande dessinée", "poterie", "guitare", "slam", "cirque", "peinture", "jazz", "chant",
         "musique", "danse contemporaine", "mao", "cinéma", "médiathèque", "stage", "ados", "conte"]
PREFIXES = ["Espace", "Studio", "Salle", "Maison des pratiques", "Atelier", "Annexe", "Pôle culturel"]
TEMPLATES = ["Atelier de {l}", "Cours de {l}", "Stage de {l}", "{l} pour débutants", "{l} ados",
             "Initiation : {l}", "{l} adultes", "Ensemble {l} amateur", "Séance d'essai {l}", "{l} en famille"]
RESOURCE_TEMPLATES = [("rehearsal_room", "Salle de répétition {n}"), ("equipment_loan", "Prêt de matériel {l}"),
                      ("funding", "Aide aux pratiques {l}"), ("training", "Formation {l}"),
                      ("advice", "Conseils {l}"), ("network", "Réseau {l}")]
ACTIVITY_KINDS = ["regular_class", "short_course", "trial_session", "recruiting_group", "open_practice",
                  "amateur_event"]


def generate(app, total: int) -> dict:
    from sqlalchemy import insert, text

    from portal.activities.models import Activity, ActivitySlot, activity_discipline
    from portal.extensions import db
    from portal.resources.models import Resource, resource_discipline
    from portal.venues.models import Venue, venue_discipline

    r = rng()
    session = db.session
    communes = session.execute(text("""
        SELECT insee_code, name, postal_codes, ST_X(centroid), ST_Y(centroid) FROM commune
        WHERE departement_code IN ('75','77','78','91','92','93','94','95') AND centroid IS NOT NULL""")).all()
    by_code = {c[0]: c for c in communes}
    by_postal = {}
    for c in communes:
        for postal in c[2]:
            by_postal.setdefault(postal, c[0])
    seeds = partner_seeds(Path(app.config["DATA_DIR"]))
    source = "partner files"
    if not seeds:
        source = "commune centroids"
        seeds = [{"name": f"Maison des pratiques de {c[1]}", "kind": "cultural_centre", "lon": c[3], "lat": c[4],
                  "insee": c[0], "postal_code": None, "address": None} for c in communes]
    disciplines = session.execute(text("SELECT id, slug, label_fr, parent_id FROM discipline")).all()
    children = [d for d in disciplines if d.parent_id is not None] + [d for d in disciplines if d.slug in
                                                                         ("cirque-rue", "photographie", "cinema-video")]
    now = datetime.now(timezone.utc)
    n_venues, n_resources = total // 5, total // 10
    n_activities = total - n_venues - n_resources
    venues = []
    for i in range(n_venues):
        seed = seeds[i % len(seeds)]
        code = seed["insee"] if seed["insee"] in by_code else by_postal.get(seed["postal_code"])
        if i < len(seeds):
            name, lon, lat = seed["name"], seed["lon"], seed["lat"]
        else:
            commune_name = by_code[code][1] if code else ""
            name = f"{r.choice(PREFIXES)} {seed['name'].split(' - ')[-1]} {commune_name}".strip()
            lon, lat = seed["lon"] + r.uniform(-0.02, 0.02), seed["lat"] + r.uniform(-0.015, 0.015)
        venues.append({"name": name[:200], "slug": f"lieu-{i}", "kind": seed["kind"], "commune_code": code,
                       "address": seed["address"], "location": f"SRID=4326;POINT({lon} {lat})",
                       "location_precision": "given", "moderation_status": "published", "last_verified_at": now,
                       "access_motor": r.random() < 0.3, "access_hearing": r.random() < 0.1})
    venue_ids = []
    for start in range(0, len(venues), 2000):
        venue_ids += session.execute(insert(Venue).returning(Venue.id), venues[start:start + 2000]).scalars().all()
    session.execute(insert(venue_discipline), [{"venue_id": v, "discipline_id": r.choice(children).id}
                                               for v in venue_ids if r.random() < 0.5])
    activity_ids = []
    for start in range(0, n_activities, 2000):
        batch, chosen = [], []
        for j in range(start, min(n_activities, start + 2000)):
            d = r.choice(children)
            label = d.label_fr.split(" & ")[0]
            title = r.choice(TEMPLATES).format(l=label if not r.random() < 0.5 else label.lower())
            title = title[0].upper() + title[1:]
            age_min = r.choice([None, 3, 6, 8, 12, 15, 18])
            price = r.choice([None, 0, 5, 8, 15, 30, 60, 120, 250])
            batch.append({"title": title, "slug": f"activite-{j}", "kind": r.choice(ACTIVITY_KINDS),
                          "venue_id": r.choice(venue_ids), "moderation_status": "published",
                          "last_verified_at": now, "age_min": age_min,
                          "age_max": None if age_min is None else age_min + r.choice([5, 10, 80]),
                          "is_free": price == 0, "price_min": price or None,
                          "level": r.choice([None, "beginner", "intermediate", "advanced", "all_levels"]),
                          "has_lsf": r.random() < 0.03,
                          "description": f"{title} : une pratique de {d.label_fr.lower()} en amateur, "
                                         f"encadrée par des artistes, pour progresser en groupe et se faire plaisir."})
            chosen.append(d)
        ids = session.execute(insert(Activity).returning(Activity.id), batch).scalars().all()
        activity_ids += ids
        session.execute(insert(activity_discipline), [{"activity_id": a, "discipline_id": d.id}
                                                      for a, d in zip(ids, chosen)])
        session.execute(insert(ActivitySlot), [{"activity_id": a, "weekday": r.randrange(7),
                                                "starts_at": dtime(r.choice([9, 10, 14, 16, 18, 19, 20]), 0)}
                                               for a in ids])
    resources = []
    for k in range(n_resources):
        kind, template = r.choice(RESOURCE_TEMPLATES)
        d = r.choice(children)
        resources.append({"title": template.format(n=k, l=d.label_fr.lower()), "slug": f"ressource-{k}",
                          "kind": kind, "venue_id": r.choice(venue_ids), "moderation_status": "published",
                          "last_verified_at": now, "price_min": r.choice([None, 10, 15, 25])})
    resource_ids = []
    for start in range(0, len(resources), 2000):
        resource_ids += session.execute(insert(Resource).returning(Resource.id),
                                        resources[start:start + 2000]).scalars().all()
    session.execute(insert(resource_discipline), [{"resource_id": i, "discipline_id": r.choice(children).id}
                                                  for i in resource_ids])
    session.commit()
    return {"source": source, "seeds": len(seeds), "venues": len(venue_ids), "activities": len(activity_ids),
            "resources": len(resource_ids), "points": [(v["location"]) for v in venues[:5000]]}


def _points(generated) -> list[tuple[float, float]]:
    out = []
    for wkt in generated["points"]:
        lon, lat = wkt.split("(")[1].rstrip(")").split()
        out.append((float(lon), float(lat)))
    return out


def query_classes(points, r):
    from search.backends.base import SearchQuery

    def text_q():
        return SearchQuery(text=r.choice(TEXTS))

    def radius_q():
        return SearchQuery(text=r.choice(TEXTS), point=r.choice(points), radius_km=3)

    def facets_q():
        return SearchQuery(disciplines=[r.choice(["musique", "danse", "theatre", "arts-visuels"])],
                           day_periods=[r.choice(["morning", "afternoon", "evening"])], free=r.choice([None, True]))

    def bbox_q():
        lon, lat = r.choice(points)
        return SearchQuery(bbox=(lon - 0.03, lat - 0.02, lon + 0.03, lat + 0.02))
    return {"text": text_q, "text+radius": radius_q, "facets": facets_q, "bbox": bbox_q}


def to_args(q) -> dict:
    args = {}
    if q.text:
        args["q"] = q.text
    if q.point:
        args.update(lon=q.point[0], lat=q.point[1], radius_km=q.radius_km)
    if q.bbox:
        args["bbox"] = ",".join(f"{v:.5f}" for v in q.bbox)
    if q.disciplines:
        args["discipline"] = ",".join(q.disciplines)
    if q.day_periods:
        args["period"] = ",".join(q.day_periods)
    if q.free:
        args["free"] = "oui"
    return args


def bench_service(app, classes, runs: int) -> dict:
    from sqlalchemy import text

    from portal.extensions import db
    from search import service
    from search.backends.base import SearchQuery

    results = {}
    with app.test_request_context():
        ids = db.session.execute(text("SELECT id FROM search_document ORDER BY random() LIMIT 500")).scalars().all()
        started = time.perf_counter()
        snapshot = wait_for_snapshot(db.session)
        if snapshot is not None:
            print(f"\nin-memory columns of {snapshot.size} documents loaded in the background in "
                  f"{time.perf_counter() - started:.1f} s")
            samples = []
            for words in TEXTS:  # each word set once: its matches are asked of PostgreSQL
                start = time.perf_counter()
                service.search(SearchQuery(text=words))
                samples.append((time.perf_counter() - start) * 1000)
            results["text, first time"] = percentiles(samples)
        for name, make in classes.items():
            for _ in range(20):
                service.search(make())
            samples = []
            for _ in range(runs):
                query = make()
                start = time.perf_counter()
                service.search(query)
                samples.append((time.perf_counter() - start) * 1000)
            results[name] = percentiles(samples)
        samples = []
        for doc_id in ids[:runs]:
            start = time.perf_counter()
            db.session.execute(text("SELECT document FROM search_payload WHERE id = :id"), {"id": doc_id}).one()
            samples.append((time.perf_counter() - start) * 1000)
        results["primary-key lookup"] = percentiles(samples)
        db.session.remove()
    return results


def wait_for_snapshot(session, timeout: float = 120):
    """The in-memory columns, once the background load the first search starts is done
    (None when they are off)."""
    from search import service

    store = service.snapshots()
    deadline = time.perf_counter() + timeout
    while store.mode != "off" and time.perf_counter() < deadline:
        snapshot = store.current(session)
        if snapshot is not None:
            return snapshot
        time.sleep(0.1)
    return None


def bench_http(url: str, classes, clients: int, seconds: float, cache_seconds: int, workers: int,
               client: str = "auto", warm_up: float = 10) -> tuple[str, dict]:
    """The endpoint as deployed: gunicorn in its own processes (make serve) under `clients`
    concurrent connections. The load comes from wrk (Debian's package) when it is installed:
    a client in C leaves the two cores to the server. Without it, from Python threads here,
    which take a good share of the CPU the server needs (the figures say which)."""
    import os
    import shutil
    import signal
    import socket
    import subprocess
    import sys

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "SEARCH_CACHE_SECONDS": str(cache_seconds),
           "SEARCH_PROCESS_AFTER_COMMIT": "false"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "portal:create_app()"],
                              env=env, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}"
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (scripts/bootstrap.sh --with-bench installs it)")
    load = _wrk_load if client != "python" and shutil.which("wrk") else _python_load
    results = {}
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        # Warm-up, as a server that has been up for a while: each worker loads its in-memory
        # columns in the background after its first search (a few seconds at 100 000).
        mixed = [_path(make()) for _ in range(500) for make in classes.values()]
        load(base, mixed, clients, warm_up)
        for name, make in classes.items():
            results[name] = load(base, [_path(make()) for _ in range(4000)], clients, seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return ("wrk" if load is _wrk_load else "Python threads"), results


def _path(query) -> str:
    from urllib.parse import urlencode

    return "/api/v1/search?" + urlencode(to_args(query))


def _wrk_load(base: str, paths: list[str], clients: int, seconds: float) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, requests/s) of `clients` connections sending `paths` for `seconds`."""
    import re
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        threads = 2
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s",
                              "-s", str(Path(__file__).with_name("paths.lua")), base, "--", listing.name,
                              str(threads)], capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"(\w+)=(\d+)", out.splitlines()[-1]))
    if int(found["errors"]):
        raise SystemExit(f"wrk saw {found['errors']} failed requests:\n{out}")
    return (int(found["p50_us"]) / 1000, int(found["p95_us"]) / 1000,
            int(found["requests"]) / (int(found["duration_us"]) / 1e6))


def _python_load(base: str, paths: list[str], clients: int, seconds: float) -> tuple[float, float, float]:
    import requests

    deadline = time.perf_counter() + seconds

    def worker(offset):
        session, samples, i = requests.Session(), [], offset
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            session.get(base + paths[i % len(paths)], timeout=30).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
            i += clients
        return samples

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        samples = [s for part in pool.map(worker, range(clients)) for s in part]
    return (*percentiles(samples), len(samples) / (time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10, help="HTTP load per query class")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="who sends the HTTP load (auto: wrk when installed)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --database-url: keep the listings already indexed there (skip the build)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (as make serve)")
    parser.add_argument("--skip-http", action="store_true", help="service figures only")
    args = parser.parse_args()
    url, cluster = start_database(args.database_url)
    try:
        app = make_app(url)
        from sqlalchemy import text

        from portal.extensions import db

        with app.app_context():
            indexed = db.session.execute(text("SELECT count(*) FROM search_document")).scalar_one()
            db.session.remove()
        if args.reuse and indexed:
            print(f"reusing the {indexed} documents already indexed")
            with app.app_context():
                generated = {"points": existing_points(db.session)}
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE search_document"))
                db.session.remove()
        else:
            generated = build(app, args.listings)
        # The same queries twice: every search computed (result cache off), then as deployed,
        # where a query repeated while the index is unchanged is answered from the cache.
        for label, seconds in (("result cache off", 0), ("result cache on", 300)):
            app_variant = make_app(url, SEARCH_CACHE_SECONDS=seconds)
            r = rng(11)
            classes = query_classes(_points(generated), r)
            service = bench_service(app_variant, classes, args.runs)
            print(f"\nservice (search.service.search, 1 client, {args.runs} queries per class, {label})")
            for name, (p50, p95) in service.items():
                print(f"  {name:20s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
            if args.skip_http:
                continue
            client, http = bench_http(url, classes, args.clients, args.seconds, seconds, args.workers, args.client)
            print(f"\nHTTP GET /api/v1/search (gunicorn, {args.workers} workers, {args.clients} concurrent clients "
                  f"from {client}, {args.seconds:g} s per class, {label})")
            for name, (p50, p95, rate) in http.items():
                print(f"  {name:20s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {rate:5.0f} req/s")
    finally:
        if cluster:
            cluster.stop()


def existing_points(session) -> list[str]:
    """The first venues' points, as `generate` returns them, from an already built database."""
    from sqlalchemy import text

    rows = session.execute(text("SELECT ST_AsText(location) FROM venue WHERE location IS NOT NULL "
                                "ORDER BY id LIMIT 5000")).scalars().all()
    return [f"SRID=4326;{wkt}" for wkt in rows]


def build(app, listings: int) -> dict:
    """Generate and index the listings, then refresh the planner statistics."""
    from sqlalchemy import text

    from portal.extensions import db
    from search.backends.postgres import PostgresBackend
    from search.indexer import rebuild

    with app.app_context():
        started = time.perf_counter()
        generated = generate(app, listings)
        print(f"generated {generated['venues']} venues (seeds: {generated['seeds']} from "
              f"{generated['source']}), {generated['activities']} activities, {generated['resources']} "
              f"resources in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        count = rebuild(db.session, PostgresBackend(lambda: db.session), batch_size=1000)
        db.session.commit()
        print(f"indexed {count} documents through documents.py in {time.perf_counter() - started:.0f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE search_document"))
            connection.execute(text("VACUUM ANALYZE search_term"))
        db.session.remove()
    return generated


if __name__ == "__main__":
    main()
