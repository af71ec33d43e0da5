"""Read access to the cadastre. Pages, views, exports and other apps call these; nothing writes.

Only live, public offers are ever listed publicly, and only confirmed skill and occupation links
count (`public()`): what the extractor suggests stays private until someone confirms it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from courses.models import (
    OfferOccupation,
    OfferPage,
    OfferSkill,
    ProviderPage,
    Session,
    SessionStatus,
)
from skills.links import span_text


def provider_list(*, province: str | None = None, kind: str | None = None) -> QuerySet:
    providers = ProviderPage.objects.live().public().order_by("title")
    if province:
        providers = providers.filter(province=province)
    if kind:
        providers = providers.filter(kind=kind)
    return providers.annotate(
        offer_count=Count("offers", filter=Q(offers__live=True), distinct=True)
    )


def _public_offers() -> QuerySet:
    return (
        OfferPage.objects.live()
        .public()
        .select_related("provider")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("start_date")))
    )


def offer_list(
    *,
    provider: ProviderPage | None = None,
    province: str | None = None,
    format: str | None = None,
    modality: str | None = None,
    level: int | None = None,
    free: bool | None = None,
    skill=None,
    query: str | None = None,
) -> QuerySet:
    """Live public offers matching every filter given; a province matches the provider's or a
    session's province."""
    offers = _public_offers()
    if provider is not None:
        offers = offers.filter(provider=provider)
    if province:
        offers = offers.filter(Q(provider__province=province) | Q(sessions__province=province))
    if format:
        offers = offers.filter(format=format)
    if modality:
        offers = offers.filter(modality=modality)
    if level:
        offers = offers.filter(eqf_level=level)
    if free is not None:
        offers = offers.filter(is_free=free)
    if skill is not None:
        offers = offers.filter(skill_links__in=OfferSkill.objects.public().filter(skill=skill))
    if query:
        offers = offers.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return offers.distinct().order_by("title")


def with_public_links(offers: QuerySet) -> QuerySet:
    """`offers` with their confirmed skill and occupation links prefetched, ordered by URI, as
    `public_skill_links` and `public_occupation_links` (what the API and the exports show)."""
    return offers.prefetch_related(
        Prefetch(
            "skill_links",
            queryset=OfferSkill.objects.public().select_related("skill").order_by("skill__uri"),
            to_attr="public_skill_links",
        ),
        Prefetch(
            "occupation_links",
            queryset=OfferOccupation.objects.public()
            .select_related("occupation")
            .order_by("occupation__uri"),
            to_attr="public_occupation_links",
        ),
    )


def offers_for_skill(*, skill, limit: int | None = None) -> QuerySet | list:
    """Live public offers with a confirmed link to `skill`, core links first."""
    offers = (
        _public_offers()
        .filter(skill_links__in=OfferSkill.objects.public().filter(skill=skill))
        .order_by("skill_links__relation", "title")
        .distinct()
    )
    return offers[:limit] if limit else offers


def offers_for_occupation(*, occupation, limit: int | None = None) -> QuerySet | list:
    """Live public offers with a confirmed link to `occupation`."""
    offers = (
        _public_offers()
        .filter(occupation_links__in=OfferOccupation.objects.public().filter(occupation=occupation))
        .order_by("title")
        .distinct()
    )
    return offers[:limit] if limit else offers


@dataclass(frozen=True)
class Registration:
    """How a learner registers for an offer, as its page shows it."""

    url: str
    email: str
    phone: str
    next_session: Session | None  # the first upcoming session still open
    deadline: datetime.date | None
    seats_left: int | None
    all_full: bool  # every upcoming session is full or cancelled

    @property
    def is_open(self) -> bool:
        return self.next_session is not None


def offer_registration(
    *, offer: OfferPage, sessions: Iterable[Session] | None = None
) -> Registration:
    """The call to action of an offer: where to register (the offer's link, else its contact,
    else the provider's), and for which session. `sessions` are the upcoming ones when the
    caller already has them."""
    today = timezone.localdate()
    upcoming = list(sessions) if sessions is not None else offer.future_sessions()
    open_sessions = [
        s
        for s in upcoming
        if s.status == SessionStatus.OPEN
        and (s.registration_deadline is None or s.registration_deadline >= today)
        and s.seats_left != 0
    ]
    provider = offer.provider
    first = open_sessions[0] if open_sessions else None
    return Registration(
        url=offer.registration_url,
        email=offer.registration_email or (provider.contact_email if provider else ""),
        phone=offer.registration_phone or (provider.contact_phone if provider else ""),
        next_session=first,
        deadline=first.registration_deadline if first else None,
        seats_left=first.seats_left if first else None,
        all_full=bool(upcoming) and not open_sessions,
    )


def offer_public_links(*, offer: OfferPage) -> tuple[list[OfferSkill], list[OfferOccupation]]:
    """Confirmed skill links (core first) and confirmed occupation links of an offer."""
    skills = list(
        OfferSkill.objects.public()
        .filter(offer=offer)
        .select_related("skill")
        .order_by("relation", "skill__preferred_label_fr")
    )
    occupations = list(
        OfferOccupation.objects.public()
        .filter(offer=offer)
        .select_related("occupation")
        .order_by("occupation__preferred_label_fr")
    )
    return skills, occupations


def similar_offers(*, offer: OfferPage, limit: int = 6) -> list[OfferPage]:
    """Other live offers ranked by how many confirmed skills they share with `offer`."""
    skill_ids = list(
        OfferSkill.objects.public().filter(offer=offer).values_list("skill_id", flat=True)
    )
    if not skill_ids:
        return []
    return list(
        _public_offers()
        .exclude(pk=offer.pk)
        .filter(skill_links__in=OfferSkill.objects.public().filter(skill_id__in=skill_ids))
        .annotate(shared_skills=Count("skill_links", distinct=True))
        .order_by("-shared_skills", "title")[:limit]
    )


def offers_teaching_skills(*, skill_ids: Iterable[int]) -> list[tuple[OfferPage, list[int]]]:
    """Live public offers with a confirmed link to any of `skill_ids`, each with the ids of
    those skills it teaches (sorted); provider and sessions are loaded. In no particular order."""
    covered: dict[int, set[int]] = defaultdict(set)
    rows = OfferSkill.objects.public().filter(skill_id__in=list(skill_ids))
    for offer_id, skill_id in rows.values_list("offer_id", "skill_id"):
        covered[offer_id].add(skill_id)
    if not covered:
        return []
    return [(offer, sorted(covered[offer.pk])) for offer in _public_offers().filter(pk__in=covered)]


def offer_text(offer: OfferPage) -> str:
    """The text the extractor reads: title, summaries, description and prerequisites. The
    `spans` of the offer's links are offsets into it."""
    parts = [
        offer.title,
        offer.summary,
        offer.plain_language_summary,
        strip_tags(offer.description or ""),
        offer.prerequisites,
    ]
    return "\n".join(part for part in parts if part)


def offer_link_summary(*, offer: OfferPage) -> dict:
    """The offer's links by status, best first, for the editor panel and the skills review
    screen. `offer` is the offer as the editor sees it (its latest revision): each link's
    `evidence` is the text at its spans in that offer's analysed text, empty when the spans no
    longer fit it."""
    text = offer_text(offer)
    skill_links = list(offer.skill_links.select_related("skill").order_by("-score", "id"))
    occupation_links = list(
        offer.occupation_links.select_related("occupation").order_by("-score", "id")
    )
    summary: dict[str, list] = {}
    for name, links in (("skills", skill_links), ("occupations", occupation_links)):
        for link in links:
            link.evidence = " … ".join(span_text(text, link.spans))
        summary[f"confirmed_{name}"] = [link for link in links if link.is_confirmed]
        summary[f"pending_{name}"] = [link for link in links if link.is_suggested]
        summary[f"rejected_{name}"] = [link for link in links if link.is_rejected]
    return summary


def sessions_latest(*, limit: int = 6) -> list[Session]:
    """Open sessions still to come of the offers published most recently (one per offer, its
    next one), newest publication first; offer and provider loaded."""
    today = timezone.localdate()
    open_sessions = Session.objects.filter(start_date__gte=today, status=SessionStatus.OPEN)
    offer_ids = list(
        OfferPage.objects.live()
        .public()
        .filter(pk__in=open_sessions.values("page_id"))
        .order_by("-last_published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    upcoming = (
        open_sessions.filter(page_id__in=offer_ids)
        .select_related("page__provider")
        .order_by("start_date", "pk")
    )
    first: dict[int, Session] = {}
    for session in upcoming:
        first.setdefault(session.page_id, session)
    return [first[pk] for pk in offer_ids if pk in first]
