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
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models.choices import LinkRelation, LinkSource


class OfferLinkQuerySet(models.QuerySet):
    def public(self):
        """Links shown to the public: confirmed and not rejected."""
        return self.filter(confirmed=True, rejected=False)

    def pending(self):
        """Suggestions waiting for an editor's decision."""
        return self.filter(confirmed=False, rejected=False)

    def rejected(self):
        return self.filter(rejected=True)


class OfferLinkBase(models.Model):
    relation = models.CharField(
        _("relation"), max_length=16, choices=LinkRelation.choices, default=LinkRelation.CORE
    )
    source = models.CharField(
        _("source"), max_length=16, choices=LinkSource.choices, default=LinkSource.MANUAL
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    rejected = models.BooleanField(
        _("rejected"),
        default=False,
        help_text=_("Rejected suggestions are kept so the extractor never proposes them again."),
    )
    evidence = models.TextField(_("evidence"), blank=True)
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

    objects = OfferLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.confirmed and not self.rejected


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

    class Meta:
        verbose_name = _("skill taught")
        verbose_name_plural = _("skills taught")
        ordering = ["relation", "-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "skill"], name="unique_offer_skill"),
            models.CheckConstraint(
                condition=~Q(confirmed=True, rejected=True), name="offer_skill_not_both"
            ),
        ]
        indexes = [models.Index(fields=["skill", "confirmed", "rejected"])]

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

    class Meta:
        verbose_name = _("target occupation")
        verbose_name_plural = _("target occupations")
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "occupation"], name="unique_offer_occupation"),
            models.CheckConstraint(
                condition=~Q(confirmed=True, rejected=True), name="offer_occupation_not_both"
            ),
        ]
        indexes = [models.Index(fields=["occupation", "confirmed", "rejected"])]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.occupation}"
