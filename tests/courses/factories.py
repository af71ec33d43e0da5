"""Builders for cadastre pages. Pages live in a tree, so these wrap `add_child` and publish."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from core.places import Province
from courses.models import (
    Modality,
    OfferFormat,
    OfferPage,
    ProviderKind,
    Session,
)
from courses.services.providers import provider_create

_counter = itertools.count(1)


def make_provider(*, name: str | None = None, province=Province.HAINAUT, **fields):
    n = next(_counter)
    return provider_create(
        name=name or f"Centre de test {n}",
        kind=fields.pop("kind", ProviderKind.COMPETENCE_CENTRE),
        commune=fields.pop("commune", "Mons"),
        province=province,
        **fields,
    )


def make_offer(
    provider,
    *,
    title: str | None = None,
    sessions: list[dict] | None = None,
    publish: bool = True,
    **fields,
) -> OfferPage:
    n = next(_counter)
    today = timezone.localdate()
    defaults = {
        "title": title or f"Formation de test {n}",
        "slug": f"formation-test-{n}",
        "summary": "Une formation pour apprendre.",
        "format": OfferFormat.SHORT,
        "modality": Modality.ON_SITE,
        "languages": ["fr"],
        "price": 250,
    }
    defaults.update(fields)
    offer = OfferPage(live=publish, **defaults)
    if sessions is None:
        sessions = [
            {
                "start_date": today + datetime.timedelta(days=30),
                "end_date": today + datetime.timedelta(days=40),
                "registration_deadline": today + datetime.timedelta(days=20),
                "seats": 12,
            }
        ]
    offer.sessions = [Session(**session) for session in sessions]
    provider.add_child(instance=offer)
    revision = offer.save_revision()
    if publish:
        revision.publish()
    offer.refresh_from_db()
    return offer
