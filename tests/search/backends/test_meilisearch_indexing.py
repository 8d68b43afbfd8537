"""Writing to Meilisearch: every write is a task we wait for, so "indexed" means searchable —
and a failed task reaches the caller (the indexing queue retries it) instead of vanishing."""
import pytest

from search.backends.base import SearchUnavailable
from search.backends.meilisearch import MeilisearchBackend, TaskFailed
from tests.support.fake_meili import fake_meili, listing_document  # noqa: F401 - fixture


@pytest.fixture
def backend(fake_meili):
    return MeilisearchBackend(fake_meili.url, "test-key", "listings")


def docs(count, start=1):
    return [listing_document(i, f"Atelier {i}") for i in range(start, start + count)]


def test_index_sends_batches_with_primary_key_and_waits_for_each_task(backend, fake_meili):
    fake_meili.processing_polls = 2
    backend.index(docs(2500))
    adds = fake_meili.requests_to("POST", "/indexes/listings/documents")
    assert [len(r.body) for r in adds] == [1000, 1000, 500]
    assert all(r.query == {"primaryKey": "id"} for r in adds)
    polls = fake_meili.requests_to("GET", r"/tasks/\d+")
    assert sorted({r.path for r in polls}) == ["/tasks/0", "/tasks/1", "/tasks/2"]
    assert len(polls) == 3 * 3  # two "processing" answers, then "succeeded", for each task
    assert backend.document_ids() == {f"activity-{i}" for i in range(1, 2501)}


def test_empty_index_call_sends_nothing(backend, fake_meili):
    backend.index([])
    backend.delete([])
    assert fake_meili.requests == []


def test_failed_task_raises_with_meilisearch_message(backend, fake_meili):
    fake_meili.fail_next_task("The `_geo` field in the document with the id: `\"venue-1\"` is not an object.",
                              code="invalid_document_geo_field")
    with pytest.raises(SearchUnavailable, match="is not an object") as caught:
        backend.index(docs(1))
    assert isinstance(caught.value, TaskFailed) and caught.value.code == "invalid_document_geo_field"


def test_delete_by_ids_and_clear(backend, fake_meili):
    backend.index(docs(3))
    backend.delete(["activity-1", "activity-3"])
    (request,) = fake_meili.requests_to("POST", "/indexes/listings/documents/delete-batch")
    assert request.body == ["activity-1", "activity-3"]
    assert backend.document_ids() == {"activity-2"}
    backend.clear()
    assert fake_meili.requests_to("DELETE", "/indexes/listings/documents")
    assert backend.document_ids() == set()


def test_removing_from_a_missing_index_is_not_an_error(backend):
    backend.delete(["activity-1"])
    backend.clear()
    assert backend.document_ids() == set()


def test_document_ids_pages_through_ids_only(backend, fake_meili):
    backend.index(docs(1500))
    fake_meili.requests.clear()
    assert len(backend.document_ids()) == 1500
    pages = fake_meili.requests_to("POST", "/indexes/listings/documents/fetch")
    assert [(p.body["offset"], p.body["limit"], p.body["fields"]) for p in pages] == [
        (0, 1000, ["id"]), (1000, 1000, ["id"])]


def test_rebuild_fills_a_temporary_index_then_swaps_and_drops_the_old_one(backend, fake_meili):
    backend.index(docs(2))  # the live index and its old content
    fake_meili.requests.clear()
    report = backend.rebuild(iter(docs(3, start=10)))
    assert report == {"index": "listings", "documents": 3}
    writes = [(r.method, r.path) for r in fake_meili.requests if r.method != "GET"]
    temporary = fake_meili.requests[0].body["uid"]
    assert temporary.startswith("listings_tmp_")
    assert fake_meili.requests[0].body == {"uid": temporary, "primaryKey": "id"}
    assert writes == [
        ("POST", "/indexes"),
        ("PATCH", f"/indexes/{temporary}/settings"),
        ("POST", f"/indexes/{temporary}/documents"),
        ("POST", "/swap-indexes"),
        ("DELETE", f"/indexes/{temporary}"),
    ]
    (swap,) = fake_meili.requests_to("POST", "/swap-indexes")
    assert swap.body == [{"indexes": ["listings", temporary]}]
    assert backend.document_ids() == {"activity-10", "activity-11", "activity-12"}
    assert set(fake_meili.indexes) == {"listings"}
    assert fake_meili.indexes["listings"].settings["rankingRules"][4] == "sort"


def test_rebuild_creates_the_live_index_when_it_is_missing(backend, fake_meili):
    backend.rebuild(docs(1))
    creations = [r.body["uid"] for r in fake_meili.requests_to("POST", "/indexes")]
    assert creations[1] == "listings" and creations[0].startswith("listings_tmp_")
    assert backend.document_ids() == {"activity-1"}


def test_failed_rebuild_keeps_the_live_index_and_drops_the_temporary_one(backend, fake_meili):
    backend.index(docs(2))
    fake_meili.fail_next_task("Document doesn't have a `id` attribute", code="missing_document_id",
                              task_type="documentAdditionOrUpdate")
    with pytest.raises(SearchUnavailable, match="missing_document_id|doesn't have"):
        backend.rebuild(docs(5, start=10))
    assert not fake_meili.requests_to("POST", "/swap-indexes")
    assert set(fake_meili.indexes) == {"listings"}
    assert backend.document_ids() == {"activity-1", "activity-2"}
