"""Open Graph and Twitter card tags on the pages people share: offers, postings, skills and
occupations, in both languages, with the provider's logo as the offer's image."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from jobs.models import JobPosting
from skills.models import Occupation, Skill
from tests.courses.conftest import home, provider_index  # noqa: F401  (fixtures)
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import JobPostingFactory

pytestmark = pytest.mark.django_db
JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"
REQUIRED = ("og:type", "og:title", "og:description", "og:url", "og:locale", "twitter:card")


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name") or ""
        if tag == "meta" and key.startswith(("og:", "twitter:")):
            self.tags.setdefault(key, []).append(attrs.get("content", ""))


def meta(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = MetaTags()
    parser.feed(response.content.decode())
    assert all(
        len(values) == 1 for key, values in parser.tags.items() if key != "og:locale:alternate"
    )
    return {key: values[0] for key, values in parser.tags.items()}


@pytest.fixture
def pages(provider_index):  # noqa: F811
    provider = make_provider(name="Centre Logo", province="namur")
    provider.logo = Image.objects.create(title="Logo", file=get_test_image_file())
    provider.save()
    offer = make_offer(provider, title="Soudure <TIG> & MIG", summary="Apprendre à souder l'acier.")
    posting = JobPostingFactory(
        title="Soudeur",
        status=JobPosting.Status.PUBLISHED,
        posted_on=timezone.localdate(),
        description_text="Vous soudez des structures.",
    )
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "offer": offer.url,
            "posting": posting.get_absolute_url(),
            "skill": reverse("concepts:skill_detail", args=[JAVASCRIPT_KEY]),
            "occupation": reverse("concepts:occupation_detail", args=[WEB_DEVELOPER_KEY]),
        }


def test_every_shared_page_has_its_card(client, pages):
    for kind, url in pages.items():
        tags = meta(client, url + "?utm_source=test")
        assert set(REQUIRED) <= set(tags), (kind, set(REQUIRED) - set(tags))
        assert tags["og:url"] == "http://testserver" + url, kind  # canonical: no query
        assert tags["og:locale"] == "fr_BE" and tags["og:locale:alternate"] == "en_GB"
        assert tags["og:title"] and tags["og:description"], kind


def test_titles_and_descriptions_are_the_pages_own(client, pages):
    offer = meta(client, pages["offer"])
    assert offer["og:title"] == "Soudure <TIG> & MIG"  # escaped in HTML, intact when read
    assert offer["og:description"] == "Apprendre à souder l'acier."
    assert offer["og:image"].startswith("http://testserver/") and offer["twitter:card"] == (
        "summary_large_image"
    )
    assert offer["twitter:image"] == offer["og:image"]

    posting = meta(client, pages["posting"])
    assert posting["og:title"].startswith("Soudeur · ")
    assert posting["og:description"] == "Vous soudez des structures."
    assert posting["twitter:card"] == "summary" and "og:image" not in posting

    skill = Skill.objects.get(key=JAVASCRIPT_KEY)
    assert meta(client, pages["skill"])["og:title"] == skill.preferred_label_fr
    occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
    assert meta(client, pages["occupation"])["og:title"] == occupation.preferred_label_fr


def test_english_pages_say_so(client, pages):
    tags = meta(client, "/en" + pages["skill"])
    assert tags["og:locale"] == "en_GB" and tags["og:locale:alternate"] == "fr_BE"
    assert tags["og:title"] == Skill.objects.get(key=JAVASCRIPT_KEY).preferred_label_en
    assert tags["og:url"] == "http://testserver/en" + pages["skill"]
