"""The demo cadastre loads, is idempotent, and produces complete, public offers."""

import io

import pytest
from django.utils import timezone

from courses.jsonld import offer_jsonld
from courses.models import OfferPage, OfferSkill, ProviderPage
from courses.prechecks import offer_precheck_issues
from demo import datafiles
from demo.loaders import cadastre
from demo.loaders.site import ensure_site
from tests.courses.test_jsonld import validate

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotently_with_complete_offers(client):
    home = ensure_site()
    out = io.StringIO()
    cadastre.load(home=home, stdout=out)
    expected = sum(len(p.offers) for p in datafiles.professions())
    assert f"created {expected}" in out.getvalue(), out.getvalue()
    assert ProviderPage.objects.count() == len(datafiles.providers())
    offers = OfferPage.objects.live().select_related("provider")
    assert offers.count() == expected and expected >= 100
    assert offers, "the check below needs something to check"
    assert all(offer.is_demo for offer in offers)
    assert {o.format for o in offers} == {"long", "short", "qualifying", "certifying", "workshop"}
    assert {o.modality for o in offers} == {"on-site", "distance", "hybrid", "alternance"}
    assert offers.filter(is_free=True).exists() and offers.filter(is_free=False).exists()
    technocite = ProviderPage.objects.get(slug="technocite")
    assert (technocite.commune, technocite.province) == ("Mons", "hainaut")

    # Every URI of the demo is in the fixture slice, so every offer has confirmed skills, and
    # every offer has a future session: nothing for the pre-checks to flag.
    today = timezone.localdate()
    for offer in offers:
        assert OfferSkill.objects.public().filter(offer=offer).exists(), offer
        assert any(s.start_date >= today for s in offer.sessions.all()), offer
        assert offer_precheck_issues(offer=offer) == [], offer
    sample = offers.first()
    assert validate(offer_jsonld(offer=sample)) == []
    assert client.get(sample.url).status_code == 200

    again = io.StringIO()
    cadastre.load(home=home, stdout=again)
    assert f"unchanged {expected}" in again.getvalue(), again.getvalue()
    assert OfferPage.objects.count() == expected
    assert ProviderPage.objects.count() == len(datafiles.providers())
