"""The Meilisearch search backend (production engine), through the official client.

Writes are asynchronous in Meilisearch: each returns a task, and we wait for it so a caller
(the indexing queue, `flask search rebuild`) knows the data is really searchable — or gets
SearchUnavailable with Meilisearch's own error message. See errors.py for the error contract.
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator

import meilisearch
from meilisearch.models.task import TaskInfo

from search.backends.base import SearchQuery, SearchResult, SearchUnavailable, Suggestion
from search.backends.meili import autocomplete as suggest
from search.backends.meili.errors import TaskFailed, engine_errors, is_not_found
from search.backends.meili.filters import build_filter, build_sort, filtered_facets
from search.backends.meili.index_settings import diff_settings, load_settings
from search.backends.meili.results import CROP_FIELDS, CROP_LENGTH, HIGHLIGHT_FIELDS, POST_TAG, PRE_TAG, to_result

BATCH_SIZE = 1000
PRIMARY_KEY = "id"
MAX_PER_PAGE = 100
_RAISE = object()


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class MeilisearchBackend:
    name = "meilisearch"

    def __init__(self, url: str, api_key: str, index_name: str, timeout: float = 2.0,
                 task_timeout: float = 120.0):
        """`timeout` bounds every HTTP request (so an unreachable engine fails fast and the
        service falls back); `task_timeout` bounds the wait for an indexing task."""
        self.url = url.rstrip("/")
        self.index_name = index_name
        self.timeout = timeout
        self.task_timeout = task_timeout
        self.client = meilisearch.Client(self.url, api_key or None, timeout=timeout)

    def _call(self, action: str, call, missing=_RAISE):
        """One synchronous request; `missing` is returned instead when the index does not exist."""
        try:
            with engine_errors(action):
                return call()
        except SearchUnavailable as exc:
            if missing is not _RAISE and is_not_found(exc.__cause__):
                return missing
            raise

    # -- tasks -----------------------------------------------------------------------------

    def _wait(self, task: TaskInfo, action: str) -> None:
        with engine_errors(action):
            done = self.client.wait_for_task(task.task_uid, timeout_in_ms=int(self.task_timeout * 1000),
                                             interval_in_ms=50)
        if done.status != "succeeded":
            error = done.error or {}
            message = error.get("message") or f"tâche {done.status}"
            raise TaskFailed(f"Meilisearch ({action}) : la tâche {done.uid} a échoué : {message}",
                             code=error.get("code"))

    def _run(self, action: str, enqueue) -> None:
        """Enqueue one task and wait for it."""
        with engine_errors(action):
            task = enqueue()
        self._wait(task, action)

    # -- documents -------------------------------------------------------------------------

    def index(self, documents: list[dict]) -> None:
        self._add_documents(self.index_name, documents)

    def _add_documents(self, uid: str, documents: Iterable[dict]) -> int:
        """All batches are enqueued first (Meilisearch works while we send), then awaited."""
        index = self.client.index(uid)
        tasks, count = [], 0
        for batch in batched(documents, BATCH_SIZE):
            with engine_errors("indexation"):
                tasks.append(index.add_documents(batch, primary_key=PRIMARY_KEY))
            count += len(batch)
        for task in tasks:
            self._wait(task, "indexation")
        return count

    def delete(self, ids: list[str]) -> None:
        path = f"indexes/{self.index_name}/documents/delete-batch"
        tasks = []
        for batch in batched(ids, BATCH_SIZE):
            # The documented delete-batch route; the client's wrapper for it warns, so post it
            # through the client's own HTTP layer.
            with engine_errors("suppression"):
                tasks.append(TaskInfo(**self.client.http.post(path, [str(i) for i in batch])))
        for task in tasks:
            self._tolerate_missing_index(lambda task=task: self._wait(task, "suppression"))

    def clear(self) -> None:
        index = self.client.index(self.index_name)
        self._tolerate_missing_index(lambda: self._run("vidage", index.delete_all_documents))

    @staticmethod
    def _tolerate_missing_index(operation) -> None:
        """Removing from an index that does not exist yet leaves it as wanted: empty."""
        try:
            operation()
        except TaskFailed as exc:
            if not is_not_found(exc):
                raise

    def document_ids(self) -> set[str]:
        index = self.client.index(self.index_name)
        ids: set[str] = set()
        offset = 0
        while True:
            parameters = {"fields": [PRIMARY_KEY], "limit": BATCH_SIZE, "offset": offset}
            page = self._call("liste des documents", lambda: index.get_documents(parameters), missing=None)
            if page is None:
                return set()
            ids.update(str(document.id) for document in page.results)
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return ids

    # -- search ----------------------------------------------------------------------------

    def search_params(self, query: SearchQuery) -> dict:
        """The body of POST /indexes/{uid}/search (besides "q"), public for tests and debugging."""
        params: dict = {
            "page": max(1, int(query.page)),
            "hitsPerPage": max(1, min(int(query.per_page), MAX_PER_PAGE)),
            "showRankingScore": True,
        }
        expression = build_filter(query)
        if expression:
            params["filter"] = expression
        disjunctive = filtered_facets(query)
        facets = [facet for facet in query.facets if facet not in disjunctive]
        if facets:
            params["facets"] = facets
        sort = build_sort(query)
        if sort:
            params["sort"] = sort
        if query.highlight and query.text.strip():
            params.update({
                "attributesToHighlight": list(HIGHLIGHT_FIELDS),
                "highlightPreTag": PRE_TAG,
                "highlightPostTag": POST_TAG,
                "attributesToCrop": list(CROP_FIELDS),
                "cropLength": CROP_LENGTH,
            })
        return params

    def facet_queries(self, query: SearchQuery) -> list[dict]:
        """One count-only query per facet the query filters on, without that facet's own filter."""
        queries = []
        for facet in filtered_facets(query):
            counts = {"indexUid": self.index_name, "q": query.text.strip(), "facets": [facet], "limit": 0}
            expression = build_filter(query, except_facet=facet)
            if expression:
                counts["filter"] = expression
            queries.append(counts)
        return queries

    def search(self, query: SearchQuery) -> SearchResult:
        """One request; a multi-search when facet counts need queries of their own."""
        params = self.search_params(query)
        text = query.text.strip()
        facet_queries = self.facet_queries(query)
        with engine_errors("recherche"):
            if not facet_queries:
                response = self.client.index(self.index_name).search(text, params)
            else:
                main = {"indexUid": self.index_name, "q": text, **params}
                results = self.client.multi_search([main, *facet_queries])["results"]
                response = results[0]
                distribution = dict(response.get("facetDistribution") or {})
                for counts in results[1:]:
                    distribution.update(counts.get("facetDistribution") or {})
                response["facetDistribution"] = distribution
            if not isinstance(response, dict) or not isinstance(response.get("hits"), list):
                raise TypeError(f"search answer without hits: {str(response)[:200]}")
        point = (float(query.point[1]), float(query.point[0])) if query.point is not None else None
        return to_result(response, query, point, self.name)

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        prefix = prefix.strip()
        if len(prefix) < 2 or limit <= 0:  # one letter matches everything: not a suggestion
            return []
        index = self.client.index(self.index_name)
        with engine_errors("autocomplétion"):
            facet_hits = index.facet_search("discipline_labels", prefix, {"q": ""})
            responses = self.client.multi_search(suggest.queries(self.index_name, prefix, limit))
        return suggest.merge(facet_hits, responses, limit)

    # -- settings and rebuild --------------------------------------------------------------

    def _live_settings(self, uid: str) -> dict | None:
        """None when the index does not exist yet."""
        return self._call("lecture des réglages", self.client.index(uid).get_settings, missing=None)

    def _create_index(self, uid: str) -> None:
        self._run("création de l'index", lambda: self.client.create_index(uid, {"primaryKey": PRIMARY_KEY}))

    def apply_settings(self, dry_run: bool = False) -> dict:
        """{"changed": {key: {"from": live, "to": desired}}}; a missing index shows every key
        changed from None, and is created (primary key "id") unless dry_run."""
        desired = load_settings()
        live = self._live_settings(self.index_name)
        changed = diff_settings(live or {}, desired)
        if not dry_run:
            if live is None:
                self._create_index(self.index_name)
            if changed:
                body = {key: change["to"] for key, change in changed.items()}
                index = self.client.index(self.index_name)
                self._run("réglages", lambda: index.update_settings(body))
        return {"changed": changed}

    def rebuild(self, documents_iter: Iterable[dict]) -> dict:
        """Build a fresh index beside the live one and swap them: searches keep answering from
        the old data until the new index is complete, and a failed rebuild changes nothing."""
        temporary = f"{self.index_name}_tmp_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1000000:06d}"
        self._create_index(temporary)
        try:
            body = load_settings()
            self._run("réglages", lambda: self.client.index(temporary).update_settings(body))
            count = self._add_documents(temporary, documents_iter)
            if self._live_settings(self.index_name) is None:
                self._create_index(self.index_name)  # a swap needs both indexes to exist
            self._run("échange des index",
                      lambda: self.client.swap_indexes([{"indexes": [self.index_name, temporary]}]))
        except BaseException:
            self._drop_quietly(temporary)
            raise
        # After the swap the temporary name holds the old documents.
        self._run("suppression de l'ancien index", lambda: self.client.delete_index(temporary))
        return {"index": self.index_name, "documents": count}

    def _drop_quietly(self, uid: str) -> None:
        try:
            with engine_errors("nettoyage"):
                self.client.delete_index(uid)
        except Exception:  # noqa: BLE001 - best effort, the original error matters more
            pass

    # -- health ----------------------------------------------------------------------------

    def health(self) -> dict:
        report = {"ok": False, "backend": self.name, "version": None, "documents": None}
        try:
            with engine_errors("santé"):
                status = self.client.health().get("status")
                report["version"] = self.client.get_version().get("pkgVersion")
            stats = self._call("statistiques", self.client.index(self.index_name).get_stats, missing=None)
            report["documents"] = stats.number_of_documents if stats is not None else 0
            if stats is None:
                report["index_missing"] = True
            report["ok"] = status == "available"
            if not report["ok"]:
                report["error"] = f"Meilisearch status: {status}"
        except Exception as exc:  # noqa: BLE001 - health reports, never raises
            report["ok"] = False
            report["error"] = str(exc)
        return report

