"""Commune pages: what is practised in a commune and around it, by discipline."""
