"""Text the platform writes about an offer, in the language the page is read in.

Unlike the provider's own text (kept in the language the provider wrote it), a generated
sentence is written at render time in the active language, from language-neutral data: the
ESCO skills the offer teaches (labelled in both languages) and its duration."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext, ngettext

from courses.models import LinkRelation, OfferPage, OfferSkill

SUMMARY_SKILLS = 4


def offer_generated_summary(*, offer: OfferPage, skill_links: Sequence[OfferSkill]) -> str:
    """ "You learn: <skills>. Duration: <n> hours." in the active language, from the offer's
    public skill links (core skills first, at most four) and its hours; empty when the offer
    has neither."""
    ordered = sorted(skill_links, key=lambda link: link.relation != LinkRelation.CORE)
    labels = [link.skill.label() for link in ordered[:SUMMARY_SKILLS]]
    sentences = []
    if labels:
        sentences.append(gettext("You learn: %(skills)s.") % {"skills": ", ".join(labels)})
    if offer.duration_hours:
        sentences.append(
            ngettext(
                "Duration: %(hours)s hour.", "Duration: %(hours)s hours.", offer.duration_hours
            )
            % {"hours": offer.duration_hours}
        )
    return " ".join(sentences)
