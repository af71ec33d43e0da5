"""Defect #9.1: rich text from an offer import must never carry script into a page."""

import re

import pytest
from django.utils import translation

from courses.importing import read_offer_file
from courses.models import OfferPage
from courses.services.importing import offer_import
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>Bonjour</p><script>alert("csv")</script>'
    '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">lien</a>'
    '<p onclick="alert(3)">Montage</p><iframe src="https://evil.example"></iframe>'
)
CSV = (
    "external_id;title;summary;description;format;modality;is_free\n"
    f'XSS-1;Montage vidéo;Résumé;"{HOSTILE.replace(chr(34), chr(34) * 2)}";short;on-site;yes\n'
).encode()
LHEO = f"""<?xml version="1.0" encoding="UTF-8"?>
<lheo><offres><formation numero="XSS-2">
  <intitule-formation>Sound design</intitule-formation>
  <objectif-formation>Créer un univers sonore.</objectif-formation>
  <contenu-formation><![CDATA[{HOSTILE}]]></contenu-formation>
  <action numero="A"><modalites-enseignement>0</modalites-enseignement></action>
</formation></offres></lheo>""".encode()


def description_section(page_html: str) -> str:
    found = re.search(r'<section class="card description">(.*?)</section>', page_html, re.S)
    assert found, "the description is shown"
    return found.group(1)


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "<iframe", "alert(1)"):
        assert needle not in lowered, (needle, html)


@pytest.fixture
def provider(provider_index):
    return make_provider(name="Technifutur")


@pytest.mark.parametrize(("content", "filename"), [(CSV, "offers.csv"), (LHEO, "offers.xml")])
def test_imported_description_is_sanitised_when_stored(provider, content, filename):
    with translation.override("en"):
        report = offer_import(
            provider=provider,
            records=read_offer_file(content=content, filename=filename),
            dry_run=False,
            publish=True,
        )
    assert report.counts["created"] == 1, report.as_text()
    offer = OfferPage.objects.get(provider=provider)
    assert_harmless(offer.description)
    assert "Montage" in offer.description  # the harmless text survives


def test_stored_hostile_description_is_sanitised_when_rendered(client, provider):
    """Rows imported before the fix still hold raw HTML: rendering must not trust them."""
    offer = make_offer(provider, title="Ancienne offre")
    OfferPage.objects.filter(pk=offer.pk).update(description=HOSTILE)
    response = client.get(offer.url)
    assert response.status_code == 200
    shown = description_section(response.content.decode())
    assert_harmless(shown)
    assert "Montage" in shown


def test_provider_description_is_sanitised_when_rendered(client, provider):
    type(provider).objects.filter(pk=provider.pk).update(description=HOSTILE)
    provider.refresh_from_db()
    provider.save_revision().publish()
    response = client.get(provider.url)
    assert response.status_code == 200
    assert_harmless(description_section(response.content.decode()))
