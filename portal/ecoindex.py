"""The EcoIndex score of a page (cnumr's published method), from three measures taken in a
browser: DOM element count, HTTP request count and transferred size in KB.

Each measure is placed on its quantile scale (HTTP Archive distribution, 20 intervals) with
linear interpolation inside the interval; the score is 100 − 5 × (3·q_dom + 2·q_req + q_size)/6.
Written from the published formula and quantile tables (the ecoindex packages carry a
licence we cannot use).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

QUANTILES_DOM = (0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459,
                 1801, 2479, 594601)
QUANTILES_REQUESTS = (0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281,
                      3920)
QUANTILES_SIZE_KB = (0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32,
                     1648.27, 1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54,
                     223212.26)
GRADES = ((80, "A"), (70, "B"), (55, "C"), (40, "D"), (25, "E"), (10, "F"))


def quantile(table: tuple, value: float) -> float:
    """Position of `value` on the scale: interval index plus the fraction crossed inside it."""
    if value < 0:
        raise ValueError("a measure cannot be negative")
    index = bisect_right(table, value)
    if index >= len(table):
        return float(len(table) - 1)
    low, high = table[index - 1], table[index]
    return index - 1 + (value - low) / (high - low)


@dataclass(frozen=True)
class EcoIndex:
    dom: int
    requests: int
    size_kb: float
    score: float
    grade: str

    def __str__(self) -> str:
        return (f"EcoIndex {self.score:.0f} ({self.grade}): {self.dom} DOM elements, "
                f"{self.requests} requests, {self.size_kb:.1f} KB")


def ecoindex(dom: int, requests: int, size_kb: float) -> EcoIndex:
    weighted = (3 * quantile(QUANTILES_DOM, dom) + 2 * quantile(QUANTILES_REQUESTS, requests)
                + quantile(QUANTILES_SIZE_KB, size_kb))
    score = max(0.0, 100 - 5 * weighted / 6)
    grade = next((letter for threshold, letter in GRADES if score > threshold), "G")
    return EcoIndex(dom, requests, size_kb, round(score, 1), grade)
