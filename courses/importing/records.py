from __future__ import annotations

from dataclasses import dataclass, field

from core.tabular import TabularFileError


class ImportFileError(TabularFileError):
    """The whole file is unreadable (encoding, syntax, missing columns): nothing is imported."""


@dataclass
class SessionRecord:
    """Raw session values as read from the file (strings); validated by the import service."""

    start_date: str = ""
    end_date: str = ""
    schedule: str = ""
    location: str = ""
    commune: str = ""
    province: str = ""
    seats: str = ""
    seats_left: str = ""
    status: str = ""
    registration_deadline: str = ""
    external_id: str = ""


@dataclass
class OfferRecord:
    """One offer as read from the file, with the row (or element) numbers it came from.

    Values are raw strings; lists are already split. `problems` holds reading errors found by
    the reader itself (for example two CSV rows of one offer that disagree).
    """

    external_id: str
    rows: list[int] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    funding: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The organisation the file names as responsible for the offer (LHEO `organisme`), if any.
    organisation: str = ""
