"""What a run is asked to do (ImportOptions), the file-level refusal it may end with
(ImportAbort), its source, and the column → field mapping it uses: explicit, a saved profile
(following the file's renamed columns), or the automatic suggestion, with the partner's
corrections on top."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from importers.mapping import MappingError, corrected, suggest_mapping
from importers.models import ImportProfile, ImportRun, ImportSource, RunStatus
from portal.listings.enums import ListingType


@dataclass
class ImportOptions:
    source: str
    listing_type: ListingType | None = None     # None: the source's own (venue for a new source)
    profile: str | None = None
    mapping: dict[str, str] | None = None     # explicit column → field mapping (replaces the suggestion)
    corrections: dict[str, str | None] = field(default_factory=dict)  # column → field (None: unused)
    constants: dict[str, object] = field(default_factory=dict)  # e.g. {"kind": "cinéma"}
    dry_run: bool = False
    limit: int | None = None
    save_profile: str | None = None           # save the mapping used under this name
    only_external_id: str | None = None       # run-one: a single record
    sheet: str | None = None                  # the sheet of a workbook to read


class ImportAbort(Exception):
    """A file-level problem found by the pipeline itself (missing column, unknown profile)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def get_or_create_source(session, name: str, listing_type: ListingType) -> ImportSource:
    source = session.scalar(select(ImportSource).where(ImportSource.name == name))
    if source is None:
        source = ImportSource(name=name, listing_type=listing_type)
        session.add(source)
        session.flush()
    return source


def run_constants(profile: ImportProfile | None, options: ImportOptions) -> dict[str, object]:
    """The fixed values (--set) saved with the profile, the run's own on top."""
    return {**((profile.options or {}).get("constants", {}) if profile is not None else {}), **options.constants}


def resolve_mapping(session, source: ImportSource | None, records,
                    options: ImportOptions) -> tuple[dict[str, str], ImportProfile | None]:
    """The mapping a run uses, and the saved profile it comes from: explicit, or the profile
    asked for, or the source's saved one, or the automatic suggestion (no profile); then the
    partner's corrections on top."""
    if records.premapped:
        if options.corrections:
            raise ImportAbort("mapping", f"Ce fichier ({records.format}) est déjà structuré : ses champs sont "
                                         "reconnus directement, sans correspondance de colonnes à corriger.")
        return {column: column for column in records.columns}, None
    profile = None
    if options.mapping:
        mapping = options.mapping
    else:
        if options.profile:
            if source is not None:
                profile = session.scalar(select(ImportProfile).where(ImportProfile.source_id == source.id,
                                                                     ImportProfile.name == options.profile))
            if profile is None:
                raise ImportAbort("profile", f"Le profil d'import « {options.profile} » n'existe pas pour cette "
                                             "source.")
        elif source is not None and source.default_profile_id:
            profile = session.get(ImportProfile, source.default_profile_id)
        if profile is not None:
            mapping = _from_profile(profile, records)
        else:
            mapping = _suggested(records, source, options.listing_type)
    if not options.corrections:
        return mapping, profile
    try:
        return corrected(mapping, options.corrections, records.columns), profile
    except MappingError as error:
        raise ImportAbort("mapping", error.message) from None


def _known_columns(profile: ImportProfile) -> set[str]:
    """The columns the partner had when the profile was saved (mapped or not)."""
    return set((profile.options or {}).get("columns") or profile.mapping)


def _suggested(records, source: ImportSource | None, listing_type: ListingType | None) -> dict[str, str]:
    """The automatic mapping of this file, for the listings the run makes."""
    kind = listing_type or (source.listing_type if source is not None else ListingType.venue)
    return suggest_mapping(records.columns, [row.values for row in records.sample(50)], kind.value)


def _from_profile(profile: ImportProfile, records) -> dict[str, str]:
    """A saved profile on this file: its columns the file still has, and for the file's new
    columns (a column renamed since) the suggestion, for the fields the profile no longer
    feeds. Losing the id column altogether would re-create every record: refused."""
    mapping = {column: field for column, field in profile.mapping.items() if column in records.columns}
    known = _known_columns(profile)
    new = [column for column in records.columns if column not in known]
    if new and set(profile.mapping.values()) - set(mapping.values()):
        suggested = _suggested(records, profile.source, None)
        for column in new:
            field_ = suggested.get(column)
            if field_ and field_ not in mapping.values() and field_ in profile.mapping.values():
                mapping[column] = field_
    return {column: mapping[column] for column in records.columns if column in mapping}


def earlier_mappings(session, source: ImportSource | None, profile: ImportProfile | None, records) -> list[dict]:
    """The mappings this file is compared with to tell a column gone: the saved profile's, or
    without one those of the source's earlier runs that stored rows. A structured file's
    fields are its own (an absent field is an empty one): none."""
    if records.premapped:
        return []
    if profile is not None:
        return [profile.mapping]
    if source is None or source.id is None:
        return []
    return list(session.scalars(select(ImportRun.mapping).where(
        ImportRun.source_id == source.id, ImportRun.dry_run.is_(False), ImportRun.mapping.is_not(None),
        ImportRun.status.in_((RunStatus.succeeded, RunStatus.partial)))).all())


def lost_fields(earlier: list[dict], records, mapping: dict[str, str]) -> list[str]:
    """Fields that a column the file no longer has fed in `earlier` mappings and that nothing
    feeds now: what is stored for them is kept. A column still in the file that the partner
    left unmapped is their choice, not a loss."""
    present, fed = set(records.columns), set(mapping.values())
    still_offered = {field_ for columns in earlier for column, field_ in columns.items() if column in present}
    return sorted({field_ for columns in earlier for column, field_ in columns.items()
                   if column not in present and field_ not in fed and field_ not in still_offered})


def check_identity(earlier: list[dict], records, mapping: dict[str, str], profile: ImportProfile | None) -> None:
    """Without the id column the saved profile or earlier runs read, every record would be
    created a second time (and the first ones archived later): refused."""
    lost = [column for columns in earlier for column, field_ in columns.items()
            if field_ == "external_id" and column not in records.columns]
    if lost and "external_id" not in mapping.values():
        origin = f"du profil « {profile.name} »" if profile is not None else "des imports précédents"
        raise ImportAbort("mapping", (
            f"La colonne d'identifiant « {lost[0]} » {origin} est absente du fichier : sans elle, chaque fiche "
            "serait créée une seconde fois. Indiquez la colonne qui la remplace avec --map \"COLONNE=external_id\"."))


def unused_new_columns(profile: ImportProfile | None, records, mapping: dict[str, str]) -> list[tuple[str, str]]:
    """Columns the file has gained since its profile was saved that the suggestion would use
    for a field nothing feeds: (column, field), for the partner to add to the profile."""
    if profile is None:
        return []
    known = _known_columns(profile)
    new = [column for column in records.columns if column not in known and column not in mapping]
    if not new:
        return []
    suggested = _suggested(records, profile.source, None)
    fed = set(mapping.values())
    return [(column, suggested[column]) for column in new if suggested.get(column) and suggested[column] not in fed]
