"""The Meilisearch backend (production engine). The code lives in search/backends/meili/:
filters.py (query → filter/sort expressions), results.py (response → SearchResult),
index_settings.py (settings JSON, diff, synonym generation), autocomplete.py, errors.py,
backend.py (the class)."""
from search.backends.meili.backend import MeilisearchBackend
from search.backends.meili.errors import InvalidSearchRequest, TaskFailed

__all__ = ["InvalidSearchRequest", "MeilisearchBackend", "TaskFailed"]
