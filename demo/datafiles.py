"""Typed readers of the demo's data files (`demo/data/`, described in its README.md).

The content is TOML: named fields, comments beside the values (the French label of each ESCO
URI, why a value is what it is), long sentences as they read, lists and nested tables, read by
the standard library. A reader raises `TypeError` naming the key when a file misses a field or
has one no reader knows, so a typo fails the load instead of dropping a value. Each file is read
once per process; the records are frozen.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True, slots=True)
class Provider:
    slug: str
    name: str
    kind: str
    commune: str
    postal_code: str
    province: str
    latitude: str
    longitude: str
    website: str


@dataclass(frozen=True, slots=True)
class OfferVariant:
    """A kind of offer; `title` and `summary` are patterns filled from a profession."""

    key: str
    title: str
    summary: str
    format: str
    modality: str
    hours: int
    schedule: str
    audiences: tuple[str, ...]
    funding: tuple[str, ...]
    certification: str
    prerequisites: str
    languages: tuple[str, ...]
    eqf: int | None = None
    price: str | None = None  # None: the offer is free


@dataclass(frozen=True, slots=True)
class OfferPlacement:
    variant: str
    provider: str


@dataclass(frozen=True, slots=True)
class Profession:
    code: str
    job: str
    theme: str
    tool: str
    about: str
    skills: tuple[str, ...]  # ESCO skill URIs, core skills first
    occupations: tuple[str, ...]  # ESCO occupation URIs
    offers: tuple[OfferPlacement, ...]


@dataclass(frozen=True, slots=True)
class ShortageListFile:
    path: Path
    title: str
    source: str
    year: int
    region: str
    notes: str


@dataclass(frozen=True, slots=True)
class PortalEmployer:
    account: str
    enterprise_number: str
    name: str
    sector: str
    commune: str
    province: str
    approved: bool


@dataclass(frozen=True, slots=True)
class TrainingRequestTemplate:
    skill_count: int
    headcount: int
    needed_in_days: int
    message: str


@dataclass(frozen=True, slots=True)
class PortalNeed:
    account: str
    title: str
    text: str
    commune: str
    province: str
    contract_type: str
    training_request: TrainingRequestTemplate


@dataclass(frozen=True, slots=True)
class Portal:
    employers: tuple[PortalEmployer, ...]
    need: PortalNeed


@dataclass(frozen=True, slots=True)
class CompanyKind:
    kind: str
    sector: str


@dataclass(frozen=True, slots=True)
class ContractType:
    name: str
    weight: int
    phrase: str


@dataclass(frozen=True, slots=True)
class PostingVocabulary:
    """The words of the synthetic postings; the generator draws from each tuple by position."""

    creative_tech_isco: tuple[str, ...]
    creative_tech_weight: int
    emerging_practices: tuple[str, ...]
    emerging_lines: tuple[str, ...]
    company_kinds: tuple[CompanyKind, ...]
    name_prefixes: tuple[str, ...]
    name_roots: tuple[str, ...]
    name_suffixes: tuple[str, ...]
    reasons: tuple[str, ...]
    reasons_after_afin_de: tuple[str, ...]
    intros: tuple[str, ...]
    company_lines: tuple[str, ...]
    mission_headings: tuple[str, ...]
    mission_leads: tuple[str, ...]
    task_tails: tuple[str, ...]
    knowledge_phrases: tuple[str, ...]
    optional_phrases: tuple[str, ...]
    soft_skills: tuple[str, ...]
    language_lines: tuple[str, ...]
    benefits: tuple[str, ...]
    closings: tuple[str, ...]
    contracts: tuple[ContractType, ...]
    education_levels: Mapping[str, tuple[str, ...]]  # by ISCO major group, "other" for the rest
    education_phrases: Mapping[str, str]


def _tuples(table: dict) -> dict:
    """The table with its lists as tuples, so that the frozen records hold no mutable list."""
    return {key: tuple(value) if isinstance(value, list) else value for key, value in table.items()}


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(Provider(**row) for row in _read("providers.toml")["providers"])


@cache
def offer_variants() -> dict[str, OfferVariant]:
    return {
        key: OfferVariant(key=key, **_tuples(table))
        for key, table in _read("offer_variants.toml").items()
    }


@cache
def professions() -> tuple[Profession, ...]:
    return tuple(
        Profession(
            **_tuples(row)
            | {"offers": tuple(OfferPlacement(**placement) for placement in row["offers"])}
        )
        for row in _read("professions.toml")["professions"]
    )


@cache
def shortage_list() -> ShortageListFile:
    table = _read("shortage_list.toml")
    return ShortageListFile(path=DATA_DIR / table.pop("file"), **table)


@cache
def portal() -> Portal:
    table = _read("portal.toml")
    need = table["need"]
    return Portal(
        employers=tuple(PortalEmployer(**row) for row in table["employers"]),
        need=PortalNeed(
            **need | {"training_request": TrainingRequestTemplate(**need["training_request"])}
        ),
    )


@cache
def posting_vocabulary() -> PostingVocabulary:
    table = _read("posting_vocabulary.toml")
    names = table.pop("employer_names")
    return PostingVocabulary(
        **_tuples(table.pop("sentences")),
        name_prefixes=tuple(names["prefixes"]),
        name_roots=tuple(names["roots"]),
        name_suffixes=tuple(names["suffixes"]),
        company_kinds=tuple(CompanyKind(**row) for row in table.pop("company_kinds")),
        contracts=tuple(ContractType(**row) for row in table.pop("contracts")),
        education_levels=MappingProxyType(_tuples(table.pop("education_levels"))),
        education_phrases=MappingProxyType(table.pop("education_phrases")),
        **_tuples(table),
    )


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's text in one language; `body` is rich text (HTML), empty for index pages."""

    title: str
    intro: str
    body: str = ""


@dataclass(frozen=True, slots=True)
class SitePage:
    """One of the site's own pages, in French (`fr`) and English (`en`); `slug` serves both."""

    key: str
    slug: str
    texts: Mapping[str, PageText]


@cache
def site_pages() -> dict[str, SitePage]:
    """The home page, the two index pages and the content pages (about, method…), by key:
    "home", "provider_index", "offer_index", then each content page's slug."""
    table = _read("site_pages.toml")

    def page(key: str, row: dict) -> SitePage:
        texts = {lang: PageText(**row[lang]) for lang in ("fr", "en")}
        return SitePage(key=key, slug=row.get("slug", ""), texts=MappingProxyType(texts))

    pages = {key: page(key, table[key]) for key in ("home", "provider_index", "offer_index")}
    for row in table["pages"]:
        pages[row["slug"]] = page(row["slug"], row)
    return pages
