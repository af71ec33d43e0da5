"""Keep `OfferPage.provider` in step with the page tree when an offer is moved.

Wagtail's move action saves a plain `Page`, so `OfferPage.save()` does not run.
"""

from wagtail.signals import post_page_move


def sync_offer_provider_after_move(sender, instance, parent_page_after, **kwargs):
    from courses.models import OfferPage

    OfferPage.objects.filter(pk=instance.pk).update(provider_id=parent_page_after.pk)
    # Keep the latest revision consistent too, so a later publish does not restore the old one.
    offer = OfferPage.objects.filter(pk=instance.pk).first()
    if offer is not None and offer.latest_revision_id:
        revision = offer.latest_revision
        revision.content["provider"] = parent_page_after.pk
        revision.save(update_fields=["content"])


def connect() -> None:
    from courses.models import OfferPage

    post_page_move.connect(
        sync_offer_provider_after_move, sender=OfferPage, dispatch_uid="courses_offer_move"
    )
