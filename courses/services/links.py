"""Skill and occupation links of an offer: extractor suggestions, editor decisions, manual links.

Suggestions are stored unconfirmed (`source=extracted, confirmed=False`) and never shown publicly
until an editor or moderator confirms them. A rejected suggestion keeps its row with
`rejected=True`, which is how the offer remembers it: it is never suggested again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import strip_tags

from courses.models import LinkRelation, LinkSource, OfferOccupation, OfferPage, OfferSkill
from skills.models import Occupation, Skill

# Extractor scores at or above this become "core" suggestions, the rest "secondary".
CORE_SCORE = 0.75
MAX_SKILL_SUGGESTIONS = 25
MAX_OCCUPATION_SUGGESTIONS = 5


@dataclass
class SuggestionReport:
    skills_added: list[str] = field(default_factory=list)
    skills_updated: list[str] = field(default_factory=list)
    skills_withdrawn: list[str] = field(default_factory=list)
    occupations_added: list[str] = field(default_factory=list)
    skipped_rejected: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.skills_added
            or self.skills_updated
            or self.skills_withdrawn
            or self.occupations_added
        )


def offer_text(offer: OfferPage) -> str:
    """The text the extractor reads: title, summaries, description and prerequisites."""
    parts = [
        offer.title,
        offer.summary,
        offer.plain_language_summary,
        strip_tags(offer.description or ""),
        offer.prerequisites,
    ]
    return "\n".join(part for part in parts if part)


def _evidence(match) -> str:
    explain = getattr(match, "explain", None)
    try:
        text = explain() if callable(explain) else str(getattr(match, "evidence", "") or "")
    except Exception:  # the explanation is a courtesy; never lose a suggestion over it
        text = ""
    return str(text)[:2000]


@transaction.atomic
def offer_suggest_skills(*, offer: OfferPage, text: str | None = None) -> SuggestionReport:
    """Run the extractor on the offer and store its suggestions as unconfirmed links.

    - never re-suggests a rejected skill or occupation;
    - leaves confirmed links untouched (an editor's decision beats the extractor);
    - refreshes the confidence of pending suggestions, and withdraws pending extracted
      suggestions that the current text no longer supports.
    """
    from skills.extraction import get_extractor

    extractor = get_extractor()
    text = offer_text(offer) if text is None else text
    report = SuggestionReport()

    matches = extractor.extract(text, top_k=MAX_SKILL_SUGGESTIONS) if text.strip() else []
    scores = {}
    for match in matches:
        scores.setdefault(match.uri, match)
    skills = {skill.uri: skill for skill in Skill.objects.filter(uri__in=scores)}
    existing = {link.skill.uri: link for link in offer.skill_links.select_related("skill")}

    for uri, match in scores.items():
        skill = skills.get(uri)
        if skill is None:
            continue
        link = existing.get(uri)
        relation = LinkRelation.CORE if match.score >= CORE_SCORE else LinkRelation.SECONDARY
        if link is None:
            OfferSkill.objects.create(
                offer=offer,
                skill=skill,
                relation=relation,
                source=LinkSource.EXTRACTED,
                confidence=round(float(match.score), 4),
                confirmed=False,
                evidence=_evidence(match),
            )
            report.skills_added.append(uri)
        elif link.rejected:
            report.skipped_rejected.append(uri)
        elif not link.confirmed and link.confidence != round(float(match.score), 4):
            link.confidence = round(float(match.score), 4)
            link.evidence = _evidence(match)
            link.save(update_fields=["confidence", "evidence", "updated_at"])
            report.skills_updated.append(uri)

    stale = [
        link
        for uri, link in existing.items()
        if uri not in scores
        and link.source == LinkSource.EXTRACTED
        and not link.confirmed
        and not link.rejected
    ]
    for link in stale:
        report.skills_withdrawn.append(link.skill.uri)
        link.delete()

    if offer.title:
        occupation_matches = extractor.match_occupation(
            offer.title, text=text, top_k=MAX_OCCUPATION_SUGGESTIONS
        )
        occupations = {
            occupation.uri: occupation
            for occupation in Occupation.objects.filter(uri__in=[m.uri for m in occupation_matches])
        }
        existing_occupations = set(offer.occupation_links.values_list("occupation__uri", flat=True))
        for match in occupation_matches:
            occupation = occupations.get(match.uri)
            if occupation is None or match.uri in existing_occupations:
                continue
            OfferOccupation.objects.create(
                offer=offer,
                occupation=occupation,
                source=LinkSource.EXTRACTED,
                confidence=round(float(match.score), 4),
                confirmed=False,
            )
            existing_occupations.add(match.uri)
            report.occupations_added.append(match.uri)
    return report


def _decide(link, *, accept: bool, user=None):
    link.confirmed = accept
    link.rejected = not accept
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.save(update_fields=["confirmed", "rejected", "decided_by", "updated_at"])
    return link


@transaction.atomic
def offer_skill_decide(*, link: OfferSkill, accept: bool, user=None) -> OfferSkill:
    """Confirm (`accept=True`) or reject a skill link; a rejection is remembered for the offer."""
    return _decide(link, accept=accept, user=user)


@transaction.atomic
def offer_occupation_decide(*, link: OfferOccupation, accept: bool, user=None) -> OfferOccupation:
    return _decide(link, accept=accept, user=user)


@transaction.atomic
def offer_skill_set(
    *,
    offer: OfferPage,
    skill: Skill,
    relation: str = LinkRelation.CORE,
    source: str = LinkSource.MANUAL,
    confirmed: bool = True,
    user=None,
) -> OfferSkill:
    """Link a skill to an offer, confirmed by default (manual entry, import, demo).

    An existing link (even a rejected suggestion) is updated rather than duplicated.
    """
    link, created = OfferSkill.objects.get_or_create(
        offer=offer,
        skill=skill,
        defaults={"relation": relation, "source": source, "confirmed": confirmed},
    )
    if not created:
        link.relation = relation
        link.confirmed = confirmed
        link.rejected = False
        if link.source == LinkSource.EXTRACTED and source == LinkSource.MANUAL:
            link.source = source
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.save()
    return link


@transaction.atomic
def offer_occupation_set(
    *,
    offer: OfferPage,
    occupation: Occupation,
    source: str = LinkSource.MANUAL,
    confirmed: bool = True,
    user=None,
) -> OfferOccupation:
    link, created = OfferOccupation.objects.get_or_create(
        offer=offer,
        occupation=occupation,
        defaults={"source": source, "confirmed": confirmed},
    )
    if not created:
        link.confirmed = confirmed
        link.rejected = False
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.save()
    return link
