"""Import benchmark: the full pipeline on the real libraries file, beside a raw COPY of the
same file into a bare table, in the same run on the same throwaway PostGIS cluster.

    .venv/bin/python -m bench.import.run [--file PATH] [--repeat N] [--instructions]

Prints rows/s for both, the ratio, the search indexing that follows (timed apart: production
runs it in the worker), the server's own floor (the same venues inserted again, in SQL only,
into the indexed venue table), the processor time each run took (this process, the reading
workers, the database server: on a shared machine, wall time varies with the neighbours) and
peak memory (RSS) of the process and of the worker process that reads and normalises the file
beside it; with --instructions, the instructions the first import took in all those processes,
counted by Linux perf (bench/counting.py): the figure to compare two versions of the code on,
since the others vary with the machine's load. Not a test.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from bench.counting import CONTROL, counted, perf_works, rerun_counted
from portal.settings import Settings

LIBRARIES = "partners/adresses_des_bibliotheques_publiques_prepared.csv"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def processor_seconds(cluster) -> tuple[float, float, float | None]:
    """Processor time (user + system) used so far by this process, by its finished child
    processes (the reading workers) and by the database server's processes (read from /proc,
    None where it cannot be). A shared machine's speed varies from one minute to the next:
    these tell a slow run from a run that did more work."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    server = None
    try:
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        server = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # a process that just ended
                continue
            if int(entry.name) == postmaster or int(fields[1]) == postmaster:
                server += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (OSError, ValueError, IndexError):
        server = None
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, server


def raw_copy(session, path: Path) -> tuple[int, float]:
    """COPY the file as text into a bare table: the floor any import is compared with."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    connection = session.connection()
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS bench_raw; CREATE UNLOGGED TABLE bench_raw ({columns})")
    raw = connection.connection.driver_connection
    started = time.perf_counter()
    with raw.cursor() as cursor, path.open("rb") as handle:
        with cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := handle.read(1 << 16):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    rows = connection.exec_driver_sql("SELECT count(*) FROM bench_raw").scalar_one()
    connection.exec_driver_sql("DROP TABLE bench_raw")
    session.commit()
    return rows, elapsed


def indexed_floor(session, source: str) -> tuple[int, float]:
    """The same venues inserted again into the real venue table (its indexes, constraints and
    foreign keys), in SQL only, then rolled back: what storing them costs the server alone."""
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE bench_venues AS SELECT v.* FROM venue v JOIN import_source s ON s.id = v.source_id "
        "WHERE s.name = %(source)s", {"source": source})
    connection.exec_driver_sql("UPDATE bench_venues SET id = nextval('venue_id_seq'), external_id = external_id || '-again'")
    started = time.perf_counter()
    rows = connection.exec_driver_sql("INSERT INTO venue SELECT * FROM bench_venues").rowcount
    elapsed = time.perf_counter() - started
    session.rollback()
    return rows, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=Path(Settings.from_env().DATA_DIR) / LIBRARIES)
    parser.add_argument("--repeat", type=int, default=1, help="pipeline runs (the first creates, later ones "
                                                               "find everything unchanged)")
    parser.add_argument("--instructions", action="store_true",
                        help="count the first import's instructions with Linux perf (all its processes)")
    args = parser.parse_args()
    if args.instructions and CONTROL not in os.environ:
        if perf_works():
            code, instructions, rows = rerun_counted("bench.import.run", sys.argv[1:])
            if instructions is not None and rows:
                print(f"instructions  : {instructions / 1e9:.2f} G for the first import (importing process, reading "
                      f"workers, database server) = {instructions / rows / 1e3:,.0f} k per row")
            else:
                print("instructions  : perf counted nothing (see its message above)")
            raise SystemExit(code)
        print("instructions  : not counted (Linux perf missing, or not allowed to count here)")

    from flask_migrate import upgrade

    from importers.options import ImportOptions
    from importers.pipeline import ImportPipeline
    from portal import create_app
    from portal.extensions import db
    from portal.geo.loader import load_reference_geography
    from portal.vocabulary.api import load_disciplines
    from search.service import process_queue
    from tests.support.services import PostgisCluster

    cluster = PostgisCluster().start()
    try:
        # Search indexing is timed apart: in production it runs in the worker, after commit.
        app = create_app({"DATABASE_URL": cluster.url, "BAN_URL": "", "REDIS_URL": "",
                          "SEARCH_PROCESS_AFTER_COMMIT": False})
        with app.app_context():
            upgrade()
            load_reference_geography(db.session, Path(app.config["REFERENCE_DATA_DIR"]))
            load_disciplines(db.session)
            baseline_mb = peak_rss_mb()
            rows, copy_s = raw_copy(db.session, args.file)
            print(f"raw COPY      : {rows} rows in {copy_s:.2f} s = {rows / copy_s:,.0f} rows/s")
            for attempt in range(args.repeat):
                before = processor_seconds(cluster)
                started = time.perf_counter()
                with counted() if attempt == 0 else nullcontext({}) as handled:
                    run = ImportPipeline(db.session, app.config).run(
                        args.file, ImportOptions(source="bench", constants={"kind": "bibliothèque"}))
                    handled["rows"] = run.processed_rows
                elapsed = time.perf_counter() - started
                label = "pipeline" if attempt == 0 else "re-import"
                print(f"{label:<14}: {run.processed_rows} rows in {elapsed:.2f} s = "
                      f"{run.processed_rows / elapsed:,.0f} rows/s ({run.created_count} created, "
                      f"{run.unchanged_count} unchanged, {run.failed_count} failed) — "
                      f"{elapsed / copy_s:.1f}× COPY")
                used = [(after - earlier) if after is not None and earlier is not None else None
                        for after, earlier in zip(processor_seconds(cluster), before)]
                server = f"{used[2]:.2f} s" if used[2] is not None else "?"
                print(f"{'  processor':<14}: importing process {used[0]:.2f} s, reading workers {used[1]:.2f} s, "
                      f"database server {server}")
                started = time.perf_counter()
                stats = process_queue()
                indexing = time.perf_counter() - started
                print(f"{'  then index':<14}: {indexing:.2f} s for the search outbox ({stats})")
                if attempt == 0:
                    floor_rows, floor_s = indexed_floor(db.session, "bench")
                    print(f"{'  server floor':<14}: {floor_rows} rows in {floor_s:.2f} s = {floor_rows / floor_s:,.0f} "
                          f"rows/s — INSERT … SELECT of the same venues into the indexed venue table "
                          f"({floor_s / copy_s:.1f}× COPY into a bare table)")
            print(f"peak RSS      : {peak_rss_mb():.0f} MB (after set-up: {baseline_mb:.0f} MB); largest child "
                  f"process (the reading worker): {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
            db.session.remove()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
