"""sitemap.xml: site pages (offers, providers, content), the job board, skills and occupations,
each in French (at the root) and English (under /en/), with hreflang alternates."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils.translation import get_language
from wagtail.models import Page

from core.page_locales import default_locale
from jobs.selectors import board_postings
from skills.models import Occupation, Skill


def _in_active_language(path: str) -> str:
    """A French-tree page's address under the active language's prefix (/en/ for English)."""
    if (get_language() or "fr").startswith("en") and not path.startswith("/en/"):
        return "/en" + path
    return path


class _Bilingual(Sitemap):
    i18n = True
    # The French pages are the default language's (no prefix): its code is LANGUAGE_CODE.
    languages = [settings.LANGUAGE_CODE, "en"]
    alternates = True
    x_default = True
    limit = 10_000


class PageSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        # The French tree only: an English translation shares its source's path under /en/
        # (core/page_locales.py), so it is the source's "en" alternate, not an entry of its own.
        pages = (
            Page.objects.live()
            .public()
            .filter(depth__gt=1, locale=default_locale())
            .specific()
            .order_by("path")
        )
        # Pages outside every site (Wagtail's initial welcome page) have no address.
        return [page for page in pages if page.get_url() is not None]

    def location(self, page):
        return _in_active_language(page.get_url())

    def lastmod(self, page):
        return page.last_published_at


class PostingSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        return board_postings().order_by("pk")

    def location(self, posting):
        return posting.get_absolute_url()

    def lastmod(self, posting):
        return posting.updated_at


class SkillSitemap(_Bilingual):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Skill.objects.current().order_by("pk").only("pk", "uri", "key")

    def location(self, skill):
        return skill.get_absolute_url()


class OccupationSitemap(_Bilingual):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Occupation.objects.current().order_by("pk").only("pk", "uri", "key")

    def location(self, occupation):
        return occupation.get_absolute_url()


SITEMAPS = {
    "pages": PageSitemap,
    "postings": PostingSitemap,
    "skills": SkillSitemap,
    "occupations": OccupationSitemap,
}
