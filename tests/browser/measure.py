"""What Chromium measured for a page: DOM elements, requests, bytes transferred."""
from __future__ import annotations

from portal.ecoindex import EcoIndex, ecoindex

MEASURE_JS = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const tiles = entries.filter(e => e.initiatorType === 'img' && /\\/\\d+\\/\\d+\\/\\d+\\.png$/.test(e.name));
  const size = entries.filter(e => !tiles.includes(e)).reduce((total, e) => total + (e.transferSize || 0), 0);
  return {dom: document.getElementsByTagName('*').length, requests: entries.length, bytes: size};
}"""


def measure(page) -> dict:
    page.wait_for_load_state("networkidle")
    return page.evaluate(MEASURE_JS)


def page_ecoindex(page, label: str) -> tuple[EcoIndex, dict]:
    figures = measure(page)
    score = ecoindex(figures["dom"], figures["requests"], figures["bytes"] / 1024)
    print(f"\n{label}: {score} (excluding tiles: {figures['bytes'] / 1024:.1f} KB)")
    return score, figures
