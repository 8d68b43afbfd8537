"""Every public page kind: zero axe-core violations, EcoIndex thresholds, nothing loaded
from outside 127.0.0.1, and screenshots at phone and desktop widths in artifacts/."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.browser.measure import page_ecoindex
from tests.support.browser import RequestLog, axe_violations, describe

pytestmark = pytest.mark.browser


def _check_axe(page):
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def _pages(scenario):
    return {
        "home": "/",
        "results": "/recherche?q=danse&ou=Montreuil",
        "results-empty": "/recherche?q=danse&ou=Montreuil&weekday=6&age=40",
        "activity": scenario.urls["activity"],
        "venue": scenario.urls["venue"],
        "resource": scenario.urls["resource"],
        "commune": "/communes/93048-montreuil",
        "accessibility": "/accessibilite",
        "ecodesign": "/ecoconception",
        "not-found": "/activites/999999999-nulle-part",
    }


@pytest.mark.parametrize("name", ["home", "results", "results-empty", "activity", "venue", "resource",
                                  "commune", "accessibility", "ecodesign", "not-found"])
def test_page_has_no_axe_violation_and_stays_local(live_server, committed, page, name):
    requests = RequestLog(page)
    response = page.goto(live_server.url + _pages(committed)[name], wait_until="networkidle")
    assert response.status == (404 if name == "not-found" else 200)
    _check_axe(page)
    assert requests.outside() == []


def test_server_error_page_has_no_axe_violation(app, live_server, page):
    from portal.pages.views import server_error

    with app.test_request_context("/"):
        html = server_error(Exception("boom"))[0]
    page.route(live_server.url + "/__erreur", lambda route: route.fulfill(status=500, body=html,
                                                                          content_type="text/html"))
    requests = RequestLog(page)
    page.goto(live_server.url + "/__erreur", wait_until="networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Une erreur est survenue"
    _check_axe(page)
    assert requests.outside() == []


@pytest.mark.parametrize("name, threshold", [("home", 80), ("activity", 80), ("venue", 80), ("resource", 80),
                                             ("results", 75)])
def test_ecoindex(live_server, committed, page, name, threshold):
    requests = RequestLog(page)
    page.goto(live_server.url + _pages(committed)[name], wait_until="networkidle")
    score, figures = page_ecoindex(page, name)
    assert score.score >= threshold, str(score)
    if name == "home":
        assert figures["bytes"] <= 60 * 1024, figures
    assert requests.outside() == []


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(live_server, committed, browser, artifacts_dir, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    requests = RequestLog(page)
    try:
        for name in ("home", "results", "activity"):
            page.goto(live_server.url + _pages(committed)[name], wait_until="networkidle")
            path = artifacts_dir / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 5000
        assert requests.outside() == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def import_runs(app, tmp_path_factory):
    """Two committed runs of a partner file: a finished simulation with rows to review, and a
    run still queued (its page reloads itself). Removed afterwards with their source."""
    from importers.models import ImportRun, RunStatus
    from importers.options import ImportOptions, get_or_create_source
    from importers.pipeline import ImportPipeline
    from importers.runs import run_path
    from portal.extensions import db

    path = tmp_path_factory.mktemp("import") / "ateliers.csv"
    path.write_text("id;nom;commune;courriel\n1;Atelier A;Bobigny;contact@\n2;;Pantin;\n3;Atelier C;Nulle-Part;\n",
                    encoding="utf-8")
    with app.app_context():
        finished = ImportPipeline(db.session, app.config).run(path, ImportOptions(source="page-import", dry_run=True))
        source = get_or_create_source(db.session, "page-import", finished.source.listing_type)
        queued = ImportRun(source_id=source.id, location="https://partenaire.example/flux.json",
                           status=RunStatus.queued)
        db.session.add(queued)
        db.session.commit()
        urls = {"finished": run_path(finished), "queued": run_path(queued)}
        db.session.remove()
    yield urls
    with app.app_context():
        db.session.execute(text("DELETE FROM import_source WHERE name = 'page-import'"))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("state", ["finished", "queued"])
def test_import_run_page_has_no_axe_violation_and_reads_without_javascript(live_server, import_runs, browser, page,
                                                                            state):
    requests = RequestLog(page)
    assert page.goto(live_server.url + import_runs[state], wait_until="networkidle").status == 200
    _check_axe(page)
    assert requests.outside() == []
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        plain = context.new_page()
        plain.goto(live_server.url + import_runs[state])
        if state == "finished":
            table = plain.get_by_role("table").filter(has_text="Message")
            assert table.get_by_role("row").filter(has_text="Le champ « Nom / titre » est obligatoire.").count() == 1
            assert plain.get_by_role("link", name="Télécharger le rapport complet (JSON)").count() == 1
        else:
            assert plain.locator("#run-status").inner_text() == "En file d'attente"
            assert plain.get_by_role("link", name="Mettre à jour la page").count() == 1
    finally:
        context.close()


def test_with_javascript_the_run_page_follows_the_run_to_its_end(app, live_server, import_runs, page):
    from portal.extensions import db

    page.goto(live_server.url + import_runs["queued"])
    status = page.get_by_role("status")
    assert "En file d'attente" in status.inner_text()
    run_id = int(import_runs["queued"].split("/")[3])
    with app.app_context():
        db.session.execute(text("UPDATE import_run SET status = 'running', total_rows = 400, processed_rows = 100 "
                                "WHERE id = :id"), {"id": run_id})
        db.session.commit()
        page.wait_for_function("document.querySelector('progress').value === 100", timeout=10000)
        assert "100 lignes traitées sur 400" in status.inner_text()
        db.session.execute(text("UPDATE import_run SET status = 'succeeded', processed_rows = 400 WHERE id = :id"),
                           {"id": run_id})
        db.session.commit()
        db.session.remove()
    page.get_by_role("link", name="Afficher le bilan").wait_for(timeout=10000)
    assert status.inner_text().startswith("Terminé")
