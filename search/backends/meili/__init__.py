"""Meilisearch backend internals; import the backend from search.backends.meilisearch."""
