"""A small stand-in for a Meilisearch server, for tests at the HTTP boundary.

There is no Meilisearch binary on the development machines, so the backend is tested against
this server: it listens on a free loopback port, records every request (method, path, query
string, JSON body, headers) and answers with the response shapes of the Meilisearch v1 API
reference — task objects, GET /tasks/{uid} with succeeded/failed and an error object, search
responses in page mode (hits, _formatted, _geoDistance, _rankingScore, facetDistribution,
totalHits, totalPages), error bodies {message, code, type, link}.

It keeps indexes, documents and settings in memory so multi-step flows (apply settings, index,
rebuild and swap) behave, but it does not evaluate filters: a test asserts the filter string the
backend sent, and the live suite (MEILI_URL) checks what a real engine does with it.

Scripting: `fail_next_task(...)` makes the next task end failed; `add_rule(...)` answers a
method + path with a canned status/body, optionally after a delay (timeouts).
"""
from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_SETTINGS = {
    "displayedAttributes": ["*"], "searchableAttributes": ["*"], "filterableAttributes": [],
    "sortableAttributes": [], "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    "stopWords": [], "nonSeparatorTokens": [], "separatorTokens": [], "dictionary": [], "synonyms": {},
    "distinctAttribute": None, "proximityPrecision": "byWord",
    "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
                      "disableOnWords": [], "disableOnAttributes": []},
    "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "alpha"}},
    "pagination": {"maxTotalHits": 1000}, "searchCutoffMs": None, "localizedAttributes": None,
}
SET_KEYS = ("filterableAttributes", "sortableAttributes", "stopWords")
GEO_POINT = re.compile(r"_geoPoint\(\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\):(asc|desc)")


def error_body(message: str, code: str, type_: str = "invalid_request") -> dict:
    return {"message": message, "code": code, "type": type_, "link": f"https://docs.meilisearch.com/errors#{code}"}


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", str(text).casefold()) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: object
    headers: dict


@dataclass
class Rule:
    method: str
    path: str
    status: int
    body: object
    delay: float = 0.0
    times: int | None = 1


@dataclass
class FakeIndex:
    uid: str
    primary_key: str | None = None
    documents: dict = field(default_factory=dict)
    settings: dict = field(default_factory=lambda: json.loads(json.dumps(DEFAULT_SETTINGS)))
    created_at: str = field(default_factory=now)


class FakeMeili:
    def __init__(self, master_key: str | None = "test-key", version: str = "1.13.3"):
        self.master_key = master_key
        self.version = version
        self.requests: list[Recorded] = []
        self.indexes: dict[str, FakeIndex] = {}
        self.tasks: dict[int, dict] = {}
        self.rules: list[Rule] = []
        self.task_failures: list[tuple[str | None, dict]] = []
        self.processing_polls = 1  # GET /tasks/{uid} says "processing" this many times first
        self._polls: dict[int, int] = {}
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "FakeMeili":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _handle(self):
                try:
                    fake._dispatch(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting ---------------------------------------------------------------------------

    def add_rule(self, method: str, path: str, status: int = 200, body: object = None,
                 delay: float = 0.0, times: int | None = 1) -> None:
        self.rules.append(Rule(method.upper(), path, status, body, delay, times))

    def fail_next_task(self, message: str, code: str = "invalid_document_fields",
                       task_type: str | None = None, type_: str = "invalid_request") -> None:
        self.task_failures.append((task_type, error_body(message, code, type_)))

    def requests_to(self, method: str, path_pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path_pattern, r.path)]

    # -- HTTP --------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        record = Recorded(handler.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                          body, dict(handler.headers.items()))
        with self._lock:
            self.requests.append(record)
            rule = next((r for r in self.rules if r.method == record.method and re.fullmatch(r.path, record.path)),
                        None)
            if rule is not None and rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
        if rule is not None:
            if rule.delay and self._stopping.wait(rule.delay):
                return
            return self._send(handler, rule.status, rule.body)
        with self._lock:
            status, payload = self._route(record)
        self._send(handler, status, payload)

    @staticmethod
    def _send(handler, status: int, payload) -> None:
        raw = isinstance(payload, bytes)  # bytes go out as they are: a proxy's HTML page…
        data = payload if raw else b"" if payload is None else json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html" if raw else "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, r: Recorded):
        if r.path == "/health":
            return 200, {"status": "available"}
        auth = r.headers.get("Authorization", "")
        if self.master_key:
            if not auth.startswith("Bearer ") or auth == "Bearer None":
                return 401, error_body("The Authorization header is missing. It must use the bearer "
                                       "authorization method.", "missing_authorization_header", "auth")
            if auth != f"Bearer {self.master_key}":
                return 403, error_body("The provided API key is invalid.", "invalid_api_key", "auth")
        path, method = r.path.rstrip("/"), r.method
        if path == "/version":
            return 200, {"pkgVersion": self.version, "commitSha": "0" * 40, "commitDate": now()}
        if match := re.fullmatch(r"/tasks/(\d+)", path):
            return self._task_status(int(match[1]))
        if path == "/indexes" and method == "POST":
            return self._enqueue("indexCreation", r.body["uid"], lambda: self._create(r.body))
        if path == "/swap-indexes" and method == "POST":
            return self._enqueue("indexSwap", None, lambda: self._swap(r.body))
        if path == "/multi-search" and method == "POST":
            results = []
            for query in r.body["queries"]:
                index = self.indexes.get(query["indexUid"])
                if index is None:
                    return self._missing(query["indexUid"])
                results.append({"indexUid": index.uid, **self._search(index, query)})
            return 200, {"results": results}
        match = re.fullmatch(r"/indexes/([\w-]+)(/.*)?", path)
        if not match:
            return 404, error_body(f"Route {path} not found.", "not_found")
        return self._index_route(method, match[1], match[2] or "", r)

    def _index_route(self, method: str, uid: str, rest: str, r: Recorded):
        index = self.indexes.get(uid)
        if (method, rest) == ("POST", "/documents"):
            return self._enqueue("documentAdditionOrUpdate", uid,
                                 lambda: self._add(uid, r.body, r.query.get("primaryKey")))
        if (method, rest) == ("PATCH", "/settings"):
            return self._enqueue("settingsUpdate", uid, lambda: self._update_settings(uid, r.body))
        if (method, rest) == ("DELETE", ""):
            return self._enqueue("indexDeletion", uid, lambda: self._need(uid) and self.indexes.pop(uid))
        if (method, rest) == ("POST", "/documents/delete-batch"):
            return self._enqueue("documentDeletion", uid,
                                 lambda: [self._need(uid).documents.pop(str(i), None) for i in r.body])
        if (method, rest) == ("DELETE", "/documents"):
            return self._enqueue("documentDeletion", uid, lambda: self._need(uid).documents.clear())
        if index is None:
            return self._missing(uid)
        if (method, rest) == ("GET", ""):
            return 200, {"uid": uid, "primaryKey": index.primary_key, "createdAt": index.created_at,
                         "updatedAt": index.created_at}
        if (method, rest) == ("GET", "/settings"):
            return 200, index.settings
        if (method, rest) == ("GET", "/stats"):
            return 200, {"numberOfDocuments": len(index.documents), "isIndexing": False, "fieldDistribution": {}}
        if (method, rest) == ("POST", "/documents/fetch"):
            body = r.body or {}
            offset, limit = body.get("offset", 0), body.get("limit", 20)
            docs = list(index.documents.values())
            fields = body.get("fields")
            page = [{k: d[k] for k in fields if k in d} if fields else d for d in docs[offset:offset + limit]]
            return 200, {"results": page, "offset": offset, "limit": limit, "total": len(docs)}
        if (method, rest) == ("POST", "/search"):
            return 200, self._search(index, r.body or {})
        if (method, rest) == ("POST", "/facet-search"):
            return 200, self._facet_search(index, r.body)
        return 404, error_body(f"Route {method} /indexes/{uid}{rest} not found.", "not_found")

    # -- tasks -------------------------------------------------------------------------------

    def _enqueue(self, task_type: str, uid: str | None, effect):
        task_uid = len(self.tasks)
        task = {"uid": task_uid, "batchUid": task_uid, "indexUid": uid, "status": "succeeded",
                "type": task_type, "canceledBy": None, "details": {}, "error": None, "duration": "PT0.001S",
                "enqueuedAt": now(), "startedAt": now(), "finishedAt": now()}
        failure = next((f for f in self.task_failures if f[0] in (None, task_type)), None)
        if failure is not None:
            self.task_failures.remove(failure)
            task.update(status="failed", error=failure[1])
        else:
            try:
                effect()
            except LookupError as missing:
                task.update(status="failed", error=error_body(f"Index `{missing.args[0]}` not found.",
                                                              "index_not_found"))
            except FileExistsError as exists:
                task.update(status="failed", error=error_body(f"Index `{exists.args[0]}` already exists.",
                                                              "index_already_exists"))
        self.tasks[task_uid] = task
        return 202, {"taskUid": task_uid, "indexUid": uid, "status": "enqueued", "type": task_type,
                     "enqueuedAt": task["enqueuedAt"]}

    def _task_status(self, task_uid: int):
        task = self.tasks.get(task_uid)
        if task is None:
            return 404, error_body(f"Task `{task_uid}` not found.", "task_not_found")
        polls = self._polls.get(task_uid, 0)
        self._polls[task_uid] = polls + 1
        if polls < self.processing_polls:
            return 200, {**task, "status": "processing", "error": None, "finishedAt": None, "duration": None}
        return 200, task

    def _missing(self, uid: str):
        return 404, error_body(f"Index `{uid}` not found.", "index_not_found")

    def _need(self, uid: str) -> FakeIndex:
        if uid not in self.indexes:
            raise LookupError(uid)
        return self.indexes[uid]

    def _create(self, body: dict) -> None:
        if body["uid"] in self.indexes:
            raise FileExistsError(body["uid"])
        self.indexes[body["uid"]] = FakeIndex(body["uid"], body.get("primaryKey"))

    def _ensure(self, uid: str) -> FakeIndex:
        return self.indexes.setdefault(uid, FakeIndex(uid))

    def _add(self, uid: str, documents: list[dict], primary_key: str | None) -> None:
        index = self._ensure(uid)
        index.primary_key = index.primary_key or primary_key or "id"
        for document in documents:
            index.documents[str(document[index.primary_key])] = document

    def _update_settings(self, uid: str, body: dict) -> None:
        settings = self._ensure(uid).settings
        for key, value in body.items():
            if key in SET_KEYS:
                value = sorted(value)
            if isinstance(value, dict) and isinstance(settings.get(key), dict) and key != "synonyms":
                value = {**settings[key], **value}
            settings[key] = value

    def _swap(self, body: list[dict]) -> None:
        for pair in body:
            a, b = (self._need(uid) for uid in pair["indexes"])
            a.uid, b.uid = b.uid, a.uid
            self.indexes[a.uid], self.indexes[b.uid] = a, b

    # -- search ------------------------------------------------------------------------------

    def _search(self, index: FakeIndex, body: dict) -> dict:
        terms = words(body.get("q") or "")
        fields = body.get("attributesToSearchOn") or ["title", "description", "discipline_labels", "tags",
                                                      "organization", "commune_name"]

        def text_of(doc):
            return " ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v)
                            for f in fields if (v := doc.get(f)) is not None)

        hits = [d for d in index.documents.values()
                if all(any(w.startswith(t) for w in words(text_of(d))) for t in terms)]
        distinct = body.get("distinct")
        if distinct:
            seen, unique = set(), []
            for d in hits:
                if d.get(distinct) not in seen:
                    seen.add(d.get(distinct))
                    unique.append(d)
            hits = unique
        geo = None
        for rule in body.get("sort") or []:
            if match := GEO_POINT.fullmatch(rule.replace(" ", "")):
                geo = (float(match[1]), float(match[2]))
                hits.sort(key=lambda d: distance(geo, d.get("_geo")), reverse=match[3] == "desc")
            elif rule.endswith((":asc", ":desc")):
                name, direction = rule.rsplit(":", 1)
                present = sorted((d for d in hits if d.get(name) is not None), key=lambda d: d[name],
                                 reverse=direction == "desc")
                hits = present + [d for d in hits if d.get(name) is None]
        facets = {name: {} for name in body.get("facets") or []}
        for d in hits:
            for name in facets:
                values = d.get(name)
                for value in values if isinstance(values, list) else [values]:
                    if value is not None:
                        key = json.dumps(value) if isinstance(value, bool) else str(value)
                        facets[name][key] = facets[name].get(key, 0) + 1
        shown = [self._shape(d, body, terms, geo, rank) for rank, d in enumerate(hits)]
        response = {"query": body.get("q") or "", "processingTimeMs": 1}
        if "page" in body or "hitsPerPage" in body:
            page, per_page = body.get("page", 1), body.get("hitsPerPage", 20)
            response.update(hits=shown[(page - 1) * per_page: page * per_page], page=page, hitsPerPage=per_page,
                            totalHits=len(hits), totalPages=math.ceil(len(hits) / per_page) if per_page else 0)
        else:
            offset, limit = body.get("offset", 0), body.get("limit", 20)
            response.update(hits=shown[offset:offset + limit], offset=offset, limit=limit,
                            estimatedTotalHits=len(hits))
        if body.get("facets"):
            response.update(facetDistribution=facets, facetStats={})
        return response

    @staticmethod
    def _shape(doc: dict, body: dict, terms: list[str], geo, rank: int) -> dict:
        retrieve = body.get("attributesToRetrieve")
        hit = {k: v for k, v in doc.items() if not retrieve or k in retrieve or "*" in retrieve}
        highlight = body.get("attributesToHighlight")
        if highlight:
            pre, post = body.get("highlightPreTag", "<em>"), body.get("highlightPostTag", "</em>")

            def mark(value):
                if isinstance(value, list):
                    return [mark(v) for v in value]
                if not isinstance(value, str):
                    return value
                return re.sub(r"\w+", lambda m: f"{pre}{m[0]}{post}"
                              if any(fold(m[0]).startswith(t) for t in terms) else m[0], value)

            hit["_formatted"] = {k: mark(v) if k in highlight or "*" in highlight else v for k, v in doc.items()}
        if geo is not None and isinstance(doc.get("_geo"), dict):
            hit["_geoDistance"] = round(distance(geo, doc["_geo"]))
        if body.get("showRankingScore"):
            hit["_rankingScore"] = round(1.0 / (1 + rank), 4)
        return hit

    def _facet_search(self, index: FakeIndex, body: dict) -> dict:
        name, needle = body["facetName"], fold(body.get("facetQuery") or "")
        counts: dict[str, int] = {}
        for d in index.documents.values():
            values = d.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and any(w.startswith(needle) for w in words(str(value))):
                    counts[str(value)] = counts.get(str(value), 0) + 1
        hits = [{"value": v, "count": c} for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"facetHits": hits, "facetQuery": body.get("facetQuery"), "processingTimeMs": 0}


def distance(origin: tuple[float, float], geo: dict | None) -> float:
    if not isinstance(geo, dict):
        return float("inf")
    lat1, lng1, lat2, lng2 = map(math.radians, (origin[0], origin[1], float(geo["lat"]), float(geo["lng"])))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def listing_document(listing_id: int, title: str, listing_type: str = "activity", **fields) -> dict:
    """A document shaped like search.documents builds them (see search/backends/base.py)."""
    document = {
        "id": f"{listing_type}-{listing_id}", "listing_type": listing_type, "listing_id": listing_id,
        "kind": "regular_class", "title": title, "description": "", "disciplines": [], "discipline_labels": [],
        "tags": [], "organization": None, "address": None, "commune_code": "93066",
        "commune_name": "Saint-Denis", "departement_code": "93", "ept_code": "T6", "age_min": None,
        "age_max": None, "audiences": [], "level": None, "is_free": None, "price_min": None, "price_band": None,
        "weekdays": [], "day_periods": [], "accessibility": [], "status": None, "last_verified_at": 1_760_000_000,
        "next_date": None, "_geo": {"lat": 48.9362, "lng": 2.3574}, "location_approximate": False,
    }
    unknown = set(fields) - set(document)
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    document.update(fields)
    return document


try:
    import pytest
except ImportError:  # pragma: no cover - only the test suite imports this module
    pytest = None

if pytest is not None:
    @pytest.fixture
    def fake_meili():
        """A started FakeMeili (master key "test-key"), stopped after the test."""
        server = FakeMeili().start()
        try:
            yield server
        finally:
            server.stop()
