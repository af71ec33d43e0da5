"""Turn a raw feed record into the field values of a `JobPosting`, or say why it cannot be.

Pure functions (no database): they run in worker processes during large ingestions. Rules:
- a record is rejected, with every reason listed, when its title or external id is missing,
  a field is longer than its limit, a field holds bytes that are not UTF-8, or a date is
  unreadable, in the future or implausibly old;
- HTML is never a reason to reject: it goes through the platform's one sanitiser
  (`core.html`: script, style and event handlers removed, only formatting tags kept) and a
  plain-text version is derived from it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date, datetime, timedelta

import nh3

from core.html import html_to_text, sanitise_html
from core.places import resolve_place
from core.text import fold

MAX_LENGTHS = {
    "external_id": 255,
    "title": 255,
    "description": 100_000,
    "employer": 255,
    "commune": 128,
    "postal_code": 16,
    "region": 64,
    "url": 1024,
}
# Anything older is not a live posting but an archive mistake (or a 1970 epoch default).
MAX_AGE = timedelta(days=5 * 365)
# Clock skew between a feed's server and ours; later than this is a date "in the future".
FUTURE_TOLERANCE = timedelta(days=1)

_SPACES = re.compile(r"[ \t\u00a0]+")
_SURROGATES = re.compile("[\ud800-\udfff]")

CONTRACT_TYPES = {
    "cdi": "permanent",
    "contrat a duree indeterminee": "permanent",
    "permanent": "permanent",
    "full_time": "",
    "part_time": "",
    "cdd": "fixed_term",
    "contrat a duree determinee": "fixed_term",
    "fixed term": "fixed_term",
    "fixed_term": "fixed_term",
    "temporary": "temporary",
    "interim": "temporary",
    "interimaire": "temporary",
    "freelance": "freelance",
    "independant": "freelance",
    "contractor": "freelance",
    "alternance": "apprenticeship",
    "apprentissage": "apprenticeship",
    "apprenticeship": "apprenticeship",
    "stage": "internship",
    "intern": "internship",
    "internship": "internship",
    "etudiant": "student",
    "job etudiant": "student",
    "student": "student",
    "other": "other",
    "autre": "other",
}
WORKING_TIMES = {
    "full_time": "full_time",
    "full time": "full_time",
    "temps plein": "full_time",
    "part_time": "part_time",
    "part time": "part_time",
    "temps partiel": "part_time",
    "mi-temps": "part_time",
}
EXPERIENCE_LEVELS = {"none", "junior", "medior", "senior"}
EDUCATION_LEVELS = {
    "none": "none",
    "aucun": "none",
    "secondary": "secondary",
    "high school": "secondary",
    "cess": "secondary",
    "secondaire": "secondary",
    "bachelor": "bachelor",
    "bachelier": "bachelor",
    "bachelor degree": "bachelor",
    "master": "master",
    "postgraduate degree": "master",
    "doctorate": "doctorate",
    "doctorat": "doctorate",
}


def text_problem(value: str) -> str:
    """Why `value` cannot be stored as text ("" when it can): bytes that were not UTF-8 (read
    as lone surrogates) or NUL characters, which PostgreSQL refuses in text columns."""
    if _SURROGATES.search(value):
        return "is not valid UTF-8 text (broken encoding)"
    if "\x00" in value:
        return "holds a NUL character"
    return ""


def content_hash(data: dict) -> str:
    """SHA-256 of a raw record, independent of key order: equal hash, nothing to write."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def parse_date(value) -> date | None:
    """ISO date or date-time, or Belgian dd/mm/yyyy; None for empty; ValueError otherwise."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def _choice(value, table: dict[str, str]) -> str:
    """The choice a free-text value names: whole value first, then word by word."""
    folded = fold(str(value or "")).replace("-", " ")
    if not folded:
        return ""
    recognised = False
    for candidate in [folded, *re.split(r"[\s,/;]+", folded)]:
        if candidate in table:
            recognised = True
            if table[candidate]:
                return table[candidate]
    # A value we cannot map is kept as "other" rather than lost, where the field has it.
    return "other" if not recognised and "other" in table.values() else ""


def _experience(value) -> str:
    folded = fold(str(value or ""))
    if not folded:
        return ""
    if folded in EXPERIENCE_LEVELS:
        return folded
    numbers = re.findall(r"\d+", folded)
    if not numbers:
        return ""
    amount = int(numbers[0])
    years = amount / 12 if "month" in folded or "mois" in folded else amount
    if years < 1:
        return "none"
    if years <= 2:
        return "junior"
    return "medior" if years <= 5 else "senior"


def clean_record(data: dict, *, today: date) -> tuple[dict, list[str]]:
    """(field values for JobPosting, errors). Any error means the record is rejected."""
    errors: list[str] = []
    values = {}
    for key in ("external_id", "title", "description", "employer", "commune", "postal_code",
                "region", "url", "contract_type", "working_time", "experience",
                "education_level", "language", "posted_on", "expires_on"):  # fmt: skip
        raw = data.get(key)
        if raw is None:
            values[key] = ""
            continue
        if not isinstance(raw, str):
            raw = str(raw)
        problem = text_problem(raw)
        if problem:
            errors.append(f"Field {key!r} {problem}.")
        limit = MAX_LENGTHS.get(key)
        if limit and len(raw) > limit:
            errors.append(f"Field {key!r} is too long ({len(raw)} characters, at most {limit}).")
        values[key] = raw.strip()

    if not values["external_id"]:
        errors.append("The record has no external id.")
    if not values["title"]:
        errors.append("The record has no title.")

    dates = {}
    for key in ("posted_on", "expires_on"):
        try:
            dates[key] = parse_date(values[key])
        except ValueError:
            errors.append(f"Field {key!r} is not a date ({values[key][:40]!r}).")
            dates[key] = None
    posted_on = dates["posted_on"] or today
    if posted_on > today + FUTURE_TOLERANCE:
        errors.append(f"The posting date {posted_on} is in the future.")
    if posted_on < today - MAX_AGE:
        errors.append(f"The posting date {posted_on} is too far in the past.")
    expires_on = dates["expires_on"]
    if expires_on and expires_on < posted_on:
        errors.append(f"The expiry date {expires_on} is before the posting date {posted_on}.")
    if errors:
        return {}, errors

    description_html = sanitise_html(values["description"])
    commune, province = resolve_place(
        commune=values["commune"], postal_code=values["postal_code"], region=values["region"]
    )
    language = fold(values["language"])[:2]
    fields = {
        "external_id": values["external_id"],
        "title": _SPACES.sub(" ", html.unescape(nh3.clean(values["title"], tags=set()))).strip(),
        "description_html": description_html,
        "description_text": html_to_text(description_html),
        "employer_name": values["employer"],
        "commune": commune[:128],
        "province": province,
        "contract_type": _choice(values["contract_type"], CONTRACT_TYPES),
        "working_time": _choice(values["working_time"], WORKING_TIMES),
        "experience": _experience(values["experience"]),
        "education_level": _choice(values["education_level"], EDUCATION_LEVELS),
        "posted_on": posted_on,
        "expires_on": expires_on,
        "language": language if language in {"fr", "en"} else "",
        "url": values["url"] if values["url"].startswith(("http://", "https://")) else "",
    }
    if not fields["title"]:
        return {}, ["The record has no title once its markup is removed."]
    return fields, []
