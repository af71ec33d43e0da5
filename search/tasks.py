"""Background tasks of search: index rows are rewritten after the change is committed."""

from __future__ import annotations

from django_tasks import task

from search.services import refresh_offer_documents, refresh_posting_documents


@task()
def refresh_offers(*, offer_ids: list[int]) -> int:
    """Rewrite (or remove) these offers' search rows; returns how many are indexed."""
    from search.engines import index_offers_everywhere

    report = refresh_offer_documents(offer_ids=offer_ids)
    index_offers_everywhere(offer_ids=offer_ids)
    return report.indexed


@task()
def refresh_postings(*, posting_ids: list[int]) -> int:
    from search.engines import index_postings_everywhere

    report = refresh_posting_documents(posting_ids=posting_ids)
    index_postings_everywhere(posting_ids=posting_ids)
    return report.indexed
