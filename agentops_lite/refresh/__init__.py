"""Keeping the catalog current: load sources, store and index each, first-use seeding, defaults."""
