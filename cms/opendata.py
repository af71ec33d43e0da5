"""The nightly open-data dump: offers, sessions and skill links of the cadastre and the
aggregated analytics, as CSV and JSON with a data dictionary and a licence note.

The analytics files hold what the public summary (`/penuries/chiffres/`) shows and nothing more
(`analytics.selectors.public_summary`): region-wide figures over the default period, rows with
enough postings, no employer. Before the first computation they hold their header row only.

Each dump is written to a dated folder under `OPEN_DATA_ROOT`, then `latest.json` is replaced
atomically, so a reader never sees half a dump; older dumps beyond `OPEN_DATA_KEEP` are removed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from analytics import selectors as analytics_selectors
from core.files import replaced_atomically
from core.tabular import spreadsheet_cell
from courses.exporting import export_csv, export_json, offers_for_export

LICENCE = (
    "Data of the wake! for skills cadastre, published under the Creative Commons Attribution 4.0 "
    "licence (CC BY 4.0). Skills and occupations are identified by ESCO URIs: ESCO is published "
    "by the European Commission under CC BY 4.0 (https://esco.ec.europa.eu). French job titles "
    "come from France Travail's ROME v4.60 (Licence Ouverte / Etalab 2.0). Demonstration "
    "content (flag is_demo) is illustrative and not a real training offer."
)

DICTIONARY = {
    "LICENCE.txt": {"description": "The licence of the data and the attributions it requires."},
    "dictionary.json": {"description": "This data dictionary: every file and its columns."},
    "offers.csv": {
        "description": "One row per session of every live offer (offer columns repeated); "
        "the columns of the offer import template, plus the provider columns.",
        "key": "provider + external_id",
    },
    "offers.json": {
        "description": "Every live offer as a JSON object: provider, sessions, confirmed skills "
        "(ESCO URI, label, relation) and occupations.",
    },
    "sessions.csv": {
        "description": "One row per session of every live offer.",
        "columns": {
            "offer_id": "Platform id of the offer",
            "session_id": "Platform id of the session",
            "start_date": "ISO date",
            "end_date": "ISO date, empty when one day",
            "schedule": "day | evening | weekend | mixed",
            "commune": "Commune of the session (else the provider's)",
            "province": "Province slug",
            "seats": "Capacity, empty when unknown",
            "seats_left": "Seats still available, empty when not tracked",
            "status": "open | full | cancelled",
            "registration_deadline": "ISO date",
        },
    },
    "skill_links.csv": {
        "description": "The skills each live offer teaches (links a person confirmed).",
        "columns": {
            "offer_id": "Platform id of the offer",
            "skill_uri": "ESCO skill URI (or a local concept URI of the platform)",
            "relation": "core | secondary",
            "esco_version": "ESCO version of the concept when the link was written",
        },
    },
    "analytics_run.json": {
        "description": "The analytics computation the analytics files come from: when, on which "
        "data (reference month, latest posting and session dates), ESCO version, parameters; "
        "null before the first computation.",
    },
    "analytics_professions.csv": {
        "description": "Professions on the shortage lists with enough postings to show figures, "
        "Wallonia and Brussels together, over the last 12 months (as on /penuries/chiffres/).",
        "columns": {
            "occupation_uri": "ESCO occupation URI",
            "label_fr": "Preferred French label",
            "label_en": "Preferred English label",
            "isco_code": "ISCO group code",
            "tension_label": "forem_shortage | forem_critical | forem_none | proxy_tense | "
            "proxy_not_tense | proxy_none: Le Forem's rule where vacancy statistics exist, "
            "else an estimate from postings (proxy_)",
            "postings": "Unique job postings of the period (re-posts count once)",
            "sessions": "Training sessions teaching its essential skills, reachable in the region",
            "coverage": "Share (0-1) of its essential ESCO skills some session teaches; empty "
            "when it lists none",
            "period": "12m: the 12 months ending with the reference month",
        },
    },
    "analytics_profession_months.csv": {
        "description": "The same professions' unique postings month by month (24 months ending "
        "with the reference month).",
        "columns": {
            "occupation_uri": "ESCO occupation URI",
            "month": "First day of the month, ISO date",
            "postings": "Unique job postings published that month",
        },
    },
    "analytics_skills.csv": {
        "description": "The skills most short of training (demand share well above supply "
        "share), over the last 12 months, largest gap first.",
        "columns": {
            "skill_uri": "ESCO skill URI (or a local concept URI)",
            "label_fr": "Preferred French label",
            "label_en": "Preferred English label",
            "postings": "Unique postings asking for the skill",
            "demand_share": "Share (0-1) of all demand weight",
            "supply_share": "Share (0-1) of all training supply weight",
            "log_ratio": "Smoothed log of demand share over supply share (above 0: demand "
            "outweighs training)",
        },
    },
    "analytics_provinces.csv": {
        "description": "Postings and training supply per province over the last 12 months; a "
        "province with too few postings shows no figures (suppressed = true).",
        "columns": {
            "province": "Province slug",
            "postings": "Unique job postings",
            "sessions": "Training sessions",
            "seats": "Seats of the sessions that state them",
            "coverage": "Average share of essential skills covered, over tracked professions",
            "suppressed": "true when the province has too few postings to show figures",
        },
    },
}


@dataclass(frozen=True)
class Dump:
    folder: Path
    created_at: str
    files: dict[str, int]  # name -> size in bytes


class OpenDataWriteError(Exception):
    """The dump could not be written (disk full, permissions); nothing half-written is left."""


def open_data_root() -> Path:
    return Path(settings.OPEN_DATA_ROOT)


def open_data_write() -> Dump:
    """Write a new dump and make it the latest; returns what was written."""
    root = open_data_root()
    root.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    offers = list(offers_for_export())
    contents = {
        "offers.csv": export_csv(offers),
        "offers.json": export_json(offers),
        "sessions.csv": _sessions_csv(offers),
        "skill_links.csv": _skill_links_csv(offers),
        **_analytics_files(),
        "LICENCE.txt": (LICENCE + "\n").encode(),
        "dictionary.json": json.dumps(DICTIONARY, ensure_ascii=False, indent=2).encode(),
    }
    folder = root / now.strftime("%Y-%m-%dT%H%M%S.%f")
    files = {name: len(data) for name, data in contents.items()}
    manifest = {"created_at": now.isoformat(), "folder": folder.name, "files": files}
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    try:
        for name, data in contents.items():
            _write_synced(staging / name, data)
        staging.rename(folder)
        _atomic_write(root / "latest.json", json.dumps(manifest, indent=2).encode())
    except OSError as error:
        # A full disk must not leave half a dump behind to fill it further: the previous
        # dump stays the published one.
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise OpenDataWriteError(
            f"The open-data dump could not be written to {root} "
            f"({error.strerror or error}); the previous dump is still the one published."
        ) from error
    _prune(root, keep=settings.OPEN_DATA_KEEP)
    return Dump(folder=folder, created_at=manifest["created_at"], files=files)


def open_data_latest() -> Dump | None:
    """The latest complete dump, or None before the first one."""
    manifest_path = open_data_root() / "latest.json"
    if not manifest_path.exists():
        return None
    manifest = json.loads(manifest_path.read_text())
    folder = open_data_root() / manifest["folder"]
    if not folder.is_dir():
        return None
    return Dump(folder=folder, created_at=manifest["created_at"], files=manifest["files"])


def _sessions_csv(offers) -> bytes:
    columns = list(DICTIONARY["sessions.csv"]["columns"])
    rows = [
        {
            "offer_id": offer.pk,
            "session_id": session.pk,
            "start_date": session.start_date.isoformat(),
            "end_date": session.end_date.isoformat() if session.end_date else "",
            "schedule": session.schedule,
            "commune": session.commune or (offer.provider.commune if offer.provider else ""),
            "province": session.province or (offer.provider.province if offer.provider else ""),
            "seats": session.seats if session.seats is not None else "",
            "seats_left": session.seats_left if session.seats_left is not None else "",
            "status": session.status,
            "registration_deadline": (
                session.registration_deadline.isoformat() if session.registration_deadline else ""
            ),
        }
        for offer in offers
        for session in offer.sessions.all()
    ]
    return _csv(columns, rows)


def _skill_links_csv(offers) -> bytes:
    columns = list(DICTIONARY["skill_links.csv"]["columns"])
    rows = [
        {
            "offer_id": offer.pk,
            "skill_uri": link.skill.uri,
            "relation": link.relation,
            "esco_version": link.esco_version,
        }
        for offer in offers
        for link in offer.public_skill_links
    ]
    return _csv(columns, rows)


def _analytics_files() -> dict[str, bytes]:
    """The public summary's figures as files (header rows only before the first computation).
    Labels in both languages: the dump is read by people of either."""
    with translation.override("fr"):
        summary = analytics_selectors.public_summary()
    with translation.override("en"):
        english = analytics_selectors.public_summary() if summary else None
    professions = summary.professions if summary else []
    skills = summary.skills_in_shortage if summary else []
    labels = {}
    for language, source in (("fr", summary), ("en", english)):
        for row in source.professions if source else []:
            labels[(row.occupation.uri, language)] = row.occupation.label
        for row in source.skills_in_shortage if source else []:
            labels[(row.skill.uri, language)] = row.skill.label
    run = None
    if summary is not None:
        run = {
            "id": summary.run.id,
            "finished_at": summary.run.finished_at.isoformat() if summary.run.finished_at else None,
            "reference_month": summary.run.vintage_month.isoformat()
            if summary.run.vintage_month
            else None,
            "latest_posting_date": summary.run.latest_posting_date.isoformat()
            if summary.run.latest_posting_date
            else None,
            "latest_session_date": summary.run.latest_session_date.isoformat()
            if summary.run.latest_session_date
            else None,
            "esco_version": summary.run.esco_version,
            "minimum_postings_shown": summary.min_volume,
            "parameters": summary.run.parameters,
        }
    shown_professions = [row for row in professions if not row.suppressed]
    return {
        "analytics_run.json": json.dumps(run, ensure_ascii=False, indent=2).encode(),
        "analytics_professions.csv": _csv(
            list(DICTIONARY["analytics_professions.csv"]["columns"]),
            [
                {
                    "occupation_uri": row.occupation.uri,
                    "label_fr": labels.get((row.occupation.uri, "fr"), ""),
                    "label_en": labels.get((row.occupation.uri, "en"), ""),
                    "isco_code": row.isco_code,
                    "tension_label": row.tension_label,
                    "postings": row.demand_postings,
                    "sessions": row.supply_sessions,
                    "coverage": "" if row.coverage is None else round(row.coverage, 4),
                    "period": row.period,
                }
                for row in shown_professions
            ],
        ),
        "analytics_profession_months.csv": _csv(
            list(DICTIONARY["analytics_profession_months.csv"]["columns"]),
            [
                {"occupation_uri": row.occupation.uri, "month": month.isoformat(), "postings": n}
                for row in shown_professions
                for month, n in zip(row.trend_months, row.demand_trend, strict=False)
            ],
        ),
        "analytics_skills.csv": _csv(
            list(DICTIONARY["analytics_skills.csv"]["columns"]),
            [
                {
                    "skill_uri": row.skill.uri,
                    "label_fr": labels.get((row.skill.uri, "fr"), ""),
                    "label_en": labels.get((row.skill.uri, "en"), ""),
                    "postings": row.demand_postings,
                    "demand_share": round(row.demand_share, 6),
                    "supply_share": round(row.supply_share, 6),
                    "log_ratio": round(row.log_ratio, 4),
                }
                for row in skills
                if not row.suppressed
            ],
        ),
        "analytics_provinces.csv": _csv(
            list(DICTIONARY["analytics_provinces.csv"]["columns"]),
            [
                {
                    "province": row.province,
                    "postings": "" if row.suppressed else row.postings,
                    "sessions": "" if row.suppressed else row.supply_sessions,
                    "seats": "" if row.suppressed else row.supply_seats,
                    "coverage": ""
                    if row.suppressed or row.coverage is None
                    else round(row.coverage, 4),
                    "suppressed": "true" if row.suppressed else "false",
                }
                for row in (summary.by_province if summary else [])
            ],
        ),
    }


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_cell(str(value)) for key, value in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_synced(path: Path, data: bytes) -> None:
    """Write and flush to the disk, so that a full disk fails here rather than on a later read."""
    with path.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _atomic_write(path: Path, data: bytes) -> None:
    with replaced_atomically(path) as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _prune(root: Path, *, keep: int) -> None:
    dumps = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in dumps[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
