"""Declarations linked from every footer; error pages inside the layout."""
from portal.pages.views import server_error


def test_footer_links_both_declarations_and_they_render(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/accessibilite"' in html and 'href="/ecoconception"' in html
    accessibility = client.get("/accessibilite").get_data(as_text=True)
    assert "partiellement conforme" in accessibility and "Défenseur des droits" in accessibility
    assert "RGESN" in client.get("/ecoconception").get_data(as_text=True)


def test_unknown_url_is_a_404_page_with_a_search_box(client):
    response = client.get("/nulle-part")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html and 'role="search"' in html and 'href="#contenu"' in html


def test_server_error_page_is_in_the_layout(app, db_session):
    with app.test_request_context("/"):
        html, status = server_error(RuntimeError("boom"))
    assert status == 500 and "Une erreur est survenue" in html and '<main id="contenu"' in html


def test_sitemap_lists_public_listings_and_communes(client, db_session):
    from tests.portal.discovery.scenario import build

    s = build()
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f"/activites/{s.hiphop.id}-hip-hop-ados</loc>" in xml
    assert f"/lieux/{s.venue.id}-{s.venue.slug}</loc>" in xml
    assert "/communes/93048-montreuil</loc>" in xml
