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
    ({"lat_lon": "1 " * 20_000}, "deux nombres"),  # a hostile cell: refused, not split 20 000 ways
])
def test_grouped_numbers_that_make_no_point_are_refused_in_french(kwargs, message):
    with pytest.raises(FieldError) as caught:
        parse_point(**kwargs)
    assert message in caught.value.message


# Degrees, minutes, seconds as French partner files write them (Saint-Denis: 48°56'8"N 2°21'14"E).
SAINT_DENIS = (2.3538889, 48.9355556)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"latitude": "48°56'8\"N", "longitude": "2°21'14\"E"}, SAINT_DENIS),
    ({"latitude": "48°56'08.5\"N", "longitude": "2°21'14\"E"}, (2.3538889, 48.9356944)),
    ({"latitude": "48°56'08,5\"N", "longitude": "2°21'14,2\"E"}, (2.3539444, 48.9356944)),  # decimal commas
    ({"latitude": "48° 56' 8\" N", "longitude": "2° 21' 14\" E"}, SAINT_DENIS),
    ({"latitude": "N 48°56'8\"", "longitude": "E 2°21'14\""}, SAINT_DENIS),             # letter first
    ({"latitude": "48°56.133'N", "longitude": "2°21,233'E"}, (2.3538833, 48.93555)),   # decimal minutes
    ({"latitude": "48°56′8″N", "longitude": "2°21′14″E"}, SAINT_DENIS),                 # primes
    ({"latitude": "48º56’8”N", "longitude": "2°21'14''E"}, SAINT_DENIS),                # what Word types
    ({"latitude": "48°56'8\" Nord", "longitude": "2°21'14\" Est"}, SAINT_DENIS),
    ({"latitude": "\ufeff48°56'8\"N ", "longitude": "2°21'14\"E"}, SAINT_DENIS),
    ({"latitude": "48.8566 N", "longitude": "2.3522 E"}, (2.3522, 48.8566)),            # decimal degrees, lettered
    ({"latitude": "47°13'5\"N", "longitude": "1°33'14\"O"}, (-1.5538889, 47.2180556)),  # Nantes: O for ouest
    ({"latitude": "47°13'5\"N", "longitude": "1°33'14\"W"}, (-1.5538889, 47.2180556)),
    ({"latitude": "47°13'5\"N", "longitude": "-1°33'14\"O"}, (-1.5538889, 47.2180556)),  # west twice: still west
    ({"latitude": "21°6'54\"S", "longitude": "55°32'11\"E"}, (55.5363889, -21.115)),      # La Réunion
    ({"latitude": "2°21'14\"E", "longitude": "48°56'8\"N"}, SAINT_DENIS),               # swapped columns
    ({"latitude": "2.3538889", "longitude": "48°56'8\"N"}, SAINT_DENIS),                # the letter decides
    ({"lat_lon": "48°56'8\"N, 2°21'14\"E"}, SAINT_DENIS),
    ({"lat_lon": "48°56'8\"N;2°21'14\"E"}, SAINT_DENIS),
    ({"lat_lon": "48°56'8\"N 2°21'14\"E"}, SAINT_DENIS),
    ({"lat_lon": "48° 56' 08,5\" N, 2° 21' 14,2\" E"}, (2.3539444, 48.9356944)),
    ({"lat_lon": "48°56'08,5\"N,2°21'14,2\"E"}, (2.3539444, 48.9356944)),
    ({"lat_lon": "N 48°56'8\" E 2°21'14\""}, SAINT_DENIS),
    ({"lat_lon": "(48°56'8\"N, 2°21'14\"E)"}, SAINT_DENIS),
    ({"lat_lon": "2°21'14\"E 48°56'8\"N"}, SAINT_DENIS),                                # N/S is the latitude
    ({"lat_lon": "16°15'N 61°35'O"}, (-61.5833333, 16.25)),                             # Guadeloupe
    ({"lat_lon": ["48°56'8\"N", "2°21'14\"E"]}, SAINT_DENIS),
])
def test_accepts_degrees_minutes_seconds(kwargs, expected):
    assert parse_coordinates(**kwargs) == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"latitude": "48°61'8\"N", "longitude": "2°21'14\"E"}, "latitude",
     "« 48°61'8\"N » : les minutes doivent être inférieures à 60 (ici 61)."),
    ({"latitude": "48°56'60\"N", "longitude": "2°21'14\"E"}, "latitude",
     "« 48°56'60\"N » : les secondes doivent être inférieures à 60 (ici 60)."),
    ({"latitude": "-48°56'8\"N", "longitude": "2°21'14\"E"}, "latitude",
     "« -48°56'8\"N » : le signe « - » contredit la lettre « N » "
     "(le nord et l'est sont positifs, le sud et l'ouest négatifs)."),
    ({"latitude": "48°56'8\"N", "longitude": "2°21'14\"N"}, "longitude",
     "« 2°21'14\"N » : N et S désignent une latitude ; la longitude s'écrit avec E, O ou W."),
    ({"latitude": "48°56'8\"E", "longitude": "2°21'14\"E"}, "latitude",
     "« 48°56'8\"E » : E, O et W désignent une longitude ; la latitude s'écrit avec N ou S."),
    ({"latitude": "95°0'0\"N", "longitude": "2°21'14\"E"}, "latitude",
     "« 95°0'0\"N » : latitude hors limites (90° au plus)."),
    ({"latitude": "48°56'8\"N", "longitude": "200°0'E"}, "longitude",
     "« 200°0'E » : longitude hors limites (180° au plus)."),
    ({"latitude": "48.5°30'N", "longitude": "2°E"}, "latitude",
     "« 48.5°30'N » : seule la dernière valeur (degrés, minutes ou secondes) peut avoir des décimales."),
    ({"latitude": "2°21'14\"N", "longitude": "48°56'8\"E"}, "point",  # never swapped against the letters
     "« 2°21'14\"N, 48°56'8\"E » : ce point n'est pas en France (il le serait en échangeant latitude "
     "et longitude, mais les lettres N, S, E, O disent le contraire)."),
    ({"latitude": "48°56'8\"S", "longitude": "2°21'14\"W"}, "point",
     "« 48°56'8\"S, 2°21'14\"W » : ce point n'est pas en France."),
    ({"latitude": "N 48°56'8\" N", "longitude": "2°E"}, "latitude",
     "« N 48°56'8\" N » n'est pas une coordonnée (nombre décimal attendu, "
     "ou degrés, minutes et secondes comme 48°51'24\"N)."),
    ({"lat_lon": "48°56'8\"N, 2°21'14\"N"}, "lat_lon",
     "« 48°56'8\"N, 2°21'14\"N » : N et S désignent une latitude ; la longitude s'écrit avec E, O ou W."),
    ({"lat_lon": "48°56'8\"N, 2°61'14\"E"}, "lat_lon",
     "« 2°61'14\"E » : les minutes doivent être inférieures à 60 (ici 61)."),
    ({"lat_lon": "0°N, 0°E"}, "lat_lon", "Les coordonnées (0, 0) ne désignent aucun lieu : elles sont ignorées."),
])
def test_refuses_degrees_minutes_seconds_that_make_no_point_in_french(kwargs, field, message):
    with pytest.raises(FieldError) as caught:
        parse_point(**kwargs)
    assert (caught.value.field, caught.value.message) == (field, message)


NUMBER_CHARACTERS = st.sampled_from(list("0123456789.,-+e _") + ["inf", "nan", "\u0661"])


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                 st.lists(NUMBER_CHARACTERS, max_size=8).map("".join)))
def test_a_plain_decimal_cell_reads_as_the_same_coordinate_as_any_other(text):
    """Most coordinate cells are decimal numbers as Python writes them, read the short way; a
    BOM remnant, which the full reading removes, forces the full way: both give the same."""
    def read(value):
        try:
            return parse_point(value, "2.35")
        except FieldError as error:
            return error.message.replace("\ufeff", "")
    assert read(text) == read(text + "\ufeff")
