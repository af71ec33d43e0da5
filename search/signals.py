"""Keep the search rows in step with the cadastre and the postings, after commit.

Publishing, unpublishing, deleting or moving an offer, confirming or removing one of its
links, and publishing a provider (its name and place are in its offers' rows) each queue a
refresh of the offers concerned (`search.services.queue_offer_refresh`), run as a task once
the transaction commits. Postings saved one by one (the employer portal, moderation) do the
same; bulk ingestion bypasses signals, so `rebuild_search_index` runs after it.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def _offer_changed(sender, instance, **kwargs):
    from search.services import queue_offer_refresh

    queue_offer_refresh(offer_ids=[instance.pk])


def _link_changed(sender, instance, **kwargs):
    from search.services import queue_offer_refresh

    queue_offer_refresh(offer_ids=[instance.offer_id])


def _provider_changed(sender, instance, **kwargs):
    from courses.models import OfferPage
    from search.services import queue_offer_refresh

    queue_offer_refresh(
        offer_ids=OfferPage.objects.filter(provider_id=instance.pk).values_list("pk", flat=True)
    )


def _moved(sender, instance, **kwargs):
    from courses.models import OfferPage, ProviderPage

    specific_class = instance.specific_class
    if specific_class is OfferPage:
        _offer_changed(sender, instance)
    elif specific_class is ProviderPage:
        _provider_changed(sender, instance)


def _posting_changed(sender, instance, **kwargs):
    from search.services import queue_posting_refresh

    queue_posting_refresh(posting_ids=[instance.pk])


def _posting_link_changed(sender, instance, **kwargs):
    from search.services import queue_posting_refresh

    queue_posting_refresh(posting_ids=[instance.posting_id])


def connect() -> None:
    from courses.models import OfferOccupation, OfferPage, OfferSkill, ProviderPage
    from jobs.models import JobPosting, PostingOccupation, PostingSkill

    page_signals = {"published": page_published, "unpublished": page_unpublished}
    for name, signal in {**page_signals, "deleted": post_delete}.items():
        signal.connect(_offer_changed, sender=OfferPage, dispatch_uid=f"search_offer_{name}")
        signal.connect(
            _provider_changed, sender=ProviderPage, dispatch_uid=f"search_provider_{name}"
        )
    post_page_move.connect(_moved, dispatch_uid="search_page_move")
    row_signals = {"saved": post_save, "deleted": post_delete}
    for name, signal in row_signals.items():
        signal.connect(_posting_changed, sender=JobPosting, dispatch_uid=f"search_posting_{name}")
        for model in (OfferSkill, OfferOccupation):
            uid = f"search_{model.__name__}_{name}"
            signal.connect(_link_changed, sender=model, dispatch_uid=uid)
        for model in (PostingSkill, PostingOccupation):
            uid = f"search_{model.__name__}_{name}"
            signal.connect(_posting_link_changed, sender=model, dispatch_uid=uid)
