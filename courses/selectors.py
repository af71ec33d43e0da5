"""Read access to the cadastre. Pages, views, exports and other apps call these; nothing writes.

Only live, public offers are ever listed publicly, and only confirmed (never rejected) skill and
occupation links count: what the extractor suggests stays private until someone confirms it.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import (
    OfferOccupation,
    OfferPage,
    OfferSkill,
    ProviderPage,
    Session,
)


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
        offers = offers.filter(
            skill_links__skill=skill, skill_links__confirmed=True, skill_links__rejected=False
        )
    if query:
        offers = offers.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return offers.distinct().order_by("title")


def offers_for_skill(*, skill, limit: int | None = None) -> QuerySet | list:
    """Live public offers with a confirmed link to `skill`, core links first."""
    offers = (
        _public_offers()
        .filter(skill_links__skill=skill, skill_links__confirmed=True, skill_links__rejected=False)
        .order_by("skill_links__relation", "title")
        .distinct()
    )
    return offers[:limit] if limit else offers


def offers_for_occupation(*, occupation, limit: int | None = None) -> QuerySet | list:
    """Live public offers with a confirmed link to `occupation`."""
    offers = (
        _public_offers()
        .filter(
            occupation_links__occupation=occupation,
            occupation_links__confirmed=True,
            occupation_links__rejected=False,
        )
        .order_by("title")
        .distinct()
    )
    return offers[:limit] if limit else offers


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
        .filter(
            skill_links__skill_id__in=skill_ids,
            skill_links__confirmed=True,
            skill_links__rejected=False,
        )
        .annotate(shared_skills=Count("skill_links", distinct=True))
        .order_by("-shared_skills", "title")[:limit]
    )


def offer_link_summary(*, offer: OfferPage) -> dict:
    """Counts and lists for the editor panel and the skills review screen."""
    skill_links = list(offer.skill_links.select_related("skill").order_by("-confidence", "id"))
    occupation_links = list(
        offer.occupation_links.select_related("occupation").order_by("-confidence", "id")
    )
    return {
        "confirmed_skills": [link for link in skill_links if link.is_public],
        "pending_skills": [
            link for link in skill_links if not link.confirmed and not link.rejected
        ],
        "rejected_skills": [link for link in skill_links if link.rejected],
        "confirmed_occupations": [link for link in occupation_links if link.is_public],
        "pending_occupations": [
            link for link in occupation_links if not link.confirmed and not link.rejected
        ],
        "rejected_occupations": [link for link in occupation_links if link.rejected],
    }
