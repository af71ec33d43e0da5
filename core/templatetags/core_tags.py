from django import template
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from core.html import sanitise_html
from core.languages import path_in_language

register = template.Library()


@register.filter
def safe_richtext(value) -> str:
    """Wagtail's `|richtext` (internal links expanded), then the platform's sanitiser.

    `|richtext` trusts what is stored; rich text that can come from an import must not be
    trusted, even if it was stored before the importer sanitised it.
    """
    source = getattr(value, "source", value) or ""
    return mark_safe(sanitise_html(expand_db_html(str(source))))


@register.filter
def in_current_language(url: str) -> str:
    """A site path stored as the default language serves it, as the current language serves
    it (`core.languages.path_in_language`): search hits link to the English page on /en/."""
    return path_in_language(url) if url else url
