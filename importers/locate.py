"""Where a row is: its declared commune and its point.

Given coordinates win; otherwise the BAN geocoder; otherwise the commune centroid, flagged
approximate. Never an invented point. When the point lies in another commune than the
declared one, both are kept and the row is flagged.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text

from importers.geocode import AddressQuery, BanGeocoder, GeocodedPoint, GeocoderUnavailable
from importers.normalise import in_france
from portal.geo.lookup import CommuneIndex, CommuneRef, communes_at_points, departement_gaps, departements_at_points
from portal.geo.names import match_name, normalise_postal_code

# An ambiguous commune name is read as the one in the département of at least this many of the
# run's other rows, and this many times more than any other candidate's département.
GUESS_MIN_ROWS = 3
GUESS_MARGIN = 4
AMBIGUOUS_SHOWN = 4
# How far (km) outside its declared commune's département a point may lie: the reference
# boundaries are simplified (islands off the coast lie outside them), and a geocoder's answer
# is held to less than the partner's own coordinates.
GIVEN_SLACK_KM = 15
GEOCODED_SLACK_KM = 3
BOX_SLACK = 0.2  # degrees around a département's bounding box: more than GIVEN_SLACK_KM everywhere
# Communes whose addresses the BAN files under their arrondissements' codes: a citycode filter
# of the whole city would find nothing.
CITIES_OF_ARRONDISSEMENTS = {"75056", "69123", "13055"}


# What locating says of a point it had to guess, or could not find: moot for a listing whose
# stored position is kept (a refused point, an address a moderator corrected).
CENTRE_USED = "Position approximative : centre de la commune."
NO_POSITION = "Aucune position connue : le lieu n'apparaîtra pas sur la carte."
COMMUNE_ONLY = "Position approximative : le géocodeur n'a trouvé que la commune de "


def says_where_guessed(warning: str) -> bool:
    return warning in (CENTRE_USED, NO_POSITION) or warning.startswith(COMMUNE_ONLY)


@dataclass
class Location:
    commune_code: str | None = None
    point: tuple[float, float] | None = None  # (lon, lat)
    precision: str | None = None
    point_commune_code: str | None = None


class Locator:
    def __init__(self, session, index: CommuneIndex, geocoder: BanGeocoder | None,
                 home_departements: frozenset[str] = frozenset(), source_id: int | None = None):
        self.session = session
        self.source_id = source_id  # whose stored points stand in while the geocoder is down
        self.home_departements = home_departements  # the portal's own territory (GEO_DEPARTEMENTS)
        self.index = index
        self.geocoder = geocoder
        self.geocoder_error: str | None = None
        self._centroids: dict[str, tuple[float, float] | None] = {}
        self._boxes: dict[str, tuple[float, float, float, float]] | None = None
        self._departements: Counter[str] = Counter()  # of the rows whose commune is certain

    def locate(self, batch: list) -> None:
        """Set `.location` and append warnings on each pending row of the batch."""
        ambiguous: dict[int, list[CommuneRef]] = {}  # id(row) → the communes its name may mean
        for row in batch:
            values = row.record.values
            commune = self.index.resolve(values.get("insee_code"), values.get("postal_code"),
                                         values.get("commune_name"))
            if commune is not None and values.get("insee_code") and values.get("commune_name"):
                commune = self._checked_code(row, commune)
            elif commune is not None and values.get("commune_name") and not values.get("insee_code"):
                self._check_name(row, commune)
            row.location = Location(commune_code=commune.insee_code if commune else None)
            if commune is not None:
                self._departements[commune.departement_code] += 1
            elif any(values.get(k) for k in ("insee_code", "postal_code", "commune_name")):
                candidates = self.index.name_candidates(values.get("commune_name"), values.get("postal_code"))
                if len(candidates) > 1:
                    ambiguous[id(row)] = candidates
                else:
                    row.record.warnings.append(self._unknown_commune(values))
            if values.get("point"):
                row.location.point, row.location.precision = values["point"], "given"
        self._tell_by_point([row for row in batch if id(row) in ambiguous and row.location.point], ambiguous)
        guessed = self._guess_ambiguous([row for row in batch if id(row) in ambiguous], ambiguous)
        self._check_projected([row for row in batch if row.record.values.get("point_projected")])
        to_geocode = [row for row in batch if row.location.point is None and row.record.values.get("address")
                      and self.geocoder and not self.geocoder_error]
        self._geocode(to_geocode)
        self._load_centroids({row.location.commune_code for row in batch
                              if row.location.point is None and row.location.commune_code})
        for row in batch:
            if row.location.point is None and row.location.commune_code:
                centroid = self._centroid(row.location.commune_code)
                if centroid:
                    row.location.point, row.location.precision = centroid, "municipality"
                    row.record.warnings.append(CENTRE_USED)
            if row.location.point is None:
                row.record.warnings.append(NO_POSITION)
        located = [row for row in batch if row.location.point]
        for row, code in zip(located, communes_at_points(self.session, [r.location.point for r in located],
                                                                  self.index.extent)):
            row.location.point_commune_code = code
            if (id(row) in ambiguous and row.location.precision != "municipality"
                    and code in {c.insee_code for c in ambiguous[id(row)]}):
                row.location.commune_code = code  # the point tells which of the same-named communes
                del ambiguous[id(row)]
                continue
            declared = row.location.commune_code
            if declared is None and code:
                row.location.commune_code = code
            elif code and declared and code != declared and row.location.precision != "municipality":
                found, named = self.index.by_code.get(code), self.index.by_code.get(declared)
                same = found is not None and named is not None and found.name == named.name
                names = {c: (f"{ref.name} ({ref.departement_code})" if same else ref.name)
                         for c, ref in ((code, found), (declared, named)) if ref is not None}
                row.record.warnings.append(
                    f"Le point est situé à {names.get(code, code)}, pas à {names.get(declared, declared)} "
                    "(commune déclarée) : les deux sont conservées."
                )
        self._check_departement([row for row in located if row.location.precision == "given"
                                 and row.location.point_commune_code is None and row.location.commune_code
                                 and id(row) not in ambiguous])
        for row in batch:
            if id(row) in ambiguous:
                row.record.warnings.append(self._ambiguity_warning(row, ambiguous[id(row)], guessed.get(id(row))))

    def _tell_by_point(self, rows: list, ambiguous: dict[int, list[CommuneRef]]) -> None:
        """A name several communes bear (« Saint-Denis » in 93 and 974) is the one in the
        département the row's own point lies in."""
        for row, departement in zip(rows, departements_at_points(self.session, [r.location.point for r in rows])):
            matching = [c for c in ambiguous[id(row)] if c.departement_code == departement]
            if len(matching) == 1:
                row.location.commune_code = matching[0].insee_code
                del ambiguous[id(row)]

    def _gaps(self, rows: list) -> list[float | None]:
        """How far each row's point lies from its declared commune's département (km)."""
        return departement_gaps(self.session, [row.location.point for row in rows],
                                [self.index.by_code[row.location.commune_code].departement_code for row in rows])

    def _check_departement(self, rows: list) -> None:
        """A partner's point far outside the département of its declared commune (outside the
        boundaries loaded commune by commune): both are kept, and the row says so. A point
        within the département's bounding box (widened by the slack) is taken as near enough,
        so that only the few others cost a query."""
        boxes = self._departement_boxes()
        far = []
        for row in rows:
            box = boxes.get(self.index.by_code[row.location.commune_code].departement_code)
            lon, lat = row.location.point
            if box is None or not (box[0] - BOX_SLACK <= lon <= box[2] + BOX_SLACK
                                   and box[1] - BOX_SLACK <= lat <= box[3] + BOX_SLACK):
                far.append(row)
        for row, gap in zip(far, self._gaps(far)):
            if gap is not None and gap > GIVEN_SLACK_KM:
                commune = self.index.by_code[row.location.commune_code]
                lon, lat = row.location.point
                row.record.warnings.append(
                    f"Le point ({lat:.5f}, {lon:.5f}) est à {gap:.0f} km du département de {commune.name} "
                    f"({commune.departement_code}), la commune déclarée : les deux sont conservés, vérifiez les "
                    "coordonnées ou la commune.")

    def _departement_boxes(self) -> dict[str, tuple[float, float, float, float]]:
        """(west, south, east, north) of each loaded département boundary, read once per run."""
        if self._boxes is None:
            self._boxes = {code: tuple(box) for code, *box in self.session.execute(text(
                "SELECT code, ST_XMin(boundary), ST_YMin(boundary), ST_XMax(boundary), ST_YMax(boundary) "
                "FROM departement WHERE boundary IS NOT NULL"))}
        return self._boxes

    def _checked_code(self, row, commune: CommuneRef) -> CommuneRef:
        """An INSEE code that another commune's name contradicts (a neighbour's code, a postal
        code typed in the INSEE column): the name wins when the postal code agrees with it;
        either way the row says so."""
        values = row.record.values
        named = self.index.by_commune_name(str(values["commune_name"]), values.get("postal_code"))
        if named is None or named.insee_code == commune.insee_code:
            return commune
        code, postal = values["insee_code"], normalise_postal_code(values.get("postal_code"))
        if postal and postal in named.postal_codes and postal not in commune.postal_codes:
            row.record.warnings.append(
                f"Le code INSEE {code} est celui de {commune.name}, pas de « {values['commune_name']} » "
                f"({postal}) : {named.name} ({named.insee_code}) est retenue, comme le disent la commune et "
                "le code postal.")
            return named
        row.record.warnings.append(
            f"Le code INSEE {code} est celui de {commune.name}, pas de « {values['commune_name']} » : "
            "le code INSEE est retenu, vérifiez la commune.")
        return commune

    def _unknown_commune(self, values: dict) -> str:
        """Why no commune was found: a postal code several communes share, or nothing known."""
        given = values.get("commune_name") or values.get("insee_code") or values.get("postal_code")
        sharing = [] if values.get("commune_name") or values.get("insee_code") else \
            self.index.by_postal_code(values.get("postal_code"))
        if len(sharing) > 1:
            return (f"Le code postal {given} est celui de {len(sharing)} communes ({_listed(sharing)}) : précisez la "
                    "commune ou le code INSEE.")
        return f"Commune non reconnue : « {given} »."

    def _check_name(self, row, commune: CommuneRef) -> None:
        """A commune found by its postal code alone, its name not matching: the row says so."""
        values = row.record.values
        name, postal = str(values["commune_name"]), normalise_postal_code(values.get("postal_code"))
        if match_name(name) == commune.match_name:  # (most rows: the name is the commune's)
            return
        if postal and self.index.by_commune_name(name, postal) is None:
            said = "n'a pas le code postal" if self.index.name_candidates(name) else \
                "n'est pas une commune connue, pour le code postal"
            row.record.warnings.append(f"« {name} » {said} {postal} : {commune.name} ({commune.insee_code}) est "
                                       "retenue d'après le code postal, vérifiez la commune.")

    def _guess_ambiguous(self, rows: list, ambiguous: dict[int, list[CommuneRef]]
                         ) -> dict[int, tuple[CommuneRef, str]]:
        """A name several communes bear (« Saint-Denis », « Montreuil ») is read as the one in the
        département where the file's other rows clearly are; else, when those rows all lie on the
        portal's territory (or there are none yet), as the only one of that name there: a guess,
        said as such."""
        guessed = {}
        for row in rows:
            candidates = ambiguous[id(row)]
            scored = sorted(((self._departements[c.departement_code], c) for c in candidates),
                            key=lambda pair: -pair[0])
            best, second = scored[0][0], scored[1][0]
            home = [c for c in candidates if c.departement_code in self.home_departements]
            if best >= GUESS_MIN_ROWS and best >= GUESS_MARGIN * second:
                guessed[id(row)] = (scored[0][1], "le département des autres lignes du fichier")
            elif len(home) == 1 and set(self._departements) <= self.home_departements:
                guessed[id(row)] = (home[0], "la seule de ce nom sur le territoire du portail")
            if id(row) in guessed:
                row.location.commune_code = guessed[id(row)][0].insee_code
        return guessed

    @staticmethod
    def _ambiguity_warning(row, candidates: list[CommuneRef], guess: tuple[CommuneRef, str] | None) -> str:
        given = row.record.values.get("commune_name")
        if guess is not None:
            commune, reason = guess
            return (f"« {given} » : plusieurs communes portent ce nom ; lue comme {commune.name} "
                    f"({commune.departement_code}), {reason}. Précisez le code postal ou le code INSEE.")
        return (f"« {given} » désigne {len(candidates)} communes ({_listed(candidates, True)}) : précisez le code "
                "postal ou le code INSEE.")

    def _check_projected(self, rows: list) -> None:
        """X/Y metres read as Lambert-93 must land in France, near the declared commune's
        département: Web Mercator metres (another projection) can look the same and land far
        away. Such a point is dropped, and the row is placed as if it had none."""
        if not rows:
            return
        declared = [row for row in rows if row.location.commune_code]
        gaps = dict(zip(map(id, declared), self._gaps(declared)))
        undeclared = [row for row in rows if not row.location.commune_code]
        inside = dict(zip(map(id, undeclared), departements_at_points(self.session,
                                                                       [r.location.point for r in undeclared])))
        for row in rows:
            gap = gaps.get(id(row))
            if gap is not None and gap <= GIVEN_SLACK_KM or id(row) in inside and inside[id(row)]:
                continue
            if id(row) in gaps and gap is None:
                continue  # a département whose boundary is not loaded: nothing to check against
            commune = self.index.by_code.get(row.location.commune_code or "")
            row.location.point = row.location.precision = None
            row.record.warnings.append(
                "Coordonnées X/Y ignorées : lues en Lambert-93, elles tombent "
                + (f"à {gap:.0f} km du département de {commune.name} ({commune.departement_code}), la commune "
                   "déclarée" if commune is not None else "hors de France")
                + " (autre projection ?).")

    def _geocode(self, rows: list) -> None:
        if not rows:
            return
        queries = []
        for position, row in enumerate(rows):
            v = row.record.values
            code = row.location.commune_code
            queries.append(AddressQuery(key=str(position), address=v["address"], postal_code=v.get("postal_code"),
                                        citycode=None if code in CITIES_OF_ARRONDISSEMENTS else code,
                                        city=v.get("commune_name")))
        try:
            found = self.geocoder.geocode(queries)
        except GeocoderUnavailable as exc:
            self.geocoder_error = str(exc)
            self._keep_stored(rows)
            return
        placed = []
        for position, row in enumerate(rows):
            point = found.get(str(position))
            refusal = self._implausible(row, point) if point else None
            if refusal:
                row.record.warnings.append(refusal)
            elif point:
                row.location.point, row.location.precision = (point.lon, point.lat), point.precision
                placed.append(row)
        checked = [row for row in placed if row.location.commune_code]
        for row, gap in zip(checked, self._gaps(checked)):
            if gap is not None and gap > GEOCODED_SLACK_KM:
                commune = self.index.by_code[row.location.commune_code]
                row.record.warnings.append(
                    f"Géocodage de « {row.record.values['address']} » écarté : le point trouvé est à {gap:.0f} km du "
                    f"département de {commune.name} ({commune.departement_code}).")
                row.location.point = row.location.precision = None
        for row in placed:
            if row.location.precision == "municipality":
                row.record.warnings.append(f"{COMMUNE_ONLY}« {row.record.values['address']} ».")

    def _implausible(self, row, point: GeocodedPoint) -> str | None:
        """Why a geocoder's answer cannot be this row's place: outside France, or in another
        commune than the declared one. An answer for a row of unknown commune gives its commune."""
        address = row.record.values["address"]
        if not in_france(point.lon, point.lat):
            return f"Géocodage de « {address} » écarté : le point trouvé est hors de France."
        found = self.index.by_insee(point.citycode) if point.citycode else None
        declared = self.index.by_code.get(row.location.commune_code) if row.location.commune_code else None
        if declared is None:
            if found is not None:
                row.location.commune_code = found.insee_code
            return None
        if found is not None and found.insee_code != declared.insee_code:
            return (f"Géocodage de « {address} » écarté : l'adresse trouvée est à {found.name} "
                    f"({found.departement_code}), pas à {declared.name} ({declared.departement_code}).")
        return None

    def _keep_stored(self, rows: list) -> None:
        """While the geocoder is down, a place already geocoded at the same address keeps its point
        (not the commune centroid, which would overwrite it)."""
        if self.source_id is None:
            return
        wanted = {row.external_id: row for row in rows if row.external_id}
        stored = self.session.execute(text(
            "SELECT external_id, address, ST_X(location::geometry), ST_Y(location::geometry), "
            "location_precision::text FROM venue WHERE source_id = :source AND external_id = ANY(:ids) "
            "AND location_precision IN ('address', 'street')"), {"source": self.source_id, "ids": list(wanted)})
        for external_id, address, lon, lat, precision in stored:
            row = wanted[external_id]
            if address == row.record.values.get("address"):
                row.location.point, row.location.precision = (lon, lat), precision
                row.record.warnings.append("Géocodeur indisponible : la position enregistrée est conservée.")

    def _load_centroids(self, codes: set[str]) -> None:
        """One query per batch for the centroids it needs and has not seen yet."""
        missing = sorted(codes - self._centroids.keys())
        if not missing:
            return
        self._centroids.update(dict.fromkeys(missing))
        for code, lon, lat in self.session.execute(text(
            "SELECT insee_code, ST_X(centroid), ST_Y(centroid) FROM commune "
            "WHERE insee_code = ANY(:codes) AND centroid IS NOT NULL"
        ), {"codes": missing}):
            self._centroids[code] = (lon, lat)

    def _centroid(self, code: str) -> tuple[float, float] | None:
        if code not in self._centroids:
            self._load_centroids({code})
        return self._centroids[code]


def _listed(communes: list[CommuneRef], departements: bool = False) -> str:
    """The first AMBIGUOUS_SHOWN communes by name (and département), « … » for the others."""
    names = [f"{c.name} ({c.departement_code})" if departements else c.name for c in communes[:AMBIGUOUS_SHOWN]]
    return ", ".join(names) + (" …" if len(communes) > AMBIGUOUS_SHOWN else "")
