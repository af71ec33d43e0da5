"""Background tasks (django-tasks) of the cadastre: skill suggestions are computed here, after the
offer's save or import is committed, never inside the request."""

from __future__ import annotations

import logging

from django_tasks import task

from courses.models import CatalogueImport, OfferPage
from courses.services.links import offer_confirm_title_skills, offer_suggest_skills

logger = logging.getLogger(__name__)


@task()
def suggest_offer_skills(
    *, offer_ids: list[int], title_only: bool = False, confirm_from_score: float | None = None
) -> int:
    """Store the extractor's suggestions for each offer still there; returns how many were read.
    `title_only` reads the title alone; with `confirm_from_score`, suggestions scored at least
    that high are then confirmed (`offer_confirm_title_skills`, for title-only imports).

    One offer whose text the extractor fails on does not cost the others of an import their
    suggestions: the failure is logged and the next offer is read.
    """
    done = 0
    for offer in OfferPage.objects.filter(pk__in=offer_ids).order_by("pk"):
        try:
            offer_suggest_skills(offer=offer, text=offer.title if title_only else None)
            if confirm_from_score is not None:
                offer_confirm_title_skills(offer=offer, min_score=confirm_from_score)
        except Exception:
            logger.exception("Skill suggestion failed for offer %s", offer.pk)
        else:
            done += 1
    return done


@task()
def run_catalogue_import(*, run_id: int) -> str:
    """Run a regional catalogue import confirmed in the admin; returns its final status."""
    from courses.services.regional import catalogue_import_run

    run = CatalogueImport.objects.select_related("created_by").get(pk=run_id)
    catalogue_import_run(run=run)
    return run.status


@task()
def refresh_page_indexes(*, model: str, page_ids: list[int]) -> int:
    """Bring the search index and Wagtail's reference index up to date for pages written in
    bulk (`courses.services.page_bulk`), which send no `post_save`; returns how many pages
    were still there. `model` is "app_label.model_name" of the pages' specific model."""
    from django.apps import apps
    from wagtail.models import ReferenceIndex
    from wagtail.search.backends import get_search_backends

    page_model = apps.get_model(model)
    done = 0
    for chunk_start in range(0, len(page_ids), 500):
        chunk = page_ids[chunk_start : chunk_start + 500]
        pages = list(page_model.get_indexed_objects().filter(pk__in=chunk))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(page_model, pages)
        for page in pages:
            ReferenceIndex.create_or_update_for_object(page)
        done += len(pages)
    return done
