"""JSON API v1. Views parse the parameters, call search.service, serialise: no rules here."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from search import service
from search.params import query_from_args
from search.serializers import result_payload

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PREFIX = 100


@blueprint.get("/search")
def search():
    query, errors = query_from_args(request.args, resolve_commune=service.commune_code_for_name)
    if errors:
        return jsonify({"errors": errors}), 400
    return jsonify(result_payload(service.search(query)))


@blueprint.get("/autocomplete")
def autocomplete():
    prefix = request.args.get("q", "").strip()
    if len(prefix) > MAX_PREFIX:
        return jsonify({"errors": {"q": f"Le texte (q) est limité à {MAX_PREFIX} caractères."}}), 400
    suggestions = service.autocomplete(prefix) if prefix else []
    return jsonify({"suggestions": [{"type": s.type, "label": s.label, "value": s.value} for s in suggestions]})
