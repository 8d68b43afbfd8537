"""Public import endpoints: the published format (Table Schema + templates) partners
download, and the progress of a run that a page polls while a background import runs."""
from flask import Blueprint, Response, abort, jsonify

from importers.models import ImportRun
from importers.schema import load_schema, template_csv, template_xlsx
from portal.extensions import db

blueprint = Blueprint("imports", __name__, url_prefix="/imports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.get("/schema/listing.schema.json")
def schema():
    response = jsonify(load_schema())
    response.headers["Content-Disposition"] = 'inline; filename="boussole-listing.schema.json"'
    return response


@blueprint.get("/modele.csv")
def csv_template():
    return Response(template_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="boussole-modele.csv"'})


@blueprint.get("/modele.xlsx")
def xlsx_template():
    return Response(template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="boussole-modele.xlsx"'})


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
