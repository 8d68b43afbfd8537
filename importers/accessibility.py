"""Partner accessibility words ("accès fauteuil", "LSF", "boucle magnétique", "ascenseur",
OpenAgenda's families) → the portal's accessibility flags, per listing type; the rest is kept.

A phrase made only of known words sets flags; a phrase saying more ("rampe amovible sur
demande à l'accueil") sets the flags it names and is also kept whole as accessibility notes,
so the detail a partner wrote is shown, not reduced to a pictogram.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from importers.wording import Vocabulary
from portal.listings.enums import ListingType

VOCABULARY = Vocabulary(
    [
        (r"langue des signes(?: francaise)?|lsf|sign language", ("lsf", "hearing")),
        (r"audio ?description|audiodecrit(?:e|s|es)?", ("audio_description", "visual")),
        (r"boucles? (?:magnetiques?|a induction)(?: magnetique)?|hearing loops?", ("hearing_loop", "hearing")),
        (r"sous titr(?:e|es|age|ee|ees)|surtitr(?:e|es|age)|subtitl(?:es|ed)|captions?", ("subtitles", "hearing")),
        (r"facile a lire(?: et a comprendre)?|falc|easy read", ("easy_read", "mental")),
        (r"(?:seances?|representations?|spectacles?|concerts?) (?:relax|adaptees?|calmes?)|relaxed performances?",
         ("relaxed",)),
        (r"(?:entree |acces )?(?:de )?plain pied|sans marches?|step free|rampe(?: d acces)?", ("step_free",)),
        (r"ascenseurs?|elevators?|lifts?", ("lift",)),
        (r"(?:toilettes|sanitaires|wc) (?:adapte(?:e|s|es)?|pmr|accessibles?)|accessible toilets?", ("toilets",)),
        (r"(?:stationnement|parking|places? de (?:parking|stationnement))s? (?:adapte(?:e|s|es)?|pmr"
         r"|reserve(?:e|s|es)?|handicape(?:e|s|es)?)|(?:stationnement|parking) pour (?:les )?pmr|accessible parking",
         ("parking",)),
        (r"fauteuils? roulants?|(?:acces|accessibles?) (?:en |aux |au )?fauteuils?(?: roulants?)?|pmr|mobilite reduite"
         r"|(?:handicap )?moteur|motor|wheelchairs?|handicap physique|mobility", ("motor",)),
        (r"(?:handicap )?visuel(?:le)?s?|mal ?voyants?|non ?voyants?|aveugles?|braille|visual(?:ly impaired)?"
         r"|blind", ("visual",)),
        (r"(?:handicap )?auditi(?:f|fs|ve|ves)|mal ?entendants?|sourds?|hearing(?: impaired)?|deaf", ("hearing",)),
        (r"(?:handicap )?(?:mental|psychique|cognitif|intellectuel)(?:le)?s?|cognitive", ("mental",)),
    ],
    filler=("acces", "accessible", "accessibles", "accessibilite", "handicap", "handicaps", "personnes", "personne",
            "en", "situation", "de", "du", "des", "d", "l", "la", "le", "les", "et", "a", "aux", "au", "pour",
            "oui", "avec", "adapte", "adaptee", "adaptes", "adaptees", "public", "publics", "access", "and",
            "for", "with", "people", "disabled", "disability", "disabilities", "impaired", "impairment", "accueil",
            "equipement", "equipe", "entree", "salle", "lieu", "the", "yes"),
)

# Flag → column, per listing type; a flag without a column there is kept in the notes.
COLUMNS = {
    ListingType.venue: {"motor": "access_motor", "visual": "access_visual", "hearing": "access_hearing",
                        "mental": "access_mental", "step_free": "step_free_entrance", "lift": "has_lift",
                        "toilets": "accessible_toilets", "parking": "accessible_parking"},
    ListingType.activity: {"motor": "access_motor", "visual": "access_visual", "hearing": "access_hearing",
                           "mental": "access_mental", "lsf": "has_lsf", "audio_description": "has_audio_description",
                           "hearing_loop": "has_hearing_loop", "easy_read": "has_easy_read",
                           "subtitles": "has_subtitles", "relaxed": "is_relaxed_session"},
    ListingType.resource: {},
}
# Activity services are yes/no columns (false when not said); everything else is "not said" when NULL.
FALSE_BY_DEFAULT = {"has_lsf", "has_audio_description", "has_hearing_loop", "has_easy_read", "has_subtitles",
                    "is_relaxed_session"}
MAX_NOTES = 2000
# "Pas d'ascenseur", "Accès PMR : non": the phrase says no. "sans" and "sauf" are not read
# either way ("accessible sans aide", "sauf l'étage"): the phrase is only kept as notes.
NEGATIONS = frozenset({"pas", "non", "aucun", "aucune", "ni", "inaccessible", "inaccessibles", "no", "not"})
UNSURE = frozenset({"sans", "sauf", "partiel", "partielle", "partiellement", "except", "partially"})
YES = frozenset({"oui", "yes", "vrai", "true", "x", "1", "o"})
NO = frozenset({"non", "no", "faux", "false", "0", "n"})


@dataclass(frozen=True)
class Accessibility:
    columns: dict[str, bool]   # every accessibility column of the listing type
    notes: str | None


def empty_columns(listing_type: ListingType) -> dict[str, bool | None]:
    return {column: (False if column in FALSE_BY_DEFAULT else None) for column in COLUMNS[listing_type].values()}


@lru_cache(maxsize=2048)
def _read(phrase: str):
    return VOCABULARY.read(phrase)


def _answer(phrase: str, header: str | None) -> tuple[str, bool | None]:
    """A bare yes/no under a header that names the feature ("Accès PMR" : "Oui"), or given
    with its header by a file with one column per need (« Handicap auditif : Non »), is read as
    the header's answer: (header, answer); anything else as itself: (phrase, None)."""
    named, _, word = phrase.rpartition(" : ")
    if named and word.strip().lower() in YES | NO and _read(named).keys:
        return named, word.strip().lower() in YES
    word = phrase.strip().lower()
    if header and (word in YES or word in NO) and _read(header).keys:
        return header, word in YES
    return phrase, None


def _readable(header: str) -> str:
    """A header as a visitor reads it: « accessibilite_pmr » → « Accessibilite pmr »."""
    text = " ".join(header.replace("_", " ").split())
    return text[:1].upper() + text[1:]


def resolve_accessibility(listing_type: ListingType, phrases: list[str], header: str | None = None) -> Accessibility:
    columns = empty_columns(listing_type)
    known = COLUMNS[listing_type]
    notes = []
    for given in phrases:
        phrase, answer = _answer(given, header)
        reading = _read(phrase)
        rest = set(reading.rest)
        if answer is None and rest & UNSURE:
            notes.append(given.strip())
            continue
        flag = answer if answer is not None else not (rest & NEGATIONS)
        for key in reading.keys:
            if key in known and columns[known[key]] is not True:  # a yes elsewhere stands
                columns[known[key]] = flag
        # Specific services imply a family (a session in LSF is accessible to deaf people). A
        # phrase is kept when it says more than known words, or names what this type cannot hold.
        said_more = rest - NEGATIONS if answer is None else set()
        unkept = any(key not in known for key in reading.keys)
        if answer is None and (said_more or not reading.keys or unkept or not flag):
            notes.append(given.strip())
        elif answer is not None and (unkept or not flag):  # a « no » is only shown by the notes
            notes.append(f"{_readable(phrase)} : {'oui' if flag else 'non'}")
    text = " ; ".join(dict.fromkeys(n for n in notes if n))[:MAX_NOTES] or None
    return Accessibility(columns, text)
