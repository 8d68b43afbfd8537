"""Import endpoints: the published format (Table Schema + templates) partners download, and
each run, at an address only its partner is given (its id and secret key): its page
(progress, then report), its progress as JSON for a page to poll, its full report."""
import hmac

from flask import Blueprint, Response, abort, jsonify, render_template

from importers.fields import FIELDS
from importers.models import ImportRun, RunStatus
from importers.runs import expire_stalled_runs, remarked_items, run_progress, run_report, shown_location
from importers.schema import load_schema, template_csv, template_xlsx
from portal.extensions import db

blueprint = Blueprint("imports", __name__, url_prefix="/imports")

ACTIVE = (RunStatus.queued, RunStatus.running)
ITEMS_SHOWN = 200  # rows listed on the page; the downloadable report has them all
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


def _run_or_404(run_id: int, key: str) -> ImportRun:
    expire_stalled_runs(db.session)  # a run whose process died is not « en cours » for ever
    run = db.session.get(ImportRun, run_id)
    if run is None or not hmac.compare_digest(run.access_key.encode(), key.encode()):
        abort(404)
    return run


@blueprint.get("/runs/<int:run_id>/<key>.json")
def run_progress_json(run_id: int, key: str):
    return jsonify(run_progress(_run_or_404(run_id, key)))


@blueprint.get("/runs/<int:run_id>/<key>")
def run_page(run_id: int, key: str):
    """The run for the partner who launched it: progress while it runs (followed by a script,
    or a link to update the page), then the counts and the rows to correct."""
    run = _run_or_404(run_id, key)
    items, remarked = remarked_items(db.session, run, ITEMS_SHOWN)
    return render_template("imports/run.html", run=run, location=shown_location(run), items=items,
                           remarked=remarked, fields=FIELDS, active=run.status in ACTIVE)


@blueprint.get("/runs/<int:run_id>/<key>/rapport.json")
def run_report_json(run_id: int, key: str):
    response = jsonify(run_report(db.session, _run_or_404(run_id, key)))
    response.headers["Content-Disposition"] = f'attachment; filename="boussole-import-{run_id}.json"'
    return response
