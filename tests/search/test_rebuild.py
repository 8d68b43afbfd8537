"""`flask search reindex` rebuilds each backend the way it should be rebuilt."""
from search.backends.meilisearch import MeilisearchBackend
from search.indexer import rebuild
from tests.support.factories import make_activity, make_venue
from tests.support.fake_meili import fake_meili  # noqa: F401 - fixture


def test_meilisearch_is_rebuilt_in_a_temporary_index_swapped_in_from_database_rows(db_session, fake_meili):
    venue = make_venue(name="MJC des Hauts", commune_code="93048", location="SRID=4326;POINT(2.45 48.86)")
    make_activity(title="Batucada du samedi", venue=venue)
    backend = MeilisearchBackend(fake_meili.url, "test-key", "listings")
    count = rebuild(db_session, backend)
    assert count >= 2
    writes = [(r.method, r.path.split("/")[1]) for r in fake_meili.requests if r.method != "GET"]
    assert ("POST", "swap-indexes") in writes
    assert writes.index(("POST", "swap-indexes")) > writes.index(("PATCH", "indexes"))
    assert {"venue-%d" % venue.id} <= backend.document_ids()
