"""Weight budget: the results page with 500 results stays ≤ 150 KB transferred, tiles excluded."""
from __future__ import annotations

import pytest

from tests.browser.measure import page_ecoindex
from tests.support.browser import RequestLog

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def five_hundred(app, tile_server):
    from tests.browser.data import commit_listings, remove
    from tests.support.factories import make_venue, point

    with app.app_context():
        venues = [make_venue(name=f"Salle budget {n}", commune_code="93048",
                             location=point(2.35 + (n % 25) * 0.01, 48.85 + (n // 25) * 0.005))
                  for n in range(500)]
        keys = commit_listings(venues)
    yield keys
    with app.app_context():
        remove(keys)


def test_results_with_500_results_stay_within_150_kb(live_server, five_hundred, page):
    requests = RequestLog(page)
    page.goto(live_server.url + "/recherche?q=salle+budget", wait_until="networkidle")
    assert "500 résultats" in page.locator("#result-count").inner_text()
    score, figures = page_ecoindex(page, "results with 500 results")
    assert figures["bytes"] <= 150 * 1024, figures
    assert score.score >= 75, str(score)
    assert requests.outside() == []
