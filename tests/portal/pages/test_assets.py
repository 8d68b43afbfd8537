"""Static assets: hashed URLs, gzip, one-year immutable cache, no path escape."""
import gzip
import re


def test_pages_link_hashed_assets_served_gzipped_with_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/boussole/[0-9a-f]{12}/css/boussole.css)"', html).group(1)
    response = client.get(css, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b".skip-link" in gzip.decompress(response.data)
    plain = client.get(css)
    assert "Content-Encoding" not in plain.headers and b".skip-link" in plain.data


def test_vendored_leaflet_and_its_images_are_served_locally(client):
    from portal.pages.assets import vendor_url

    with client.application.test_request_context():
        js, icon = vendor_url("leaflet", "leaflet.js"), vendor_url("leaflet", "images/marker-icon.png")
    assert client.get(js).status_code == 200
    response = client.get(icon)
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_unknown_or_escaping_asset_paths_are_404(client):
    assert client.get("/assets/boussole/abc/css/nothing.css").status_code == 404
    assert client.get("/assets/boussole/abc/../../settings.py").status_code == 404
    assert client.get("/assets/nobundle/abc/x.js").status_code == 404


def test_html_pages_are_gzipped_when_the_browser_accepts_it(client):
    response = client.get("/accessibilite", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Déclaration d’accessibilité" in gzip.decompress(response.data).decode()
