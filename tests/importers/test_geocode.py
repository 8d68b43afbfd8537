"""The BAN client against a local server speaking the batch CSV protocol."""
import pytest

from importers.geocode import AddressQuery, BanGeocoder, GeocoderUnavailable
from tests.support.fake_ban import FakeBan
from tests.support.services import free_port


def test_batch_geocoding_keeps_confident_answers_with_their_precision():
    known = {"12 rue de la paix": (2.44, 48.86, "housenumber", "93048"),
             "rue inconnue": (2.40, 48.85, "street", "93048")}
    with FakeBan(known) as ban:
        found = BanGeocoder(ban.url).geocode([
            AddressQuery("a", "12 rue de la Paix", "93100", None, "Montreuil"),
            AddressQuery("b", "rue inconnue", None, "93048"),
            AddressQuery("c", "nowhere at all"),
        ])
    assert found["a"].lon == 2.44 and found["a"].precision == "address"
    assert found["b"].precision == "street"
    assert "c" not in found
    assert ban.requests[0]["path"] == "/search/csv/"
    assert "data" in ban.requests[0]["fields"] and "columns" in ban.requests[0]["fields"]


def test_a_down_or_failing_geocoder_raises_unavailable():
    with pytest.raises(GeocoderUnavailable):
        BanGeocoder(f"http://127.0.0.1:{free_port()}", timeout=2).geocode([AddressQuery("a", "x")])
    with FakeBan(status=503) as ban, pytest.raises(GeocoderUnavailable, match="503"):
        BanGeocoder(ban.url).geocode([AddressQuery("a", "x")])
