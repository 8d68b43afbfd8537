"""Someone in Seine-Saint-Denis looks for dance near Montreuil for a 13-year-old on
Wednesday: with JavaScript, without it, and with the keyboard only."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import CHROMIUM_ARGS, RequestLog  # noqa: F401

pytestmark = pytest.mark.browser


def _search_from_home(page, base):
    page.goto(base + "/")
    page.get_by_label("Que voulez-vous pratiquer ?").fill("danse")
    page.get_by_label("Où ? (commune ou code postal)").fill("Montreuil")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url(re.compile(r"/recherche\?"))


def _filter_and_open(page):
    assert page.get_by_role("link", name="Danse classique Tremblay").count() == 0
    page.get_by_label("Âge de la personne qui pratique").fill("13")
    page.get_by_role("checkbox", name=re.compile(r"^Mercredi")).check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r"weekday=2"))
    assert "age=13" in page.url and "ou=Montreuil" in page.url
    assert page.get_by_role("link", name="Danse contemporaine adultes").count() == 0
    page.get_by_role("link", name="Hip-hop ados").first.click()
    page.wait_for_url(re.compile(r"/activites/\d+-hip-hop-ados$"))


def _see_schedule(page):
    table = page.get_by_role("table")
    assert "mercredi" in table.inner_text() and "18 h à 19 h 30" in table.inner_text()


def test_dance_near_montreuil_for_a_teenager_on_wednesday(live_server, committed, page):
    requests = RequestLog(page)
    _search_from_home(page, live_server.url)
    assert page.locator(".result").count() >= 2
    page.locator(".leaflet-container").wait_for()
    _filter_and_open(page)
    _see_schedule(page)
    page.locator(".detail-map .leaflet-container").wait_for()
    assert page.locator(".detail-map .leaflet-marker-icon").count() == 1
    assert requests.outside() == []


def test_the_same_journey_without_javascript(live_server, committed, browser):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    requests = RequestLog(page)
    try:
        _search_from_home(page, live_server.url)
        assert page.locator("button[data-near-me]").is_hidden()
        _filter_and_open(page)
        _see_schedule(page)
        assert page.locator(".detail-map .folium-map").count() == 1   # the map's place; the address is text
        assert "12 rue de la Solidarité" in page.content()
        assert requests.outside() == []
    finally:
        context.close()


def _tab_to(page, predicate: str, limit: int = 150):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never reached by Tab: {predicate}")


def test_the_same_journey_by_keyboard_only(live_server, committed, page):
    requests = RequestLog(page)
    page.goto(live_server.url + "/")
    _tab_to(page, "el.id === 'q'")
    page.keyboard.type("danse")
    page.keyboard.press("Escape")
    _tab_to(page, "el.id === 'ou'")
    page.keyboard.type("Montreuil")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche\?"))
    _tab_to(page, "el.id === 'age'")
    page.keyboard.type("13")
    _tab_to(page, "el.name === 'weekday' && el.value === '2'")
    page.keyboard.press("Space")
    _tab_to(page, "el.textContent.trim() === 'Appliquer les filtres'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"weekday=2"))
    _tab_to(page, "el.textContent.trim() === 'Hip-hop ados'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activites/\d+-hip-hop-ados$"))
    _see_schedule(page)
    _tab_to(page, "el.classList.contains('leaflet-container')")   # the map takes the focus
    page.keyboard.press("ArrowDown")                               # and pans with the arrows
    assert requests.outside() == []
