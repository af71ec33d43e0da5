"""Links from a text to ESCO concepts: the one vocabulary offers and postings share, and the one
rule for reading a text again.

Offers (`courses.OfferSkill`, `courses.OfferOccupation`) and postings (`jobs.PostingSkill`,
`jobs.PostingOccupation`) link to concepts with the same fields, so search and gap analytics
can join what offers teach with what postings ask:

- `status`: suggested (by the extractor, waiting for a person), confirmed, or rejected (the row
  is kept so the concept is never suggested again for that text);
- `score`: the extractor's or the importer's confidence, 0 to 1 (1 for a link a person made);
- `method`: how the link was made: `manual`, `imported`, or the extractor's method as it
  reports it (`label`, `synonym`, `semantic`, `title`, `similar_title+skills`, ...);
- `spans`: `[start, end]` character offsets into the text that was analysed;
- `esco_version`: the concept's ESCO version when the link was written.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ConceptLink",
    "ConceptLinkQuerySet",
    "LinkMethod",
    "LinkStatus",
    "RelinkPlan",
    "relink",
    "span_text",
]


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class LinkMethod(models.TextChoices):
    """The methods of links a person made. Extractor links carry the extractor's own method
    name instead, which is why `ConceptLink.method` is not limited to these choices."""

    MANUAL = "manual", _("Added by hand")
    IMPORTED = "imported", _("Imported")


class ConceptLinkQuerySet(models.QuerySet):
    def public(self):
        """Confirmed links: the only ones shown publicly."""
        return self.filter(status=LinkStatus.CONFIRMED)

    def pending(self):
        """Suggestions waiting for a person's decision."""
        return self.filter(status=LinkStatus.SUGGESTED)

    def rejected(self):
        return self.filter(status=LinkStatus.REJECTED)

    def active(self):
        """Confirmed links and suggestions: everything but the rejections remembered."""
        return self.exclude(status=LinkStatus.REJECTED)


class ConceptLink(models.Model):
    """The fields every link from a text to an ESCO concept has (see the module docstring).

    Concrete links add the text's and the concept's foreign keys; their `Meta` inherits this
    one and keeps its constraints (`constraints = [*ConceptLink.Meta.constraints, ...]`).
    """

    status = models.CharField(
        _("status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED
    )
    score = models.FloatField(
        _("score"),
        default=1.0,
        help_text=_("Confidence from 0 to 1; 1 for a link a person made."),
    )
    method = models.CharField(
        _("method"),
        max_length=32,
        blank=True,
        help_text=_("How the link was made: by hand, imported, or the extractor's method."),
    )
    spans = models.JSONField(
        _("spans"),
        default=list,
        blank=True,
        help_text=_("[start, end] character offsets into the text that was analysed."),
    )
    esco_version = models.CharField(
        _("ESCO version"),
        max_length=16,
        blank=True,
        help_text=_("The concept's ESCO version when the link was made."),
    )

    objects = ConceptLinkQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LinkStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            )
        ]

    @property
    def is_confirmed(self) -> bool:
        return self.status == LinkStatus.CONFIRMED

    @property
    def is_suggested(self) -> bool:
        return self.status == LinkStatus.SUGGESTED

    @property
    def is_rejected(self) -> bool:
        return self.status == LinkStatus.REJECTED

    @property
    def method_label(self) -> str:
        if self.method in LinkMethod.values:
            return LinkMethod(self.method).label
        return _("Suggested by the extractor")


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RelinkPlan(Generic[K]):
    """What reading a text again changes in its links, by concept key.

    `suggestions` are the concepts the text suggests now, in the order found: `insert` (not
    linked yet) and `update` (suggested before, found again) together. `delete` are the
    suggestions the text no longer supports; `skipped_rejected` the rejected concepts found
    again, which stay rejected. Confirmed links appear in none of them: they are not touched.
    """

    suggestions: tuple[K, ...]
    insert: tuple[K, ...]
    update: tuple[K, ...]
    delete: tuple[K, ...]
    skipped_rejected: tuple[K, ...]


def relink(*, existing: Mapping[K, str], found: Iterable[K]) -> RelinkPlan[K]:
    """The one rule for re-parsing a text that may already have links (offers and postings).

    `existing` maps each concept linked to the text to its link's status; `found` lists the
    concepts the extractor finds in the text now, best first (repeats are ignored).

    - confirmed and rejected links survive untouched, found or not: a person's decision beats
      the extractor, and a rejected concept is never suggested again;
    - suggestions are replaced by the new extraction: concepts found and not linked yet are
      inserted, suggestions found again are updated, suggestions not found are deleted.
    """
    suggestions, insert, update, skipped_rejected = [], [], [], []
    found = list(dict.fromkeys(found))
    for key in found:
        status = existing.get(key)
        if status is None:
            insert.append(key)
            suggestions.append(key)
        elif status == LinkStatus.SUGGESTED:
            update.append(key)
            suggestions.append(key)
        elif status == LinkStatus.REJECTED:
            skipped_rejected.append(key)
    still_found = set(found)
    delete = [
        key
        for key, status in existing.items()
        if status == LinkStatus.SUGGESTED and key not in still_found
    ]
    return RelinkPlan(
        suggestions=tuple(suggestions),
        insert=tuple(insert),
        update=tuple(update),
        delete=tuple(delete),
        skipped_rejected=tuple(skipped_rejected),
    )


def span_text(text: str, spans: Sequence[Sequence[int]]) -> list[str]:
    """The stretches of `text` at `spans`, in order; empty when any span no longer fits the text
    (it was edited since it was analysed, so the offsets point nowhere reliable)."""
    stretches = []
    for span in spans:
        if len(span) != 2 or not 0 <= span[0] < span[1] <= len(text):
            return []
        stretches.append(text[span[0] : span[1]])
    return stretches
