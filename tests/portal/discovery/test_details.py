"""Detail pages of venues, activities and resources, built from database rows."""
import json
from decimal import Decimal
import re

from portal.listings.enums import ModerationStatus
from tests.portal.discovery.scenario import build
from tests.support.factories import make_activity, make_venue, point


def _jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_activity_page_tells_what_when_where_for_whom_and_how_much(client, db_session):
    s = build()
    response = client.get(f"/activites/{s.hiphop.id}-hip-hop-ados")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Hip-hop ados</h1>" in html
    assert "mercredi" in html and "18 h à 19 h 30" in html          # weekly slot
    assert "de 12 à 15 ans" in html and "Débutant" in html           # for whom
    assert "90 € pour la saison" in html and "Tarif solidaire" in html  # how much
    assert "Langue des signes (LSF)" in html and "Handicap moteur" in html  # accessibility
    assert "12 rue de la Solidarité" in html and "Croix de Chavaux" in html  # where
    assert "Prochaines dates" in html
    assert "Vérifié le" in html and "Source : Compagnie Pas de Côté" in html
    assert 'class="folium-map"' in html                               # its small map
    assert "Danse contemporaine adultes" in html                      # same venue
    assert "Danse africaine jeunes" in html                           # similar, nearby
    assert "Danse classique Tremblay" not in html                     # 15 km away


def test_activity_page_has_canonical_url_opengraph_and_course_jsonld(client, db_session):
    s = build()
    html = client.get(f"/activites/{s.hiphop.id}-hip-hop-ados").get_data(as_text=True)
    canonical = f"/activites/{s.hiphop.id}-hip-hop-ados"
    assert f'<link rel="canonical" href="http://localhost{canonical}">' in html
    assert '<meta property="og:title" content="Hip-hop ados">' in html
    data = _jsonld(html)
    assert data["@type"] == "Course" and data["name"] == "Hip-hop ados"
    place = data["hasCourseInstance"]["location"]
    assert place["address"]["postalCode"] == "93100"
    assert round(place["geo"]["latitude"], 3) == 48.862


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, db_session):
    s = build()
    for wrong in (f"/activites/{s.hiphop.id}", f"/activites/{s.hiphop.id}-old-title"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"].endswith(f"/activites/{s.hiphop.id}-hip-hop-ados")


def test_merged_venue_redirects_to_its_survivor(client, db_session):
    survivor = make_venue(name="Théâtre Berthelot", commune_code="93048", location=point(2.44, 48.86))
    duplicate = make_venue(name="Theatre Berthelot (doublon)")
    duplicate.merged_into_id = survivor.id
    db_session.flush()
    response = client.get(f"/lieux/{duplicate.id}-theatre-berthelot-doublon")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/lieux/{survivor.id}-theatre-berthelot")


def test_unpublished_unknown_or_malformed_listing_is_a_404_in_the_layout(client, db_session):
    draft = make_activity(title="Brouillon", moderation_status=ModerationStatus.draft)
    for url in (f"/activites/{draft.id}-brouillon", "/activites/99999999-rien", "/lieux/abc", "/ressources/-1"):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.get_data(as_text=True)
        assert "Page introuvable" in html and 'id="contenu"' in html


def test_venue_page_lists_its_activities_and_resources_with_place_jsonld(client, db_session):
    s = build()
    html = client.get(f"/lieux/{s.venue.id}-{s.venue.slug}").get_data(as_text=True)
    assert "Hip-hop ados" in html and "Chorale du quartier" in html
    assert "Studio de danse à louer" in html
    assert "Entrée de plain-pied" in html
    assert _jsonld(html)["@type"] == "Place"


def test_resource_page_shows_price_area_and_equipment(client, db_session):
    s = build()
    html = client.get(f"/ressources/{s.room.id}-{s.room.slug}").get_data(as_text=True)
    assert "15 € pour l&#39;heure" in html or "15 € pour l'heure" in html
    assert "80 m²" in html and "Parquet, miroirs, sono" in html
    assert _jsonld(html)["@type"] == "Service"


def test_activity_without_venue_says_so_and_shows_no_map(client, db_session):
    lonely = make_activity(title="Atelier d'écriture en ligne")
    html = client.get(f"/activites/{lonely.id}-{lonely.slug}").get_data(as_text=True)
    assert "Lieu non précisé." in html and "folium-map" not in html
    assert "Horaires non précisés" in html


def test_detail_page_is_available_in_english(client, db_session):
    s = build()
    client.get("/langue/en")
    html = client.get(f"/activites/{s.hiphop.id}-hip-hop-ados").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Wednesday" in html and "How much" in html


def test_a_free_venue_says_so(client, db_session):
    from tests.support.factories import make_venue

    venue = make_venue(name="Médiathèque Libre", commune_code="93048", is_free=True)
    html = client.get(f"/lieux/{venue.id}-{venue.slug}").get_data(as_text=True)
    assert "Accès et services gratuits." in html


def test_activity_page_shows_its_own_accessibility_and_what_the_partner_wrote(client, db_session):
    venue = make_venue(name="MJC", commune_code="93048", access_motor=True,
                       accessibility_notes="Rampe amovible sur demande")
    bal = make_activity(title="Bal folk", venue=venue, access_hearing=True, access_motor=True,
                        accessibility_notes="Visite tactile avant le spectacle")
    html = client.get(f"/activites/{bal.id}-{bal.slug}").get_data(as_text=True)
    assert html.count("Handicap moteur") == 1 and "Handicap auditif" in html
    assert "Visite tactile avant le spectacle" in html and "Rampe amovible sur demande" in html
    assert "Pas d’information d’accessibilité" not in html
    bare = make_activity(title="Chorale", accessibility_notes="Accès par la cour")
    html = client.get(f"/activites/{bare.id}-{bare.slug}").get_data(as_text=True)
    assert "Accès par la cour" in html and "Pas d’information d’accessibilité" not in html


def test_description_shows_its_paragraphs_and_links_as_html_never_its_tags_or_scripts(client, db_session):
    venue = make_venue(name="Salle Agora", commune_code="93048", location=point(2.44, 48.86),
                       description='<p>Accueil en résidence &amp; ateliers</p><p><a href="https://agora.example">'
                                   'Le site</a></p><script>alert(1)</script><img src=x onerror="alert(2)">')
    html = client.get(f"/lieux/{venue.id}-{venue.slug}").get_data(as_text=True)
    assert "<p>Accueil en résidence &amp; ateliers</p>" in html        # a paragraph, not « &lt;p&gt; »
    assert '<a href="https://agora.example" rel="noopener">Le site</a>' in html
    assert "&lt;p&gt;" not in html and "alert(" not in html and "onerror" not in html
    assert '<meta name="description" content="Accueil en résidence &amp; ateliers Le site">' in html
    assert _jsonld(html)["description"] == "Accueil en résidence & ateliers Le site"


def test_plain_text_description_keeps_its_line_breaks_as_paragraphs(client, db_session):
    venue = make_venue(name="Salle Lumière", commune_code="93048", location=point(2.44, 48.86),
                       description="Théâtre & danse pour tous.\n\nLe mercredi < 18 h.")
    html = client.get(f"/lieux/{venue.id}-{venue.slug}").get_data(as_text=True)
    assert "<p>Théâtre &amp; danse pour tous.</p><p>Le mercredi &lt; 18 h.</p>" in html


def test_a_ceiling_price_alone_is_said_as_a_ceiling_on_the_page_and_in_its_jsonld(client, db_session):
    """« jusqu'à 15 € » from a partner is no price of 15 € for everyone; a range is a range."""
    capped = make_activity(title="Stage chant", price_max=Decimal("15"))
    ranged = make_activity(title="Chorale", price_min=Decimal("30"), price_max=Decimal("150"))
    single = make_activity(title="Atelier slam", price_min=Decimal("8"), price_max=Decimal("8"))
    html = client.get(f"/activites/{capped.id}-{capped.slug}").get_data(as_text=True)
    assert "jusqu&#39;à 15 €" in html or "jusqu'à 15 €" in html
    offer = _jsonld(html)["hasCourseInstance"]["offers"]
    assert "price" not in offer
    assert offer["priceSpecification"] == {"@type": "PriceSpecification", "maxPrice": 15.0, "priceCurrency": "EUR"}
    html = client.get(f"/activites/{ranged.id}-{ranged.slug}").get_data(as_text=True)
    assert "de 30 € à 150 €" in html
    assert _jsonld(html)["hasCourseInstance"]["offers"]["priceSpecification"]["minPrice"] == 30.0
    html = client.get(f"/activites/{single.id}-{single.slug}").get_data(as_text=True)
    assert _jsonld(html)["hasCourseInstance"]["offers"]["price"] == 8.0


def test_a_ceiling_price_is_said_in_english_too(client, db_session):
    capped = make_activity(title="Stage chant", price_max=Decimal("15"))
    client.get("/langue/en")
    assert "up to 15 €" in client.get(f"/activites/{capped.id}-{capped.slug}").get_data(as_text=True)


def test_a_merged_venue_s_page_keeps_both_provenances_and_the_contact_it_brought(client, db_session):
    """The survivor of a merge names both sources, and a phone or site only the merged record
    had is still shown (« Pas de contact indiqué » would lose it)."""
    from importers.models import ImportSource
    from portal.listings.enums import ListingType

    theirs, ours = (ImportSource(name=name, listing_type=ListingType.venue) for name in ("ville-montreuil", "cnc"))
    db_session.add_all([theirs, ours])
    db_session.flush()
    survivor = make_venue(name="Cinéma Le Méliès", commune_code="93048", location=point(2.4425, 48.8619),
                          source_id=ours.id, external_id="1")
    merged = make_venue(name="Le Méliès", phone="01 83 74 58 20", website="https://meliesmontreuil.fr",
                        source_id=theirs.id, external_id="m-7")
    merged.merged_into_id = survivor.id
    db_session.flush()
    html = client.get(f"/lieux/{survivor.id}-{survivor.slug}").get_data(as_text=True)
    assert "Source : cnc, ville-montreuil" in html
    assert "01 83 74 58 20" in html and 'href="https://meliesmontreuil.fr"' in html
    assert "Pas de contact indiqué" not in html
