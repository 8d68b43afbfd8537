"""Commune pages: what is practised there and nearby, by discipline family."""
from tests.portal.discovery.scenario import build


def test_montreuil_page_groups_activities_by_family_and_shows_neighbours(client, db_session):
    build()
    response = client.get("/communes/93048-montreuil")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Pratiques artistiques à Montreuil</h1>" in html
    danse, musique = html.index(">Danse</h2>"), html.index(">Musique</h2>")
    assert html.index("Hip-hop ados") > danse and html.index("Chorale du quartier") > musique
    assert "Tout près, dans les communes voisines" in html and "Danse africaine jeunes" in html
    assert "Maison de quartier Lounès-Matoub" in html and 'class="folium-map"' in html


def test_wrong_slug_redirects_and_unknown_commune_is_404(client, db_session):
    response = client.get("/communes/93048-montreuil-sous-bois")
    assert response.status_code == 301 and response.headers["Location"].endswith("/communes/93048-montreuil")
    assert client.get("/communes/00000-nulle-part").status_code == 404


def test_commune_without_listings_points_to_nearby_search(client, db_session):
    html = client.get("/communes/93071-sevran").get_data(as_text=True)
    assert "Aucune activité publiée ici pour l’instant." in html
    assert "/recherche?ou=Sevran" in html


def test_communes_index_lists_the_39_communes_of_seine_saint_denis(client, db_session):
    html = client.get("/communes").get_data(as_text=True)
    assert html.count('href="/communes/93') == 39
