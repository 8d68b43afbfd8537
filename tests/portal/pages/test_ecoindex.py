"""The EcoIndex formula, checked on values worked out by hand from the method's tables."""
import pytest

from portal.ecoindex import QUANTILES_DOM, ecoindex, quantile


def test_quantile_interpolates_inside_its_interval():
    assert quantile(QUANTILES_DOM, 0) == 0
    assert quantile(QUANTILES_DOM, 47) == 1
    assert quantile(QUANTILES_DOM, 61) == pytest.approx(1.5)   # halfway between 47 and 75
    assert quantile(QUANTILES_DOM, 10**7) == 20


def test_a_tiny_page_scores_a_and_a_heavy_page_scores_low():
    tiny = ecoindex(dom=100, requests=5, size_kb=50)
    # q_dom = 2 + 25/84, q_req = 1 + 3/13, q_size = 1 + 48.63/143.33
    expected = 100 - 5 * (3 * (2 + 25 / 84) + 2 * (1 + 3 / 13) + (1 + 48.63 / 143.33)) / 6
    assert tiny.score == pytest.approx(expected, abs=0.05) and tiny.grade == "A"
    heavy = ecoindex(dom=2500, requests=300, size_kb=9000)
    assert heavy.score < 10 and heavy.grade == "G"


def test_negative_measure_is_refused():
    with pytest.raises(ValueError):
        ecoindex(dom=-1, requests=1, size_kb=1)
