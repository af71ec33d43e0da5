"""Keep the database engine's search tables in step with the cadastre and the postings.

`refresh_offer_documents` rewrites the rows of the offers given (a live public offer gets its
row, anything else loses it); `rebuild_offer_documents` rewrites them all. The same pair
exists for postings. Hooks call `queue_offer_refresh`, which runs the refresh in a task once
the transaction commits: a rolled-back publish leaves the index as it was.

Documents are projections: they are built from the cadastre's own selectors and rules (live,
public, confirmed links only) and carry no rule of their own.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from core.places import Province
from courses.models import OfferOccupation, OfferPage, OfferSkill, SessionStatus
from courses.models.choices import LinkRelation
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from search import facets
from search.models import (
    IndexState,
    OfferDocument,
    OfferFacets,
    OfferSkillDocument,
    PostingDocument,
    PostingSkillDocument,
    SearchTerm,
)
from search.text import index_terms
from skills.links import LinkStatus
from skills.models import Occupation, Skill

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class IndexReport:
    indexed: int = 0
    removed: int = 0


def bump_generation() -> None:
    """Say that search rows changed: facet counts cached for the previous generation are no
    longer served. The generation is a random number, not a counter, so that a rolled-back
    change can never bring back a generation a later change reuses."""
    generation = secrets.randbits(62)
    if not IndexState.objects.filter(name="default").update(generation=generation):
        IndexState.objects.create(name="default", generation=generation)


def current_generation() -> int:
    state = IndexState.objects.filter(name="default").values_list("generation", flat=True)
    return next(iter(state), 0)


# ------------------------------------------------------------------------------- offers


def _skill_terms(skills: Iterable[Skill]) -> str:
    """Every label of the skills (French stemmed as French, English as English) and their
    curated synonyms: an offer that teaches "Python" is found by "Python" whatever its text."""
    parts = []
    for skill in skills:
        french = [skill.preferred_label_fr, *(skill.alt_labels_fr or [])]
        english = [skill.preferred_label_en, *(skill.alt_labels_en or [])]
        for synonym in skill.synonyms.all():
            (english if synonym.language == "en" else french).append(synonym.label)
        parts.append(index_terms(" . ".join(filter(None, french)), language="fr"))
        parts.append(index_terms(" . ".join(filter(None, english)), language="en"))
    return " ".join(part for part in parts if part)


def _occupation_terms(occupations: Iterable[Occupation]) -> str:
    parts = []
    for occupation in occupations:
        parts.append(index_terms(occupation.preferred_label_fr, language="fr"))
        parts.append(index_terms(occupation.preferred_label_en, language="en"))
    return " ".join(part for part in parts if part)


def _place(commune: str, province: str) -> str:
    if not commune:
        return str(Province(province).label) if province in Province.values else ""
    return commune


def _offer_document(offer: OfferPage, skills: list[Skill], occupations: list[Occupation]):
    today = timezone.localdate()
    provider = offer.provider
    sessions = [s for s in offer.sessions.all() if s.status != SessionStatus.CANCELLED]
    future = sorted((s for s in sessions if s.start_date >= today), key=lambda s: s.start_date)
    open_future = [s for s in future if s.status == SessionStatus.OPEN]
    provinces = {provider.province} if provider else set()
    provinces.update(s.province for s in sessions if s.province)
    provinces.update(p.province for p in offer.places.all() if p.province)
    next_session = open_future[0] if open_future else None
    if next_session is not None:
        place = _place(next_session.effective_commune, next_session.effective_province)
    elif provider is not None:
        place = _place(provider.commune, provider.province)
    else:
        place = ""
    language = "en" if offer.languages and "fr" not in offer.languages else "fr"
    keywords = [tag.name for tag in offer.keywords.all()]
    body = " . ".join(
        filter(
            None,
            [
                offer.summary,
                offer.plain_language_summary,
                strip_tags(offer.description or ""),
                offer.prerequisites,
                offer.certification,
                provider.title if provider else "",
                " . ".join(keywords),
            ],
        )
    )
    price = None if offer.is_free else offer.price
    is_free = offer.is_free or offer.price == 0
    document = OfferDocument(
        offer_id=offer.pk,
        url=offer.get_url() or "",
        title=offer.title[:255],
        summary=offer.summary,
        provider_name=(provider.title if provider else "")[:255],
        place=place[:255],
        text_title=index_terms(offer.title, language=language),
        text_body=index_terms(body, language=language),
        text_skills=" ".join(
            part for part in (_skill_terms(skills), _occupation_terms(occupations)) if part
        ),
    )
    next_date = next_session.start_date if next_session else None
    facet_row = OfferFacets(
        offer_id=offer.pk,
        modality=offer.modality,
        format=offer.format,
        level=offer.eqf_level,
        provider_kind=provider.kind if provider else "",
        price_band=facets.price_band(price=offer.price, is_free=offer.is_free),
        has_certification=bool(offer.certification.strip()),
        province_mask=facets.mask(provinces, facets.PROVINCES),
        audience_mask=facets.mask(offer.audiences or [], facets.AUDIENCES),
        language_mask=facets.mask(offer.languages or [], facets.LANGUAGES),
        schedule_mask=facets.mask({s.schedule for s in future}, facets.SCHEDULES),
        funding_mask=facets.funding_mask(s.pk for s in offer.funding_schemes.all()),
        price=price,
        is_free=is_free,
        duration_hours=offer.duration_hours,
        next_session=next_date,
        **facets.sort_keys(
            next_session=next_date,
            duration_hours=offer.duration_hours,
            price=price,
            is_free=is_free,
            title=offer.title,
        ),
    )
    return document, facet_row


def _write_offer_batch(offer_ids: list[int]) -> IndexReport:
    offers = list(
        OfferPage.objects.live()
        .public()
        .filter(pk__in=offer_ids)
        .select_related("provider")
        .prefetch_related("sessions", "places", "funding_schemes", "tagged_items__tag")
    )
    live_ids = [offer.pk for offer in offers]
    skill_links = (
        OfferSkill.objects.public()
        .filter(offer_id__in=live_ids)
        .select_related("skill")
        .prefetch_related("skill__synonyms")
    )
    skills_by_offer: dict[int, list] = defaultdict(list)
    for link in skill_links:
        skills_by_offer[link.offer_id].append(link)
    occupations_by_offer: dict[int, list[Occupation]] = defaultdict(list)
    for link in (
        OfferOccupation.objects.public().filter(offer_id__in=live_ids).select_related("occupation")
    ):
        occupations_by_offer[link.offer_id].append(link.occupation)

    pairs = [
        _offer_document(
            offer,
            [link.skill for link in skills_by_offer[offer.pk]],
            occupations_by_offer[offer.pk],
        )
        for offer in offers
    ]
    documents = [document for document, _facets in pairs]
    skill_rows = [
        OfferSkillDocument(
            offer_id=link.offer_id,
            skill_id=link.skill_id,
            is_core=link.relation == LinkRelation.CORE,
        )
        for offer_id in live_ids
        for link in skills_by_offer[offer_id]
    ]
    with transaction.atomic():
        removed, _ = OfferDocument.objects.filter(offer_id__in=offer_ids).delete()
        OfferFacets.objects.filter(offer_id__in=offer_ids).delete()
        OfferSkillDocument.objects.filter(offer_id__in=offer_ids).delete()
        OfferDocument.objects.bulk_create(documents, batch_size=BATCH)
        OfferFacets.objects.bulk_create([row for _doc, row in pairs], batch_size=BATCH)
        OfferSkillDocument.objects.bulk_create(skill_rows, batch_size=2000)
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=term) for term in spelling_terms(documents)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        bump_generation()
    return IndexReport(indexed=len(documents), removed=max(0, removed - len(documents)))


def spelling_terms(documents: Iterable[OfferDocument]) -> list[str]:
    """The terms of the documents' titles and skill labels that a misspelt word may be
    corrected to (long enough to be worth it: `search.engines.spelling.MIN_LENGTH`)."""
    from search.engines.spelling import MIN_LENGTH

    terms = {
        term
        for document in documents
        for term in f"{document.text_title} {document.text_skills}".split()
        if MIN_LENGTH <= len(term) <= 64 and not term.isdigit()
    }
    return sorted(terms)


def refresh_offer_documents(*, offer_ids: Iterable[int]) -> IndexReport:
    """Bring these offers' search rows in step: live public offers are (re)written, the rest
    (unpublished, private, deleted) removed."""
    ids = sorted({int(pk) for pk in offer_ids})
    report = IndexReport()
    for start in range(0, len(ids), BATCH):
        part = _write_offer_batch(ids[start : start + BATCH])
        report.indexed += part.indexed
        report.removed += part.removed
    return report


def rebuild_offer_documents() -> IndexReport:
    """Rewrite every offer's search rows (after imports, bulk writes or a vocabulary change)."""
    with transaction.atomic():
        removed = OfferDocument.objects.count()
        OfferDocument.objects.all().delete()
        OfferFacets.objects.all().delete()
        OfferSkillDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        ids = list(OfferPage.objects.live().public().order_by("pk").values_list("pk", flat=True))
        report = refresh_offer_documents(offer_ids=ids)
    report.removed = max(0, removed - report.indexed)
    return report


def queue_offer_refresh(*, offer_ids: Iterable[int]) -> None:
    """Refresh these offers' search rows in a task once the current transaction commits (at
    once outside one; never when it rolls back). Ids queued during one transaction go to one
    task."""
    _queue("offers", offer_ids)


def queue_posting_refresh(*, posting_ids: Iterable[int]) -> None:
    """As `queue_offer_refresh`, for postings."""
    _queue("postings", posting_ids)


def _enqueue(kind: str, ids: list[int]) -> None:
    from search.tasks import refresh_offers, refresh_postings  # the tasks import this module

    if kind == "offers":
        refresh_offers.enqueue(offer_ids=ids)
    else:
        refresh_postings.enqueue(posting_ids=ids)


class _Pending:
    """The ids one transaction queued; flushed as one task when it commits."""

    def __init__(self, kind: str):
        self.kind = kind
        self.ids: set[int] = set()
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        ids, self.ids = sorted(self.ids), set()
        if ids:
            _enqueue(self.kind, ids)


def _queue(kind: str, ids: Iterable[int]) -> None:
    ids = {int(pk) for pk in ids}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(kind, sorted(ids))
        return
    attribute = f"_search_pending_{kind}"
    pending = getattr(connection, attribute, None)
    # A rolled-back transaction drops its callbacks: a pending set whose flush is no longer
    # waiting belongs to it (or was flushed), and a new one is started.
    waiting = (
        pending is not None
        and not pending.flushed
        and any(entry[1] == pending.flush for entry in connection.run_on_commit)
    )
    if not waiting:
        pending = _Pending(kind)
        setattr(connection, attribute, pending)
        transaction.on_commit(pending.flush)
    pending.ids.update(ids)


# ------------------------------------------------------------------------------ postings


def _write_posting_batch(posting_ids: list[int]) -> IndexReport:
    postings = list(
        JobPosting.objects.published()
        .unique()
        .filter(pk__in=posting_ids)
        .select_related("employer")
    )
    live_ids = [posting.pk for posting in postings]
    skills_by_posting: dict[int, list[Skill]] = defaultdict(list)
    for link in (
        PostingSkill.objects.active()
        .filter(posting_id__in=live_ids)
        .select_related("skill")
        .prefetch_related("skill__synonyms")
    ):
        skills_by_posting[link.posting_id].append(link.skill)
    occupation_by_posting: dict[int, Occupation] = {}
    for link in (
        PostingOccupation.objects.exclude(status=LinkStatus.REJECTED)
        .filter(posting_id__in=live_ids)
        .select_related("occupation")
        .order_by("-rank")
    ):
        occupation_by_posting[link.posting_id] = link.occupation  # rank 1 written last
    documents, skill_rows = [], []
    for posting in postings:
        occupation = occupation_by_posting.get(posting.pk)
        language = posting.language if posting.language in ("fr", "en") else "fr"
        documents.append(
            PostingDocument(
                posting_id=posting.pk,
                url=posting.url,
                title=posting.title[:255],
                employer=posting.display_employer[:255],
                place=_place(posting.commune, posting.province)[:255],
                province=posting.province,
                contract=posting.contract_type,
                working_time=posting.working_time,
                posted=posting.posted_on,
                occupation_id=occupation.pk if occupation else None,
                text_title=index_terms(posting.title, language=language),
                text_body=index_terms(
                    f"{posting.display_employer} . {posting.description_text}", language=language
                ),
                text_skills=" ".join(
                    part
                    for part in (
                        _skill_terms(skills_by_posting[posting.pk]),
                        _occupation_terms([occupation] if occupation else []),
                    )
                    if part
                ),
            )
        )
        skill_rows.extend(
            PostingSkillDocument(posting_id=posting.pk, skill_id=skill.pk)
            for skill in skills_by_posting[posting.pk]
        )
    with transaction.atomic():
        removed, _ = PostingDocument.objects.filter(posting_id__in=posting_ids).delete()
        PostingSkillDocument.objects.filter(posting_id__in=posting_ids).delete()
        PostingDocument.objects.bulk_create(documents, batch_size=BATCH)
        PostingSkillDocument.objects.bulk_create(skill_rows, batch_size=2000)
        bump_generation()
    return IndexReport(indexed=len(documents), removed=max(0, removed - len(documents)))


def refresh_posting_documents(*, posting_ids: Iterable[int]) -> IndexReport:
    """Bring these postings' search rows in step: published unique postings are (re)written,
    the rest removed."""
    ids = sorted({int(pk) for pk in posting_ids})
    report = IndexReport()
    for start in range(0, len(ids), BATCH):
        part = _write_posting_batch(ids[start : start + BATCH])
        report.indexed += part.indexed
        report.removed += part.removed
    return report


def rebuild_posting_documents() -> IndexReport:
    with transaction.atomic():
        removed = PostingDocument.objects.count()
        PostingDocument.objects.all().delete()
        PostingSkillDocument.objects.all().delete()
        ids = list(
            JobPosting.objects.published().unique().order_by("pk").values_list("pk", flat=True)
        )
        report = refresh_posting_documents(posting_ids=ids)
    report.removed = max(0, removed - report.indexed)
    return report
