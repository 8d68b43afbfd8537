"""Hostile and broken files: a clear French error, and nothing stored is touched."""
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.models import RunStatus
from tests.importers.helpers import fingerprint, run_import


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))


FILE_FAILURES = [
    ("vide.csv", lambda p: p.write_bytes(b""), "vide"),
    ("entete.csv", lambda p: p.write_text("id,nom\n"), "aucune ligne"),
    ("bruit.csv", lambda p: p.write_bytes(bytes(range(256)) * 64), None),
    ("image.csv", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200), None),
    ("bombe.xlsx", _zip_bomb, None),
    ("colonnes.csv", lambda p: p.write_text("foo,bar\n1,2\n"), "Colonnes obligatoires"),
    ("json.json", lambda p: p.write_text('{"events": [{"title": '), None),
]


@pytest.mark.parametrize("name, build, expected", FILE_FAILURES, ids=[f[0] for f in FILE_FAILURES])
def test_an_unusable_file_fails_the_run_with_a_french_error_and_touches_nothing(
        app, db_session, tmp_path, name, build, expected):
    path = tmp_path / name
    build(path)
    before = fingerprint(db_session)
    run = run_import(app, db_session, path, source="hostile")
    assert run.status is RunStatus.failed
    assert run.error and len(run.error) > 10
    if expected:
        assert expected in run.error
    assert fingerprint(db_session) == before


def test_a_file_over_the_size_limit_is_refused(app, db_session, tmp_path):
    path = tmp_path / "gros.csv"
    path.write_text("id,nom\n" + "1,Atelier\n" * 2000)
    before = fingerprint(db_session)
    run = run_import(app, db_session, path, source="gros", config={"IMPORT_MAX_BYTES": 1024})
    assert run.status is RunStatus.failed and "limite" in run.error.lower()
    assert fingerprint(db_session) == before


def test_row_level_problems_fail_their_row_only(app, db_session, tmp_path):
    """A 1 000 000-character cell, a formula injection, a duplicated id: those rows fail,
    the others are stored."""
    path = tmp_path / "lignes.csv"
    huge = "x" * 1_000_000
    path.write_text(
        "id,nom,commune,description\n"
        "1,Atelier bon,Montreuil,ok\n"
        f"2,Atelier énorme,Montreuil,{huge}\n"
        "3,=cmd|' /C calc'!A0,Montreuil,piège\n"
        "1,Atelier doublon,Montreuil,même id\n"
        "4,Atelier bon aussi,Bagnolet,ok\n", encoding="utf-8")
    run = run_import(app, db_session, path, source="lignes")
    assert run.status is RunStatus.partial
    assert (run.created_count, run.failed_count) == (2, 3)
    failed = {item["row_number"]: " ".join(e["message"] for e in item["errors"]) for item in run.report_items
              if item["errors"]}
    assert set(failed) == {3, 4, 5}
    assert "double" in failed[5]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=5), min_size=1, max_size=8).map(
        lambda rows: "\n".join(";".join(cells) for cells in [["id", "nom", "commune"]] + rows)),
))
def test_hostile_files_never_half_write(app, db_session, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("hostile") / "fichier.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = fingerprint(db_session)
    run = run_import(app, db_session, path, source="hypothesis")
    if run.status is RunStatus.failed:
        assert run.error
        assert fingerprint(db_session) == before
    else:
        stored = db_session.execute(__import__("sqlalchemy").text(
            "SELECT count(*) FROM venue WHERE source_id = (SELECT id FROM import_source WHERE name = 'hypothesis')"
        )).scalar_one()
        assert stored >= run.created_count
        assert run.created_count + run.updated_count + run.unchanged_count + run.failed_count == run.processed_rows


def test_an_unexpected_error_fails_the_run_and_stores_nothing(app, db_session, tmp_path, monkeypatch):
    """A bug mid-run (here in the writer) must not leave the run "running" nor half the file stored."""
    from importers import upsert

    path = tmp_path / "lieux.csv"
    path.write_text("id;nom;commune\n" + "".join(f"{i};Lieu {i};Montreuil\n" for i in range(5)), encoding="utf-8")
    calls = []

    def broken(self, rows):
        calls.append(len(rows))
        raise KeyError("bogue")

    monkeypatch.setattr(upsert.Writer, "write", broken)
    before = fingerprint(db_session)
    run = run_import(app, db_session, path, source="bogue")
    assert calls and run.status is RunStatus.failed and run.finished_at is not None
    assert "Erreur inattendue pendant l'import (KeyError)" in run.error and "rien n'a été enregistré" in run.error
    assert fingerprint(db_session) == before
