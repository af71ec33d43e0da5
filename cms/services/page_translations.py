"""Translations of the site's own pages (core/page_locales.py explains the two trees)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from wagtail.models import Locale, Page


@transaction.atomic
def page_translation_ensure(*, page: Page, language_code: str, fields: Mapping[str, str]) -> Page:
    """The translation of `page` into `language_code`, live.

    A missing translation is copied from `page` with Wagtail's `copy_for_translation` (same
    slug, same translation key; the parent must be translated already), given `fields` (title,
    intro…) and published. An existing translation is returned as editors left it: their
    edits win over the text given here. Raises `Locale.DoesNotExist` for a language that is
    not a content language."""
    locale = Locale.objects.get(language_code=language_code)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = page.specific.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation
