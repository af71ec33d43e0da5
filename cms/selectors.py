"""Reads of the public site's own pages."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.selectors import ShortageRow, shortage_professions
from courses.models import Session
from courses.selectors import sessions_latest

HOME_SHORTAGES = 6
HOME_SESSIONS = 6


@dataclass(frozen=True)
class HomeHighlights:
    """What the home page shows beside its search: the professions in shortage of the latest
    analytics run (listed, with enough postings to be shown) and the latest sessions."""

    shortages: list[ShortageRow]
    sessions: list[Session]


def home_page_highlights() -> HomeHighlights:
    shortages = [row for row in shortage_professions() if row.listed and not row.suppressed]
    return HomeHighlights(
        shortages=shortages[:HOME_SHORTAGES], sessions=sessions_latest(limit=HOME_SESSIONS)
    )
