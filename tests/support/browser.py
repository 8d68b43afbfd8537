"""Playwright driving Debian's Chromium (never a downloaded browser), with helpers
to run axe-core and to prove that no request leaves 127.0.0.1."""
from __future__ import annotations

from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


class RequestLog:
    """Every URL the page asked for; `outside()` lists those not on loopback."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def outside(self) -> list[str]:
        result = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                result.append(url)
        return result


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
