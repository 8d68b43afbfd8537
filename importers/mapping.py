"""Column mapping: which partner column feeds which canonical field (importers/fields.py).

Partners name columns however they like ("nom_de_l_etablissement", "CP", "N° auto",
"geolocalisation"), so a suggestion combines two kinds of evidence, csv-detective style:
- the header, folded (accents, case, underscores, articles ignored) and compared with
  synonyms, exactly or as a contained phrase;
- the content of a sample of rows: INSEE or postal codes, latitudes, "lat, lon" pairs,
  e-mails, URLs, phones, dates…
Content breaks ties, vetoes a header that lies (Lambert x/y under "latitude"), and rescues
columns whose header means nothing. Columns that are clearly something else (population,
counts, département or région codes) are never mapped, and each field gets one column at
most. The result is a suggestion: the partner corrects it, and the saved mapping is reused.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from importers.normalise.detect import CONTENT_DETECTORS, PROJECTED, RESCUE_WEIGHTS, VETO_FIELDS, content_scores
from importers.fields import FIELDS, MULTI_COLUMN_FIELDS

MIN_SCORE = 0.5
SAMPLE_SIZE = 200

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "identifiant", "identifiant unique", "uid", "code bib", "n auto", "numero", "num",
                    "ref", "reference", "cle", "key", "record id", "recordid", "id externe",
                    "identifier", "code etablissement", "numero etablissement", "siret"),
    "name": ("nom", "name", "title", "titre", "nom etablissement", "nom du lieu", "nom lieu", "raison sociale",
             "libelle", "intitule", "denomination", "nom structure", "enseigne", "nom equipement",
             "nom activite", "title fr", "nom usuel", "appellation", "atelier", "activite", "stage", "cours",
             "nom atelier", "intitule atelier", "nom association", "nom groupe", "nom ensemble"),
    "description": ("description", "descriptif", "presentation", "resume", "texte", "description fr",
                    "longdescription fr", "long description", "details", "detail", "commentaire"),
    "kind": ("type", "kind", "categorie", "category", "type lieu", "type activite", "nature", "type equipement",
             "type equipement ou lieu", "type structure"),
    "disciplines": ("discipline", "disciplines", "domaine", "domaines", "discipline artistique",
                    "disciplines artistiques", "domaine artistique", "pratique artistique", "pratiques artistiques",
                    "esthetique", "esthetiques", "sous domaine", "sous domaines"),
    "tags": ("tags", "mots cles", "mot cle", "keywords", "keywords fr", "etiquettes", "thematiques"),
    "organization": ("organisme", "organisation", "organization", "structure", "association", "porteur",
                     "gestionnaire", "organisateur", "operateur", "proprietaire", "structure porteuse"),
    "venue_name": ("lieu", "salle", "location name", "nom salle", "lieu de pratique", "lieu activite",
                   "venue", "venue name", "etablissement d accueil"),
    "address": ("adresse", "address", "adresse postale", "rue", "voie", "adresse 1", "adresse ligne 1",
                "location address", "street", "street address", "numero et voie", "adresse complete",
                "adresse lieu", "numero voie", "n voie", "num voie", "no voie", "type voie", "nom voie",
                "libelle voie", "indice repetition"),
    "postal_code": ("cp", "code postal", "postal code", "postcode", "zip", "zipcode", "zip code",
                    "location postalcode", "code post"),
    "commune_name": ("commune", "ville", "city", "town", "localite", "nom commune", "libelle commune",
                     "location city", "municipalite", "commune name"),
    "insee_code": ("code insee", "insee", "code commune", "code insee commune", "citycode", "cog",
                   "code geographique", "depcom", "com insee", "location insee", "insee code"),
    "latitude": ("latitude", "lat", "y", "location latitude", "coord y", "latitude wgs84", "coordonnee y", "y l93",
                 "y lambert", "y lambert93", "lambert y", "yl93", "y lambert 93"),
    "longitude": ("longitude", "lon", "lng", "long", "x", "location longitude", "coord x", "longitude wgs84",
                  "coordonnee x", "x l93", "x lambert", "x lambert93", "lambert x", "xl93", "x lambert 93"),
    "lat_lon": ("geolocalisation", "coordonnees", "coordonnees gps", "geo point", "geo point 2d", "geopoint",
                "location coordinates", "latlon", "lat lon", "gps", "coordinates", "geoloc", "geocoordonnees",
                "coordonnees geographiques", "point geo", "geo"),
    "website": ("site internet", "site web", "website", "url", "site", "web", "internet", "page web",
                "site officiel", "lien", "lien internet", "url site"),
    "email": ("email", "e mail", "mail", "courriel", "adresse mail", "adresse email", "adresse electronique",
              "mel", "contact email", "email contact", "adresse courriel"),
    "phone": ("telephone", "tel", "phone", "numero telephone", "tel fixe", "portable", "mobile",
              "contact telephone", "telephone contact", "telephone fixe"),
    "age_min": ("age min", "age minimum", "age minimal", "a partir", "age from", "age mini"),
    "age_max": ("age max", "age maximum", "age maximal", "jusqu a", "age to", "age maxi"),
    "audiences": ("public", "publics", "audience", "audiences", "public cible", "public vise", "tranche age", "age",
                  "ages", "age s", "ages concernes", "public concerne", "pour qui"),
    "level": ("niveau", "level", "niveau requis"),
    "is_free": ("gratuit", "gratuite", "free", "entree libre", "acces gratuit"),
    "price_min": ("prix", "tarif", "price", "cout", "prix min", "prix minimum", "tarif min", "tarif minimum",
                  "price min", "tarifs", "tarif reduit", "prix reduit", "tarif adherent", "tarif habitant",
                  "tarif commune", "tarif minimal"),
    "price_max": ("prix max", "prix maximum", "tarif max", "tarif maximum", "price max", "tarif plein", "plein tarif",
                  "prix plein", "tarif normal", "tarif non adherent", "tarif exterieur", "tarif hors commune",
                  "tarif maximal"),
    "price_period": ("periode tarif", "periode du tarif", "periodicite", "periodicite tarif", "periodicite du tarif",
                     "unite tarif", "tarif par", "frequence paiement", "price period"),
    "price_notes": ("precisions tarifaires", "precisions tarif", "conditions tarifaires", "informations tarifaires",
                    "infos tarifs", "detail tarifs", "detail des tarifs", "details tarifs", "remarques tarifs",
                    "price details", "price notes"),
    "schedule": ("horaires", "horaire", "jours et horaires", "creneaux", "creneau", "schedule", "heures",
                 "jours horaires", "horaires hebdomadaires", "planning", "jours", "jour", "jour de la semaine",
                 "heure debut", "heure de debut", "heure fin", "heure de fin", "horaire debut", "horaire fin",
                 "heure", "heure du cours"),
    "season_start": ("debut saison", "date debut saison", "saison debut", "season start", "start season",
                     "saison du", "debut activite", "date debut"),
    "season_end": ("fin saison", "date fin saison", "saison fin", "season end", "end season", "saison au",
                   "fin activite", "date fin"),
    "timings": ("dates", "timings", "date", "calendrier", "occurrences", "date evenement"),
    "status": ("statut", "status", "etat"),
    "registration_url": ("inscription", "lien inscription", "url inscription", "registration", "registration url",
                         "reservation", "billetterie", "lien reservation"),
    "accessibility": ("accessibilite", "accessibility", "handicap", "acces pmr", "pmr", "accessibilite handicap",
                      "accessible pmr", "accessible handicap", "accessible fauteuil", "accessible fauteuil roulant",
                      "accessibilite pmr", "handicap moteur", "handicap auditif", "handicap visuel",
                      "handicap mental", "handicap psychique", "boucle magnetique", "boucle auditive"),
    "deadline": ("date limite", "date limite depot", "date limite de depot", "date limite candidature",
                 "date limite inscription", "cloture", "date cloture", "deadline", "date limite candidatures",
                 "date fin inscriptions", "fin inscriptions", "date fin validite", "date limite validite"),
    "area_m2": ("surface", "superficie", "surface m2", "surface en m2", "m2", "area"),
    "equipment": ("equipement", "equipements", "materiel", "equipement disponible", "equipements disponibles",
                  "materiel disponible", "equipment"),
    "source_modified_at": ("date mise a jour", "mise a jour", "maj", "date maj", "updated at", "updatedat",
                           "last modified", "modifie le", "date modification", "derniere mise a jour", "updated",
                           "date derniere mise a jour", "last update", "derniere modification"),
}
# Fields whose synonyms are too generic to match inside a longer header ("type_adresse"
# is not a listing kind, "date de création" is not a timing).
EXACT_ONLY_FIELDS = {"kind", "status", "timings"}
# Synonyms too common to match inside a longer header (« Date de fin des inscriptions » is no
# season's end, « Cours de danse » no title column).
EXACT_ONLY_PHRASES = {("cours",), ("stage",), ("date", "debut"), ("date", "fin")}
# A header containing one of these words describes something else: counts, populations,
# administrative levels above the commune. Such a column is left unmapped.
OTHER_WORDS = {
    "population", "pop", "nombre", "nb", "nbre", "count", "total", "effectif", "effectifs", "entrees",
    "surface", "superficie", "places", "fauteuils", "ecrans", "seances", "uu", "unite", "pdm", "evolution",
    "tranche", "budget", "depenses", "etp", "salaries", "benevoles", "temps", "region", "regions",
    "departement", "departements", "dep", "dept", "epci", "ept", "iris", "canton", "taux", "pourcentage",
    "montant", "annee", "capacite", "jauge", "films", "semaines", "zone", "regioncnc", "siren", "siret", "rna",
    "accessible",
}
STOP_WORDS = {"de", "du", "des", "d", "l", "la", "le", "les", "the", "of"}
HEAD_BONUS = 0.1  # a synonym at the start of a longer header
EXACT_HEADER_RATIO, EXACT_HEADER_SCORE = 0.5, 0.9  # an exact header whose cells half fit: above any partial one
MULTI_COLUMN_SCORE = 0.9  # a header that names a multi-column field outright
# « Nom … », « Titre … », « Intitulé … »: a header that starts by naming is the listing's name,
# whatever it names (a venue, an association), unless a header of its own says exactly that.
NAME_HEADS = {"nom", "titre", "intitule", "libelle", "denomination", "appellation"}
NAME_HEAD_SCORE = 0.85
# « Code salle », « N° de l'atelier », « Identifiant du lieu »: a header that starts by numbering
# a listing is its id.
ID_HEADS = {"code", "id", "identifiant", "ref", "reference", "numero", "num", "n", "no"}
ID_SUBJECTS = {"salle", "lieu", "atelier", "activite", "structure", "equipement", "etablissement", "bibliotheque",
               "cinema", "association", "ressource", "cours", "stage", "evenement", "fiche", "groupe", "ensemble",
               "site", "local", "studio", "ecole", "conservatoire", "theatre", "musee", "spectacle", "manifestation"}


# « Nom de l'association », « Nom de la structure »: the listing's name only when no other
# column names the listing itself (« Activité », « Nom du lieu »); else its organisation.
ORGANISATION_WORDS = {"association", "structure", "organisme", "raison", "compagnie", "porteur", "porteuse"}
ORGANISATION_NAME_SCORE = 0.6
REPEATED_ID_SCORE = 0.8


def _names_listing(header: str) -> bool:
    words = fold_header(header).split()
    return header_scores(header).get("name", 0.0) >= NAME_HEAD_SCORE and not ORGANISATION_WORDS.intersection(words)


def _repeats(values: list[object]) -> bool:
    """Values of which some come twice or more in the sample (at least three values)."""
    texts = [str(value).strip().lower() for value in values]
    return len(texts) >= 3 and len(set(texts)) < len(texts)


def fold_header(header: object) -> str:
    """'\\ufeffNom_de_l’Établissement' → 'nom etablissement'; 'nomEtablissement' → 'nom etablissement'."""
    text = str(header or "").replace("\ufeff", "").replace("\x00", "")
    text = re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", " ", text)  # camelCase
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in STOP_WORDS]
    return " ".join(words)


def _folded_synonyms() -> dict[str, list[tuple[str, ...]]]:
    folded: dict[str, list[tuple[str, ...]]] = {}
    for field, synonyms in SYNONYMS.items():
        phrases = {fold_header(field.replace("_", " "))} | {fold_header(s) for s in synonyms}
        folded[field] = [tuple(p.split()) for p in phrases if p]
    return folded


_SYNONYM_WORDS = _folded_synonyms()


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


def header_scores(header: object) -> dict[str, float]:
    """Field → 1.0 for an exact synonym, 0.55–0.9 for a synonym phrase inside the header."""
    words = fold_header(header).split()
    if not words:
        return {}
    exact_only = bool(OTHER_WORDS.intersection(words))
    scores: dict[str, float] = {}
    for field, phrases in _SYNONYM_WORDS.items():
        best = 0.0
        for phrase in phrases:
            if list(phrase) == words:
                best = 1.0
                break
            if exact_only or field in EXACT_ONLY_FIELDS or len(" ".join(phrase)) < 2 or phrase in EXACT_ONLY_PHRASES:
                continue
            if len(phrase) == 1 and len(phrase[0]) == 1:
                continue  # "x", "y" only as whole headers
            if _contains(words, phrase):
                # The head of a French header comes first: « Tarif horaire » is a price.
                head = HEAD_BONUS if tuple(words[:len(phrase)]) == phrase else 0.0
                best = max(best, 0.55 + 0.35 * len(phrase) / len(words) + head)
        if best:
            scores[field] = round(best, 4)
    if words[0] in NAME_HEADS and not exact_only and scores.get("name", 0.0) < 1.0 \
            and not any(score == 1.0 for score in scores.values()):
        scores["name"] = NAME_HEAD_SCORE  # « Nom du lieu de pratique », « Nom de l'association »
    if len(words) > 1 and words[0] in ID_HEADS and ID_SUBJECTS.intersection(words[1:]) and not exact_only \
            and not any(score == 1.0 for score in scores.values()):
        scores["external_id"] = NAME_HEAD_SCORE
    return scores


def _non_empty(column: str, sample: list[dict]) -> list[object]:
    values = []
    for row in sample[:SAMPLE_SIZE]:
        value = row.get(column)
        if value is None or (isinstance(value, str) and not value.replace("\ufeff", "").strip()):
            continue
        values.append(value)
    return values


def _score(field: str, header: float, content: dict[str, float], counted: int) -> float:
    ratio = content.get(field)
    if ratio is None or field not in CONTENT_DETECTORS:
        return header
    if field in PROJECTED and content.get(PROJECTED[field], 0.0) >= 0.8:
        ratio = 0.25  # X/Y metres in Lambert-93, converted when rows are read; degrees preferred
    if field in VETO_FIELDS and counted >= 3 and ratio < 0.2:
        return 0.0
    from_header = header * (0.6 + 0.4 * ratio) if header else 0.0
    if header == 1.0 and ratio >= EXACT_HEADER_RATIO:
        # The header names the field outright and half its cells fit: a few odd cells (« tout
        # public » in « Âge minimum ») must not hand the column to a field its header only hints
        # at (« âge » → Publics), where the ages would be lost as tags without a word.
        from_header = max(from_header, EXACT_HEADER_SCORE + 0.1 * ratio)
    rescue_weight: float | Callable[[dict[str, float]], float] = RESCUE_WEIGHTS.get(field, 0.0)
    weight = rescue_weight(content) if callable(rescue_weight) else rescue_weight
    from_content = ratio * weight if ratio >= 0.8 else 0.0
    return max(from_header, from_content)


def suggest_mapping(columns: list[str], sample: list[dict], listing_type: str | None = None) -> dict[str, str]:
    """{column header: canonical field} for the columns Boussole can use, best evidence first.
    For a venue or a resource (`listing_type`), the place's name is the listing's own when no
    other column names it (« Nom de la salle » in a list of rehearsal rooms)."""
    candidates: list[tuple[float, int, str, str, float]] = []
    for position, column in enumerate(columns):
        headers = header_scores(column)
        values = _non_empty(column, sample)
        if _repeats(values) and "external_id" in headers:
            # An id names one record: repeated values are an association's « N° SIRET », house
            # numbers… A header that says « id » outright stays the id (a file's duplicated ids are
            # row errors), unless a column of unique values names the records better.
            headers["external_id"] = REPEATED_ID_SCORE if headers["external_id"] == 1.0 else 0.0
        if OTHER_WORDS.intersection(fold_header(column).split()) and not any(s == 1.0 for s in headers.values()):
            continue
        content = content_scores(values)
        if ORGANISATION_WORDS.intersection(fold_header(column).split()) and "name" in headers \
                and any(_names_listing(other) for other in columns if other != column):
            headers["name"] = min(headers["name"], ORGANISATION_NAME_SCORE)  # « Nom de l'association » beside « Activité »
        for field in FIELDS:
            score = _score(field, headers.get(field, 0.0), content, len(values))
            if score >= MIN_SCORE:
                candidates.append((score, -position, column, field, headers.get(field, 0.0)))
    mapping: dict[str, str] = {}
    used_fields: set[str] = set()
    for _score_, _position, column, field, header in sorted(candidates, reverse=True):
        if column in mapping:
            continue
        # A field spread over several columns takes each column whose header names it, whatever
        # its cells (« N° voie » holds numbers; a few « à définir » among the hours).
        if field in used_fields and not (field in MULTI_COLUMN_FIELDS and header >= MULTI_COLUMN_SCORE):
            continue
        mapping[column] = field
        used_fields.add(field)
    if listing_type in ("venue", "resource") and "name" not in used_fields and "venue_name" in used_fields:
        mapping = {column: "name" if field == "venue_name" else field for column, field in mapping.items()}
    return {column: mapping[column] for column in columns if column in mapping}


def describe_mapping(mapping: dict[str, str | None]) -> list[dict]:
    """Rows a partner can read and correct: column, field and the field's French label."""
    return [
        {
            "column": column,
            "field": field,
            "label": FIELDS[field][0] if field in FIELDS else "Colonne non utilisée",
        }
        for column, field in mapping.items()
    ]


class MappingError(Exception):
    """A correction that cannot apply; `message` is shown to the partner as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def field_named(name: str) -> str | None:
    """The canonical field a partner means: its name ("postal_code") or a label ("Code postal")."""
    if name in FIELDS:
        return name
    folded = fold_header(name)
    for field, labels in FIELDS.items():
        if folded in (fold_header(field), *(fold_header(label) for label in labels)):
            return field
    # A header synonym ("nom", "ville", "cp") names one field only.
    owners = [field for field, phrases in _SYNONYM_WORDS.items() if tuple(folded.split()) in phrases]
    return owners[0] if len(owners) == 1 else None


def parse_corrections(pairs: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """"COLONNE=champ" pairs (an empty field ignores the column) → {column: field or None}."""
    corrections: dict[str, str | None] = {}
    for pair in pairs:
        column, equals, name = pair.rpartition("=")
        if not equals or not column.strip():
            raise MappingError(f"« {pair} » : la forme attendue est COLONNE=champ (ou COLONNE= pour ignorer "
                               "la colonne).")
        field = None
        if name.strip():
            field = field_named(name.strip())
            if field is None:
                raise MappingError(f"Champ inconnu : « {name.strip()} ». Champs possibles : "
                                   + ", ".join(FIELDS) + ".")
        corrections[column.strip()] = field
    return corrections


def corrected(mapping: dict[str, str], corrections: dict[str, str | None], columns: list[str]) -> dict[str, str]:
    """`mapping` with the partner's corrections: a column named in a correction takes that field
    (and the column that had it loses it: one column per field) or none; columns are matched
    exactly, else ignoring case and accents."""
    result = dict(mapping)
    by_folded = {fold_header(column): column for column in columns}
    for typed, field in corrections.items():
        column = typed if typed in columns else by_folded.get(fold_header(typed))
        if column is None:
            raise MappingError(f"Colonne « {typed} » absente du fichier. Colonnes du fichier : "
                               + ", ".join(columns[:40]) + ".")
        if field is None:
            result.pop(column, None)
            continue
        for other in [c for c, f in result.items() if f == field and c != column and f not in MULTI_COLUMN_FIELDS]:
            del result[other]
        result[column] = field
    return {column: result[column] for column in columns if column in result}
