"""Static assets served with a content hash in the URL, gzip, and a one-year immutable cache.

Why not Flask's plain /static: its URLs never change, so browsers must revalidate every
file on every visit (one request each, which EcoIndex counts). With the hash in the URL a
changed file gets a new URL and an unchanged one is never asked for again.

Bundles: our own files (portal/static) and the vendored map libraries shipped by the
xstatic PyPI packages, so that no page ever loads anything from a CDN.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, request

blueprint = Blueprint("assets", __name__)

PREFIX = "/assets"
ONE_YEAR = 31536000
COMPRESSIBLE = {"text/css", "application/javascript", "text/javascript", "image/svg+xml", "application/json"}


def _bundle_roots() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    return {
        "boussole": Path(__file__).resolve().parent.parent / "static",
        "leaflet": Path(leaflet.BASE_DIR),
        "markercluster": Path(markercluster.BASE_DIR),
    }


@dataclass(frozen=True)
class Asset:
    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


_roots: dict[str, Path] | None = None
_cache: dict[tuple[str, str, int], Asset] = {}


def _load(bundle: str, path: str) -> Asset | None:
    global _roots
    if _roots is None:
        _roots = _bundle_roots()
    root = _roots.get(bundle)
    if root is None:
        return None
    file = (root / path).resolve()
    if root.resolve() not in file.parents or not file.is_file():
        return None
    key = (bundle, path, file.stat().st_mtime_ns)  # an edited file gets a new hash at once
    if key in _cache:
        return _cache[key]
    body = file.read_bytes()
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if mimetype == "text/javascript":
        mimetype = "application/javascript"
    gzipped = gzip.compress(body, 9) if mimetype in COMPRESSIBLE else None
    asset = Asset(hashlib.sha256(body).hexdigest()[:12], body, gzipped, mimetype)
    _cache[key] = asset
    return asset


def asset_url(path: str, bundle: str = "boussole") -> str:
    """URL of a file with its content hash: /assets/boussole/<hash>/css/boussole.css."""
    asset = _load(bundle, path)
    if asset is None:
        raise LookupError(f"unknown asset {bundle}/{path}")
    return f"{PREFIX}/{bundle}/{asset.digest}/{path}"


def vendor_url(bundle: str, path: str) -> str:
    """Vendor files reference siblings by relative URL (leaflet.css → images/…), so the
    hash in their URL is the bundle's main file hash, shared by the whole folder."""
    anchor = {"leaflet": "leaflet.js", "markercluster": "leaflet.markercluster.js"}[bundle]
    digest = _load(bundle, anchor).digest
    return f"{PREFIX}/{bundle}/{digest}/{path}"


@blueprint.get(f"{PREFIX}/<bundle>/<digest>/<path:path>")
def serve(bundle: str, digest: str, path: str):
    asset = _load(bundle, path)
    if asset is None:
        abort(404)
    use_gzip = asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def compress_html(response: Response) -> Response:
    """Gzip HTML pages: the results page carries its map data inline."""
    if (response.mimetype != "text/html" or response.direct_passthrough
            or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")):
        return response
    body = response.get_data()
    if len(body) < 1024:
        return response
    response.set_data(gzip.compress(body, 6))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.add("Vary", "Accept-Encoding")
    return response


def init_app(app) -> None:
    app.register_blueprint(blueprint)
    app.after_request(compress_html)
    app.jinja_env.globals["asset_url"] = asset_url
