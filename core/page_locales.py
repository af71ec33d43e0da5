"""How the site's pages live in two languages (README, "Translating the site").

Wagtail's own localisation (`WAGTAIL_I18N_ENABLED`): the site's content pages (home, indexes,
about, method…) form a French tree, the default locale, and an English copy of that tree made
with `copy_for_translation`, where editors write the English text. The cadastre (providers and
their offers) exists once, in the French tree: an offer is written in the language its provider
chose, and is served under both prefixes with the interface in the visitor's language.

Two rules keep the URL scheme (French at the root, English under `/en/`, the same path after the
prefix, so that the language switch and hreflang only swap the prefix):

- a translated page keeps its source's slug (`TranslatedTreePage.clean`);
- a page of the English tree that lacks a child routes on through its French source, which is
  how `/en/organismes/<provider>/<offer>/` reaches the French-tree offer (`route`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from core.pagecache import mark_shared


def default_locale() -> Locale:
    """The French locale: the cadastre's, and the source of every translation."""
    return Locale.get_default()


def _url_language(content_language: str) -> str:
    """The language to reverse an address in: LANGUAGE_CODE ("fr-be", no prefix) for the
    default content language. Wagtail would reverse French pages as "fr", which i18n_patterns
    prefixes (/fr/…) because only LANGUAGE_CODE itself goes unprefixed."""
    if content_language == get_supported_content_language_variant(settings.LANGUAGE_CODE):
        return settings.LANGUAGE_CODE
    return content_language


class _SitePage(Page):
    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        # What an anonymous visitor sees is the same for all: shared (core.pagecache).
        response = super().serve(request, *args, **kwargs)
        mark_shared(request, response)
        return response

    def url_content_language(self, page_language: str) -> str:
        """The content language whose prefix the page's address carries."""
        return page_language

    def get_url_parts(self, request=None):
        # Wagtail's own, but reversed in `_url_language` (see there); one site only.
        possible_sites = self._get_relevant_site_root_paths(request)
        if not possible_sites:
            return None
        site_id, root_path, root_url, page_language = possible_sites[0]
        language = _url_language(self.url_content_language(page_language))
        try:
            with translation.override(language):
                page_path = reverse("wagtail_serve", args=(self.url_path[len(root_path) :],))
        except NoReverseMatch:
            return (site_id, None, None)
        return (site_id, root_url, page_path)


class TranslatedTreePage(_SitePage):
    """A page of the site's own content, translated into every content language."""

    class Meta:
        abstract = True

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            source = self._default_locale_source()
            if not path_components or source is None:
                raise
            # A child that exists only in the French tree (a provider, an offer).
            return source.route(request, path_components)

    def _default_locale_source(self) -> Page | None:
        locale = default_locale()
        if self.locale_id == locale.id:
            return None
        return self.get_translation_or_none(locale)

    def clean(self):
        super().clean()
        source = self._default_locale_source()
        if source is not None and source.depth > 2 and self.slug != source.slug:
            raise ValidationError(
                {
                    "slug": _(
                        "A translation keeps the slug of the French page (“%(slug)s”): only the "
                        "language prefix tells the two addresses apart."
                    )
                    % {"slug": source.slug}
                }
            )


class DefaultLocalePage(_SitePage):
    """A page that exists once, in the French tree, and is served in every language: its
    address follows the active language (`/en/…` while the site speaks English)."""

    class Meta:
        abstract = True

    @classmethod
    def can_create_at(cls, parent) -> bool:
        return super().can_create_at(parent) and parent.locale_id == default_locale().id

    def url_content_language(self, page_language: str) -> str:
        try:
            active = translation.get_language() or settings.LANGUAGE_CODE
            return get_supported_content_language_variant(active)
        except LookupError:
            return page_language
