"""Elasticsearch documents: what an offer and a posting look like in the index, and how they are
projected from the database.

Documents are projections of what the cadastre and the postings show publicly (live, public
offers; published, non-duplicate postings; confirmed links only): no business rule is decided
here, the selectors' QuerySet methods decide what is public. Skills are denormalised as keyword
URIs (filters, coverage, facets) and as analysed labels in French and English (text matching,
with the synonym graph at search time). Facet fields are keywords holding the stable slugs the
URLs use (`search.contract.CATALOGUE_FACETS`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    GeoPoint,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    MetaField,
    Nested,
    ScaledFloat,
    Text,
)

from core.html import html_to_text
from core.text import fold
from search.analysis import ENGLISH, ENGLISH_SEARCH, FRENCH, FRENCH_SEARCH, build_analyzers


def french_text(**kwargs) -> Text:
    """French-analysed text with an English sub-field (`<field>.en`): offers are written in
    French, but an English query still finds "management" or "design" through it."""
    return Text(
        analyzer=FRENCH,
        search_analyzer=FRENCH_SEARCH,
        fields={"en": Text(analyzer=ENGLISH, search_analyzer=ENGLISH_SEARCH)},
        **kwargs,
    )


def english_text(**kwargs) -> Text:
    return Text(analyzer=ENGLISH, search_analyzer=ENGLISH_SEARCH, **kwargs)


class SessionDoc(InnerDoc):
    """One session; nested, so "an open session in the evening after today" is one session."""

    start_date = Date()
    end_date = Date()
    schedule = Keyword()
    status = Keyword()
    commune = Keyword()
    province = Keyword()


class OfferDocument(Document):
    """One live public offer. `dynamic: strict`: a projection field missing from the mapping
    fails the indexing instead of being guessed."""

    offer_id = Integer()
    url = Keyword(index=False)
    title = french_text()
    sort_title = Keyword()  # folded title: the last sort key before the id
    summary = french_text()
    plain_language_summary = french_text()
    description = french_text()
    prerequisites = french_text()
    keywords = french_text()
    provider = french_text()
    provider_id = Integer()
    provider_commune = Keyword()
    provider_province = Keyword()
    location = GeoPoint()  # the provider's coordinates, when known

    skill_uris = Keyword()
    core_skill_uris = Keyword()
    skill_labels_fr = french_text()
    skill_labels_en = english_text()
    occupation_uris = Keyword()
    occupation_labels_fr = french_text()
    occupation_labels_en = english_text()

    sessions = Nested(SessionDoc)

    # Facets: the slugs of `CATALOGUE_FACETS`.
    provinces = Keyword()
    modality = Keyword()
    format = Keyword()
    price_band = Keyword()
    funding = Keyword()
    audiences = Keyword()
    eqf_level = Keyword()
    languages = Keyword()
    provider_kind = Keyword()
    certification = Keyword()

    price = ScaledFloat(scaling_factor=100)  # 0 for a free offer, absent when unknown
    is_free = Boolean()
    duration_hours = Integer()
    next_session = Date()  # at indexing time; queries use the nested sessions instead

    class Meta:
        dynamic = MetaField("strict")


class PostingDocument(Document):
    posting_id = Integer()
    url = Keyword(index=False)
    title = french_text()
    description = french_text()
    employer = french_text()
    commune = Keyword()
    province = Keyword()
    contract = Keyword()
    working_time = Keyword()
    posted = Date()
    expires = Date()
    language = Keyword()
    skill_uris = Keyword()
    skill_labels_fr = french_text()
    skill_labels_en = english_text()
    occupation_uris = Keyword()
    occupation_labels_fr = french_text()
    occupation_labels_en = english_text()

    class Meta:
        dynamic = MetaField("strict")


def build_index(*, name: str, document: type[Document], synonyms_fr, synonyms_en) -> Index:
    """An index definition (settings, analyzers with their synonyms, mapping) under `name`."""
    index = Index(name)
    # One shard: the catalogue is a few hundred thousand documents at most, and one shard
    # scores with the whole corpus' statistics. Replicas are the cluster's business.
    index.settings(number_of_shards=1, max_result_window=10_000)
    for item in build_analyzers(synonyms_fr=list(synonyms_fr), synonyms_en=list(synonyms_en)):
        index.analyzer(item)
    index.document(document)
    return index


# --- Projection from the database -------------------------------------------------------------


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def offer_queryset(offer_ids: Iterable[int] | None = None):
    """Live public offers (every one, or those of `offer_ids` still live), with what their
    documents read loaded in a fixed number of queries."""
    from courses.models import OfferPage, Session

    offers = (
        OfferPage.objects.live()
        .public()
        .select_related("provider")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("start_date")),
            "places",
            "funding_schemes",
            "tagged_items__tag",
        )
        .order_by("pk")
    )
    if offer_ids is not None:
        offers = offers.filter(pk__in=list(offer_ids))
    return offers


def _offer_links(offer_ids: list[int]) -> tuple[dict, dict]:
    """Confirmed skill and occupation links of these offers: offer id -> rows."""
    from courses.models import OfferOccupation, OfferSkill

    skills: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        OfferSkill.objects.public()
        .filter(offer_id__in=offer_ids)
        .order_by("offer_id", "relation", "-score", "skill_id")
        .values_list(
            "offer_id",
            "skill__uri",
            "skill__preferred_label_fr",
            "skill__preferred_label_en",
            "relation",
        )
    )
    for offer_id, *row in rows:
        skills[offer_id].append(tuple(row))
    occupations: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        OfferOccupation.objects.public()
        .filter(offer_id__in=offer_ids)
        .order_by("offer_id", "-score", "occupation_id")
        .values_list(
            "offer_id",
            "occupation__uri",
            "occupation__preferred_label_fr",
            "occupation__preferred_label_en",
        )
    )
    for offer_id, *row in rows:
        occupations[offer_id].append(tuple(row))
    return skills, occupations


def offer_source(offer, *, skills: list[tuple], occupations: list[tuple], today=None) -> dict:
    """The `_source` of one offer's document. `skills` are (uri, label fr, label en, relation)
    and `occupations` (uri, label fr, label en) rows of its confirmed links."""
    from courses.models import LinkRelation, SessionStatus
    from search.facets import price_band

    today = today or timezone.localdate()
    provider = offer.provider
    sessions = list(offer.sessions.all())
    places = list(offer.places.all())
    # A cancelled session does not put the offer in its province (as the database engine).
    provinces = {provider.province} if provider and provider.province else set()
    provinces |= {
        s.province for s in sessions if s.province and s.status != SessionStatus.CANCELLED
    }
    provinces |= {p.province for p in places if p.province}
    upcoming = sorted(
        s.start_date for s in sessions if s.start_date >= today and s.status == SessionStatus.OPEN
    )
    location = None
    if provider is not None and provider.latitude is not None and provider.longitude is not None:
        location = {"lat": float(provider.latitude), "lon": float(provider.longitude)}
    is_free = offer.is_free or offer.price == 0
    # Free is 0: first when sorting by price, within any maximum.
    price = Decimal(0) if is_free else offer.price
    return {
        "offer_id": offer.pk,
        "url": offer.get_url() or "",
        "title": offer.title,
        "sort_title": fold(offer.title)[:255],
        "summary": offer.summary,
        "plain_language_summary": offer.plain_language_summary,
        "description": html_to_text(offer.description or ""),
        "prerequisites": offer.prerequisites,
        "keywords": [item.tag.name for item in offer.tagged_items.all()],
        "provider": provider.title if provider else "",
        "provider_id": provider.pk if provider else None,
        "provider_commune": provider.commune if provider else "",
        "provider_province": provider.province if provider else "",
        "location": location,
        "skill_uris": [row[0] for row in skills],
        "core_skill_uris": [row[0] for row in skills if row[3] == LinkRelation.CORE],
        "skill_labels_fr": [row[1] for row in skills if row[1]],
        "skill_labels_en": [row[2] for row in skills if row[2]],
        "occupation_uris": [row[0] for row in occupations],
        "occupation_labels_fr": [row[1] for row in occupations if row[1]],
        "occupation_labels_en": [row[2] for row in occupations if row[2]],
        "sessions": [
            {
                "start_date": _date(s.start_date),
                "end_date": _date(s.end_date),
                "schedule": s.schedule,
                "status": s.status,
                "commune": s.commune or (provider.commune if provider else ""),
                "province": s.province or (provider.province if provider else ""),
            }
            for s in sessions
        ],
        "provinces": sorted(provinces),
        "modality": offer.modality,
        "format": offer.format,
        "price_band": price_band(price=offer.price, is_free=offer.is_free) or None,
        "funding": sorted(scheme.slug for scheme in offer.funding_schemes.all()),
        "audiences": list(offer.audiences or []),
        "eqf_level": str(offer.eqf_level) if offer.eqf_level else None,
        "languages": list(offer.languages or []),
        "provider_kind": provider.kind if provider else None,
        "certification": "yes" if offer.certification.strip() else "no",
        "price": float(price) if price is not None else None,
        "is_free": is_free,
        "duration_hours": offer.duration_hours,
        "next_session": _date(upcoming[0]) if upcoming else None,
    }


def offer_sources(
    offer_ids: Iterable[int] | None = None, *, chunk_size: int = 500
) -> Iterator[dict]:
    """Documents of every live public offer (or of those of `offer_ids` still live), loaded
    `chunk_size` offers at a time."""
    offers = offer_queryset(offer_ids)
    today = timezone.localdate()
    ids = list(offers.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        skills, occupations = _offer_links(chunk)
        for offer in offers.filter(pk__in=chunk):
            yield offer_source(
                offer,
                skills=skills.get(offer.pk, []),
                occupations=occupations.get(offer.pk, []),
                today=today,
            )


def offer_count() -> int:
    """How many documents a full rebuild of the offer index must hold."""
    return offer_queryset().count()


def posting_queryset(posting_ids: Iterable[int] | None = None):
    """Published postings that are not a near-duplicate of another (each need once)."""
    from jobs.models import JobPosting

    postings = JobPosting.objects.published().unique().select_related("employer").order_by("pk")
    if posting_ids is not None:
        postings = postings.filter(pk__in=list(posting_ids))
    return postings


def _posting_links(posting_ids: list[int]) -> tuple[dict, dict]:
    """Active links (confirmed and suggested; the ones an employer removed are left out), as
    the posting pages show them."""
    from jobs.models import PostingOccupation, PostingSkill

    skills: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        PostingSkill.objects.active()
        .filter(posting_id__in=posting_ids)
        .order_by("posting_id", "-score", "skill_id")
        .values_list(
            "posting_id", "skill__uri", "skill__preferred_label_fr", "skill__preferred_label_en"
        )
    )
    for posting_id, *row in rows:
        skills[posting_id].append(tuple(row))
    occupations: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        PostingOccupation.objects.active()
        .filter(posting_id__in=posting_ids)
        .order_by("posting_id", "rank")
        .values_list(
            "posting_id",
            "occupation__uri",
            "occupation__preferred_label_fr",
            "occupation__preferred_label_en",
        )
    )
    for posting_id, *row in rows:
        occupations[posting_id].append(tuple(row))
    return skills, occupations


def posting_source(posting, *, skills: list[tuple], occupations: list[tuple]) -> dict:
    return {
        "posting_id": posting.pk,
        "url": posting.url or "",  # postings have no public page here: the source's
        "title": posting.title,
        "description": posting.description_text,
        "employer": posting.display_employer,
        "commune": posting.commune,
        "province": posting.province or None,
        "contract": posting.contract_type or None,
        "working_time": posting.working_time or None,
        "posted": _date(posting.posted_on),
        "expires": _date(posting.expires_on),
        "language": posting.language,
        "skill_uris": [row[0] for row in skills],
        "skill_labels_fr": [row[1] for row in skills if row[1]],
        "skill_labels_en": [row[2] for row in skills if row[2]],
        "occupation_uris": [row[0] for row in occupations],
        "occupation_labels_fr": [row[1] for row in occupations if row[1]],
        "occupation_labels_en": [row[2] for row in occupations if row[2]],
    }


def posting_sources(
    posting_ids: Iterable[int] | None = None, *, chunk_size: int = 1000
) -> Iterator[dict]:
    postings = posting_queryset(posting_ids)
    ids = list(postings.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        skills, occupations = _posting_links(chunk)
        for posting in postings.filter(pk__in=chunk):
            yield posting_source(
                posting,
                skills=skills.get(posting.pk, []),
                occupations=occupations.get(posting.pk, []),
            )


def posting_count() -> int:
    return posting_queryset().count()


def linked_skill_ids() -> set[int]:
    """Skills that an indexed offer teaches or an indexed posting asks for: the skills that
    get a synonym rule (`search.analysis`)."""
    from courses.models import OfferSkill
    from jobs.models import PostingSkill

    offer_skills = OfferSkill.objects.public().filter(offer__in=offer_queryset().values("pk"))
    posting_skills = PostingSkill.objects.active().filter(
        posting__in=posting_queryset().values("pk")
    )
    return set(offer_skills.values_list("skill_id", flat=True).distinct()) | set(
        posting_skills.values_list("skill_id", flat=True).distinct()
    )
