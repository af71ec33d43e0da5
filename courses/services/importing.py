"""Validate, then write, offers read from an import file into one provider's subtree.

Contract:
- Offers are matched on the provider's own `external_id`; running the same file twice reports
  every offer `unchanged` and writes nothing.
- `dry_run=True` (the default) validates and compares everything and writes nothing: the report
  lists each offer's outcome (created / updated / unchanged / error with reasons) and the file
  rows it came from.
- When writing, each offer is written inside its own savepoint: an offer that fails is rolled
  back whole (page, sessions, links) and reported as an error; the others are kept. A database
  error while writing one offer (a value the database refuses, a lost disk) is such a failure:
  reported on that offer, never a traceback that loses the report of the others.
- Imported pages are saved as new revisions (drafts) so they go through moderation, unless
  `publish=True` (the command's `--publish`, or a moderator in the admin).
- Skills and occupations named in the file are provider-declared, hence confirmed
  (`method=imported`); imported links that disappear from the file are removed, links entered
  by hand or suggested by the extractor are left alone.
- Every offer written is then read by the extractor in the background, once the import is
  committed (`offer_queue_suggestions`): its suggestions join the imported links.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.html import rich_text_from_outside
from core.languages import Language
from core.places import Province
from core.tabular import parse_yes_no
from core.text import fold
from courses.importing.records import OfferRecord, SessionRecord
from courses.models import (
    Audience,
    FundingScheme,
    Modality,
    OfferFormat,
    OfferOccupation,
    OfferPage,
    OfferSkill,
    ProviderPage,
    Schedule,
    Session,
    SessionStatus,
)
from courses.services.links import (
    offer_occupation_set,
    offer_queue_suggestions,
    offer_skill_set,
)
from skills.links import LinkMethod
from skills.models import Occupation, Skill

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
TEXT_LIMITS = {"title": 255, "summary": 500, "certification": 255, "external_id": 128}


@dataclass
class ImportOutcome:
    key: str
    rows: list[int]
    title: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    page_id: int | None = None


@dataclass
class ImportReport:
    dry_run: bool
    outcomes: list[ImportOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
        for outcome in self.outcomes:
            counts[outcome.outcome] += 1
        return counts

    @property
    def changes(self) -> int:
        return self.counts[CREATED] + self.counts[UPDATED]

    def as_text(self) -> str:
        lines = []
        for o in self.outcomes:
            rows = ",".join(str(r) for r in o.rows)
            reason = f" — {'; '.join(o.reasons)}" if o.reasons else ""
            lines.append(f"[{o.outcome}] {o.key or '?'} (rows {rows}) {o.title}{reason}")
        counts = ", ".join(f"{name}: {n}" for name, n in self.counts.items())
        mode = "dry run, nothing written" if self.dry_run else "written"
        lines.append(f"{counts} ({mode})")
        return "\n".join(lines)


@dataclass
class CleanOffer:
    """A validated record, ready to compare and write."""

    fields: dict
    sessions: list[dict]
    funding: list[FundingScheme]
    keywords: list[str]
    skills: list[Skill]
    occupations: list[Occupation]

    def snapshot(self) -> dict:
        return {
            "fields": {k: _comparable(v) for k, v in self.fields.items()},
            "sessions": sorted(_session_key(s) for s in self.sessions),
            "funding": sorted(s.slug for s in self.funding),
            "keywords": sorted(k.lower() for k in self.keywords),
            "skills": sorted(s.uri for s in self.skills),
            "occupations": sorted(o.uri for o in self.occupations),
        }


def _comparable(value):
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, list):
        return sorted(value)
    return value


SESSION_FIELDS = [
    "start_date",
    "end_date",
    "schedule",
    "location",
    "commune",
    "province",
    "seats",
    "seats_left",
    "status",
    "registration_deadline",
    "external_id",
]


def _session_key(session: dict) -> tuple:
    return tuple(str(session.get(name) or "") for name in SESSION_FIELDS)


def _parse_date(value: str, label: str, errors: list[str]) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    errors.append(
        _("%(field)s: “%(value)s” is not a date (use YYYY-MM-DD).")
        % {"field": label, "value": value}
    )
    return None


def _parse_int(value: str, label: str, errors: list[str], *, low=0, high=None) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        errors.append(
            _("%(field)s: “%(value)s” is not a whole number.") % {"field": label, "value": value}
        )
        return None
    if number < low or (high is not None and number > high):
        errors.append(_("%(field)s: %(value)s is out of range.") % {"field": label, "value": value})
        return None
    return number


def _choice(value: str, choices, label: str, errors: list[str], *, default=None):
    value = value.strip().lower()
    if not value:
        if default is None:
            errors.append(_("%(field)s is required.") % {"field": label})
        return default
    if value not in choices.values:
        errors.append(
            _("%(field)s: “%(value)s” is not one of %(allowed)s.")
            % {"field": label, "value": value, "allowed": ", ".join(choices.values)}
        )
        return default
    return value


def _clean_session(raw: SessionRecord, number: int, errors: list[str]) -> dict:
    label = _("session %(n)d") % {"n": number}
    start = _parse_date(raw.start_date, f"{label} start", errors)
    if start is None and not any(e.startswith(f"{label} start") for e in errors):
        errors.append(_("%(session)s: the start date is required.") % {"session": label})
    end = _parse_date(raw.end_date, f"{label} end", errors)
    if start and end and end < start:
        errors.append(_("%(session)s: the end date precedes the start date.") % {"session": label})
    return {
        "start_date": start,
        "end_date": end,
        "schedule": _choice(raw.schedule, Schedule, f"{label} schedule", errors, default="day"),
        "location": raw.location[:255],
        "commune": raw.commune[:128],
        "province": _choice(raw.province, Province, f"{label} province", errors, default=""),
        "seats": _parse_int(raw.seats, f"{label} seats", errors, low=1),
        "seats_left": _parse_int(raw.seats_left, f"{label} seats left", errors, low=0),
        "status": _choice(raw.status, SessionStatus, f"{label} status", errors, default="open"),
        "registration_deadline": _parse_date(
            raw.registration_deadline, f"{label} deadline", errors
        ),
        "external_id": raw.external_id[:128],
    }


def clean_record(record: OfferRecord) -> tuple[CleanOffer | None, list[str]]:
    """Validate a record; return the clean offer, or None and the reasons it was refused."""
    errors = list(record.problems)
    values = record.values
    if not record.external_id:
        errors.append(_("external_id is required (it makes re-imports idempotent)."))
    for name in ("title", "summary"):
        if not values.get(name, "").strip():
            errors.append(_("%(field)s is required.") % {"field": name})
    for name, limit in TEXT_LIMITS.items():
        value = record.external_id if name == "external_id" else values.get(name, "")
        if len(value) > limit:
            errors.append(
                _("%(field)s is longer than %(limit)d characters.")
                % {"field": name, "limit": limit}
            )
    try:
        is_free = parse_yes_no(values.get("is_free"), column="is_free")
    except ValueError as error:
        errors.append(str(error))
        is_free = False
    price = None
    price_raw = values.get("price", "").strip().replace("€", "").replace(" ", "")
    if price_raw:
        try:
            price = Decimal(price_raw.replace(",", "."))
            if price < 0 or price >= Decimal("1000000"):
                raise InvalidOperation
            price = price.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors.append(_("price: “%(value)s” is not an amount.") % {"value": price_raw})
            price = None
    if is_free and price:
        errors.append(_("A free offer cannot have a price."))
    url = values.get("registration_url", "").strip()
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            errors.append(_("registration_url: “%(value)s” is not a URL.") % {"value": url})
    email = values.get("registration_email", "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(
                _("registration_email: “%(value)s” is not an e-mail address.") % {"value": email}
            )
    phone = values.get("registration_phone", "").strip()
    if len(phone) > 32:
        errors.append(_("registration_phone: longer than 32 characters."))
    languages = [v.lower() for v in record.languages] or ["fr"]
    for language in languages:
        if language not in Language.values:
            errors.append(_("Unknown language “%(value)s”.") % {"value": language})
    audiences = [v.lower() for v in record.audiences]
    for audience in audiences:
        if audience not in Audience.values:
            errors.append(_("Unknown audience “%(value)s”.") % {"value": audience})

    fields = {
        "title": values.get("title", "").strip(),
        "summary": values.get("summary", "").strip(),
        "description": rich_text_from_outside(values.get("description", "")),
        "plain_language_summary": values.get("plain_language_summary", "").strip(),
        "format": _choice(values.get("format", ""), OfferFormat, "format", errors),
        "modality": _choice(values.get("modality", ""), Modality, "modality", errors),
        "eqf_level": _parse_int(values.get("eqf_level", ""), "eqf_level", errors, low=1, high=8),
        "duration_hours": _parse_int(values.get("duration_hours", ""), "duration_hours", errors),
        "languages": sorted(set(languages)),
        "audiences": sorted(set(audiences)),
        "prerequisites": values.get("prerequisites", "").strip(),
        "certification": values.get("certification", "").strip(),
        "price": price,
        "is_free": is_free,
        "registration_url": url,
        "registration_email": email,
        "registration_phone": phone[:32],
        "external_id": record.external_id,
    }
    sessions = [_clean_session(raw, i, errors) for i, raw in enumerate(record.sessions, 1)]

    funding = list(FundingScheme.objects.filter(slug__in=record.funding))
    unknown = set(record.funding) - {s.slug for s in funding}
    if unknown:
        errors.append(
            _("Unknown funding scheme(s): %(values)s.") % {"values": ", ".join(sorted(unknown))}
        )
    skills = list(Skill.objects.filter(uri__in=record.skills))
    unknown = set(record.skills) - {s.uri for s in skills}
    if unknown:
        errors.append(
            _("Unknown ESCO skill URI(s): %(values)s.") % {"values": ", ".join(sorted(unknown))}
        )
    occupations = list(Occupation.objects.filter(uri__in=record.occupations))
    unknown = set(record.occupations) - {o.uri for o in occupations}
    if unknown:
        errors.append(
            _("Unknown ESCO occupation URI(s): %(values)s.")
            % {"values": ", ".join(sorted(unknown))}
        )
    keywords = sorted({k[:100] for k in record.keywords})
    if errors:
        return None, errors
    return CleanOffer(fields, sessions, funding, keywords, skills, occupations), []


def _current_snapshot(page: OfferPage, clean: CleanOffer) -> dict:
    """The offer as it stands (latest revision), in the shape of `CleanOffer.snapshot()`.

    Links count as they would after a write: the imported links, plus confirmed links of any
    method that the file names too (writing would only relabel their method).
    """
    latest = page.get_latest_revision_as_object() if page.latest_revision_id else page
    fields = {name: getattr(latest, name) for name in clean.fields}
    sessions = [{name: getattr(s, name) for name in SESSION_FIELDS} for s in latest.sessions.all()]
    file_skills = {skill.uri for skill in clean.skills}
    file_occupations = {occupation.uri for occupation in clean.occupations}
    skills = {
        uri
        for uri, method in OfferSkill.objects.public()
        .filter(offer=page)
        .values_list("skill__uri", "method")
        if method == LinkMethod.IMPORTED or uri in file_skills
    }
    occupations = {
        uri
        for uri, method in OfferOccupation.objects.public()
        .filter(offer=page)
        .values_list("occupation__uri", "method")
        if method == LinkMethod.IMPORTED or uri in file_occupations
    }
    return {
        "fields": {k: _comparable(v) for k, v in fields.items()},
        "sessions": sorted(_session_key(s) for s in sessions),
        "funding": sorted(s.slug for s in latest.funding_schemes.all()),
        "keywords": sorted(t.name.lower() for t in latest.keywords.all()),
        "skills": sorted(skills),
        "occupations": sorted(occupations),
    }


def _unique_slug(provider: ProviderPage, title: str) -> str:
    base = slugify(title)[:200] or "formation"
    siblings = set(provider.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(page: OfferPage, clean: CleanOffer) -> None:
    for name, value in clean.fields.items():
        setattr(page, name, value)
    page.sessions = [Session(**session) for session in clean.sessions]
    page.funding_schemes = clean.funding
    page.keywords.set(clean.keywords)


def _sync_links(page: OfferPage, clean: CleanOffer, user) -> None:
    # Skills named in the file become the provider's declared (imported, confirmed) links,
    # whatever their previous method; that keeps a second run of the same file unchanged.
    for skill in clean.skills:
        offer_skill_set(offer=page, skill=skill, method=LinkMethod.IMPORTED, user=user)
    OfferSkill.objects.filter(offer=page, method=LinkMethod.IMPORTED).exclude(
        skill__in=clean.skills
    ).delete()
    for occupation in clean.occupations:
        offer_occupation_set(
            offer=page, occupation=occupation, method=LinkMethod.IMPORTED, user=user
        )
    OfferOccupation.objects.filter(offer=page, method=LinkMethod.IMPORTED).exclude(
        occupation__in=clean.occupations
    ).delete()


def _write(provider, existing, clean: CleanOffer, *, publish: bool, user) -> OfferPage:
    if existing is None:
        page = OfferPage(live=publish, slug=_unique_slug(provider, clean.fields["title"]))
        _apply(page, clean)
        provider.add_child(instance=page)
    else:
        page = existing.get_latest_revision_as_object() if existing.latest_revision_id else existing
        _apply(page, clean)
        if not page.live:
            page.save()
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    _sync_links(page, clean, user)
    return page


def offer_import(
    *,
    provider: ProviderPage,
    records: list[OfferRecord],
    dry_run: bool = True,
    publish: bool = False,
    user=None,
    mark_demo: bool = False,
) -> ImportReport:
    """Import `records` into `provider`'s subtree; see the module docstring for the contract.

    `mark_demo` flags the offers as demonstration content (used by the demo loader).
    """
    report = ImportReport(dry_run=dry_run)
    existing_pages = {
        page.external_id: page
        for page in OfferPage.objects.filter(provider=provider).exclude(external_id="")
    }
    seen: set[str] = set()
    for record in records:
        title = record.values.get("title", "")
        outcome = ImportOutcome(key=record.external_id, rows=record.rows, title=title, outcome="")
        report.outcomes.append(outcome)
        if record.external_id and record.external_id in seen:
            outcome.outcome = ERROR
            outcome.reasons = [_("This external_id appears twice in the file.")]
            continue
        seen.add(record.external_id)
        if record.organisation and fold(record.organisation) != fold(provider.title):
            # A catalogue exported by another organisation must not land in this subtree.
            outcome.outcome = ERROR
            outcome.reasons = [
                _("The file names “%(organisation)s” as the organisation, not “%(provider)s”.")
                % {"organisation": record.organisation, "provider": provider.title}
            ]
            continue
        clean, errors = clean_record(record)
        if clean is None:
            outcome.outcome, outcome.reasons = ERROR, errors
            continue
        if mark_demo:
            clean.fields["is_demo"] = True
        existing = existing_pages.get(record.external_id)
        if existing is None:
            outcome.outcome = CREATED
        elif _current_snapshot(existing, clean) == clean.snapshot():
            outcome.outcome, outcome.page_id = UNCHANGED, existing.pk
            continue
        else:
            outcome.outcome, outcome.page_id = UPDATED, existing.pk
        if dry_run:
            continue
        try:
            with transaction.atomic():
                page = _write(provider, existing, clean, publish=publish, user=user)
        except (ValidationError, ValueError) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            outcome.outcome, outcome.reasons = ERROR, list(messages)
        except DatabaseError as error:
            outcome.outcome, outcome.page_id = ERROR, None
            outcome.reasons = [
                _("The database refused this offer; nothing of it was written (%(error)s).")
                % {"error": str(error).strip()[:300] or type(error).__name__}
            ]
        else:
            outcome.page_id = page.pk
    if not dry_run:
        offer_queue_suggestions(
            offer_ids=[o.page_id for o in report.outcomes if o.outcome in (CREATED, UPDATED)]
        )
    return report
