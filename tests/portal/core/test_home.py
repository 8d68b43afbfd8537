import pytest

from tests.support.browser import RequestLog, axe_violations, describe


def test_home_is_french_with_landmarks_and_skip_link(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and '<main id="contenu"' in html
    assert "Pratiquer un art près de chez soi" in html


def test_home_is_available_in_english(client):
    client.get("/langue/en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/langue/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.browser
def test_home_in_chromium_has_no_axe_violation_and_stays_local(live_server, page):
    requests = RequestLog(page)
    page.goto(live_server.url + "/")
    assert page.title().startswith("Accueil")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert requests.outside() == []


def test_home_offers_discipline_shortcuts_and_latest_verified_listings(client, db_session):
    from tests.portal.discovery.scenario import build

    build()
    html = client.get("/").get_data(as_text=True)
    assert 'href="/recherche?discipline=danse"' in html and ">Musique</a>" in html
    assert "Récemment vérifié" in html and "Hip-hop ados" in html
    assert 'action="/recherche"' in html and 'role="combobox"' in html and 'aria-controls="q-listbox"' in html


def test_home_shows_verified_places_when_no_activity_is_published_yet(client, db_session):
    from tests.support.factories import make_venue

    make_venue(name="Médiathèque du Centre", commune_code="93048")
    html = client.get("/").get_data(as_text=True)
    assert "Médiathèque du Centre" in html and "Montreuil" in html
    assert "arrivent bientôt" not in html
