"""Background tasks (django-tasks) of the cadastre: skill suggestions are computed here, after the
offer's save or import is committed, never inside the request."""

from __future__ import annotations

import logging

from django_tasks import task

from courses.models import OfferPage
from courses.services.links import offer_suggest_skills

logger = logging.getLogger(__name__)


@task()
def suggest_offer_skills(*, offer_ids: list[int]) -> int:
    """Store the extractor's suggestions for each offer still there; returns how many were read.

    One offer whose text the extractor fails on does not cost the others of an import their
    suggestions: the failure is logged and the next offer is read.
    """
    done = 0
    for offer in OfferPage.objects.filter(pk__in=offer_ids).order_by("pk"):
        try:
            offer_suggest_skills(offer=offer)
        except Exception:
            logger.exception("Skill suggestion failed for offer %s", offer.pk)
        else:
            done += 1
    return done
