"""The nightly open-data dump: offers, sessions and skill links of the cadastre (and, once
computed, the aggregated analytics), as CSV and JSON with a data dictionary and a licence note.

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
from django.utils import timezone

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
        }
    },
    "skill_links.csv": {
        "columns": {
            "offer_id": "Platform id of the offer",
            "skill_uri": "ESCO skill URI (or a local concept URI of the platform)",
            "relation": "core | secondary",
            "esco_version": "ESCO version of the concept when the link was written",
        }
    },
}


@dataclass(frozen=True)
class Dump:
    folder: Path
    created_at: str
    files: dict[str, int]  # name -> size in bytes


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
        "LICENCE.txt": (LICENCE + "\n").encode(),
        "dictionary.json": json.dumps(DICTIONARY, ensure_ascii=False, indent=2).encode(),
    }
    folder = root / now.strftime("%Y-%m-%dT%H%M%S.%f")
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    for name, data in contents.items():
        (staging / name).write_bytes(data)
    staging.rename(folder)
    files = {name: len(data) for name, data in contents.items()}
    manifest = {"created_at": now.isoformat(), "folder": folder.name, "files": files}
    _atomic_write(root / "latest.json", json.dumps(manifest, indent=2).encode())
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


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_cell(str(value)) for key, value in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _prune(root: Path, *, keep: int) -> None:
    dumps = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in dumps[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
