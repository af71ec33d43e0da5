"""Load the Walloon training-offer export (`courses.importing.regional_reader`) into the cadastre.

Contract (`regional_catalogue_import`):
- The whole file is validated first; any row error (row-numbered as a spreadsheet shows it)
  means nothing is written. Warnings (an unknown provider kind, a locality that does not
  resolve to a province) do not stop the import.
- Providers are matched by their normalised enterprise (BCE) number and created when new (kind
  from `type_organisme`, see `KIND_TABLE`; name from the commercial name, else the legal name);
  an existing provider page is never renamed or re-kinded: the platform owns it.
- Offers are keyed by `codeexterne` (`OfferPage.external_id`, unique per provider), created or
  updated as live pages, one `OfferPlace` per locality. They are marked `import_source=regional`
  and remember the revision the import wrote (`import_revision`).
- Running the same file twice changes nothing. An offer whose latest revision is not the one
  the import wrote was edited in the platform: it is not overwritten, the report lists the
  conflict with the fields that differ.
- Offers of a previous regional import that the file no longer lists are unpublished with a
  reason (`archived_reason`), never deleted; they are republished when a later file lists them.
- Offers written are read by the extractor in the background after commit; suggestions scored
  at or above `AUTO_CONFIRM_SCORE` are confirmed with method `imported-title` (see
  `courses.services.links.offer_confirm_title_skills`), the others wait for the provider.
- `dry_run=True` writes nothing and reports the same outcomes.
- Everything is written in one transaction: a database error while writing (a value the
  database refuses, a lost disk) leaves nothing written and is reported as an error.
- Pages are written in bulk (`courses.services.page_bulk`): every value is checked here by its
  model field's own rules first (a row error otherwise), so the pages are not validated again
  one by one; new providers are created together (`providers_create`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from core.places import resolve_place
from core.tabular import parse_yes_no
from core.text import fold
from courses.importing.regional_reader import RegionalRecord
from courses.models import (
    Audience,
    CatalogueImport,
    DurationUnit,
    Modality,
    OfferFormat,
    OfferPage,
    OfferPlace,
    ProviderIndexPage,
    ProviderKind,
    ProviderPage,
)
from courses.services.links import offer_queue_suggestions
from courses.services.page_bulk import (
    pages_create_published_under,
    pages_publish_changes,
    pages_unpublish,
)
from courses.services.providers import providers_create

IMPORT_SOURCE = "regional"
# Extractor suggestions from an imported title at or above this score count publicly at once.
AUTO_CONFIRM_SCORE = 0.9

# `type_organisme` (folded, compared by prefix, first match wins) -> provider kind.
KIND_TABLE: list[tuple[str, str]] = [
    ("cheque-formation", ProviderKind.PRIVATE_CENTRE),
    ("cheque formation", ProviderKind.PRIVATE_CENTRE),
    ("enseignement pour adultes", ProviderKind.SOCIAL_PROMOTION),
    ("enseignement de promotion sociale", ProviderKind.SOCIAL_PROMOTION),
    ("cisp", ProviderKind.CISP),
    ("forem", ProviderKind.FOREM),
    ("cdc", ProviderKind.ASSOCIATION),
    ("ifapme", ProviderKind.ALTERNANCE),
    ("centre de competence", ProviderKind.COMPETENCE_CENTRE),
    ("organisme prive de formation", ProviderKind.PRIVATE_CENTRE),
    ("administration communale", ProviderKind.PUBLIC_ADMINISTRATION),
    ("cpas", ProviderKind.PUBLIC_ADMINISTRATION),
    ("autre", ProviderKind.OTHER),
]

# Hours per unit. Belgium's full-time week is 38 hours (5 days of 7.6 h); a month is 52/12
# weeks; a year of training is counted as a school year of 36 weeks, not 52.
HOURS_PER_UNIT = {
    DurationUnit.HOURS: Decimal("1"),
    DurationUnit.DAYS: Decimal("7.6"),
    DurationUnit.WEEKS: Decimal("38"),
    DurationUnit.MONTHS: Decimal("38") * 52 / 12,
    DurationUnit.YEARS: Decimal("38") * 36,
}
UNIT_WORDS = {
    "heure": DurationUnit.HOURS,
    "h": DurationUnit.HOURS,
    "jour": DurationUnit.DAYS,
    "semaine": DurationUnit.WEEKS,
    "mois": DurationUnit.MONTHS,
    "annee": DurationUnit.YEARS,
    "an": DurationUnit.YEARS,
}
AUDIENCE_WORDS = {
    "chercheur d'emploi": Audience.JOBSEEKERS,
    "chercheurs d'emploi": Audience.JOBSEEKERS,
    "demandeur d'emploi": Audience.JOBSEEKERS,
    "travailleur": Audience.WORKERS,
    "travailleurs": Audience.WORKERS,
}
# Acronyms kept in capitals when an all-caps title is put in sentence case.
ACRONYMS = frozenset(
    [
        "AUTOCAD",
        "HTML",
        "CSS",
        "PHP",
        "SQL",
        "ICT",
        "TIC",
        "PC",
        "IT",
        "CAO",
        "DAO",
        "PAO",
        "SEO",
        "SAP",
        "ERP",
        "CMS",
        "UX",
        "UI",
        "IA",
        "AI",
        "API",
        "CCNA",
        "MS",
        "AWS",
        "IOT",
        "BIM",
        "VBA",
        "PDF",
        "CV",
        "RGPD",
        "GDPR",
        "3D",
        "2D",
    ]
)
# Product names an all-caps title would otherwise lose (the extractor matches them as written).
PROPER_NAMES = {
    fold(name): name
    for name in [
        "Adobe",
        "Photoshop",
        "Illustrator",
        "InDesign",
        "Excel",
        "Java",
        "JavaScript",
        "Python",
        "Linux",
        "Windows",
        "WordPress",
        "Cisco",
        "Microsoft",
        "Office",
        "Google",
    ]
}
DISTANCE_SUFFIX = re.compile(r"\s*-\s*FAD\s*$", re.IGNORECASE)
DURATION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s].*?)\s*$")
WORD = re.compile(r"[\w'’]+", re.UNICODE)

OFFER_FIELDS = [
    "title",
    "summary",
    "format",
    "modality",
    "duration_hours",
    "duration_value",
    "duration_unit",
    "audiences",
    "certification",
    "prerequisites",
    "languages",
]


# ---------------------------------------------------------------------------- cleaning rules


def normalise_enterprise_number(value: str) -> str:
    """Ten digits ("0123456789") from "0123.456.789", "123456789" or "BE 0123 456 789"; ""
    when the value is not a BCE number."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 9:
        digits = "0" + digits  # older numbers were written without their leading zero
    return digits if len(digits) == 10 else ""


def provider_kind_for(type_organisme: str) -> str | None:
    """The provider kind of a `type_organisme`, or None when the table does not know it."""
    folded = fold(type_organisme).strip()
    for prefix, kind in KIND_TABLE:
        if folded.startswith(prefix):
            return str(kind)
    return None


def parse_duration(value: str) -> tuple[Decimal, str, int] | None:
    """(value, unit, hours) of "14 Heures", "3 Jours", "1 Années"…; None if unreadable."""
    match = DURATION.match(value or "")
    if not match:
        return None
    word = fold(match.group(2)).rstrip(".").strip()
    unit = UNIT_WORDS.get(word) or UNIT_WORDS.get(word.rstrip("s"))
    if unit is None:
        return None
    number = Decimal(match.group(1).replace(",", "."))
    hours = (number * HOURS_PER_UNIT[unit]).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return number, str(unit), int(hours)


def clean_title(value: str) -> tuple[str, bool]:
    """(title, is distance learning): a trailing " - FAD" (formation à distance) is removed and
    means distance learning; an all-caps title is put in sentence case, acronyms kept."""
    title = " ".join(value.split())
    distance = bool(DISTANCE_SUFFIX.search(title))
    title = DISTANCE_SUFFIX.sub("", title).strip()
    letters = [ch for ch in title if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):

        def recase(match: re.Match) -> str:
            word = match.group(0)
            if word.upper() in ACRONYMS:
                return word
            return PROPER_NAMES.get(fold(word), word.lower())

        title = WORD.sub(recase, title)
        title = title[:1].upper() + title[1:]
    return title, distance


def parse_audiences(value: str) -> list[str] | None:
    """The audiences of `public` ("Chercheur d'emploi", "Travailleur", both separated by a comma,
    slash or " et "); None when a part is unknown."""
    parts = [fold(p).strip() for p in re.split(r"[,/;]| et ", value.replace("’", "'"))]
    audiences = set()
    for part in filter(None, parts):
        audience = AUDIENCE_WORDS.get(part)
        if audience is None:
            return None
        audiences.add(str(audience))
    return sorted(audiences)


# ---------------------------------------------------------------------------- the report


@dataclass
class RegionalOutcome:
    code: str
    rows: list[int]
    title: str
    outcome: str  # created / updated / unchanged / restored / conflict
    details: list[str] = field(default_factory=list)
    page_id: int | None = None


@dataclass
class RegionalImportReport:
    dry_run: bool
    rows: int = 0
    providers_created: list[str] = field(default_factory=list)
    providers_matched: int = 0
    outcomes: list[RegionalOutcome] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        names = ("created", "updated", "unchanged", "restored", "conflict")
        counts = {name: self.count(name) for name in names}
        counts["archived"] = len(self.archived)
        counts["errors"] = len(self.errors)
        return counts

    @property
    def changes(self) -> int:
        c = self.counts
        return (
            c["created"]
            + c["updated"]
            + c["restored"]
            + c["archived"]
            + len(self.providers_created)
        )

    def as_text(self) -> str:
        lines = [
            _("%(rows)d rows, %(offers)d offers, %(providers)d providers (%(new)d new).")
            % {
                "rows": self.rows,
                "offers": len(self.outcomes),
                "providers": self.providers_matched + len(self.providers_created),
                "new": len(self.providers_created),
            }
        ]
        lines += [f"[error] {e}" for e in self.errors]
        lines += [f"[warning] {w}" for w in self.warnings]
        for name in self.providers_created:
            lines.append(f"[new provider] {name}")
        for o in self.outcomes:
            if o.outcome == "unchanged":
                continue
            rows = ",".join(str(r) for r in o.rows)
            detail = f" — {'; '.join(o.details)}" if o.details else ""
            lines.append(f"[{o.outcome}] {o.code} (rows {rows}) {o.title}{detail}")
        lines += [f"[archived] {a}" for a in self.archived]
        counts = ", ".join(f"{name}: {n}" for name, n in self.counts.items())
        if self.errors:
            mode = _("nothing written: fix the errors and import again")
        elif self.dry_run:
            mode = _("dry run, nothing written")
        else:
            mode = _("written")
        lines.append(f"{counts} ({mode})")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- validation


@dataclass
class CleanRegionalOffer:
    code: str
    rows: list[int]
    enterprise_number: str
    provider_name: str
    provider_kind: str
    fields: dict
    places: list[tuple[str, str]]  # (commune, province), in file order, without repeats


def _row_error(rows: list[int], message: str) -> str:
    return _("Row %(row)d: %(message)s") % {"row": rows[0], "message": message}


def _clean(record: RegionalRecord, report: RegionalImportReport) -> CleanRegionalOffer | None:
    values, rows = record.values, record.rows
    errors = list(record.problems)
    if not record.code:
        errors.append(_("codeexterne is empty."))
    if len(record.code) > 128:
        errors.append(_("codeexterne is longer than 128 characters."))
    enterprise_number = normalise_enterprise_number(values["numeroidentification"])
    if not enterprise_number:
        errors.append(
            _("“%(value)s” is not an enterprise (BCE) number.")
            % {"value": values["numeroidentification"]}
        )
    name = values["denomination_commerciale"] or values["denomination_sociale"]
    if not name:
        errors.append(_("the organisation has no name."))
    title, distance = clean_title(values["intitule"])
    if not title:
        errors.append(_("intitule is empty."))
    elif len(title) > 255:
        errors.append(_("intitule is longer than 255 characters."))
    duration = parse_duration(values["duree"]) if values["duree"] else None
    if values["duree"] and duration is None:
        errors.append(_("duree: “%(value)s” is not a duration.") % {"value": values["duree"]})
    flags = {}
    for column in ("courte", "moyenne", "longue", "qualifiante", "certifiante"):
        try:
            flags[column] = parse_yes_no(values[column], column=column)
        except ValueError as error:
            errors.append(str(error))
            flags[column] = False
    audiences = parse_audiences(values["public"])
    if audiences is None:
        errors.append(_("public: “%(value)s” is not an audience.") % {"value": values["public"]})
        audiences = []
    kind = provider_kind_for(values["type_organisme"])
    if kind is None:
        report.warnings.append(
            _row_error(
                rows,
                _("unknown type_organisme “%(value)s”, the provider is filed as “other”.")
                % {"value": values["type_organisme"]},
            )
        )
        kind = str(ProviderKind.OTHER)
    places: list[tuple[str, str]] = []
    for line, locality in record.localities:
        commune, province = resolve_place(commune=locality)
        if not province:
            report.warnings.append(
                _("Row %(row)d: the locality “%(value)s” is not a known commune.")
                % {"row": line, "value": locality}
            )
        if (commune, province) not in places:
            places.append((commune, province))
    if flags["certifiante"]:
        offer_format, certification = OfferFormat.CERTIFYING, _("Certifying training")
    elif flags["qualifiante"]:
        offer_format, certification = OfferFormat.QUALIFYING, _("Qualifying training")
    else:
        # Our format facet has two lengths: a "moyenne" training is filed with the long ones.
        long = flags["longue"] or flags["moyenne"]
        offer_format, certification = (OfferFormat.LONG if long else OfferFormat.SHORT), ""
    fields = {
        "title": title,
        "summary": title[:500],
        "format": str(offer_format),
        "modality": str(Modality.DISTANCE if distance else Modality.ON_SITE),
        "duration_hours": duration[2] if duration else None,
        "duration_value": duration[0] if duration else None,
        "duration_unit": duration[1] if duration else "",
        "audiences": audiences,
        "certification": str(certification),
        "prerequisites": values["condition_specifique"],
        "languages": ["fr"],
    }
    if not errors:
        errors += _field_errors(fields, places)
    if errors:
        report.errors += [_row_error(rows, error) for error in errors]
        return None
    return CleanRegionalOffer(
        code=record.code,
        rows=rows,
        enterprise_number=enterprise_number,
        provider_name=name[:255],
        provider_kind=kind,
        fields=fields,
        places=places,
    )


def _field_errors(fields: dict, places: list[tuple[str, str]]) -> list[str]:
    """The offer's and its places' values checked by their model fields' own rules (length,
    choices, digits), so that writing them later needs no `full_clean()`."""
    errors = []
    checks = [(OfferPage, name, value) for name, value in fields.items()]
    checks += [(OfferPlace, "commune", commune) for commune, _province in places]
    for model, name, value in checks:
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors += [f"{name}: {message}" for message in error.messages]
    return errors


def _comparable(value):
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, list):
        return sorted(value)
    return value


def _page_state(page: OfferPage) -> dict:
    state = {name: _comparable(getattr(page, name)) for name in OFFER_FIELDS}
    state["places"] = [(p.commune, p.province) for p in page.places.all()]
    return state


def _clean_state(clean: CleanRegionalOffer) -> dict:
    state = {name: _comparable(value) for name, value in clean.fields.items()}
    state["places"] = list(clean.places)
    return state


def _differing(current: dict, wanted: dict) -> list[str]:
    return [name for name in wanted if current.get(name) != wanted[name]]


# ---------------------------------------------------------------------------- writing


def _unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… when taken; the slug returned is then taken too."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _new_provider(clean: CleanRegionalOffer, places_by_bce: dict[str, list]) -> ProviderPage:
    """An unsaved provider page for an enterprise number the cadastre does not know yet."""
    commune, province = next(
        ((c, p) for c, p in places_by_bce.get(clean.enterprise_number, []) if p), ("", "")
    )
    return ProviderPage(
        title=clean.provider_name,
        kind=clean.provider_kind,
        commune=commune or _("Wallonia"),
        province=province or "namur",  # the seat of the Walloon government, when nothing resolves
        enterprise_number=clean.enterprise_number,
        slug=f"{slugify(clean.provider_name)[:230]}-{clean.enterprise_number}",
    )


def regional_catalogue_import(
    *, records: list[RegionalRecord], dry_run: bool = True, user=None
) -> RegionalImportReport:
    """Import an export read by `read_regional_catalogue`; see the module docstring."""
    report = RegionalImportReport(dry_run=dry_run)
    report.rows = sum(len(r.rows) for r in records)
    cleans = [c for c in (_clean(r, report) for r in records) if c is not None]
    if report.errors:
        return report

    numbers = {c.enterprise_number for c in cleans}
    providers = {
        p.enterprise_number: p for p in ProviderPage.objects.filter(enterprise_number__in=numbers)
    }
    report.providers_matched = len(providers)
    places_by_bce: dict[str, list] = {}
    for clean in cleans:
        places_by_bce.setdefault(clean.enterprise_number, []).extend(clean.places)
    existing = {
        (page.provider.enterprise_number, page.external_id): page
        for page in OfferPage.objects.filter(
            provider__enterprise_number__in=numbers, external_id__in=[c.code for c in cleans]
        )
        .select_related("provider")
        .prefetch_related("places")
    }
    to_write: list[tuple[CleanRegionalOffer, OfferPage | None, RegionalOutcome]] = []
    for clean in cleans:
        if clean.enterprise_number not in providers and clean.provider_name not in [
            *report.providers_created
        ]:
            report.providers_created.append(clean.provider_name)
        page = existing.get((clean.enterprise_number, clean.code))
        outcome = RegionalOutcome(clean.code, clean.rows, clean.fields["title"], "")
        report.outcomes.append(outcome)
        wanted = _clean_state(clean)
        if page is None:
            outcome.outcome = "created"
        else:
            outcome.page_id = page.pk
            edited = page.import_source != IMPORT_SOURCE or (
                page.latest_revision_id and page.latest_revision_id != page.import_revision_id
            )
            if edited:
                latest = page.get_latest_revision_as_object()
                fields = _differing(_page_state(latest), wanted)
                if not fields:
                    outcome.outcome = "unchanged"
                    continue
                outcome.outcome = "conflict"
                outcome.details = [
                    _(
                        "edited in the platform since the last import, not overwritten; "
                        "differs on: %(fields)s"
                    )
                    % {"fields": ", ".join(fields)}
                ]
                continue
            if not page.live and page.archived_reason:
                outcome.outcome = "restored"
            else:
                fields = _differing(_page_state(page), wanted)
                if not fields:
                    outcome.outcome = "unchanged"
                    continue
                outcome.outcome = "updated"
                outcome.details = [", ".join(fields)]
        to_write.append((clean, page, outcome))

    listed = {(c.enterprise_number, c.code) for c in cleans}
    to_archive = [
        page
        for page in OfferPage.objects.filter(import_source=IMPORT_SOURCE, live=True)
        .select_related("provider")
        .order_by("pk")
        if (page.provider.enterprise_number if page.provider else "", page.external_id)
        not in listed
    ]
    report.archived = [f"{page.external_id} {page.title}" for page in to_archive]
    if dry_run:
        return report

    try:
        with transaction.atomic():
            _write(
                to_write, to_archive, providers=providers, places_by_bce=places_by_bce, user=user
            )
    except DatabaseError as error:
        report.errors.append(
            _("The database refused the import; nothing was written (%(error)s).")
            % {"error": str(error).strip()[:300] or type(error).__name__}
        )
        for outcome in report.outcomes:
            outcome.page_id = None
    return report


def _write(to_write, to_archive, *, providers, places_by_bce, user) -> None:
    """Write what the plan decided, in bulk (`courses.services.page_bulk`): new providers, then
    new offers provider by provider, then updated and restored offers, then archived ones."""
    new_providers: dict[str, ProviderPage] = {}
    for clean, _page, _outcome in to_write:
        if (
            clean.enterprise_number not in providers
            and clean.enterprise_number not in new_providers
        ):
            new_providers[clean.enterprise_number] = _new_provider(clean, places_by_bce)
    if new_providers:
        # A provider made in the platform may hold the slug already: number the newcomer's.
        index = ProviderIndexPage.cadastre_index()
        taken = set(index.get_children().values_list("slug", flat=True)) if index else set()
        for provider in new_providers.values():
            provider.slug = _unique_slug(provider.slug, taken)
    providers_create(providers=list(new_providers.values()), user=user)
    providers = {**providers, **new_providers}

    created: dict[int, list[tuple[OfferPage, RegionalOutcome]]] = {}
    changed: list[tuple[OfferPage, RegionalOutcome]] = []
    for clean, page, outcome in to_write:
        provider = providers[clean.enterprise_number]
        if page is None:
            page = OfferPage(external_id=clean.code, provider=provider)
            created.setdefault(provider.pk, []).append((page, outcome))
        else:
            changed.append((page, outcome))
        for name, value in clean.fields.items():
            setattr(page, name, value)
        page.places = [OfferPlace(commune=c, province=p) for c, p in clean.places]
        page.import_source, page.archived_reason = IMPORT_SOURCE, ""

    by_pk = {provider.pk: provider for provider in providers.values()}
    new_pks = {provider.pk for provider in new_providers.values()}
    groups = []
    for provider_pk, items in created.items():
        provider = by_pk[provider_pk]
        taken = (
            set()
            if provider.pk in new_pks
            else set(provider.get_children().values_list("slug", flat=True))
        )
        for page, _outcome in items:
            page.slug = _unique_slug(slugify(page.title)[:200] or "formation", taken)
        groups.append((provider, [page for page, _o in items]))
    pages_create_published_under(groups=groups, user=user)
    pages_publish_changes(
        pages=[page for page, _o in changed],
        fields=[*OFFER_FIELDS, "import_source", "archived_reason"],
        user=user,
    )
    written = [item for items in created.values() for item in items] + changed
    # The revision each offer just got is the import's: a later one is an edit in the platform.
    written_ids = [page.pk for page, _o in written]
    for batch_start in range(0, len(written_ids), 500):
        OfferPage.objects.filter(pk__in=written_ids[batch_start : batch_start + 500]).update(
            import_revision_id=Subquery(
                Page.objects.filter(pk=OuterRef("pk")).values("latest_revision_id")
            )
        )
    for page, outcome in written:
        page.import_revision_id = page.latest_revision_id
        outcome.page_id = page.pk

    pages_unpublish(pages=to_archive, user=user)
    OfferPage.objects.filter(pk__in=[page.pk for page in to_archive]).update(
        archived_reason=_("No longer listed in the regional catalogue export.")
    )
    offer_queue_suggestions(
        offer_ids=[page.pk for page, _o in written],
        title_only=True,
        confirm_from_score=AUTO_CONFIRM_SCORE,
    )


# ---------------------------------------------------------------------------- admin runs


def catalogue_import_queue(*, content: bytes, file_name: str, user) -> CatalogueImport:
    """Keep the uploaded file and queue its import as a background task (after commit)."""
    import uuid

    from courses.tasks import run_catalogue_import  # the task module imports this one

    token = uuid.uuid4().hex
    (catalogue_import_dir() / token).write_bytes(content)
    run = CatalogueImport.objects.create(
        file_name=file_name[:255], stored_as=token, created_by=user
    )
    transaction.on_commit(lambda: run_catalogue_import.enqueue(run_id=run.pk))
    return run


def catalogue_import_run(*, run: CatalogueImport) -> RegionalImportReport | None:
    """Run a queued import: status running, then succeeded (report stored) or failed (the
    file unreadable, a row error, or an unexpected failure, whose message is stored)."""
    from courses.importing import ImportFileError
    from courses.importing.regional_reader import read_regional_catalogue

    run.status, run.started_at = CatalogueImport.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    path = catalogue_import_dir() / run.stored_as
    report = None
    try:
        records = read_regional_catalogue(path.read_bytes())
        run.total = sum(len(record.rows) for record in records)
        run.save(update_fields=["total"])
        report = regional_catalogue_import(records=records, dry_run=False, user=run.created_by)
    except ImportFileError as error:
        run.status, run.report = CatalogueImport.Status.FAILED, str(error)
    except Exception as error:  # the run must end in a state the admin can show
        run.status, run.report = CatalogueImport.Status.FAILED, repr(error)
        raise
    else:
        failed = bool(report.errors)
        run.status = CatalogueImport.Status.FAILED if failed else CatalogueImport.Status.SUCCEEDED
        run.report, run.changes = report.as_text(), report.changes
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "report", "changes", "finished_at"])
        path.unlink(missing_ok=True)
    return report


def catalogue_import_dir():
    from django.conf import settings

    folder = settings.WAKE_DATA_DIR / "catalogue-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
