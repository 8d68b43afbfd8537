"""One settings object, read from the environment once, when the app is created.

Every key has a one-line comment; README's configuration table is made from the same list.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    """The private cluster started by `make run` writes its port under .data/."""
    port_file = PROJECT_ROOT / ".data" / "pg.port"
    if port_file.exists():
        return f"postgresql+psycopg://postgres@127.0.0.1:{port_file.read_text().strip()}/boussole"
    return "postgresql+psycopg://postgres@127.0.0.1:5432/boussole"


def _cloned_from(root: Path) -> Path | None:
    """The local checkout `root` was cloned from (git's origin, when it is a folder)."""
    try:
        url = subprocess.run(["git", "-C", str(root), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url and "://" not in url.removeprefix("file://") else None
    return path if path is not None and path.is_absolute() and path.is_dir() else None


def _default_data_dir(root: Path = PROJECT_ROOT) -> str:
    """The shared data folder beside the checkout, or beside the local checkout it was cloned
    from (a throwaway clone elsewhere, as CI makes), when there is one."""
    for candidate in (root, _cloned_from(root)):
        if candidate is not None and (candidate.parent / "shared" / "data").is_dir():
            return str(candidate.parent / "shared" / "data")
    return str(root / "data")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    # SQLAlchemy URL of the PostGIS database (default: the private cluster of `make run`).
    DATABASE_URL: str = field(default_factory=_default_database_url)
    # Secret used to sign sessions and forms; set it in production.
    SECRET_KEY: str = "dev-only-change-me"
    # Folder holding reference/ (geography) and partners/ (demo imports).
    DATA_DIR: str = field(default_factory=_default_data_dir)
    # Folder of the reference geography files (default: DATA_DIR/reference).
    REFERENCE_DATA_DIR: str = ""
    # Département codes whose communes are loaded (Île-de-France by default).
    GEO_DEPARTEMENTS: str = "75,77,78,91,92,93,94,95"
    # Search backend: "postgres" (embedded) or "meilisearch".
    SEARCH_BACKEND: str = "postgres"
    # Meilisearch URL; empty disables the Meilisearch backend.
    MEILI_URL: str = ""
    # Meilisearch API key (the master key or a key allowed to manage indexes).
    MEILI_MASTER_KEY: str = ""
    # Name of the Meilisearch index holding listings.
    MEILI_INDEX: str = "listings"
    # Seconds before a Meilisearch request is given up and the postgres backend answers.
    MEILI_TIMEOUT: float = 2.0
    # Index changed listings right after each commit (in-process, or an RQ job with REDIS_URL).
    SEARCH_PROCESS_AFTER_COMMIT: bool = True
    # Seconds a search result is reused for the same query (Redis when REDIS_URL is set, else per process); any index change invalidates it; 0 disables.
    SEARCH_CACHE_SECONDS: int = 300
    # Embedded engine: filter, facet and sort columns held in memory per process ("background": reloaded in a thread after each index change, SQL answers meanwhile; "sync": reloaded by the next search; "off").
    SEARCH_SNAPSHOT: str = "background"
    # Redis URL for background jobs (RQ); empty runs jobs in-process.
    REDIS_URL: str = ""
    # Base URL of the BAN geocoder (batch CSV endpoint is BAN_URL + /search/csv/).
    BAN_URL: str = "https://api-adresse.data.gouv.fr"
    # Seconds before a geocoder request is given up.
    BAN_TIMEOUT: float = 30.0
    # Largest partner file accepted, in bytes.
    IMPORT_MAX_BYTES: int = 20 * 1024 * 1024
    # Seconds a partner feed may take to answer (and between two parts of its download).
    IMPORT_FETCH_TIMEOUT: float = 60.0
    # Files from this size (bytes) up are read and normalised in a worker process, beside the database writes; -1 never.
    IMPORT_WORKER_MIN_BYTES: int = 1024 * 1024
    # Days a record missing from a full feed stays visible before it is archived.
    IMPORT_ARCHIVE_GRACE_DAYS: int = 14
    # Days after last verification when a listing is flagged stale.
    STALE_AFTER_DAYS: int = 365
    # Days after last verification when a stale listing is hidden from search.
    HIDDEN_AFTER_DAYS: int = 730
    # Map tiles URL template (Leaflet syntax); points at a tile server you may use.
    TILES_URL: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Attribution shown on maps for the tiles above.
    TILES_ATTRIBUTION: str = "© contributeurs OpenStreetMap"
    # Default interface language.
    DEFAULT_LOCALE: str = "fr"
    # Public base URL, used in sitemaps, canonical links and OpenGraph.
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    # Log SQL statements (debugging only).
    SQL_ECHO: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.name)
            if raw is None:
                continue
            kind = f.type if isinstance(f.type, type) else {"int": int, "float": float, "bool": bool}.get(f.type, str)
            values[f.name] = _bool(raw) if kind is bool else kind(raw)
        settings = cls(**values)
        if not settings.REFERENCE_DATA_DIR:
            settings.REFERENCE_DATA_DIR = str(Path(settings.DATA_DIR) / "reference")
        return settings

    def as_flask_config(self) -> dict:
        config = {f.name: getattr(self, f.name) for f in fields(self)}
        config["SQLALCHEMY_DATABASE_URI"] = self.DATABASE_URL
        config["SQLALCHEMY_ECHO"] = self.SQL_ECHO
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
        return config

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """(name, comment) pairs, read from this file, for the README table."""
        source = Path(__file__).read_text(encoding="utf-8").splitlines()
        result, comment = [], ""
        for line in source:
            stripped = line.strip()
            if stripped.startswith("# "):
                comment = stripped[2:]
            elif ":" in stripped and stripped.split(":")[0].isupper() and comment:
                result.append((stripped.split(":")[0], comment))
                comment = ""
            else:
                comment = ""
        return result
