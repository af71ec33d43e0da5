"""Emerging terms: frequent, rising words and phrases of postings no concept or synonym covers."""

from __future__ import annotations


def emerging_terms_compute(*, run, window) -> int:
    """Store the run's emerging-term candidates; returns how many."""
    return 0
