"""Failures: an unreachable, slow or broken engine must become SearchUnavailable quickly (the
service then answers from postgres), while a request Meilisearch calls malformed is our bug and
must stay loud (a ValueError with Meilisearch's own message)."""
import time

import pytest

from search.backends.base import SearchQuery, SearchUnavailable
from search.backends.meilisearch import InvalidSearchRequest, MeilisearchBackend
from tests.support.fake_meili import FakeMeili, error_body, fake_meili, listing_document  # noqa: F401
from tests.support.services import free_port

SEARCH = "/indexes/listings/search"


@pytest.fixture
def backend(fake_meili):
    backend = MeilisearchBackend(fake_meili.url, "test-key", "listings", timeout=0.5)
    backend.index([listing_document(1, "Chorale du jeudi")])
    return backend


def test_invalid_filter_is_a_value_error_with_meilisearch_message(backend, fake_meili):
    message = ("Attribute `price` is not filterable. Available filterable attribute patterns are: `_geo`, "
               "`kind`.\n1:6 price = 3")
    fake_meili.add_rule("POST", SEARCH, 400, error_body(message, "invalid_search_filter"))
    with pytest.raises(InvalidSearchRequest) as caught:
        backend.search(SearchQuery(departement="93"))
    assert isinstance(caught.value, ValueError) and not isinstance(caught.value, SearchUnavailable)
    assert str(caught.value) == message
    assert caught.value.code == "invalid_search_filter"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailability(backend, fake_meili, status):
    fake_meili.add_rule("POST", SEARCH, status, error_body("Internal error", "internal", "internal"))
    with pytest.raises(SearchUnavailable, match="Internal error"):
        backend.search(SearchQuery(text="chorale"))


def test_a_server_slower_than_the_timeout_is_unavailable_within_the_timeout(backend, fake_meili):
    fake_meili.add_rule("POST", SEARCH, 200, {"hits": []}, delay=5)
    started = time.monotonic()
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="chorale"))
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_unavailable():
    backend = MeilisearchBackend(f"http://127.0.0.1:{free_port()}", "test-key", "listings", timeout=0.5)
    with pytest.raises(SearchUnavailable, match="injoignable"):
        backend.search(SearchQuery(text="chorale"))
    with pytest.raises(SearchUnavailable):
        backend.index([listing_document(1, "Chorale")])
    with pytest.raises(SearchUnavailable):
        backend.autocomplete("cho")


def test_a_wrong_api_key_is_unavailable_not_a_crash(fake_meili):
    backend = MeilisearchBackend(fake_meili.url, "not-the-key", "listings")
    with pytest.raises(SearchUnavailable, match="invalid_api_key"):
        backend.search(SearchQuery())


def test_a_missing_index_is_unavailable_until_the_first_rebuild(fake_meili):
    backend = MeilisearchBackend(fake_meili.url, "test-key", "listings")
    with pytest.raises(SearchUnavailable, match="index_not_found"):
        backend.search(SearchQuery(text="chorale"))


@pytest.mark.parametrize(("status", "body"), [
    (200, b"<html>Bad gateway</html>"), (200, "a JSON string"), (200, {"unexpected": True}), (502, None)])
def test_an_answer_that_is_not_meilisearch_is_unavailable(backend, fake_meili, status, body):
    fake_meili.add_rule("POST", SEARCH, status, body)
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="chorale"))
    fake_meili.add_rule("POST", "/indexes/listings/documents/fetch", status, body)
    with pytest.raises(SearchUnavailable):
        backend.document_ids()


def test_health_reports_version_and_document_count(backend, fake_meili):
    assert backend.health() == {"ok": True, "backend": "meilisearch", "version": "1.13.3", "documents": 1}


def test_health_of_a_server_without_the_index(fake_meili):
    health = MeilisearchBackend(fake_meili.url, "test-key", "listings").health()
    assert health["ok"] is True and health["documents"] == 0 and health["index_missing"] is True


@pytest.mark.parametrize("break_it", [
    lambda fake: fake.add_rule("GET", "/health", 503, error_body("down", "internal", "internal")),
    lambda fake: fake.add_rule("GET", "/version", 200, {"pkgVersion": "1.13.3"}, delay=3),
    lambda fake: fake.add_rule("GET", "/indexes/listings/stats", 500, "not json at all"),
    lambda fake: fake.add_rule("GET", "/health", 200, {"status": "degraded"}),
])
def test_health_never_raises(backend, fake_meili, break_it):
    break_it(fake_meili)
    health = backend.health()
    assert health["ok"] is False and health["backend"] == "meilisearch" and health["error"]


def test_health_of_an_unreachable_server_never_raises():
    health = MeilisearchBackend(f"http://127.0.0.1:{free_port()}", "k", "listings", timeout=0.3).health()
    assert health["ok"] is False and "injoignable" in health["error"]


def test_a_task_that_never_finishes_is_unavailable(fake_meili):
    fake_meili.processing_polls = 10_000
    backend = MeilisearchBackend(fake_meili.url, "test-key", "listings", task_timeout=0.3)
    with pytest.raises(SearchUnavailable):
        backend.index([listing_document(1, "Chorale")])
