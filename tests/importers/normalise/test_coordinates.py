"""Coordinates as partners write them: decimal commas, one-column pairs, swapped pairs; and
the points Boussole must refuse rather than pin somewhere wrong."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.normalise import FieldError, in_france, parse_coordinates, parse_point


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"latitude": "48,8566", "longitude": "2,3522"}, (2.3522, 48.8566)),
    ({"latitude": 48.872265, "longitude": 2.300938}, (2.300938, 48.872265)),
    ({"lat_lon": "48.872265, 2.300938"}, (2.300938, 48.872265)),       # the cinema file's geolocalisation
    ({"lat_lon": "48.87;2.30"}, (2.30, 48.87)),
    ({"lat_lon": "48,87;2,30"}, (2.30, 48.87)),
    ({"lat_lon": "(48.87, 2.30)"}, (2.30, 48.87)),
    ({"lat_lon": [48.87, 2.30]}, (2.30, 48.87)),
    ({"lat_lon": {"lat": 48.87, "lon": 2.30}}, (2.30, 48.87)),
    ({"latitude": "49.0", "longitude": "2.0"}, (2.0, 49.0)),            # integers written as floats
    ({"latitude": "\ufeff48.9362 ", "longitude": " 2.3574"}, (2.3574, 48.9362)),
    ({"latitude": "-21.1151", "longitude": "55.5364"}, (55.5364, -21.1151)),  # La Réunion
    ({"latitude": "41.9192", "longitude": "8.7386"}, (8.7386, 41.9192)),      # Ajaccio
])
def test_accepts_the_ways_partners_write_a_point(kwargs, expected):
    assert parse_coordinates(**kwargs) == pytest.approx(expected)


@pytest.mark.parametrize("kwargs", [
    {"latitude": "2.3522", "longitude": "48.8566"},
    {"lat_lon": "2.300938, 48.872265"},
    {"lat_lon": "POINT(2.3522 48.8566)"},  # WKT is lon lat
])
def test_swapped_latitude_and_longitude_are_put_back(kwargs):
    lon, lat = parse_coordinates(**kwargs)
    assert lat > 40 and lon < 10


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"latitude": "0", "longitude": "0"}, "(0, 0)"),
    ({"lat_lon": "0,0;0,0"}, "(0, 0)"),
    ({"latitude": "40.7128", "longitude": "-74.0060"}, "pas en France"),     # New York
    ({"latitude": "51.5074", "longitude": "-0.1278"}, "pas en France"),      # London
    ({"latitude": "200", "longitude": "300"}, "hors limites"),
    ({"latitude": "quarante-huit", "longitude": "2.35"}, "nombre décimal"),
    ({"lat_lon": "48.87"}, "deux nombres"),
    ({"latitude": "48.87"}, "sans longitude"),
    ({"longitude": "2.35"}, "sans latitude"),
])
def test_refuses_points_it_cannot_trust_with_a_french_message(kwargs, message):
    with pytest.raises(FieldError) as caught:
        parse_coordinates(**kwargs)
    assert message in caught.value.message
    assert caught.value.field in ("latitude", "longitude", "lat_lon", "point")  # point: the pair


def test_lambert93_metres_are_converted_to_degrees_in_either_order():
    # The projection's origin: X 700 000, Y 6 600 000 is 3° E, 46.5° N by definition of Lambert-93.
    assert parse_coordinates("6600000", "700000") == (3.0, 46.5)        # Y under latitude, X under longitude
    assert parse_coordinates("700000,0", "6600000,0") == (3.0, 46.5)    # swapped, decimal commas
    assert parse_coordinates(lat_lon="700000 6600000") == (3.0, 46.5)
    lon, lat = parse_coordinates("6862265", "652469")                    # Paris, Île de la Cité
    assert 2.34 < lon < 2.36 and 48.85 < lat < 48.87
    with pytest.raises(FieldError, match="hors limites"):
        parse_coordinates("9600000", "700000")                          # metres, but not Lambert-93


def test_nothing_given_is_no_point():
    assert parse_coordinates() is None
    assert parse_coordinates("", " ", "") is None


def test_separate_columns_win_over_the_pair_column_and_the_pair_fills_gaps():
    assert parse_coordinates("48.87", "2.30", "43.3, 5.37") == pytest.approx((2.30, 48.87))
    assert parse_coordinates("", "", "43.2965, 5.3698") == pytest.approx((5.3698, 43.2965))


@given(st.floats(-200, 200, allow_nan=False), st.floats(-200, 200, allow_nan=False))
def test_never_returns_a_point_outside_france(latitude, longitude):
    try:
        point = parse_coordinates(latitude, longitude)
    except FieldError:
        return
    assert point is not None and in_france(*point)


# French Excel writes Lambert-93 metres with thousands separated by a no-break space (U+00A0),
# a narrow no-break space (U+202F) or a plain space: « 6 866 150,20 ».
@pytest.mark.parametrize("space", ["\u00a0", "\u202f", " "])
def test_lambert93_metres_with_grouped_thousands(space):
    y, x = f"6{space}866{space}150,20", f"658{space}360,50"
    expected = parse_point("6866150.20", "658360.50")
    assert expected.projected and 2.43 < expected.lon < 2.44 and 48.89 < expected.lat < 48.90  # Montreuil
    assert parse_point(y, x) == expected                  # Y under latitude, X under longitude
    assert parse_point(x, y) == expected                  # swapped
    assert parse_point(lat_lon=f"{y} ; {x}") == expected
    assert parse_point(lat_lon=f"{y}, {x}") == expected
    assert parse_point(lat_lon=f"{x} {y}") == expected    # spaces only, but one reading only


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lat_lon": "123 456 789 012"}, "deux nombres"),           # 123 456 | 789 012 or 123 | 456 789 012?
    ({"lat_lon": "6\u00a0866\u00a0150,20"}, "deux nombres"),    # one number
    ({"latitude": "6\u00a0866\u00a0150,20", "longitude": "deux"}, "nombre décimal"),
    ({"latitude": "9\u00a0600\u00a0000", "longitude": "700\u00a0000"}, "hors limites"),
])
def test_grouped_numbers_that_make_no_point_are_refused_in_french(kwargs, message):
    with pytest.raises(FieldError) as caught:
        parse_point(**kwargs)
    assert message in caught.value.message
