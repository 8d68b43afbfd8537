"""Responses encoded by orjson carry the same JSON as Flask's own encoder would."""
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.json.provider import DefaultJSONProvider


@dataclass
class Slot:
    weekday: int
    label: str


VALUE = {"zèbre": "Théâtre « ados »", "a": [1, 2.5, None, True], "when": datetime(2026, 11, 21, 18, 30, tzinfo=timezone.utc),
         "day": date(2026, 11, 21), "price": Decimal("12.50"), "uuid": UUID(int=7), "slot": Slot(2, "mercredi")}


def test_the_api_answers_the_same_json_as_flasks_default_encoder(app):
    reference = DefaultJSONProvider(Flask("reference"))
    with app.app_context():
        ours = app.json.dumps(VALUE)
    assert json.loads(ours) == json.loads(reference.dumps(VALUE))
    assert "Théâtre « ados »" in ours  # UTF-8, not \u escapes
    assert list(json.loads(ours)) == sorted(json.loads(ours))  # keys sorted, as Flask sorts them
    with app.app_context():
        assert json.loads(app.json.dumps({3: "x"})) == json.loads(reference.dumps({3: "x"}))


def test_search_results_are_served_as_json(client):
    response = client.get("/api/v1/search", query_string={"q": "théâtre"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["backend"] == "postgres"
    assert client.get("/api/v1/search", query_string={"radius_km": "loin"}).get_json()["errors"]
