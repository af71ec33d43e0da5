"""Skill and occupation links of an offer: extractor suggestions, editor decisions, manual links.

Suggestions are stored with `status=suggested` and never shown publicly until an editor or
moderator confirms them. A rejected suggestion keeps its row (`status=rejected`), which is how
the offer remembers it: reading the text again never suggests it again (`skills.links.relink`,
the rule postings follow too).

Suggestions are computed in the background once an offer's save or import is committed
(`offer_queue_suggestions`), never inside the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction

from courses.models import LinkRelation, OfferOccupation, OfferPage, OfferSkill
from courses.selectors import offer_text
from skills.links import LinkMethod, LinkStatus, RelinkPlan, relink
from skills.models import Occupation, Skill

# Extractor scores at or above this become "core" suggestions, the rest "secondary".
CORE_SCORE = 0.75
MAX_SKILL_SUGGESTIONS = 25
MAX_OCCUPATION_SUGGESTIONS = 5


@dataclass
class SuggestionReport:
    """What one reading of an offer changed, by concept URI."""

    skills_added: list[str] = field(default_factory=list)
    skills_updated: list[str] = field(default_factory=list)
    skills_withdrawn: list[str] = field(default_factory=list)
    occupations_added: list[str] = field(default_factory=list)
    occupations_updated: list[str] = field(default_factory=list)
    occupations_withdrawn: list[str] = field(default_factory=list)
    skipped_rejected: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.skills_added
            or self.skills_updated
            or self.skills_withdrawn
            or self.occupations_added
            or self.occupations_updated
            or self.occupations_withdrawn
        )


def _skill_values(match) -> dict:
    score = round(float(match.score), 4)
    return {
        "score": score,
        "method": match.method[:32],
        "spans": [list(span) for span in match.spans],
        "relation": LinkRelation.CORE if score >= CORE_SCORE else LinkRelation.SECONDARY,
    }


def _occupation_values(match) -> dict:
    # An occupation is matched on the title as a whole: there is no stretch of text to point at.
    return {"score": round(float(match.score), 4), "method": match.method[:32], "spans": []}


def _relink_offer(
    offer: OfferPage,
    links: models.Manager,
    concept_field: str,
    matches: list,
    values: Callable[[object], dict],
) -> tuple[RelinkPlan[str], list[str]]:
    """Apply `relink` to one kind of the offer's links, keyed by concept URI. Returns the plan
    and the URIs of the suggestions whose values actually changed."""
    by_uri = {}
    for match in matches:
        by_uri.setdefault(match.uri, match)
    concept_model = links.model._meta.get_field(concept_field).related_model
    concepts = {concept.uri: concept for concept in concept_model.objects.filter(uri__in=by_uri)}
    found = [uri for uri in by_uri if uri in concepts]
    existing = {
        getattr(link, concept_field).uri: link for link in links.select_related(concept_field)
    }
    plan = relink(existing={uri: link.status for uri, link in existing.items()}, found=found)

    links.model.objects.bulk_create(
        links.model(
            offer=offer,
            status=LinkStatus.SUGGESTED,
            esco_version=concepts[uri].esco_version,
            **{concept_field: concepts[uri]},
            **values(by_uri[uri]),
        )
        for uri in plan.insert
    )
    updated = []
    for uri in plan.update:
        link = existing[uri]
        fresh = {**values(by_uri[uri]), "esco_version": concepts[uri].esco_version}
        if any(getattr(link, name) != value for name, value in fresh.items()):
            for name, value in fresh.items():
                setattr(link, name, value)
            link.save(update_fields=[*fresh, "updated_at"])
            updated.append(uri)
    links.model.objects.filter(pk__in=[existing[uri].pk for uri in plan.delete]).delete()
    return plan, updated


@transaction.atomic
def offer_suggest_skills(*, offer: OfferPage, text: str | None = None) -> SuggestionReport:
    """Read the offer as last saved (its latest revision) with the extractor and apply the
    re-parsing rule (`skills.links.relink`) to its skill and occupation links:

    - confirmed and rejected links stay untouched (a rejected concept is never suggested again);
    - what the text suggests now is added, or refreshed (score, method, spans, relation) when
      it was already suggested; suggestions the text no longer supports are withdrawn.

    `text` replaces the offer's analysed text (`courses.selectors.offer_text`).
    """
    # The extractor package loads numpy and its index machinery: only when reading a text.
    from skills.extraction import get_extractor

    extractor = get_extractor()
    latest = offer.get_latest_revision_as_object()
    text = offer_text(latest) if text is None else text
    report = SuggestionReport()

    matches = extractor.extract(text, top_k=MAX_SKILL_SUGGESTIONS) if text.strip() else []
    plan, report.skills_updated = _relink_offer(
        offer, offer.skill_links, "skill", matches, _skill_values
    )
    report.skills_added, report.skills_withdrawn = list(plan.insert), list(plan.delete)
    report.skipped_rejected += plan.skipped_rejected

    occupation_matches = (
        extractor.match_occupation(latest.title, text=text, top_k=MAX_OCCUPATION_SUGGESTIONS)
        if latest.title
        else []
    )
    plan, report.occupations_updated = _relink_offer(
        offer, offer.occupation_links, "occupation", occupation_matches, _occupation_values
    )
    report.occupations_added, report.occupations_withdrawn = list(plan.insert), list(plan.delete)
    report.skipped_rejected += plan.skipped_rejected
    return report


def offer_queue_suggestions(
    *,
    offer_ids: Iterable[int],
    title_only: bool = False,
    confirm_from_score: float | None = None,
) -> None:
    """Have the offers' skill suggestions computed in the background (`offer_suggest_skills`)
    once the current transaction commits, at once outside one; nothing is queued when it rolls
    back. The one entry point for the editor's saves, imports and the review screen.

    For catalogues that give titles only, `title_only` reads the title alone (the summary
    repeats it, which would only dilute the scores) and `confirm_from_score` then confirms the
    suggestions scored at least that high (`offer_confirm_title_skills`)."""
    offer_ids = sorted(set(offer_ids))
    if not offer_ids:
        return
    from courses.tasks import suggest_offer_skills  # the task module imports this one

    transaction.on_commit(
        lambda: suggest_offer_skills.enqueue(
            offer_ids=offer_ids, title_only=title_only, confirm_from_score=confirm_from_score
        )
    )


IMPORTED_TITLE_METHOD = "imported-title"


@transaction.atomic
def offer_confirm_title_skills(*, offer: OfferPage, min_score: float) -> list[str]:
    """Confirm the offer's skill suggestions scored at least `min_score`, with method
    `imported-title`; returns their URIs.

    A regional export gives titles only and nobody reviews 1,400 offers before they count: a
    title that names a skill almost verbatim (a literal match, never an inferred one) is
    trusted at once (it then shows publicly and
    counts in supply). The provider can still reject it; a rejection is remembered like any
    other and the link is never confirmed again by a later import.
    """
    # Only what the title says literally (a match with spans): a skill inferred from it (label
    # mode's guess for a title the lexical reading finds nothing in) waits for the provider.
    links = list(
        offer.skill_links.pending()
        .filter(score__gte=min_score)
        .exclude(spans=[])
        .select_related("skill")
    )
    for link in links:
        link.status, link.method = LinkStatus.CONFIRMED, IMPORTED_TITLE_METHOD
        link.save(update_fields=["status", "method", "updated_at"])
    return [link.skill.uri for link in links]


def _decide(link, *, accept: bool, user=None):
    link.status = LinkStatus.CONFIRMED if accept else LinkStatus.REJECTED
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.save(update_fields=["status", "decided_by", "updated_at"])
    return link


@transaction.atomic
def offer_skill_decide(*, link: OfferSkill, accept: bool, user=None) -> OfferSkill:
    """Confirm (`accept=True`) or reject a skill link; a rejection is remembered for the offer."""
    return _decide(link, accept=accept, user=user)


@transaction.atomic
def offer_occupation_decide(*, link: OfferOccupation, accept: bool, user=None) -> OfferOccupation:
    return _decide(link, accept=accept, user=user)


def _set_link(model, *, offer, concept_field: str, concept, method, status, user, **extra):
    """Create or update the offer's link to `concept` as a person's (or a file's) link."""
    link, created = model.objects.get_or_create(
        offer=offer,
        **{concept_field: concept},
        defaults={"method": method, "status": status, "score": 1.0, **extra},
    )
    if not created:
        for name, value in extra.items():
            setattr(link, name, value)
        link.status = status
        # A person's link replaces the extractor's method; an import claims the link, so a
        # second run of the same file finds it unchanged.
        if method == LinkMethod.IMPORTED or link.method not in LinkMethod.values:
            link.method, link.score = method, 1.0
    link.esco_version = concept.esco_version
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.save()
    return link


@transaction.atomic
def offer_skill_set(
    *,
    offer: OfferPage,
    skill: Skill,
    relation: str = LinkRelation.CORE,
    method: str = LinkMethod.MANUAL,
    status: str = LinkStatus.CONFIRMED,
    user=None,
) -> OfferSkill:
    """Link a skill to an offer, confirmed by default (manual entry, import, demo).

    An existing link (even a rejected suggestion) is updated rather than duplicated.
    """
    return _set_link(
        OfferSkill,
        offer=offer,
        concept_field="skill",
        concept=skill,
        method=method,
        status=status,
        user=user,
        relation=relation,
    )


@transaction.atomic
def offer_occupation_set(
    *,
    offer: OfferPage,
    occupation: Occupation,
    method: str = LinkMethod.MANUAL,
    status: str = LinkStatus.CONFIRMED,
    user=None,
) -> OfferOccupation:
    """Link a target occupation to an offer, as `offer_skill_set` does for skills."""
    return _set_link(
        OfferOccupation,
        offer=offer,
        concept_field="occupation",
        concept=occupation,
        method=method,
        status=status,
        user=user,
    )
