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


def test_a_geocoder_that_drips_its_answer_is_given_up_at_the_deadline():
    """BAN_TIMEOUT bounds the whole answer: a server sending a byte now and then, each read
    within the timeout, does not hold the import for minutes."""
    import time

    with FakeBan({"1 rue x": (2.44, 48.86, "housenumber", "93048")}, trickle=0.3) as ban:
        started = time.monotonic()
        with pytest.raises(GeocoderUnavailable, match="n'a pas fini de répondre en 1 s"):
            BanGeocoder(ban.url, timeout=1).geocode([AddressQuery("a", "1 rue x")])
        assert time.monotonic() - started < 5


def test_an_answer_cut_short_is_an_unavailable_geocoder_not_a_crash():
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def answer_half():
        connection, _ = server.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nkey,latitude\r\n")
        connection.close()

    thread = threading.Thread(target=answer_half, daemon=True)
    thread.start()
    try:
        with pytest.raises(GeocoderUnavailable, match="réponse interrompue"):
            BanGeocoder(f"http://127.0.0.1:{server.getsockname()[1]}", timeout=5).geocode([AddressQuery("a", "x")])
    finally:
        server.close()
