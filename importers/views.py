"""Progress of an import run, for a page to poll while a background import runs."""
from flask import Blueprint, abort, jsonify

from importers.models import ImportRun
from portal.extensions import db

blueprint = Blueprint("imports", __name__, url_prefix="/imports")


@blueprint.get("/runs/<int:run_id>.json")
def run_progress(run_id: int):
    run = db.session.get(ImportRun, run_id)
    if run is None:
        abort(404)
    return jsonify({
        "id": run.id, "source": run.source.name, "status": run.status.value,
        "processed_rows": run.processed_rows, "total_rows": run.total_rows,
        "counts": {"created": run.created_count, "updated": run.updated_count, "unchanged": run.unchanged_count,
                   "archived": run.archived_count, "failed": run.failed_count},
        "error": run.error,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    })
