"""Long imports run as RQ jobs on the suite's real Redis; a page polls their progress."""
import redis
from rq import Queue
from sqlalchemy import create_engine, text

from importers.api import start_background_import
from importers.options import ImportOptions
from tests.support.rq_worker import work_burst


def test_a_background_import_runs_in_a_worker_and_its_progress_can_be_polled(app, redis_url, tmp_path):
    path = tmp_path / "fond.csv"
    path.write_text("id,nom,commune\n" + "".join(f"{i},Atelier {i},Montreuil\n" for i in range(1, 1201)),
                    encoding="utf-8")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with app.app_context():
            job = start_background_import(str(path), ImportOptions(source="arriere-plan"))
        connection = redis.Redis.from_url(redis_url)
        assert Queue("imports", connection=connection).count == 1
        work_burst(["imports"], connection)
        job.refresh()
        run_id = job.return_value()
        assert run_id
        progress = app.test_client().get(f"/imports/runs/{run_id}.json").get_json()
        assert progress["status"] == "succeeded"
        assert progress["processed_rows"] == 1200 and progress["counts"]["created"] == 1200
        assert app.test_client().get("/imports/runs/999999.json").status_code == 404
    finally:
        with engine.begin() as conn:
            source = "(SELECT id FROM import_source WHERE name = 'arriere-plan')"
            conn.execute(text(f"DELETE FROM search_outbox WHERE listing_type = 'venue' AND listing_id IN "
                              f"(SELECT id FROM venue WHERE source_id = {source})"))
            conn.execute(text(f"DELETE FROM venue WHERE source_id = {source}"))
            conn.execute(text("DELETE FROM import_source WHERE name = 'arriere-plan'"))
        engine.dispose()
