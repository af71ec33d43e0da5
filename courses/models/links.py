"""Offer -> ESCO links: what an offer teaches and which occupations it prepares for.

These are ordinary foreign keys, not `ParentalKey`s: suggestions, acceptances and rejections are
written at any time by services and moderators, outside the page editor. Were they part of the
page's revisions, publishing an older draft would silently wipe suggestions and forget
rejections. The page editor shows them through a panel and edits them through the offer's
"skills" admin view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.choices import LinkRelation
from skills.links import ConceptLink


class OfferLinkBase(ConceptLink):
    """The shared link vocabulary (`skills.links.ConceptLink`), plus what only offers record:
    how central the concept is to the offer, and who confirmed or rejected the link."""

    relation = models.CharField(
        _("relation"), max_length=16, choices=LinkRelation.choices, default=LinkRelation.CORE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(ConceptLink.Meta):
        abstract = True


class OfferSkill(OfferLinkBase):
    offer = models.ForeignKey(
        "courses.OfferPage",
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("offer"),
    )
    skill = models.ForeignKey(
        "skills.Skill",
        on_delete=models.PROTECT,
        related_name="offer_links",
        verbose_name=_("skill"),
    )

    class Meta(OfferLinkBase.Meta):
        verbose_name = _("skill taught")
        verbose_name_plural = _("skills taught")
        ordering = ["relation", "-score", "id"]
        constraints = [
            *OfferLinkBase.Meta.constraints,
            models.UniqueConstraint(fields=["offer", "skill"], name="unique_offer_skill"),
        ]
        indexes = [models.Index(fields=["skill", "status"])]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.skill}"


class OfferOccupation(OfferLinkBase):
    offer = models.ForeignKey(
        "courses.OfferPage",
        on_delete=models.CASCADE,
        related_name="occupation_links",
        verbose_name=_("offer"),
    )
    occupation = models.ForeignKey(
        "skills.Occupation",
        on_delete=models.PROTECT,
        related_name="offer_links",
        verbose_name=_("occupation"),
    )

    class Meta(OfferLinkBase.Meta):
        verbose_name = _("target occupation")
        verbose_name_plural = _("target occupations")
        ordering = ["-score", "id"]
        constraints = [
            *OfferLinkBase.Meta.constraints,
            models.UniqueConstraint(fields=["offer", "occupation"], name="unique_offer_occupation"),
        ]
        indexes = [models.Index(fields=["occupation", "status"])]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.occupation}"
