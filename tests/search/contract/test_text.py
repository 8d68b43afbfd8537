"""What a user types: typos, accents, synonyms, as-you-type prefixes, ranking, highlights."""
import pytest

from search.backends.base import SearchQuery
from tests.search.contract.conftest import doc_id, ids


@pytest.mark.parametrize("typed", ["théâtre", "theatre", "théatre", "THÉÂTRE", "téâtre"])
def test_theatre_is_found_however_it_is_typed(backend, listings, typed):
    found = ids(backend.search(SearchQuery(text=typed)))
    assert doc_id(listings["theatre_ados"]) in found
    assert doc_id(listings["theatre_commune"]) in found


def test_a_typo_in_chorale_still_finds_the_choir(backend, listings):
    assert ids(backend.search(SearchQuery(text="chorle")))[0] == doc_id(listings["chorale"])


@pytest.mark.parametrize("typed, expected", [
    ("chœur", "chorale"), ("choeur", "chorale"), ("chant choral", "chorale"),
    ("impro", "impro"), ("breakdance", "hiphop"), ("hip hop", "hiphop"),
    ("BD", "bd"), ("bande dessinée", "bd"), ("musique assistée par ordinateur", "mao"), ("mao", "mao"),
])
def test_synonyms_find_the_listing_written_with_the_other_word(backend, listings, typed, expected):
    assert doc_id(listings[expected]) in ids(backend.search(SearchQuery(text=typed)))


def test_the_word_being_typed_matches_as_a_prefix(backend, listings):
    assert doc_id(listings["impro"]) in ids(backend.search(SearchQuery(text="improvi")))


def test_title_matches_rank_above_description_matches(backend, listings):
    found = ids(backend.search(SearchQuery(text="théâtre")))
    assert found.index(doc_id(listings["theatre_ados"])) < found.index(doc_id(listings["ecriture"]))
    assert found.index(doc_id(listings["theatre_commune"])) < found.index(doc_id(listings["ecriture"]))


def test_an_exact_title_comes_first(backend, listings):
    assert ids(backend.search(SearchQuery(text="Cours de piano")))[0] == doc_id(listings["piano"])


def test_drafts_archived_and_stale_listings_are_never_found(backend, listings):
    found = ids(backend.search(SearchQuery(text="théâtre", per_page=100)))
    for name in ("draft", "archived", "stale"):
        assert doc_id(listings[name]) not in found


def test_a_query_matching_nothing_returns_no_hits(backend, listings):
    result = backend.search(SearchQuery(text="xylophoniste quantique"))
    assert result.hits == [] and result.total == 0


def test_highlights_mark_matches_and_escape_html(backend, listings):
    hit = next(h for h in backend.search(SearchQuery(text="théâtre")).hits if h.id == doc_id(listings["ecriture"]))
    assert "<mark>théâtre</mark>" in hit.highlights["description"]
    ados = next(h for h in backend.search(SearchQuery(text="scène")).hits if h.id == doc_id(listings["theatre_ados"]))
    assert "<mark>scène</mark>" in ados.highlights["description"]
    assert "<i>" not in ados.highlights["description"]
