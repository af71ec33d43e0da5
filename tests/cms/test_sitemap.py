"""sitemap.xml and robots.txt: every public kind of page, in both languages, nothing private."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import timezone

from jobs.models import JobPosting
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import JobPostingFactory

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def locations(client, url: str) -> tuple[list[str], list[tuple[str, str]]]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [node.text for node in root.iterfind(".//s:loc", NS)]
    alternates = [(n.get("hreflang"), n.get("href")) for n in root.iterfind(".//x:link", NS)]
    return locs, alternates


def test_sitemap_lists_offers_postings_and_concepts_in_both_languages(client, provider_index):
    offer = make_offer(make_provider(name="Centre Sitemap"), title="Formation indexée")
    draft = make_offer(make_provider(name="Centre Brouillon"), title="Pas publiée", publish=False)
    posting = JobPostingFactory(status=JobPosting.Status.PUBLISHED, posted_on=timezone.localdate())
    old = JobPostingFactory(
        status=JobPosting.Status.PUBLISHED,
        posted_on=timezone.localdate() - datetime.timedelta(days=3),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    sections, _ = locations(client, "/sitemap.xml")
    assert sections, "the sitemap index lists its sections"
    urls, alternates = [], []
    for section in sections:
        locs, alts = locations(client, section.replace("http://testserver", ""))
        urls += locs
        alternates += alts
    paths = {url.replace("http://testserver", "") for url in urls}
    assert offer.url in paths and "/en" + offer.url in paths
    assert draft.url not in paths
    assert posting.get_absolute_url() in paths and "/en" + posting.get_absolute_url() in paths
    assert old.get_absolute_url() not in paths
    skill = Skill.objects.current().first()
    assert skill.get_absolute_url() in paths
    assert ("en", "http://testserver/en" + offer.url) in alternates
    assert (settings.LANGUAGE_CODE, "http://testserver" + offer.url) in alternates
    assert not any("/fr/" in url for url in urls)


def test_robots_txt_points_to_the_sitemap_and_keeps_work_areas_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /employeurs/" in text
