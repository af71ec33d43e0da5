"""Readers for the three feed formats: JSON Lines, CSV and schema.org `JobPosting` JSON-LD.

Each reader yields `RawRecord`s in file order: a flat dict with our canonical keys (see
`CANONICAL_KEYS`), or an error saying why the record could not be read at all. Readers stream
(JSON Lines and CSV never hold the whole file).

CSV feeds are read by `core.tabular`, like every other tabular upload: UTF-8 only, `,` `;` or
tab, column names in any case. A CSV file that breaks the encoding policy is refused whole
(`FeedFormatError`, naming the line) before its first record is yielded, so nothing of it is
written. JSON bytes are decoded as UTF-8 with `surrogateescape`, so an invalid byte sequence
does not stop the batch: it survives as a lone surrogate and the record that holds it is
rejected by the cleaner with a clear message.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core import jsonsafe
from core.tabular import EmptyTabularFileError, TabularFile, TabularFileError

FORMATS = ("jsonl", "csv", "jsonld")

CANONICAL_KEYS = (
    "external_id",
    "title",
    "description",
    "employer",
    "commune",
    "postal_code",
    "region",
    "contract_type",
    "working_time",
    "experience",
    "education_level",
    "posted_on",
    "expires_on",
    "language",
    "url",
)

# Accepted spellings of the canonical keys in JSON Lines and CSV feeds.
KEY_ALIASES = {
    "id": "external_id",
    "reference": "external_id",
    "identifier": "external_id",
    "name": "title",
    "intitule": "title",
    "description_html": "description",
    "text": "description",
    "employer_name": "employer",
    "company": "employer",
    "hiring_organization": "employer",
    "city": "commune",
    "locality": "commune",
    "location": "commune",
    "zip": "postal_code",
    "postcode": "postal_code",
    "province": "region",
    "contract": "contract_type",
    "employment_type": "contract_type",
    "date_posted": "posted_on",
    "posted_at": "posted_on",
    "date": "posted_on",
    "valid_through": "expires_on",
    "expires_at": "expires_on",
    "lang": "language",
    "in_language": "language",
    "education": "education_level",
}

# Far above any real field; the cleaner enforces the real limits with a clear message.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class FeedFormatError(ValueError):
    """The whole payload is unreadable in the announced format (not a per-record problem)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    position: int  # 1-based record number in the payload (line number for JSON Lines)
    data: dict | None
    error: str = ""


def canonicalise(data: dict) -> dict:
    """Map alias keys to canonical ones; unknown keys are kept (they count in the hash)."""
    out = {}
    for key, value in data.items():
        key = str(key).strip().lower()
        out[KEY_ALIASES.get(key, key)] = value
    return out


def detect_format(name: str = "", head: bytes = b"") -> str:
    """Guess the format from a file name, else from the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonld", ".json"}:
        return "jsonld"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped.startswith(b"["):
        return "jsonld"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            jsonsafe.loads(first_line)
        except ValueError:
            return "jsonld"  # an object spread over several lines: one JSON document
        return "jsonl"
    return "csv"


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    return raw.decode("utf-8", errors="surrogateescape")


def read_jsonl(lines: Iterable[bytes]) -> Iterator[RawRecord]:
    for number, line in enumerate(lines, start=1):
        text = _decode(line).strip()
        if not text:
            continue
        try:
            data = jsonsafe.loads(text)
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield RawRecord(number, None, f"line {number} is not valid JSON ({reason}).")
            continue
        if not isinstance(data, dict):
            yield RawRecord(number, None, f"line {number} is not a JSON object.")
            continue
        yield RawRecord(number, canonicalise(data))


def read_csv(stream: BinaryIO) -> Iterator[RawRecord]:
    """The records of a CSV feed; `stream` must be seekable.

    The file is read twice, both times streamed: once to check it against the encoding policy,
    then for its records. A record's position counts the non-blank rows after the header.
    """
    start = stream.tell()
    try:
        for _row in TabularFile(stream):
            pass
    except EmptyTabularFileError:
        return  # an empty feed has no records
    except TabularFileError as exc:
        raise FeedFormatError(str(exc)) from exc
    stream.seek(start)
    for number, row in enumerate(TabularFile(stream), start=1):
        if row.error:
            yield RawRecord(number, None, f"row {number}: {row.error}")
        else:
            yield RawRecord(number, canonicalise({k: v for k, v in row.values.items() if k}))


def read_jsonld(raw: bytes) -> Iterator[RawRecord]:
    try:
        document = jsonsafe.loads(_decode(raw))
    except ValueError as exc:
        raise FeedFormatError(f"The JSON-LD document is not valid JSON ({exc}).") from exc
    if isinstance(document, dict) and "@graph" in document:
        nodes = document["@graph"]
    elif isinstance(document, list):
        nodes = document
    else:
        nodes = [document]
    if not isinstance(nodes, list):
        raise FeedFormatError("@graph must be a list of nodes.")
    for number, node in enumerate(nodes, start=1):
        if not isinstance(node, dict):
            yield RawRecord(number, None, f"node {number} is not a JSON object.")
            continue
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if "JobPosting" not in types:
            yield RawRecord(number, None, f"node {number} is not a schema.org JobPosting.")
            continue
        yield RawRecord(number, jsonld_to_record(node))


def _text(value) -> str:
    if isinstance(value, dict):
        return _text(value.get("value") or value.get("name") or value.get("@value") or "")
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    return "" if value is None else str(value)


def jsonld_to_record(node: dict) -> dict:
    """Flatten a schema.org JobPosting node into our canonical keys."""
    location = node.get("jobLocation") or {}
    if isinstance(location, list):
        location = location[0] if location else {}
    address = location.get("address") if isinstance(location, dict) else {}
    address = address if isinstance(address, dict) else {}
    organisation = node.get("hiringOrganization")
    experience = node.get("experienceRequirements")
    months = experience.get("monthsOfExperience") if isinstance(experience, dict) else None
    education = node.get("educationRequirements")
    if isinstance(education, dict):
        education = education.get("credentialCategory", "")
    employment = node.get("employmentType")
    employment = employment if isinstance(employment, list) else [employment or ""]
    record = {
        "external_id": _text(node.get("identifier")) or _text(node.get("@id")),
        "title": _text(node.get("title")),
        "description": _text(node.get("description")),
        "employer": _text(organisation),
        "commune": _text(address.get("addressLocality")),
        "postal_code": _text(address.get("postalCode")),
        "region": _text(address.get("addressRegion")),
        "contract_type": " ".join(str(item) for item in employment if item),
        "working_time": " ".join(str(item) for item in employment if item),
        "experience": f"{months} months" if months not in (None, "") else _text(experience),
        "education_level": _text(education),
        "posted_on": _text(node.get("datePosted")),
        "expires_on": _text(node.get("validThrough")),
        "language": _text(node.get("inLanguage")),
        "url": _text(node.get("url")),
    }
    return {key: value for key, value in record.items() if value}


def read_payload(path: Path | str, format: str = "auto") -> Iterator[RawRecord]:
    """Stream the records of a feed file in `format` ("auto" guesses it)."""
    path = Path(path)
    with path.open("rb") as handle:
        if format == "auto":
            format = detect_format(path.name, handle.read(8192))
            handle.seek(0)
        if format not in FORMATS:
            raise FeedFormatError(f"Unknown format {format!r}; use one of {', '.join(FORMATS)}.")
        if format == "jsonl":
            yield from read_jsonl(handle)
        elif format == "csv":
            yield from read_csv(handle)
        else:
            yield from read_jsonld(handle.read())


def read_bytes(raw: bytes, format: str = "auto", name: str = "") -> Iterator[RawRecord]:
    """The same as `read_payload` for a payload held in memory."""
    if format == "auto":
        format = detect_format(name, raw[:8192])
    if format not in FORMATS:
        raise FeedFormatError(f"Unknown format {format!r}; use one of {', '.join(FORMATS)}.")
    if format == "jsonl":
        return read_jsonl(raw.splitlines())
    if format == "csv":
        return read_csv(io.BytesIO(raw))
    return read_jsonld(raw)


def count_records(path: Path | str, format: str = "auto") -> int | None:
    """Records in a line-based feed file (JSON Lines, CSV), counted cheaply; None otherwise."""
    path = Path(path)
    with path.open("rb") as handle:
        if format == "auto":
            format = detect_format(path.name, handle.read(8192))
            handle.seek(0)
        if format == "jsonl":
            return sum(1 for line in handle if line.strip())
        if format == "csv":
            # Cells may span lines: an estimate that the run corrects as it goes.
            return max(0, sum(1 for line in handle if line.strip()) - 1)
    return None
