from sqlalchemy import text

from portal import create_app


def test_healthz_reports_database_postgis_search_queue_and_counts(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["status"] == "ok"
    assert payload["database"]["postgis_version"].startswith("3.")
    assert payload["database"]["counts"]["commune"] > 30_000
    assert payload["search"]["backend"] == "postgres"
    assert payload["queue"] == {"ok": True, "kind": "redis"}


def test_healthz_is_503_when_the_database_is_down(app):
    from tests.support.services import free_port

    down = create_app({"TESTING": True, "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x"})
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["ok"] is False


def test_healthz_says_when_redis_is_unreachable(app, db_session):
    from tests.support.services import free_port

    app.config["REDIS_URL"], saved = f"redis://127.0.0.1:{free_port()}/0", app.config["REDIS_URL"]
    try:
        payload = app.test_client().get("/healthz").get_json()
    finally:
        app.config["REDIS_URL"] = saved
    assert payload["queue"]["ok"] is False


def test_migrations_created_spatial_indexes(db_session):
    indexes = set(db_session.execute(text(
        "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'"
    )).scalars())
    assert {"ix_commune_boundary", "ix_venue_location", "ix_departement_boundary"} <= indexes
    column_type = db_session.execute(text(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'venue'::regclass AND attname = 'location'"
    )).scalar_one()
    assert column_type == "geography(Point,4326)"
