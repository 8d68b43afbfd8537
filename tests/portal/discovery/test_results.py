"""The results page: the whole search in the URL, facets with counts, list + clustered map."""
import gzip
import re

from tests.portal.discovery.scenario import build, index
from tests.support.factories import make_activity, make_venue, point


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_dance_near_montreuil_then_teenagers_on_wednesday(client, db_session):
    s = build()
    index(s.listings)
    html = _page(client, "/recherche?q=danse&ou=Montreuil")
    titles = _titles(html)
    assert "Hip-hop ados" in titles and "Danse africaine jeunes" in titles
    assert "Danse classique Tremblay" not in titles          # 15 km away, radius 5 km
    assert "autour de Montreuil" in html
    html = _page(client, "/recherche?q=danse&ou=Montreuil&age=13&weekday=2")
    assert _titles(html) == ["Hip-hop ados", "Danse africaine jeunes"] or set(_titles(html)) == {
        "Hip-hop ados", "Danse africaine jeunes"}
    assert 'name="weekday" value="2" checked' in html        # the filter stays ticked
    assert 'name="age"' in html and 'value="13"' in html


def test_facets_show_counts_and_are_checkboxes_of_a_get_form(client, db_session):
    s = build()
    index(s.listings)
    html = _page(client, "/recherche?q=danse&ou=Montreuil")
    assert re.search(r'<form class="facets" method="get"', html)
    assert re.search(r'name="weekday" value="2"[^>]*>\s*Mercredi <span class="count">\(\d+\)</span>', html)
    assert 'name="discipline" value="danse-hip-hop"' in html
    assert '<input type="hidden" name="ou" value="Montreuil">' in html


def test_results_map_is_clustered_local_and_lists_every_located_result(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "TILES_URL", "http://127.0.0.1:9/tuiles/{z}/{x}/{y}.png")
    s = build()
    index(s.listings)
    html = _page(client, "/recherche?q=danse&ou=Montreuil")
    assert "L.markerClusterGroup" in html and html.count("L.marker(") == 1  # one callback, no Marker per hit
    assert "http://127.0.0.1:9/tuiles/{z}/{x}/{y}.png" in html           # tiles are a setting
    assert not re.search(r"cdn|jquery|bootstrap|font-?awesome|openstreetmap\.org", html, re.I)
    assert "/assets/leaflet/" in html and "/assets/markercluster/" in html
    assert "Rechercher dans cette zone" in html and "data-map-var=" in html


def test_empty_result_offers_ways_out_as_links(client, db_session):
    s = build()
    index(s.listings)
    html = _page(client, "/recherche?q=danse&ou=Montreuil&weekday=6&age=40")
    assert "Aucun résultat pour cette recherche." in html
    assert "Élargir à 15 km" in html
    assert re.search(r'<a href="/recherche\?[^"]*">Retirer le filtre « Jour »</a>', html)
    assert "Chercher partout" in html


def test_unknown_place_and_bad_age_are_explained_beside_their_fields(client, db_session):
    html = _page(client, "/recherche?q=danse&ou=Atlantide&age=deux")
    assert 'id="ou-error"' in html and "Commune introuvable : « Atlantide »" in html
    assert 'aria-describedby="ou-error"' in html
    assert 'aria-describedby="age-error"' in html and "L&#39;âge (age) doit être" in html


def test_postal_code_works_as_a_place(client, db_session):
    s = build()
    index(s.listings)
    html = _page(client, "/recherche?q=chorale&ou=93100")
    assert "Chorale du quartier" in _titles(html)


def test_pagination_keeps_the_search_in_the_url(client, db_session):
    venue = make_venue(name="Grand studio", commune_code="93048", location=point(2.44, 48.86))
    listings = [venue] + [make_activity(title=f"Atelier théâtre {n:02d}", venue=venue) for n in range(25)]
    index(listings)
    html = _page(client, "/recherche?q=Atelier+th%C3%A9%C3%A2tre")
    assert "25 résultats" in html and "Page 1 sur 2" in html
    next_url = re.search(r'<a href="([^"]+)" rel="next">', html).group(1)
    assert "q=Atelier" in next_url and "page=2" in next_url
    html = _page(client, next_url.replace("&amp;", "&"))
    assert "Page 2 sur 2" in html and len(_titles(html)) == 5


def test_five_hundred_results_stay_within_the_page_budget(client, db_session):
    venue_points = [(2.35 + (n % 25) * 0.01, 48.85 + (n // 25) * 0.005) for n in range(500)]
    listings = []
    for n, (lon, lat) in enumerate(venue_points):
        listings.append(make_venue(name=f"Salle de musique numéro {n}", commune_code="93048",
                                   location=point(lon, lat)))
    index(listings)
    response = client.get("/recherche?q=salle+musique", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.data).decode()
    assert "500 résultats" in html
    assert html.count('"Salle de musique num') == 500         # all on the map, one row each
    assert len(response.data) < 40_000, len(response.data)    # HTML; assets are measured in Chromium


def test_a_long_facet_shows_its_most_frequent_values_and_says_how_many_more(client, db_session):
    from portal.discovery.facets import MAX_OPTIONS
    from tests.support.factories import make_venue

    codes = ["93001", "93005", "93006", "93007", "93008", "93010", "93013", "93014", "93015", "93027",
             "93029", "93030", "93031", "93032", "93033", "93039", "93045", "93046"]
    for number, code in enumerate(codes):
        make_venue(name=f"Médiathèque test {number}", commune_code=code)
    from search.service import process_queue

    process_queue(bind=db_session.connection())
    html = client.get("/recherche?q=m%C3%A9diath%C3%A8que+test&commune=93046").get_data(as_text=True)
    commune_boxes = html.count('name="commune"')
    assert commune_boxes <= MAX_OPTIONS + 1
    assert 'value="93046" checked' in html          # a checked value is always shown
    assert "autres valeurs, moins fréquentes" in html
