"""Every public page kind: zero axe-core violations, EcoIndex thresholds, nothing loaded
from outside 127.0.0.1, and screenshots at phone and desktop widths in artifacts/."""
from __future__ import annotations

import pytest

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
