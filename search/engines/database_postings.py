"""Posting search on the database engine (filled in below)."""
