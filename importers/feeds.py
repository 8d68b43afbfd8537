"""Partner feeds pulled from a URL: downloaded to a temporary file within the size limit and,
when the answer is one page of an API (OpenAgenda's « after » cursor, OpenDataSoft's
« total_count » with « offset »), its following pages too, gathered into one file."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

MAX_PAGES = 1000
# OpenDataSoft's records API answers no further than this offset (its exports have no pages).
ODS_MAX_OFFSET = 10_000


class FetchError(Exception):
    pass


def network_problem(error: requests.RequestException, timeout: float) -> str:
    """Why a server could not be reached, in the partner's words rather than the library's."""
    if isinstance(error, requests.Timeout):
        return f"aucune réponse en {timeout:g} s"
    if isinstance(error, requests.exceptions.SSLError):
        return "certificat HTTPS refusé"
    if isinstance(error, requests.ConnectionError):
        return "serveur introuvable ou connexion refusée"
    if isinstance(error, requests.TooManyRedirects):
        return "trop de redirections"
    if isinstance(error, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                          requests.exceptions.InvalidSchema)):
        return "adresse invalide"
    return "erreur réseau"


def _download(url: str, max_bytes: int, timeout: float) -> bytes:
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise FetchError(f"Le flux {url} a répondu {response.status_code}.")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"Le flux dépasse la taille maximale de {max_bytes / 1_048_576:.1f} Mo.")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.RequestException as exc:
        raise FetchError(f"Flux injoignable : {url} ({network_problem(exc, timeout)}).") from exc


def _with_query(url: str, replace: dict[str, object]) -> str:
    """`url` with the query parameters named in `replace` set anew (a list gives « key[] »
    repeated, as OpenAgenda's cursor)."""
    parts = urlsplit(url)
    names = {name for key in replace for name in (key, f"{key}[]")}
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key not in names]
    for key, value in replace.items():
        query += [(f"{key}[]", str(item)) for item in value] if isinstance(value, list) else [(key, str(value))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _start(url: str) -> int:
    """The offset the partner's own URL starts at (« …&offset=40 »), 0 if none."""
    value = dict(parse_qsl(urlsplit(url).query)).get("offset", "0")
    return int(value) if value.isdigit() else 0


def _next_page(url: str, page: dict, received: int) -> str | None:
    """The URL of the page after `page` (`received` records so far from `url`'s own offset), if
    the answer says there is one."""
    if isinstance(page.get("events"), list) and page["events"] and page.get("after") not in (None, [], ""):
        after = page["after"]
        return _with_query(url, {"after": after if isinstance(after, list) else [after]})
    if isinstance(page.get("results"), list) and page["results"] and isinstance(page.get("total_count"), int):
        offset = _start(url) + received
        if offset < page["total_count"] and offset < ODS_MAX_OFFSET:
            return _with_query(url, {"offset": offset})
    return None


def _records_key(page: dict) -> str:
    return "events" if isinstance(page.get("events"), list) else "results"


def _gather(url: str, first: dict, max_bytes: int, timeout: float, size: int) -> dict:
    """The first page's records followed by those of the pages after it (the last page's
    cursor or total kept, so that a feed cut short still says it is incomplete)."""
    key = _records_key(first)
    gathered, page = dict(first), first
    records = list(first[key])
    seen = {json.dumps(first[key], sort_keys=True)}  # a server that ignores the cursor repeats a page
    complete = False
    for _ in range(MAX_PAGES):
        following = _next_page(url, page, len(records))
        if following is None:
            complete = True
            break
        content = _download(following, max_bytes - size, timeout)
        size += len(content)
        try:
            page = json.loads(content)
        except ValueError as exc:
            raise FetchError(f"Le flux {following} n'a pas répondu en JSON.") from exc
        if not isinstance(page, dict) or not isinstance(page.get(key), list) or not page[key]:
            complete = True
            break
        signature = json.dumps(page[key], sort_keys=True)
        if signature in seen:
            break  # the same records again: what was gathered is not the whole feed
        seen.add(signature)
        records += page[key]
    gathered[key] = records
    # A feed cut short keeps saying so in its own terms, for the reader: an open cursor, or a
    # total above the records gathered.
    if key == "events":
        gathered["after"] = None if complete else page.get("after") or first.get("after")
    elif not complete:
        gathered["total_count"] = max(int(first.get("total_count") or 0), len(records) + 1)
    return gathered


def fetch_to_file(url: str, max_bytes: int, timeout: float) -> Path:
    """Download a partner feed (all its pages) to a temporary file, refusing more than max_bytes."""
    content = _download(url, max_bytes, timeout)
    start = content[:2000].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in start):
        raise FetchError(f"Le flux {url} a répondu une page web (HTML), pas des données : l'adresse mène sans "
                         "doute à une page de présentation, de connexion ou d'erreur. Donnez l'adresse du fichier "
                         "lui-même (CSV, XLSX, JSON) ou de l'API.")
    if content.lstrip()[:1] == b"{":
        try:
            first = json.loads(content)
        except ValueError:
            first = None
        if isinstance(first, dict) and _next_page(url, first, len(first.get(_records_key(first)) or [])):
            content = json.dumps(_gather(url, first, max_bytes, timeout, len(content)),
                                 ensure_ascii=False).encode("utf-8")
    suffix = Path(urlsplit(url).path).suffix[:8]
    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as handle:
        handle.write(content)
    return Path(handle.name)
