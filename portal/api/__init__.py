"""The public JSON API (v1): search and autocomplete for maps, widgets and partners."""
